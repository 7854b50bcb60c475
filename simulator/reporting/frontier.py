"""Presenting the safeguard frontier: non-dominated configurations with intervals, and a budget answer."""

from __future__ import annotations

import json

from simulator.experiments.frontier import Configuration, Frontier
from simulator.experiments.stats import INTERVAL_NAME
from simulator.reporting.run import format_estimate, text_table
from simulator.world.tally import HEADLINE_METRICS, metric_range

LABELS = {
    "abuse_pass_through": "abuse pass-through",
    "legitimate_refusal_rate": "legitimate refused",
    "legitimate_days_median": "legitimate days (median)",
}
KINDS = {m.name: m.kind for m in HEADLINE_METRICS}


def kind(metric: str) -> str:
    return KINDS.get(metric) or ("share" if metric_range(metric) == (0.0, 1.0) else "count")


def _cells(c: Configuration, metrics) -> list[str]:
    return [format_estimate(c.estimates[m], kind(m)) for m in metrics]


def as_table(f: Frontier) -> str:
    names = [LABELS.get(m, m) for m in f.objectives]
    lines = [
        f"Safeguard frontier of {f.source}: configurations no other beats on {', '.join(names)}",
        f"{len(f.front)} of {f.configurations} configurations, each over {f.replications} replications "
        "(means; lower is better on every objective)",
        f"[low, high] = {INTERVAL_NAME}",
    ]
    if f.undefined:
        lines.append(f"left out: {f.undefined} configuration(s) where an objective is undefined")
    lines.append("")
    # the long label last, left-aligned, so the figures line up
    table = text_table(("#", *names), [(str(i), *_cells(c, f.objectives)) for i, c in enumerate(f.front, 1)])
    ends = ["configuration (the settings the sweep varied)", "-" * 13, *(c.label for c in f.front)]
    lines += [f"{row.ljust(len(table[1]))}  {end}" for row, end in zip(table, ends, strict=True)]
    if f.budget is not None:
        b = f.budget
        lines += ["", f"Budget: least {LABELS.get(b.least, b.least)} with {b.condition}"]
        if b.best is None:
            lines.append("  no configuration meets the budget")
        else:
            metrics = list(dict.fromkeys([b.least, *b.condition.metrics, *f.objectives]))
            lines.append(f"  {b.best.label}  ({b.feasible} of {f.configurations} configurations meet it)")
            lines += text_table(
                ("metric", "mean [95% CI]"),
                [(LABELS.get(m, m), format_estimate(b.best.estimates[m], kind(m))) for m in metrics],
                indent="    ",
            )
            values = ", ".join(
                f"{c.metric} = {b.best.estimates[c.metric].mean:.6g} {c.op} {c.value:g}"
                for c in b.condition.clauses
            )
            lines.append(f"  on the means: {values}")
            confidence = (
                "the budget holds at the unfavourable end of the intervals too"
                if b.holds_on_interval
                else "the budget holds on the means, not at the unfavourable end of every interval"
            )
            lines.append(f"  {confidence}")
    return "\n".join(lines)


def as_json(f: Frontier) -> str:
    return json.dumps(f.to_dict(), indent=2, allow_nan=False)


FORMATTERS = {"table": as_table, "json": as_json}
