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
from simulator.reporting.run import format_estimate, format_value, provenance_comment, text_table


def _signed(value: float, kind: str) -> str:
    if math.isnan(value):
        return "n/a"
    if kind == "share":
        return f"{100 * value:+.1f}"
    return f"{value:+.1f}"


def format_difference(est: Estimate, kind: str) -> str:
    unit = " pts" if kind == "share" else (" days" if kind == "days" else "")
    if est.n < 2:
        return "n/a"
    return f"{_signed(est.mean, kind)}{unit} [{_signed(est.ci_low, kind)}, {_signed(est.ci_high, kind)}]"


def _unpaired(width: float, kind: str) -> str:
    if math.isnan(width):
        return "n/a"
    return f"+/-{100 * width:.1f}" if kind == "share" else f"+/-{width:.1f}"


def as_table(comparison: Comparison) -> str:
    c = comparison
    lines = [
        f"Comparing {len(c.labels)} configurations on the same requests (common random numbers)",
        f"{c.replications} replications, seed {c.seed}; baseline: {c.labels[0]}",
        f"[low, high] = {INTERVAL_NAME}; differences are paired by replication",
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
    header = ("metric", *c.labels)
    rows = [
        (spec.label, *(format_estimate(c.result(i)[spec.name], spec.kind) for i in range(len(c.labels))))
        for spec in COMPARED
    ]
    lines += text_table(header, rows)
    for i in range(1, len(c.labels)):
        lines += ["", f"{c.labels[i]} minus {c.labels[0]} (paired by replication)"]
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
    return "\n".join(lines)


def _route_lines(c: Comparison) -> list[str]:
    """The route metrics present (by requested State, channel, monitoring...), side by side with the
    paired difference of each alternative against the baseline."""
    estimates = [c.result(i).estimates for i in range(len(c.labels))]
    names = {name: None for found in estimates for name in found}
    lines = []
    for title, metrics in routes.compared_metrics(list(names)):
        header = ("metric", *c.labels, *(f"{label} minus {c.labels[0]}" for label in c.labels[1:]))
        rows = []
        for metric in metrics:
            cells = [_route_cell(found, metric) for found in estimates]
            cells += [
                format_difference(c.difference(i, metric.name), metric.kind) for i in range(1, len(c.labels))
            ]
            rows.append((metric.label, *cells))
        lines += ["", f"{title} (paired differences by replication)"]
        lines += text_table(header, rows)
    return lines


def _route_cell(estimates: dict, metric: routes.RouteMetric) -> str:
    if metric.name not in estimates:
        return "-"
    if metric.name.endswith(".flagged"):
        return routes.flagged_text(estimates[metric.name]) + " replications"
    return format_estimate(estimates[metric.name], metric.kind)


def _flip_lines(c: Comparison, index: int) -> list[str]:
    flips = c.flip_estimates(index)
    if not flips:
        return []
    lines = ["", f"Outcomes that flipped, mean per replication ({c.labels[index]} vs {c.labels[0]})"]
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


def as_csv(comparison: Comparison, command: Sequence[str] | None = None) -> str:
    """One row per configuration and metric, after the baseline's provenance as ``#`` comment lines."""
    buffer = io.StringIO()
    c = comparison
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
