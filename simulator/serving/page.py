"""The what-if page's HTML: the controls, and the answer as it sharpens.

Everything a scenario file or an address brings (names, values, messages) is escaped here, on the
server; the page's script only swaps fragments in and reads the controls. The answer follows the
order a reader needs it: the headline differences (abuse pass-through, abusive cases reached,
legitimate requests refused, legitimate days), each with its paired interval and what it says in
words; then the breakdown by provision and requesting State; then the requests whose outcome
flipped, each linked to its trace under the what-if and under the scenario as loaded.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any
from urllib.parse import urlencode

from simulator import __version__
from simulator.domain import provisions
from simulator.domain.settings import Kind
from simulator.experiments.comparison import PRECISION_METRIC, Comparison, excludes_zero
from simulator.experiments.stats import INTERVAL_NAME, Estimate
from simulator.files.parameters import ASSUMPTION
from simulator.reporting.comparison import format_difference
from simulator.reporting.run import format_estimate
from simulator.serving.controls import Control
from simulator.serving.jobs import Job
from simulator.serving.whatif import Loaded, address
from simulator.world.metrics import metric

#: The headline the answer leads with (metric names of :mod:`simulator.world.metrics`).
HEADLINE = (
    "abuse_pass_through",
    "abusive_cases_reached",
    "legitimate_refusal_rate",
    "legitimate_days_median",
)
#: The headline metrics broken down by requesting State.
BY_STATE = ("abuse_pass_through", "legitimate_refusal_rate")
#: Flipped requests listed (the first, by replication and arrival).
FLIPS_SHOWN = 20


def page(loaded: Loaded, controls: Sequence[Control], extra: Mapping[str, Any], message: str) -> str:
    """The whole page: the scenario's controls (valued as in the what-if) and an empty answer."""
    base = loaded.base
    groups: dict[str, list[Control]] = {}
    for control in controls:
        groups.setdefault(control.group, []).append(control)
    fieldsets = "".join(_group(name, members) for name, members in groups.items())
    extras = "".join(
        f'<li data-extra-key="{escape(k)}" data-extra-value="{escape(v)}"><code>{escape(k)} = {escape(v)}'
        "</code></li>"
        for k, v in address(extra)
    )
    other = (
        f'<section id="extra"><h2>Also changed by the address</h2><ul>{extras}</ul></section>'
        if extras
        else ""
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>What if? {escape(base.name)} (mlasim)</title>
<link rel="stylesheet" href="/static/serve.css">
<script src="/static/serve.js" defer></script>
</head><body>
<header><h1>What if? <span id="scenario-name">{escape(base.name)}</span></h1>
<p>{escape(base.description)} <span class="file">{escape(loaded.source)}</span></p>
<p class="how">Change a safeguard: the what-if is compared with the scenario as loaded on the same
requests (common random numbers, seed {base.seed}), replication after replication, and the answer
sharpens as they finish. The address keeps the what-if: share it to show the same question.</p></header>
<main>
<form id="controls" autocomplete="off"><p><button type="button" id="reset">Back to the scenario as loaded
</button></p>{fieldsets}</form>
<section id="answer" aria-live="polite">
<p id="message" class="message" role="alert">{escape(message)}</p>
{other}
<p id="status">Change a control to ask a what-if.</p>
<div id="headline"></div>
<div id="breakdown"></div>
<div id="flips"></div>
<p id="downloads"><a id="download-scenario" download href="/scenario.toml">Download the what-if as a scenario
file</a> <span id="report-link"></span></p>
</section></main>
<footer>mlasim {escape(__version__)} · {escape(INTERVAL_NAME)}; differences paired by replication ·
citations marked † are not verified against the adopted text</footer>
</body></html>
"""


def _group(name: str, members: Sequence[Control]) -> str:
    sections: dict[str, list[Control]] = {}
    for control in members:
        sections.setdefault(control.section, []).append(control)
    parts = []
    for section, controls in sections.items():
        provision = (
            controls[0].provision if all(c.provision == controls[0].provision for c in controls) else ""
        )
        title = (
            f"<h3>{escape(section)} <span class='provision'>{escape(provision)}</span></h3>"
            if section
            else ""
        )
        parts.append(
            title + "".join(_control(c, show_provision=not (section and provision)) for c in controls)
        )
    return f"<fieldset><legend>{escape(name)}</legend>{''.join(parts)}</fieldset>"


def _control(control: Control, show_provision: bool) -> str:
    setting = control.setting
    key = escape(control.key)
    attributes = (
        f'data-key="{key}" data-kind="{setting.kind.value}" data-base="{escape(json.dumps(control.base))}"'
    )
    ident = "c-" + control.key.replace(".", "-")
    if setting.kind is Kind.FLAG:
        checked = " checked" if control.value else ""
        field = f'<input type="checkbox" id="{ident}" {attributes}{checked}>'
    elif setting.kind is Kind.CHOICE:
        options = "".join(
            f'<option value="{escape(w)}"{" selected" if w == control.value else ""}>{escape(w)}</option>'
            for w in setting.words()
        )
        field = f'<select id="{ident}" {attributes}>{options}</select>'
    elif setting.kind is Kind.NAMES:
        chosen = set(control.value)
        boxes = "".join(
            f'<label class="name"><input type="checkbox" value="{escape(n)}"'
            f"{' checked' if n in chosen else ''}> {escape(n)}</label>"
            for n in setting.names()
        )
        field = (
            f'<details id="{ident}" {attributes}><summary>{len(chosen)} of {len(setting.names())}'
            f"</summary>{boxes}</details>"
        )
    else:
        field = _number(control, ident, attributes)
    unit = f' <span class="unit">{escape(setting.unit)}</span>' if setting.unit else ""
    provision = (
        f' <span class="provision">{escape(control.provision)}</span>'
        if show_provision and control.provision
        else ""
    )
    changed = " changed" if control.changed else ""
    return (
        f'<div class="control{changed}"><label for="{ident}">{escape(control.name)}</label>{provision} '
        f"{field}{unit}<p class='meaning'>{escape(setting.meaning)}</p>{declared_range(control)}</div>"
    )


def declared_range(control: Control) -> str:
    """The range and source the scenario file declares for a control's number, in one line ("" if
    none); marked ``outside`` while the what-if's value lies outside that range."""
    held = control.parameter
    if held is None or not control.ranged:
        return ""
    parts, limits = [], ""
    if held.low is not None and held.high is not None:
        parts.append(f"the scenario's range: {held.range_text()}")
        limits = f' data-low="{held.low:g}" data-high="{held.high:g}"'
    if held.source == ASSUMPTION:
        parts.append("source: an assumption")
    else:
        described = f" ({control.source})" if control.source else ""
        parts.append(f"source: {held.source}{described}")
    outside = " outside" if control.outside() else ""
    return f'<p class="range{outside}"{limits}>{escape("; ".join(parts))}</p>'


def _number(control: Control, ident: str, attributes: str) -> str:
    setting = control.setting
    low, high = control.bounds()
    integer = setting.kind is Kind.INTEGER
    step = "1" if integer else ("0.01" if high is not None and low is not None and high - low <= 1 else "any")
    limits = "".join(
        f' {name}="{value:g}"' for name, value in (("min", low), ("max", high)) if value is not None
    )
    value = escape(f"{control.value:g}" if isinstance(control.value, float) else str(control.value))
    number = f'<input type="number" id="{ident}" {attributes}{limits} step="{step}" value="{value}">'
    if low is None or high is None:
        return number
    slider_step = step if step != "any" else f"{(high - low) / 100:g}"
    slider = (
        f'<input type="range" class="slider" data-for="{ident}" aria-label="{escape(control.name)}"'
        f'{limits} step="{slider_step}" value="{value}">'
    )
    return slider + number


# --- the answer ------------------------------------------------------------------------------------
def answer(job: Job, query: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The answer's fragments as they stand: the status, the headline, the breakdown, the flips."""
    comparison = job.comparison()
    n = 0 if comparison is None else comparison.replications
    fragments = {"status": _status(job, n), "headline": "", "breakdown": "", "flips": ""}
    report = ""
    if comparison is not None:
        fragments["headline"] = headline(comparison)
        fragments["breakdown"] = breakdown(comparison)
        fragments["flips"] = flips(comparison, query)
        report = (
            f'<a id="download-report" download href="/report/{job.id}.html">Download the comparison '
            f"({n} replication{'s' if n != 1 else ''}) as an HTML report</a>"
        )
    return {
        "state": job.state,
        "replications": n,
        "message": job.message,
        "html": {**fragments, "report-link": report},
    }


def _status(job: Job, n: int) -> str:
    done = f"{n} paired replication{'s' if n != 1 else ''}" if n else "no replication yet"
    if job.state == "running":
        return f"<span class='running'>Running</span>: {done} finished, more on the way."
    if job.state == "cancelled":
        return f"Stopped by a new change after {done}."
    if job.state == "failed":
        return f"Stopped after {done}."
    comparison = job.comparison()
    width = comparison.difference(1, PRECISION_METRIC).half_width if comparison else math.nan
    if n >= job.most:
        why = f"the most this server runs ({job.most})"
    else:
        why = f"the abuse pass-through interval is within ±{100 * job.precision:g} points"
    if math.isnan(width):
        why = f"the most this server runs ({job.most}); no interval: too few abusive requests decided"
    return f"Done: {done}, {escape(why)}."


def _words(estimate: Estimate) -> str:
    if estimate.n < 2:
        return "one replication: no interval yet"
    if estimate.mean == 0 and estimate.ci_low == 0 and estimate.ci_high == 0:
        return "no difference in any replication so far"
    if excludes_zero(estimate):
        return "enough: the interval excludes 0"
    return "no difference detectable yet"


def headline(comparison: Comparison) -> str:
    """The headline table: each metric as loaded, in the what-if, and their paired difference."""
    base, whatif = comparison.result(0), comparison.result(1)
    rows = []
    for name in HEADLINE:
        resolved = metric(name)
        kind = resolved.kind.value
        difference = comparison.difference(1, name)
        words = _words(difference)
        verdict = "excludes" if difference.n >= 2 and excludes_zero(difference) else "open"
        rows.append(
            f'<tr data-metric="{name}" data-half-width="{_number_attr(difference.half_width)}" '
            f'data-mean="{_number_attr(difference.mean)}"><th>{escape(resolved.label)}</th>'
            f"<td>{escape(format_estimate(base[name], kind))}</td>"
            f"<td>{escape(format_estimate(whatif[name], kind))}</td>"
            f'<td class="difference">{escape(format_difference(difference, kind))}</td>'
            f'<td class="words {verdict}">{escape(words)}</td></tr>'
        )
    return (
        f"<table id='headline-table'><caption>What-if minus the scenario as loaded, "
        f"{comparison.replications} paired replications (shares in points)</caption>"
        "<thead><tr><th>metric</th><th>as loaded</th><th>what-if</th><th>difference [95% CI]</th>"
        f"<th>in words</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _number_attr(value: float) -> str:
    return "nan" if math.isnan(value) else f"{value:.6g}"


def breakdown(comparison: Comparison) -> str:
    """Refusals by provision and results by requesting State that differ, with their intervals."""
    names = sorted(set(comparison.result(0).estimates) | set(comparison.result(1).estimates))
    rows = []
    for name in names:
        parts = name.split(".")
        if not (
            (parts[0] == "refusals" and len(parts) == 3)
            or (parts[0] == "state" and len(parts) == 3 and parts[2] in BY_STATE)
        ):
            continue
        difference = comparison.difference(1, name)
        if difference.n < 2 or (difference.mean == 0 and difference.half_width == 0):
            continue
        kind = metric(name).kind.value if name in _declared(name) else "count"
        label = metric(name).label if name in _declared(name) else name
        if parts[0] == "refusals" and parts[1] in provisions.catalogue():
            label = label.replace(parts[1], provisions.cite(parts[1]))
        rows.append(
            f"<tr><th>{escape(label)}</th><td>{escape(format_difference(difference, kind))}</td>"
            f"<td>{escape(_words(difference))}</td></tr>"
        )
    if not rows:
        return ""
    return (
        "<table id='breakdown-table'><caption>By provision and requesting State (what-if minus as loaded; "
        "refusals per replication)</caption><thead><tr><th></th><th>difference [95% CI]</th>"
        f"<th>in words</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _declared(name: str) -> set[str]:
    try:
        metric(name)
    except KeyError:
        return set()
    return {name}


def flips(comparison: Comparison, query: Sequence[tuple[str, str]]) -> str:
    """The requests whose outcome flipped, each linked to its trace in both configurations."""
    flipped = comparison.flipped[0] if comparison.flipped else ()
    if comparison.flips and all(row is None for row in comparison.flips[0]):
        return (
            "<p>The what-if changes which requests arrive (a requesting State's volume or abusive share,"
            " say), so no request can be followed from the scenario as loaded to the what-if: no"
            " flipped request to show.</p>"
        )
    if not flipped:
        return "<p>No request changed outcome between the scenario as loaded and the what-if.</p>"
    items = []
    for f in sorted(flipped, key=lambda f: (f.replication, f.request))[:FLIPS_SHOWN]:
        truth = "abusive" if f.abusive else "legitimate"
        change = "granted, now refused" if f.direction == "granted_to_refused" else "refused, now granted"
        cited = f" citing {provisions.cite(f.provision)}" if f.provision in provisions.catalogue() else ""
        links = " ".join(
            f'<a class="trace" href="/trace?{escape(_trace_query(query, config, f.replication, f.request))}">'
            f"trace {label}</a>"
            for config, label in (("whatif", "in the what-if"), ("base", "as loaded"))
        )
        items.append(
            f"<li>replication {f.replication}, request {f.request}: {truth}, {change}"
            f"{escape(cited)} ({links})</li>"
        )
    total = len(flipped)
    more = f" (the first {FLIPS_SHOWN} shown)" if total > FLIPS_SHOWN else ""
    return (
        f"<h2>Requests whose outcome flipped</h2><p>{total} in {comparison.replications} replications"
        f"{more}.</p><ul id='flip-list'>{''.join(items)}</ul>"
    )


def _trace_query(query: Sequence[tuple[str, str]], config: str, replication: int, request: int) -> str:
    return urlencode(
        [*query, ("_config", config), ("_replication", str(replication)), ("_request", str(request))]
    )


def trace_page(title: str, text: str, back: str) -> str:
    """A trace (``mlasim explain``'s text) as a page, with a link back to the what-if."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)} (mlasim)</title>
<link rel="stylesheet" href="/static/serve.css"></head><body>
<header><h1>{escape(title)}</h1><p><a id="back" href="{escape(back)}">Back to the what-if</a></p></header>
<pre id="trace">{escape(text)}</pre></body></html>
"""
