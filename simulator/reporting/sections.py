"""The sections of a report page, one function per kind of result: headline, routes, flips, verdicts.

Each takes a result document (:mod:`simulator.reporting.documents`) and returns HTML in which every
piece of text from a scenario or a result is escaped and isolated (:func:`simulator.reporting.html.
text`); a section with nothing to show is left out, or said in one line.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from simulator.experiments.stats import Estimate
from simulator.reporting import briefing, routes, settings
from simulator.reporting.charts import FLIP_WORDS, cite, flip_rows
from simulator.reporting.comparison import format_difference
from simulator.reporting.html import table as _table
from simulator.reporting.html import text
from simulator.reporting.run import format_estimate, format_value
from simulator.world.metrics import catalogue, headline, requests

HEADLINE = {m.name: m for m in (*headline(), *requests())}


def opening(kind: str, document: dict[str, Any]) -> list[str]:
    """The page's first words: the headline in one or two sentences (:mod:`simulator.reporting.briefing`)."""
    if kind == "run":
        sentences = briefing.run_sentences(document)
    elif kind == "comparison":
        sentences = briefing.comparison_sentences(document)
    elif kind == "sweep":
        sentences = briefing.sweep_sentences(document, sweep_names(document))
    else:
        return []
    return [f'<p class="lead">{text(" ".join(sentences))}</p>']


def run_sections(document: dict[str, Any]) -> list[str]:
    """A run's headline (with the counts beside each share; over the assumptions, when the run drew
    over them), requests, refusals, States, routes."""
    from simulator.reporting import uncertainty

    return [
        headline_run(document),
        uncertainty.html_section(document),
        requests_run(document),
        refusals_run(document),
        states_run(document),
        routes_run(document),
    ]


def comparison_sections(document: dict[str, Any]) -> list[str]:
    """The report's sections of a comparison: the headline, then the routes."""
    return [headline_comparison(document), routes_comparison(document)]


def headline_run(document: dict[str, Any]) -> str:
    """The headline metrics of a run as an HTML table, with their spread where the run drew over the
    ranges."""
    from simulator.reporting.uncertainty import spread_cell

    warned = " (!)" if document.get("warnings") else ""
    counts = {**(document.get("counts") or {}), **document["metrics"]}
    spread = bool((document.get("uncertainty") or {}).get("metrics"))
    rows = [
        (text(spec.label + (warned if name == "abuse_pass_through" else "")),
         escape(format_estimate(Estimate.read(entry), spec.kind)), str(entry.get("n", "")),
         *([escape(spread_cell(document, name))] if spread else []),
         f'<span class="count">{escape(briefing.share_counts(name, counts))}</span>',
         escape(catalogue().meaning(name)))
        for name, entry in document["metrics"].items()
        if (spec := HEADLINE.get(name)) is not None and spec.section == "headline"
    ]  # fmt: skip
    over = ("over the assumptions",) if spread else ()
    header = ("metric", "mean [95% CI]", "n", *over, "counts (mean a replication)", "what it means")
    numeric = (False, True, True, *((True,) if spread else ()), False, False)
    return _table(header, rows, numeric) + warnings_html(document.get("warnings") or [])


def requests_run(document: dict[str, Any]) -> str:
    """The requests of a run by how they ended, as an HTML table (empty if none)."""
    rows = [
        (text(spec.label), escape(format_estimate(Estimate.read(entry), spec.kind)))
        for name, entry in document["metrics"].items()
        if (spec := HEADLINE.get(name)) is not None and spec.section == "requests"
    ]
    if not rows:
        return ""
    return "<h2>Requests</h2><p>Mean per replication.</p>" + _table(
        ("requests", "mean [95% CI]"), rows, (False, True)
    )


def refusals_run(document: dict[str, Any]) -> str:
    """Refusals by provision: the citation (with its confidence mark), title, abusive and legitimate."""
    rows = []
    for pid, entry in (document.get("refusals") or {}).items():
        cells = [Estimate.read(entry.get(truth)) for truth in ("abusive", "legitimate")]
        if not any(c.mean for c in cells):
            continue
        rows.append((text(cite(pid, entry)), text(entry.get("title", "")),
                     *(escape(format_estimate(c, "count")) for c in cells)))  # fmt: skip
    if not rows:
        return "<h2>Refusals by provision</h2><p>No request was refused.</p>"
    header = ("provision", "title", "abusive", "legitimate")
    return (
        "<h2>Refusals by provision</h2><p>Mean refusals per replication citing each provision.</p>"
        + _table(header, rows, (False, False, True, True))
    )


def states_run(document: dict[str, Any]) -> str:
    """By requesting State: requests, abusive requests and grants beside the shares they make."""
    states = document.get("requesting_states") or {}
    if not states:
        return ""
    rows = []
    for state, metrics in states.items():
        rows.append(
            (
                text(state),
                *(
                    _mean_count(metrics, name)
                    for name in ("submitted", "abusive_submitted", "abusive_granted")
                ),
                escape(format_estimate(Estimate.read(metrics.get("abuse_pass_through")), "share")),
                escape(format_estimate(Estimate.read(metrics.get("legitimate_refusal_rate")), "share")),
                escape(format_estimate(Estimate.read(metrics.get("legitimate_days_mean")), "days")),
            )
        )
    header = (
        "requesting State",
        "requests",
        "abusive",
        "abusive granted",
        "abuse pass-through",
        "legitimate refused",
        "legitimate days (mean)",
    )
    return (
        "<h2>By requesting State</h2><p>Means per replication: the counts beside the shares they make "
        "(a pass-through rests on that State's abusive requests decided).</p>"
        + _table(header, rows, (False, True, True, True, True, True, True))
    )


STATE_COUNTS = ("submitted", "abusive_submitted", "abusive_granted")


def _mean_count(metrics: dict[str, Any], name: str) -> str:
    return escape(format_value(Estimate.read(metrics.get(name)).mean, "count"))


def warnings_html(warnings: Sequence[str]) -> str:
    """The result's warnings (too many undecided, a saturated pipeline), beside the headline."""
    if not warnings:
        return ""
    items = "".join(f"<li>{escape(w)}</li>" for w in warnings)
    return (
        f'<div id="warnings" class="warning"><b>(!) Read these figures with care:</b><ul>{items}</ul></div>'
    )


def headline_comparison(document: dict[str, Any]) -> str:
    """The headline metrics of each configuration side by side, as an HTML table."""
    configurations = document["configurations"]
    rows = []
    for name in configurations[0]["metrics"]:
        spec = HEADLINE.get(name)
        if spec is None:
            continue
        cells = [
            escape(format_estimate(Estimate.read(c["metrics"].get(name)), spec.kind)) for c in configurations
        ]
        rows.append((escape(spec.label), *cells, escape(catalogue().meaning(name))))
    header = ("metric", *(c["label"] for c in configurations), "what it means")
    parts = [_table(header, rows, (False, *([True] * len(configurations)), False))]
    for c in configurations[1:]:
        diff_rows = [
            (
                escape(HEADLINE[name].label),
                escape(format_difference(Estimate.read(entry), HEADLINE[name].kind)),
                "yes" if entry.get("excludes_zero") else "no",
            )
            for name, entry in c["difference"].items()
            if name in HEADLINE
        ]
        parts.append(
            f"<h3>{text(c['label'])} minus {text(document['baseline'])} (paired by replication)</h3>"
        )
        parts.append(_table(("metric", "difference [95% CI]", "excludes 0"), diff_rows, (False, True, True)))
    return "".join(parts)


def _escaped(rows) -> list[tuple[str, ...]]:
    return [tuple(escape(str(cell)) for cell in row) for row in rows]


def routes_run(document: dict[str, Any]) -> str:
    """The routes abuse takes, for one run: by requested State, by channel, monitoring, floods."""
    flat = routes.flat_estimates(document)
    parts = []
    rows = routes.requested_rows(flat)
    if rows:
        parts.append('<h3 id="requested-states">By requested State</h3>')
        parts.append(_table(routes.REQUESTED_HEADER, _escaped(rows), (False, True, True, True, True)))
    rows = routes.channel_rows(flat)
    if rows:
        parts.append('<h3 id="channels">By channel</h3>')
        parts.append(_table(routes.CHANNEL_HEADER, _escaped(rows), (False, True, True, True)))
        extras = routes.channel_extra_rows(flat)
        if extras:
            parts.append(_table(("", "mean [95% CI]"), _escaped(extras), (False, True)))
    rows = routes.monitoring_rows(flat, document.get("monitoring_rules"))
    if rows:
        parts.append(
            '<h3 id="monitoring">Monitoring</h3><p>Flagged in k of n replications; the days to the flag '
            "are a mean over the replications that flagged the requester (n says how many).</p>"
        )
        parts.append(
            _table(routes.MONITORING_HEADER, _escaped(rows), (False, False, True, True, True, True, True))
        )
    parts += _flood_and_rushed(flat)
    return f"<h2>Routes</h2>{''.join(parts)}" if parts else ""


def _flood_and_rushed(flat: dict[str, Estimate]) -> list[str]:
    parts = []
    if "flood_submitted" in flat:
        flood = format_estimate(flat["flood_submitted"], "count")
        parts.append(f"<p>Flood requests submitted (mean per replication): {escape(flood)}</p>")
    rows = routes.rushed_rows(flat)
    if rows and all(flat[f"stage.{s}.rushed_share"].mean == 0 for s in routes.rushed_stages(flat)):
        parts.append("<p>Rushed reviews: none (no review started below full thoroughness).</p>")
    elif rows:
        parts.append("<h3>Rushed reviews</h3>")
        parts.append(_table(("stage", "share of reviews rushed"), _escaped(rows), (False, True)))
    return parts


def routes_comparison(document: dict[str, Any]) -> str:
    """The route metrics of each configuration, with each alternative's paired difference."""
    configurations = document["configurations"]
    flats = [routes.flat_estimates(c) for c in configurations]
    names = list(dict.fromkeys(name for flat in flats for name in flat))
    parts = []
    for title, metrics in routes.compared_metrics(names):
        rows = []
        for metric in metrics:
            cells = [
                routes.flagged_text(flat.get(metric.name)) if metric.name.endswith(".flagged")
                else format_estimate(flat[metric.name], metric.kind) if metric.name in flat
                else "-"
                for flat in flats
            ]  # fmt: skip
            for c in configurations[1:]:
                entry = (c.get("route_differences") or {}).get(metric.name)
                cells.append(format_difference(Estimate.read(entry), metric.kind) if entry else "n/a")
            rows.append((metric.label, *cells))
        header = (
            "metric",
            *(c["label"] for c in configurations),
            *(f"{c['label']} minus {document['baseline']}" for c in configurations[1:]),
        )
        parts.append(f"<h3>{escape(title)}</h3>")
        parts.append(_table(header, _escaped(rows), (False, *([True] * (len(header) - 1)))))
    return f'<h2 id="routes">Routes</h2>{"".join(parts)}' if parts else ""


def _flip_row(label: str, estimate: dict[str, Any] | None, example: dict[str, Any] | None) -> tuple:
    example = example or {}
    return (
        escape(label).replace("  ", "&nbsp;&nbsp;"),
        escape(format_estimate(Estimate.read(estimate), "count")),
        escape(", ".join(str(i) for i in example.get("requests", [])) or "none"),
        f"<code>{escape(example['explain'])}</code>" if example else "",
    )


def flip_tables(document: dict[str, Any]) -> str:
    """For each alternative, the flipped requests by kind, with examples to explain, as HTML tables."""
    parts = []
    for c in document["configurations"][1:]:
        examples = c.get("flipped_examples", {})
        kinds = examples.get("kinds", {})
        rows = []
        for truth in ("abusive", "legitimate"):
            for direction, (words, _) in FLIP_WORDS.items():
                key = f"{truth}.{direction}"
                rows.append(_flip_row(f"{truth}: {words}", c.get("flipped", {}).get(key), kinds.get(key)))
        rows += [_flip_row(f"    {label}", est, kinds.get(key)) for key, label, est in flip_rows(c)]
        replication = examples.get("replication", 0)
        parts.append(
            f"<h3>Flipped outcomes: {text(c['label'])} against {text(document['baseline'])}</h3>"
            f"<p>Mean per replication with 95% intervals; example requests are ids in replication "
            f"{replication}; the command replays the first one's decisions.</p>"
        )
        parts.append(
            _table(("requests", "mean [95% CI]", "examples", "replay"), rows, (False, True, False, False))
        )
    return "".join(parts)


def check_section(document: dict[str, Any]) -> str:
    """The verdict of each property of a check, with its counterexample or estimate, as HTML."""
    rows, details = [], []
    for p in document["properties"]:
        status = p["status"]
        estimate = p.get("estimate")
        detail = (
            f"share {format_estimate(Estimate.read(estimate), 'share')}"
            if estimate
            else f"{p['examples']} example(s)"
        )
        rows.append(
            (
                f'<span class="{escape(status)}">{escape(status.replace("_", " "))}</span>',
                escape(p["name"]),
                escape(p["scope"]),
                escape(detail),
                escape(p.get("description") or p.get("note") or ""),
            )
        )
        example = p.get("counterexample")
        if example:
            lines = [example.get("why") or "", *example.get("trace", [])]
            if example.get("stricter_trace"):
                lines += ["under the stricter configuration:", *example["stricter_trace"]]
            request = example.get("submission", {})
            truth = example.get("truth", {})
            summary = (
                f"from {example.get('requester')}: {request.get('measure')} for '{request.get('offence')}'; "
                f"hidden truth: {'abusive' if truth.get('abusive') else 'legitimate'}, "
                f"conduct '{truth.get('conduct')}', target {truth.get('target')}"
            )
            details.append(
                f"<h3>Smallest counterexample: {escape(p['name'])}</h3><p>{escape(summary)}</p>"
                f"<pre>{escape(chr(10).join(lines))}</pre>"
            )
    table = _table(("verdict", "property", "scope", "evidence", "says"), rows)
    return f"<h2>Properties</h2>{table}{''.join(details)}"


def sweep_names(document: dict[str, Any]) -> dict[int, str]:
    """Each configuration's name on the page: its number and the settings that vary."""
    configurations = document["configurations"]
    _, varied = settings.split([c["parameters"] for c in configurations])
    return {
        i: f"#{c.get('index', i) + 1}" + (f": {settings.label(c['parameters'], varied)}" if varied else "")
        for i, c in enumerate(configurations)
    }


#: The metrics of a sweep page's table.
SWEEP_SHOWN = ("abuse_pass_through", "legitimate_refusal_rate", "legitimate_days_median")


def sweep_section(document: dict[str, Any]) -> str:
    """The settings alike everywhere (once), the settings varied with their keys, then a row per
    configuration: its number, its values of the varied settings, the headline metrics."""
    configurations = document["configurations"]
    constant, varied = settings.split([c["parameters"] for c in configurations])
    short = settings.short_names(varied)
    parts = ["<h2>Configurations</h2>"]
    if constant:
        alike = ", ".join(f"{k}={settings.value_text(v)}" for k, v in constant.items())
        parts.append(f"<p>Same in every configuration: {text(alike)}.</p>")
    if varied:
        rows = [
            (text(short[k]), f"<code>{text(k)}</code>",
             text(", ".join(settings.value_text(v) for v in _values(configurations, k))))
            for k in varied
        ]  # fmt: skip
        parts.append("<p>Settings varied:</p>" + _table(("setting", "key", "values"), rows))
    rows = [
        (
            str(c.get("index", i) + 1),
            *(text(settings.cell(c["parameters"].get(k))) for k in varied),
            *(
                escape(format_estimate(Estimate.read(c["metrics"].get(m)), catalogue().kind(m)))
                for m in SWEEP_SHOWN
            ),
        )
        for i, c in enumerate(configurations)
    ]
    header = ("#", *(short[k] for k in varied), *(catalogue().short(m) for m in SWEEP_SHOWN))
    parts.append(_table(header, rows, (True, *([False] * len(varied)), True, True, True)))
    meanings = "".join(
        f"<li><b>{escape(catalogue().short(m))}</b>: {escape(catalogue().meaning(m))}</li>"
        for m in SWEEP_SHOWN
    )
    parts.append(f"<ul>{meanings}</ul>")
    return "".join(parts)


def _values(configurations: list[dict[str, Any]], key: str) -> list[Any]:
    return list({repr(c["parameters"].get(key)): c["parameters"].get(key) for c in configurations}.values())
