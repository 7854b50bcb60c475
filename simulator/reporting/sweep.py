"""Presenting a finished sweep in the terminal: one row per configuration, within 100 columns.

The settings set alike in every configuration are said once above the table; each setting that
varies has a column (a short header, with the full keys in a key line); then the headline metrics
with their intervals (labels from their declarations, :mod:`simulator.world.metrics`). A table too
wide for the terminal is cut into blocks that repeat the configuration's number
(:mod:`simulator.reporting.tables`).
"""

from __future__ import annotations

import math
from typing import Any

from simulator.experiments.display import format_estimate
from simulator.experiments.run import PENDING_WARNING, result_warnings
from simulator.experiments.stats import INTERVAL_NAME, Estimate
from simulator.reporting import settings
from simulator.reporting.tables import isolate, text_table, wrapped
from simulator.world.metrics import catalogue

#: The metrics of the sweep table, in order.
SWEEP_METRICS = ("abuse_pass_through", "legitimate_refusal_rate", "legitimate_days_median")


def sweep_table(summary, manifest: dict[str, Any]) -> str:
    """The headline metrics of each configuration of a finished sweep (``summary``: a DataFrame)."""
    records = summary.sort_values("config_index").to_dict("records")
    parameters = {c["index"]: c["parameters"] for c in manifest["configurations"]}
    constant, varied = settings.split([parameters.get(int(r["config_index"]), {}) for r in records])
    lines = [
        f"Sweep of {isolate(manifest['scenario'])}: {len(manifest['configurations'])} configurations x "
        f"{manifest['replications']} replications, seed {manifest['seed']}, backend {manifest['backend']}",
        f"[low, high] = {INTERVAL_NAME}",
        *settings.constant_line(constant),
        *settings.key_lines(varied),
        "",
    ]
    names = settings.short_names(varied)
    rows, warned = [], 0
    for record in records:
        own = parameters.get(int(record["config_index"]), {})
        means = {name[: -len(".mean")]: value for name, value in record.items() if name.endswith(".mean")}
        warning = bool(result_warnings(means))
        warned += warning
        name = str(int(record["config_index"]) + 1) if varied else record["configuration"]
        cells = [name + (" (!)" if warning else "")]
        cells += [settings.cell(own.get(key)) for key in varied]
        cells += [format_estimate(_estimate(record, m), catalogue().kind(m)) for m in SWEEP_METRICS]
        rows.append(cells)
    widths = [max((len(row[1 + i]) for row in rows), default=0) for i in range(len(varied))]
    header = [
        "#",
        *(settings.stacked(names[key], w) for key, w in zip(varied, widths, strict=True)),
        *(settings.stacked(catalogue().short(m), 20) for m in SWEEP_METRICS),
    ]
    if not varied:
        header[0] = "configuration"
    lines += text_table(header, rows, left=(True, *([True] * len(varied))))
    if warned:
        lines.append(
            f"  (!) warning: in {warned} configuration(s) more than {100 * PENDING_WARNING:.0f}% of the "
            "abusive or legitimate requests are still pending when the run stops, or the backlog grew "
            "through the horizon without clearing (run one with 'mlasim run' to see which)"
        )
    return "\n".join(wrapped(lines))


def _estimate(record: dict[str, Any], metric: str) -> Estimate:
    mean, low, high = (_float(record.get(f"{metric}.{p}")) for p in ("mean", "ci_low", "ci_high"))
    return Estimate(mean, low, high, int(_float(record.get(f"{metric}.n"), 0)))


def _float(value, missing: float = math.nan) -> float:
    return missing if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
