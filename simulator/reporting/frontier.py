"""Presenting the safeguard frontier: non-dominated configurations with intervals, and a budget answer."""

from __future__ import annotations

import json

from simulator.experiments.frontier import Configuration, Frontier
from simulator.experiments.stats import INTERVAL_NAME
from simulator.reporting import settings
from simulator.reporting.run import format_estimate
from simulator.reporting.tables import text_table, wrap, wrapped
from simulator.world.metrics import catalogue


def kind(metric: str) -> str:
    """The metric's kind, as declared (:mod:`simulator.world.metrics`)."""
    return catalogue().kind(metric)


def label(metric: str) -> str:
    """The metric's short label, as declared."""
    return catalogue().short(metric)


def _cells(c: Configuration, metrics) -> list[str]:
    return [format_estimate(c.estimates[m], kind(m)) for m in metrics]


def _directions(objectives) -> str:
    better = {catalogue()[m].metric.better.value if m in catalogue() else "lower" for m in objectives}
    return (
        f"{better.pop()} is better on every objective" if len(better) == 1 else "lower or higher as declared"
    )


def as_table(f: Frontier) -> str:
    """The frontier's configurations (settings that differ along it as columns), then the budget."""
    names = [label(m) for m in f.objectives]
    lines = [
        f"Safeguard frontier of {f.source}: configurations no other beats on {', '.join(names)}",
        f"{len(f.front)} of {f.configurations} configurations, each over {f.replications} replications "
        f"(means; {_directions(f.objectives)})",
        f"[low, high] = {INTERVAL_NAME}",
    ]
    if f.undefined:
        lines.append(f"left out: {f.undefined} configuration(s) where an objective is undefined")
    varied = [k for k in f.varied if any(k in c.parameters for c in f.front)]
    alike, differ = settings.split([{k: c.parameters.get(k) for k in varied} for c in f.front])
    if alike and f.front:
        text = ", ".join(f"{k}={settings.value_text(v)}" for k, v in alike.items())
        lines += wrap(f"every configuration on the frontier has {text}")
    lines += settings.key_lines(differ)
    lines.append("")
    short = settings.short_names(differ)
    rows = [
        (
            str(c.index + 1),
            *(settings.cell(c.parameters.get(k)) for k in differ),
            *_cells(c, f.objectives),
        )
        for c in f.front
    ]
    widths = [max((len(row[1 + i]) for row in rows), default=0) for i in range(len(differ))]
    header = (
        "#",
        *(settings.stacked(short[k], w) for k, w in zip(differ, widths, strict=True)),
        *(settings.stacked(n, 20) for n in names),
    )
    lines += text_table(header, rows, left=(True, *([True] * len(differ))))
    if f.budget is not None:
        lines += _budget_lines(f)
    return "\n".join(wrapped(lines))


def _budget_lines(f: Frontier) -> list[str]:
    b = f.budget
    lines = ["", f"Budget: least {label(b.least)} with {b.condition}"]
    if b.best is None:
        return [*lines, "  no configuration meets the budget"]
    metrics = list(dict.fromkeys([b.least, *b.condition.metrics, *f.objectives]))
    chosen = settings.label(b.best.parameters, list(f.varied)) or b.best.label
    lines.append(
        f"  #{b.best.index + 1}: {chosen}  ({b.feasible} of {f.configurations} configurations meet it)"
    )
    lines += text_table(
        ("metric", "mean [95% CI]"),
        [(label(m), format_estimate(b.best.estimates[m], kind(m))) for m in metrics],
        indent="    ",
    )
    values = ", ".join(
        f"{c.metric} = {b.best.estimates[c.metric].mean:.6g} {c.op} {c.value:g}" for c in b.condition.clauses
    )
    lines.append(f"  on the means: {values}")
    confidence = (
        "the budget holds at the unfavourable end of the intervals too"
        if b.holds_on_interval
        else "the budget holds on the means, not at the unfavourable end of every interval"
    )
    lines.append(f"  {confidence}")
    return lines


def as_json(f: Frontier) -> str:
    """The frontier as the JSON document ``--format json`` prints."""
    return json.dumps(f.to_dict(), indent=2, allow_nan=False)


FORMATTERS = {"table": as_table, "json": as_json}


def robust_table(f) -> str:
    """The robust frontier (:mod:`simulator.experiments.robustfront`): each configuration's spread over
    the draws on every objective, and how often it is on a draw's own frontier."""
    from simulator.experiments.display import counted
    from simulator.experiments.spread import HIGH_PERCENTILE, LOW_PERCENTILE, percentile
    from simulator.reporting.run import format_value

    names = [label(m) for m in f.objectives]
    lines = [
        f"Safeguard frontier of {f.source} across the assumptions: configurations no other beats on "
        f"{', '.join(names)} at the unfavourable end of their spread ({f.draws} draws over "
        f"{len(f.keys)} declared ranges, {counted(f.per_draw, 'replication')} each, the same random numbers)",
        f"{len(f.front)} of {len(f.points)} configurations; each objective: median ({LOW_PERCENTILE:g}th-"
        f"{HIGH_PERCENTILE:g}th percentile over the draws); on frontier = share of draws in which no "
        "configuration beats it",
        "",
    ]
    rows = []
    for i in f.front:
        point = f.points[i]
        cells = [str(point.index + 1), point.label]
        for m in f.objectives:
            values = point.values[m]
            low, mid, high = (percentile(values, q) for q in (LOW_PERCENTILE, 50.0, HIGH_PERCENTILE))
            cells.append(
                f"{format_value(mid, kind(m))} ({format_value(low, kind(m))}-{format_value(high, kind(m))})"
            )
        cells.append(f"{100 * f.shares[i]:.0f}%")
        rows.append(cells)
    lines += text_table(("#", "configuration", *names, "on frontier"), rows, left=(True, True))
    return "\n".join(wrapped(lines))


def robust_json(f) -> str:
    """The robust frontier as the JSON document ``--format json`` prints."""
    return json.dumps(f.to_dict(), indent=2, allow_nan=False)
