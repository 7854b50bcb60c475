"""Presenting a comparison: estimates side by side, paired differences, flipped outcomes.

Differences of shares are printed in percentage points ("pts"), of durations in days. Beside each
paired interval stands the half-width two independent runs would have given ("unpaired +/-"), so the
gain from common random numbers is visible. The headline includes ``abusive_cases_reached``: the
share of abusive cases whose data the abuser got anywhere, through any channel, so the difference a
strategy (forum shopping, flooding, splitting, fresh requests) makes is what it buys the abuser. The
routes abuse takes follow where present (:mod:`simulator.reporting.routes`): by requested State, by
channel, monitoring, floods and rushed reviews, each with its paired difference.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence

from simulator.domain import provisions
from simulator.experiments.comparison import COMPARED, Comparison, excludes_zero
from simulator.experiments.provenance import provenance
from simulator.experiments.stats import INTERVAL_NAME, Estimate
from simulator.reporting import routes
from simulator.reporting.documents import comparison_document
from simulator.reporting.run import format_estimate, format_value, provenance_comment
from simulator.reporting.tables import decimals_for, isolate, signed, text_table, wrapped
from simulator.world.metrics import Resolved


def format_difference(est: Estimate, kind: str) -> str:
    """``-11.9 pts [-13.9, -9.9]`` (shares in percentage points, durations in days), one decimal more
    where a number would round to zero, ``~0`` for one that is zero at that precision; ``identical``
    when the two configurations gave the same value in every replication."""
    unit = " pts" if kind == "share" else (" days" if kind == "days" else "")
    if est.n < 2:
        return "n/a"
    if est.mean == 0 and est.ci_low == 0 and est.ci_high == 0:
        return "identical"
    scale = 100.0 if kind == "share" else 1.0
    values = [scale * v for v in (est.mean, est.ci_low, est.ci_high)]
    places = max(decimals_for(v) for v in values if not math.isnan(v))
    mean, low, high = (signed(v, places) for v in values)
    return f"{mean}{unit} [{low}, {high}]"


def _unpaired(width: float, kind: str) -> str:
    if math.isnan(width):
        return "n/a"
    value = 100 * width if kind == "share" else width
    return f"+/-{value:.{decimals_for(value)}f}"


def keys(c: Comparison) -> list[str]:
    """A short column name per configuration: A, B, C..."""
    return [_key(i) for i in range(len(c.labels))]


def _key(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else f"Z{index - 25}"


def as_table(comparison: Comparison) -> str:
    """The configurations' headline metrics side by side, each alternative's paired differences, the
    route metrics and the flipped outcomes; every line within the terminal width."""
    c = comparison
    names = keys(c)
    lines = [
        f"Comparing {len(c.labels)} configurations on the same requests (common random numbers)",
        f"{c.replications} replications, seed {c.seed}",
        f"[low, high] = {INTERVAL_NAME}; differences are paired by replication",
    ]
    lines += [
        f"  {key} = {isolate(label)}" + (" (the baseline)" if i == 0 else "")
        for i, (key, label) in enumerate(zip(names, c.labels, strict=True))
    ]
    if not c.same_requests:
        lines.append(
            "note: the configurations do not see the same requests (their requesting States or "
            "horizons differ); differences are still paired by replication, flips are not counted"
        )
    if c.precision is not None:
        p = c.precision
        state = "reached" if p.reached else "NOT reached"
        lines.append(
            f"precision: abuse pass-through difference half-width {100 * p.half_width:.2f} pts, "
            f"target {100 * p.target:.2f} pts, {state} with {c.replications} replications"
        )
    lines.append("")
    rows = [
        (spec.short, *(format_estimate(c.result(i)[spec.name], spec.kind) for i in range(len(c.labels))))
        for spec in COMPARED
    ]
    lines += text_table(("metric", *names), rows)
    for i in range(1, len(c.labels)):
        lines += [
            "",
            f"{names[i]} minus {names[0]}: {isolate(c.labels[i])} minus {isolate(c.labels[0])} (paired by "
            "replication)",
        ]
        diff_rows = []
        for spec in COMPARED:
            d = c.difference(i, spec.name)
            diff_rows.append(
                (
                    spec.label,
                    format_difference(d, spec.kind),
                    "yes" if excludes_zero(d) else "no",
                    _unpaired(c.unpaired_half_width(i, spec.name), spec.kind),
                )
            )
        lines += text_table(("metric", "difference [95% CI]", "excludes 0", "unpaired"), diff_rows)
    lines += _route_lines(c)
    for i in range(1, len(c.labels)):
        lines += _flip_lines(c, i)
    legend = provisions.legend("\n".join(lines))
    if legend:
        lines += ["", *legend]
    return "\n".join(wrapped(lines))


def _route_lines(c: Comparison) -> list[str]:
    """The route metrics present (by requested State, channel, monitoring...): the baseline's value and
    each alternative's paired difference; metrics zero in every configuration are named in one line."""
    estimates = [c.result(i).estimates for i in range(len(c.labels))]
    names = {name: None for found in estimates for name in found}
    key = keys(c)
    lines = []
    for title, metrics in routes.compared_metrics(list(names)):
        rows, zero = [], []
        for metric in metrics:
            if all(_zero(found.get(metric.name)) for found in estimates):
                zero.append(metric.label)
                continue
            cells = [_route_cell(estimates[0], metric)]
            cells += [
                format_difference(c.difference(i, metric.name), metric.kind) for i in range(1, len(c.labels))
            ]
            rows.append((metric.label, *cells))
        lines += ["", f"{title} ({key[0]}, and each alternative's paired difference)"]
        if rows:
            header = ("metric", key[0], *(f"{k} minus {key[0]}" for k in key[1:]))
            lines += text_table(header, rows)
        if zero:
            lines.append(f"  zero in every configuration: {', '.join(zero)}")
    return lines


def _zero(est: Estimate | None) -> bool:
    """Nothing counted: missing, or zero in every replication."""
    return est is None or (est.mean == 0 and (est.n < 2 or est.ci_high == 0))


def _route_cell(estimates: dict, metric: Resolved) -> str:
    if metric.name not in estimates:
        return "-"
    if metric.name.endswith(".flagged"):
        return routes.flagged_text(estimates[metric.name]) + " replications"
    return format_estimate(estimates[metric.name], metric.kind)


def _flip_lines(c: Comparison, index: int) -> list[str]:
    flips = c.flip_estimates(index)
    if not flips:
        return []
    lines = [
        "",
        f"Outcomes that flipped, mean per replication ({isolate(c.labels[index])} vs {isolate(c.labels[0])})",
    ]
    rows = []
    for truth in ("abusive", "legitimate"):
        for direction, words, whose in (
            ("granted_to_refused", "granted -> refused", "now refused under"),
            ("refused_to_granted", "refused -> granted", "had been refused under"),
        ):
            key = f"{truth}.{direction}"
            total = flips[key]
            rows.append((f"{truth}: {words}", format_estimate(total, "count")))
            for name, est in flips.items():
                if name.startswith(key + ".") and est.mean > 0:
                    pid = name[len(key) + 1 :]
                    rows.append((f"    {whose} {provisions.cite(pid)}", format_value(est.mean, "count")))
    lines += text_table(("requests", "mean [95% CI]"), rows)
    return lines + _flipped_id_lines(c, index)


#: How many flipped requests of each kind the table names (JSON lists them all).
SHOWN_IDS = 4


def _flipped_id_lines(c: Comparison, index: int) -> list[str]:
    """A few flipped requests by (replication, id), to replay with ``mlasim explain``."""
    if not c.flipped or not c.flipped[index - 1]:
        return []
    lines = ["", "Flipped requests (replication/id; all of them under 'flipped_requests' in --format json):"]
    for truth in ("abusive", "legitimate"):
        for direction, words in (
            ("granted_to_refused", "granted -> refused"),
            ("refused_to_granted", "refused -> granted"),
        ):
            found = [
                f
                for f in c.flipped[index - 1]
                if f.abusive == (truth == "abusive") and f.direction == direction
            ]
            if found:
                found.sort(key=lambda f: (f.replication, f.request))
                shown = ", ".join(f"{f.replication}/{f.request}" for f in found[:SHOWN_IDS])
                more = f", ... ({len(found)} in all)" if len(found) > SHOWN_IDS else ""
                lines.append(f"  {truth}: {words}: {shown}{more}")
    lines.append(
        "  replay one: mlasim explain FILE --replication R --request ID [--variant NAME | --set KEY=VALUE]"
    )
    return lines


def as_json(comparison: Comparison, command: Sequence[str] | None = None) -> str:
    """The comparison document (:func:`simulator.reporting.documents.comparison_document`)."""
    return json.dumps(comparison_document(comparison, command), indent=2, allow_nan=False)


def as_csv(
    comparison: Comparison, command: Sequence[str] | None = None, with_provenance: bool = False
) -> str:
    """One row per configuration and metric; ``with_provenance``, after the baseline's provenance as
    ``#`` comment lines."""
    buffer = io.StringIO()
    c = comparison
    if with_provenance:
        buffer.write(
            provenance_comment(
                provenance(c.scenarios[0], seed=c.seed, replications=c.replications, command=command)
            )
        )
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "configuration",
            "metric",
            "mean",
            "ci_low",
            "ci_high",
            "n",
            "diff_mean",
            "diff_ci_low",
            "diff_ci_high",
        ]
    )
    for i, label in enumerate(comparison.labels):
        for spec in COMPARED:
            est = comparison.result(i)[spec.name]
            diff = comparison.difference(i, spec.name) if i else None
            values = [est.mean, est.ci_low, est.ci_high]
            extra = [diff.mean, diff.ci_low, diff.ci_high] if diff else [math.nan] * 3
            writer.writerow([label, spec.name, *(_csv(v) for v in values), est.n, *(_csv(v) for v in extra)])
    return buffer.getvalue()


def _csv(value: float) -> str:
    return "" if math.isnan(value) else repr(value)


FORMATTERS = {"table": as_table, "json": as_json, "csv": as_csv}
