"""Presenting the headline over the assumptions: two intervals per metric, and what drives the spread.

The headline block of ``mlasim run FILE --uncertainty`` gives each headline metric twice: at the
central values with its noise interval (the 95% interval over replications), and over the
assumptions (the 5th to 95th percentile of the draws, with how far either end may be off). The
parameters that drive each metric's spread follow, then any warning (a spread made largely of
replication noise). A scenario without a declared range prints its usual headline and one line
saying there is no spread to show.
"""

from __future__ import annotations

import math
from typing import Any

from simulator.experiments.display import counted, format_estimate, format_value
from simulator.experiments.run import RunResult
from simulator.experiments.spread import HIGH_PERCENTILE, LOW_PERCENTILE, PRECISION
from simulator.experiments.stats import INTERVAL_NAME
from simulator.experiments.uncertainty import NO_RANGE, Spread, Uncertainty
from simulator.reporting.run import what_was_run
from simulator.reporting.tables import text_table
from simulator.world.metrics import catalogue, headline

#: A spread of which replication noise makes up more than this share gets a warning.
NOISY = 0.25


def spread_text(found: Spread, kind: str) -> str:
    """``9.1% to 31.0% (±2.1)``: the spread and how far either end may be off (points for a share)."""
    return found.text(kind)


def drivers_text(found: Spread, draws: int) -> str:
    """``key 41%, key 22%, key 9%``, or why no driver is named."""
    top = found.top()
    if not top:
        return f"none told apart from noise with {draws} draws"
    return ", ".join(f"{d.key} {100 * d.share:.0f}%" for d in top)


def headline_lines(result: RunResult) -> list[str]:
    """What was run, each headline metric with both intervals, the drivers, the warnings."""
    found: Uncertainty = result.uncertainty
    lines = [
        *what_was_run(result),
        f"central [95% CI] = at the central values; {INTERVAL_NAME} (the noise)",
        f"over the assumptions = {LOW_PERCENTILE:g}th to {HIGH_PERCENTILE:g}th percentile of {found.draws} "
        f"draws over the {len(found.parameters)} declared ranges (Latin hypercube, "
        f"{counted(found.per_draw, 'replication')} each, the same random numbers); ± = how far either end "
        f"may be off ({100 * PRECISION:.0f}%)",
        "",
    ]
    spreads = found.spreads()
    warnings = result.warnings
    rows = []
    for spec in headline():
        if spec.name not in result.estimates:
            continue
        label = spec.label + (" (!)" if warnings and spec.name == "abuse_pass_through" else "")
        cells = [label, format_estimate(result[spec.name], spec.kind)]
        cells.append(spread_text(spreads[spec.name], spec.kind) if spec.name in spreads else "-")
        rows.append(cells)
    lines += text_table(("metric", "central [95% CI]", "over the assumptions"), rows)
    lines += ["", f"What drives the spread (share of it each parameter explains, over {found.draws} draws)"]
    for spec in headline():
        if spec.name in spreads and _moves(spreads[spec.name]):
            lines.append(f"  {spec.short}: {drivers_text(spreads[spec.name], found.draws)}")
    lines += [f"  (!) warning: {warning}" for warning in warnings]
    lines += [f"  (!) warning: {warning}" for warning in noise_warnings(found, spreads)]
    return lines


def _moves(found: Spread) -> bool:
    return not math.isnan(found.low) and found.high > found.low


def noise_warnings(found: Uncertainty, spreads: dict[str, Spread]) -> list[str]:
    """A warning for each headline metric whose spread is largely replication noise."""
    noisy = [
        (catalogue().short(name), s.noise_share)
        for name, s in spreads.items()
        if name in ("abuse_pass_through", "legitimate_refusal_rate", "legitimate_days_median")
        and not math.isnan(s.noise_share)
        and s.noise_share > NOISY
    ]
    if not noisy:
        return []
    listed = ", ".join(f"{label} ({100 * share:.0f}%)" for label, share in noisy)
    return [
        f"replication noise makes up much of the spread of {listed}: more replications per draw "
        f"(--per-draw, now {found.per_draw}) would tell the assumptions' part from it"
    ]


def no_range_lines() -> list[str]:
    """What the table says when the file declares no range."""
    return [f"  {NO_RANGE}"]


def spreads_document(found: Uncertainty) -> dict[str, Any]:
    """The JSON block of the spread (as :meth:`Uncertainty.to_dict`)."""
    return found.to_dict()


# --- the report page -------------------------------------------------------------------------------
def spread_cell(document: dict[str, Any], metric: str) -> str:
    """The "over the assumptions" cell of a headline row of a run document (empty without one)."""
    found = ((document.get("uncertainty") or {}).get("metrics") or {}).get(metric)
    if not found or found.get("low") is None:
        return ""
    precision = max(
        (b - a) / 2
        for a, b in (found["low_interval"], found["high_interval"])
        if a is not None and b is not None
    )
    kind = catalogue().kind(metric)
    scale = 100 if kind == "share" else 1
    low, high = format_value(found["low"], kind), format_value(found["high"], kind)
    return f"{low} to {high} (±{scale * precision:.1f})"


def html_section(document: dict[str, Any]) -> str:
    """The page's section on the assumptions: what the spread means, its drivers, every parameter
    with a range and its source (nothing without an ``uncertainty`` block)."""
    from html import escape

    from simulator.reporting.html import table, text

    found = document.get("uncertainty")
    if not found:
        return ""
    if "metrics" not in found:
        return f"<h2>Over the assumptions</h2><p>{text(found.get('note', NO_RANGE))}</p>"
    parts = [
        "<h2>Over the assumptions</h2>",
        "<p>"
        + text(
            SPREAD_TEXT.format(
                draws=found["draws"], ranges=len(found["parameters"]), per_draw=found["replications_per_draw"]
            )
        )
        + "</p>",
    ]
    rows = []
    for spec in headline():
        entry = found["metrics"].get(spec.name)
        if not entry or entry.get("low") is None:
            continue
        top = [d for d in entry["drivers"] if d["distinct"]][:3]
        named = (
            ", ".join(f"{d['key']} ({100 * d['share']:.0f}%)" for d in top) or "none told apart from noise"
        )
        noise = entry.get("noise_share_at_most")
        rows.append((text(spec.label), escape(spread_cell(document, spec.name)), text(named),
                     "-" if noise is None else f"{100 * noise:.0f}%"))  # fmt: skip
    parts.append(table(("metric", "over the assumptions", "driven by (share of the spread)", "noise"), rows))
    parameters = [
        (text(p["key"]), escape(f"{p['value']:g}"), escape(f"{p['low']:g} - {p['high']:g}"),
         text(p["distribution"]), text(p["source"]), text(p.get("meaning") or ""))
        for p in found["parameters"]
    ]  # fmt: skip
    parts.append("<h3>The declared ranges</h3>")
    parts.append(table(("parameter", "value", "range", "spread", "source", "meaning"), parameters))
    sources = found.get("sources") or {}
    if sources:
        items = "".join(f"<li><code>{text(k)}</code>: {text(v)}</li>" for k, v in sources.items())
        parts.append(f"<h3>Sources</h3><ul>{items}</ul>")
    return "".join(parts)


SPREAD_TEXT = (
    "Each metric at the central values with its 95% interval over replications (the noise), and over "
    "the assumptions: the 5th to 95th percentile of {draws} draws over the {ranges} declared ranges "
    "(Latin hypercube, {per_draw} replications each, every draw on the same random numbers), with how "
    "far either end may be off (90% order-statistic interval). A driver's share is the squared rank "
    "correlation of its draws with the metric's; noise is at most that share of the spread's variance "
    "made by the replications' luck."
)
