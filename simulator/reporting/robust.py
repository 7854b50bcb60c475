"""Presenting a robust comparison: how often an alternative is better over the draws, by how much.

The table gives, for each alternative and headline metric, the draws in which it is better than the
baseline (with a 90% Wilson interval of the share), the median and the worst paired change, and
each configuration's maximum regret; a verdict per metric follows in words. Changes of shares are
in percentage points.
"""

from __future__ import annotations

import json
import math

from simulator.experiments.display import counted, format_value
from simulator.experiments.robust import REGRET_PERCENTILE, Paired, Robust, sign
from simulator.experiments.spread import PRECISION
from simulator.reporting.tables import isolate, signed, text_table, wrapped
from simulator.world.metrics import catalogue

#: The metrics a verdict is written for.
VERDICTS = ("abuse_pass_through", "legitimate_refusal_rate", "legitimate_days_median")


def change(value: float, metric: str) -> str:
    """A paired change: ``-4.1 pts`` for a share, ``+3.2 days``."""
    if math.isnan(value):
        return "n/a"
    kind = catalogue().kind(metric)
    if kind == "share":
        return f"{signed(100 * value)} pts"
    return f"{signed(value)}{' days' if kind == 'days' else ''}"


def amount(value: float, metric: str) -> str:
    """A size without sign: ``0.8 points``, ``3.2 days``."""
    kind = catalogue().kind(metric)
    if kind == "share":
        return f"{100 * abs(value):.1f} points"
    return f"{abs(value):.1f}{' days' if kind == 'days' else ''}"


def verdict(label: str, paired: Paired, metric: str) -> str:
    """One sentence: how often the alternative moves the metric the right way, and its worst case."""
    name = catalogue().short(metric)
    lower = sign(metric) > 0
    good, bad = ("lowers", "raises") if lower else ("raises", "lowers")
    n = paired.draws
    if n == 0:
        return f"{label}: {name} is undefined in every draw."
    if paired.better == paired.worse == 0:
        return f"{label} leaves {name} unchanged in all {n} draws."
    if paired.better >= paired.worse:
        head = f"{label} {good} {name} in {paired.better} of {n} draws"
        if paired.worse == 0:
            return f"{head}; it never {bad} it." if paired.same else f"{head}: in every draw."
        return f"{head}; it never {bad} it by more than {amount(paired.worst, metric)}."
    head = f"{label} {bad} {name} in {paired.worse} of {n} draws"
    return f"{head}, by up to {amount(paired.worst, metric)} (median {amount(paired.median, metric)})."


def as_table(found: Robust) -> str:
    """The robust comparison as a text table: per metric, how often each alternative is better, its worst
    case, its regret."""
    letters = [chr(ord("A") + i) if i < 26 else str(i + 1) for i in range(len(found.labels))]
    lines = [
        "Robust comparison over the assumptions: "
        + ", ".join(
            f"{letter} = {isolate(label)}" for letter, label in zip(letters, found.labels, strict=True)
        )
        + " (A is the baseline)",
        f"{found.draws} draws over {len(found.keys)} declared ranges (Latin hypercube), "
        f"{counted(found.per_draw, 'replication')} each; every configuration on the same draws and the "
        "same random numbers; "
        f"better = in the metric's better direction; [share] = {100 * PRECISION:.0f}% Wilson interval",
        "",
    ]
    rows = []
    for i in range(1, len(found.labels)):
        for metric in found.metrics:
            paired = found.paired(i, metric)
            share = (
                f"{paired.better}/{paired.draws} [{100 * paired.share_interval[0]:.0f}-"
                f"{100 * paired.share_interval[1]:.0f}%]"
                if paired.draws
                else "n/a"
            )
            rows.append(
                (
                    f"{letters[i]}: {catalogue().short(metric)}",
                    share,
                    str(paired.clearly_better),
                    change(paired.median, metric),
                    change(paired.worst, metric),
                )
            )
    lines += text_table(("metric", "better in", "clearly", "median", "worst"), rows)
    lines += [
        "  clearly: better beyond the noise of the draw's replications (paired 95% interval); median,",
        "  worst: the paired change over the draws (points for shares; worst = furthest the wrong way)",
        "",
        f"Regret (how far short of the best configuration of each draw; max / {REGRET_PERCENTILE:g}th "
        "percentile over the draws; points for shares)",
    ]
    regret_rows = []
    for metric in found.metrics:
        cells = [catalogue().short(metric)]
        for i in range(len(found.labels)):
            regrets = found.regret(i, metric)
            high = max(regrets) if regrets else math.nan
            from simulator.experiments.spread import percentile

            cells.append(f"{_plain(high, metric)} / {_plain(percentile(regrets, REGRET_PERCENTILE), metric)}")
        regret_rows.append(cells)
    lines += text_table(("metric", *letters), regret_rows)
    if found.condition is not None:
        lines += ["", f"Satisficing: draws in which each configuration meets {found.condition}"]
        for i, letter in enumerate(letters):
            met, defined = found.satisficing(i)
            lines.append(f"  {letter}: {met} of {defined}")
    lines += ["", "Verdict"]
    for i in range(1, len(found.labels)):
        for metric in VERDICTS:
            if metric in found.metrics:
                lines.append("  " + verdict(letters[i], found.paired(i, metric), metric))
    return "\n".join(wrapped(lines))


def _plain(value: float, metric: str) -> str:
    if math.isnan(value):
        return "n/a"
    kind = catalogue().kind(metric)
    return f"{100 * value:.1f}" if kind == "share" else format_value(value, kind)


def as_json(found: Robust) -> str:
    """The robust comparison as the JSON document ``--format json`` prints."""
    return json.dumps(found.to_dict(), indent=2, allow_nan=False)
