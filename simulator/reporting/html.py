"""The report page: one self-contained HTML file that people can open, read and pass on.

The page needs nothing but itself: no script, no style sheet, font or image from elsewhere (a
Content-Security-Policy forbids every fetch and every script), figures inline as SVG. It opens
from a USB stick on a machine without network. It holds the headline metrics with their intervals
and what each means in one sentence, the routes abuse takes where the scenario has them (by
requested State, by channel, the monitoring table: :mod:`simulator.reporting.routes`), the
figures (:mod:`simulator.reporting.charts`), the tables behind them (flipped outcomes with example
requests and the ``mlasim explain`` command that replays one; each property's verdict and
counterexample), the scenario file with its assumptions header, and the provenance block.

Every piece of text from a scenario or a result is escaped: a scenario named
``<script>alert(1)</script>`` appears as those characters.
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from simulator.experiments.stats import INTERVAL_NAME, Estimate
from simulator.reporting import routes
from simulator.reporting.charts import FLIP_WORDS, charts, flip_rows
from simulator.reporting.comparison import format_difference
from simulator.reporting.figures import Chart
from simulator.reporting.run import format_estimate
from simulator.world.tally import HEADLINE_METRICS

#: One sentence per headline metric: what the number means.
MEANINGS = {
    "abuse_pass_through": "Of the abusive requests the requested State decided, the share it granted: "
    "data handed over for persecution.",
    "abusive_cases_reached": "Of the abusive cases (an abuser's objective: the first request and every "
    "request that follows it), the share whose data were handed over anywhere, through any channel.",
    "abusive_pending_share": "Abusive requests still undecided when the run stopped, "
    "as a share of those submitted.",
    "abusive_withdrawn_share": "Abusive requests the requester gave up "
    "(no answer to a query or a consultation).",
    "legitimate_refusal_rate": "Of the legitimate requests decided, the share refused: the cost of the "
    "safeguards to ordinary criminal justice.",
    "legitimate_days_median": "Half of the legitimate requests decided waited at most this many days "
    "from submission to decision.",
    "legitimate_days_p90": "One legitimate request in ten decided waited longer than this.",
    "backlog_at_end": "Requests still in the pipeline when the run stopped: whether the staff keep up.",
    "abusive_submitted": "Abusive requests sent in one replication (mean).",
    "abusive_granted": "Abusive requests granted in one replication (mean).",
    "abusive_refused": "Abusive requests refused in one replication (mean).",
    "legitimate_submitted": "Legitimate requests sent in one replication (mean).",
    "legitimate_granted": "Legitimate requests granted in one replication (mean).",
    "legitimate_refused": "Legitimate requests refused in one replication (mean).",
    "legitimate_withdrawn": "Legitimate requests withdrawn by the requester in one replication (mean).",
}
HEADLINE = {m.name: m for m in HEADLINE_METRICS}
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"
STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; color: #1a202c; max-width: 62rem; margin: 2rem auto;
       padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #e2e8f0; }
.sub { color: #4a5568; margin-top: 0; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .9rem; }
th, td { border-bottom: 1px solid #e2e8f0; padding: .25rem .6rem; text-align: left; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
figure { margin: 1.4rem 0; } figure svg { max-width: 100%; height: auto; }
figcaption { font-size: .9rem; color: #2d3748; } figcaption b { display: block; font-size: 1rem; }
pre { background: #f7fafc; padding: .6rem; overflow-x: auto; font-size: .8rem; white-space: pre-wrap; }
code { font-size: .85rem; } .held { color: #276749; }
.violated, .inconclusive { color: #c53030; font-weight: bold; }
.warning { border-left: 4px solid #c53030; background: #fff5f5; padding: .4rem .8rem; margin: .6rem 0; }
"""


def _estimate(entry: dict[str, Any] | None) -> Estimate:
    entry = entry or {}

    def number(key: str) -> float:
        value = entry.get(key)
        return math.nan if value is None else float(value)

    return Estimate(number("mean"), number("ci_low"), number("ci_high"), int(entry.get("n") or 0))


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool] = ()) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{cell}</td>' if i < len(numeric) and numeric[i] else f"<td>{cell}</td>"
            for i, cell in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def figure_html(chart: Chart) -> str:
    return (
        f'<figure id="figure-{escape(chart.name)}" data-marks="{chart.marks}">'
        f"<figcaption><b>{escape(chart.title)}</b>{escape(chart.caption)}</figcaption>"
        f"{chart.svg()}</figure>"
    )


def headline_run(document: dict[str, Any]) -> str:
    warned = " (!)" if document.get("warnings") else ""
    rows = [
        (escape(spec.label + (warned if name == "abuse_pass_through" else "")),
         escape(format_estimate(_estimate(entry), spec.kind)), str(entry.get("n", "")),
         escape(MEANINGS.get(name, "")))
        for name, entry in document["metrics"].items()
        if (spec := HEADLINE.get(name)) is not None
    ]  # fmt: skip
    table = _table(("metric", "mean [95% CI]", "n", "what it means"), rows, (False, True, True, False))
    return table + warnings_html(document.get("warnings") or [])


def warnings_html(warnings: Sequence[str]) -> str:
    """The result's warnings (too many undecided, a saturated pipeline), beside the headline."""
    if not warnings:
        return ""
    items = "".join(f"<li>{escape(w)}</li>" for w in warnings)
    return (
        f'<div id="warnings" class="warning"><b>(!) Read these figures with care:</b><ul>{items}</ul></div>'
    )


def headline_comparison(document: dict[str, Any]) -> str:
    configurations = document["configurations"]
    names = list(configurations[0]["metrics"])
    rows = []
    for name in names:
        spec = HEADLINE.get(name)
        if spec is None:
            continue
        cells = [
            escape(format_estimate(_estimate(c["metrics"].get(name)), spec.kind)) for c in configurations
        ]
        rows.append((escape(spec.label), *cells, escape(MEANINGS.get(name, ""))))
    header = ("metric", *(c["label"] for c in configurations), "what it means")
    parts = [_table(header, rows, (False, *([True] * len(configurations)), False))]
    for c in configurations[1:]:
        diff_rows = [
            (
                escape(HEADLINE[name].label),
                escape(format_difference(_estimate(entry), HEADLINE[name].kind)),
                "yes" if entry.get("excludes_zero") else "no",
            )
            for name, entry in c["difference"].items()
            if name in HEADLINE
        ]
        parts.append(
            f"<h3>{escape(c['label'])} minus {escape(document['baseline'])} (paired by replication)</h3>"
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
    if rows:
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
                cells.append(format_difference(_estimate(entry), metric.kind) if entry else "n/a")
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
        escape(format_estimate(_estimate(estimate), "count")),
        escape(", ".join(str(i) for i in example.get("requests", [])) or "none"),
        f"<code>{escape(example['explain'])}</code>" if example else "",
    )


def flip_tables(document: dict[str, Any]) -> str:
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
            f"<h3>Flipped outcomes: {escape(c['label'])} against {escape(document['baseline'])}</h3>"
            f"<p>Mean per replication with 95% intervals; example requests are ids in replication "
            f"{replication}; the command replays the first one's decisions.</p>"
        )
        parts.append(
            _table(("requests", "mean [95% CI]", "examples", "replay"), rows, (False, True, False, False))
        )
    return "".join(parts)


def check_section(document: dict[str, Any]) -> str:
    rows, details = [], []
    for p in document["properties"]:
        status = p["status"]
        estimate = p.get("estimate")
        detail = (
            f"share {format_estimate(_estimate(estimate), 'share')}"
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


def sweep_section(document: dict[str, Any]) -> str:
    shown = ("abuse_pass_through", "legitimate_refusal_rate", "legitimate_days_median")
    rows = [
        (
            escape(c["label"]),
            *(escape(format_estimate(_estimate(c["metrics"][m]), HEADLINE[m].kind)) for m in shown),
        )
        for c in document["configurations"]
    ]
    header = ("configuration", *(HEADLINE[m].label for m in shown))
    meanings = "".join(f"<li><b>{escape(HEADLINE[m].label)}</b>: {escape(MEANINGS[m])}</li>" for m in shown)
    return f"<h2>Configurations</h2>{_table(header, rows, (False, True, True, True))}<ul>{meanings}</ul>"


def assumptions(text: str) -> str:
    """The comment block at the top of a scenario file: what it represents and what rests on what."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:].removeprefix(" "))
    return "\n".join(lines).strip("\n")


def provenance_of(kind: str, document: dict[str, Any]) -> dict[str, Any]:
    if kind == "sweep":
        manifest = document["sweep"]
        block = dict(manifest.get("provenance") or {})
        for key in ("scenario", "scenario_file", "scenario_sha256", "seed", "replications", "version"):
            block.setdefault(key, manifest.get(key))
        if not block.get("scenario_text"):
            path = Path(str(manifest.get("scenario_file", "")))
            if path.is_file():
                block["scenario_text"] = path.read_text("utf-8")
        return block
    return dict(document.get("provenance") or {})


def scenario_section(block: dict[str, Any]) -> str:
    text = block.get("scenario_text")
    if not text:
        return "<h2>Scenario</h2><p>The scenario's text was not recorded with this result.</p>"
    header = assumptions(text)
    parts = ["<h2>Scenario</h2>"]
    if header:
        parts.append(f"<h3>Assumptions</h3><pre>{escape(header)}</pre>")
    name = block.get("scenario_file") or "scenario file"
    parts.append(
        f"<details><summary>The scenario file ({escape(str(name))})</summary>"
        f"<pre>{escape(text)}</pre></details>"
    )
    return "".join(parts)


def provenance_section(block: dict[str, Any]) -> str:
    rows = []
    for key, value in block.items():
        if key == "scenario_text":
            continue
        if key == "command" and isinstance(value, list):
            value = shlex.join(value)
        elif key == "configurations" and isinstance(value, list):
            value = "; ".join(f"{c.get('label')}: {c.get('scenario_sha256')}" for c in value)
        rows.append((f"<code>{escape(key)}</code>", escape("" if value is None else str(value))))
    return f'<h2>Provenance</h2><div id="provenance">{_table(("field", "value"), rows)}</div>'


def _heading(kind: str, document: dict[str, Any]) -> tuple[str, str]:
    if kind == "run":
        return document["scenario"], (
            f"{document['replications']} replications, seed {document['seed']}; "
            f"mlasim {document.get('version')}"
        )
    if kind == "comparison":
        labels = ", ".join(c["label"] for c in document["configurations"])
        return f"Comparison: {labels}", (
            f"{len(document['configurations'])} configurations on the same requests, "
            f"{document['replications']} replications, seed {document['seed']}; "
            f"baseline {document['baseline']}"
        )
    if kind == "check":
        return f"Properties of {document['scenario']}", (
            f"searched with hypothesis, up to {document['max_examples']} matching requests per property, "
            f"requesting State and measure; seed {document['seed']}"
        )
    manifest = document["sweep"]
    return f"Sweep of {manifest['scenario']}", (
        f"{len(document['configurations'])} configurations x {manifest['replications']} replications, "
        f"seed {manifest['seed']}"
    )


def page(kind: str, document: dict[str, Any], figures: Sequence[Chart] | None = None) -> str:
    """The whole report page for a result document (its figures drawn unless given)."""
    figures = charts(kind, document) if figures is None else figures
    title, subtitle = _heading(kind, document)
    body = [f"<h1>{escape(title)}</h1>", f'<p class="sub">{escape(subtitle)}</p>']
    if kind in ("run", "comparison"):
        body += [f"<h2>Headline</h2><p>[low, high] = {escape(INTERVAL_NAME)}.</p>"]
        body.append(headline_run(document) if kind == "run" else headline_comparison(document))
        body.append(routes_run(document) if kind == "run" else routes_comparison(document))
    elif kind == "check":
        body.append(check_section(document))
    else:
        body.append(sweep_section(document))
    if figures:
        body.append('<h2>Figures</h2><div id="figures">')
        body += [figure_html(chart) for chart in figures]
        body.append("</div>")
    if kind == "comparison":
        body.append(flip_tables(document))
    block = provenance_of(kind, document)
    body += [scenario_section(block), provenance_section(block)]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} - mlasim report</title><style>{STYLE}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )
