"""Presenting results: the text table, JSON and CSV that ``mlasim run`` prints.

Every number is shown with its confidence interval and the number of replications behind it;
every refusal count with the provision's citation; where the scenario has them, the routes abuse
takes follow (by requested State, by channel, monitoring, floods, rushed reviews:
:mod:`simulator.reporting.routes`). Presentation only: the numbers come from
:class:`~simulator.experiments.run.RunResult`.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Sequence

from simulator.domain import provisions
from simulator.domain.model import Stage
from simulator.experiments.display import format_estimate, format_value
from simulator.experiments.provenance import provenance
from simulator.experiments.run import PENDING_WARNING, RunResult, result_warnings
from simulator.experiments.stats import INTERVAL_NAME, Estimate
from simulator.reporting import routes
from simulator.reporting.documents import run_document
from simulator.world.tally import HEADLINE_METRICS


def text_table(header: Sequence[str], rows: Iterable[Sequence[str]], indent: str = "  ") -> list[str]:
    rows = [list(r) for r in rows]
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]
    lines = []
    for i, row in enumerate([list(header), *rows]):
        cells = [
            str(c).ljust(w) if j == 0 else str(c).rjust(w)
            for j, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append(indent + "  ".join(cells).rstrip())
        if i == 0:
            lines.append(indent + "  ".join("-" * w for w in widths))
    return lines


def as_table(result: RunResult) -> str:
    scenario = result.scenario
    lines = [
        f"{scenario.name}  ({scenario.source})",
        f"{result.replications} replications, seed {result.seed}; "
        f"arrivals over {scenario.horizon_days:g} days, follow-up {scenario.follow_up_days:g} days, "
        f"warm-up {scenario.warmup_days:g} days",
        f"[low, high] = {INTERVAL_NAME}",
        "",
    ]
    warnings = result.warnings
    headline = [
        (
            spec.label + (" (!)" if warnings and spec.name == "abuse_pass_through" else ""),
            format_estimate(result[spec.name], spec.kind),
            str(result[spec.name].n),
        )
        for spec in HEADLINE_METRICS
        if spec.name in result.estimates
    ]
    lines += text_table(("metric", "mean [95% CI]", "n"), headline)
    lines += [f"  (!) warning: {warning}" for warning in warnings]
    refusals = _refusal_rows(result)
    if refusals:
        lines += ["", "Refusals by provision (mean per replication)"]
        lines += text_table(("provision", "abusive", "legitimate"), refusals)
    lines += ["", "By requesting State"]
    lines += text_table(
        (
            "State",
            "submitted",
            "abusive",
            "abuse pass-through",
            "legitimate refused",
            "legitimate days (mean)",
        ),
        _state_rows(result),
    )
    by_provision = _state_refusal_rows(result)
    if by_provision:
        lines += ["", "Refusals by requesting State and provision (mean per replication, all requests)"]
        lines += text_table(("State", "provision", "refusals"), by_provision)
    lines += routes.text_lines(result.estimates, text_table, routes.monitoring_rules(scenario))
    lines += _queueing_lines(result)
    return "\n".join(lines)


def _state_refusal_rows(result: RunResult) -> list[tuple[str, str, str]]:
    rows = []
    for state in result.scenario.requesting_states:
        prefix = f"state.{state.id}.refusals."
        for name, est in result.section(prefix).items():
            if est.mean > 0:
                rows.append((state.id, provisions.cite(name[len(prefix) :]), format_estimate(est, "count")))
    return rows


#: Per-stage queueing columns: metric suffix, header, kind.
QUEUEING_COLUMNS = (
    ("mean_wait_days", "wait (counted)", "days"),
    ("time_avg_in_queue", "L queue", "count"),
    ("time_avg_in_stage", "L stage", "count"),
    ("throughput_per_day", "done/day", "count"),
    ("mean_time_in_stage_days", "W stage", "days"),
)


def _queueing_lines(result: RunResult) -> list[str]:
    """Per stage: the wait for a reviewer (counted requests) and the whole-run queueing outputs.

    The stages of every requested State (several States' stages of one name are counted together),
    the 24/7 point of contact of the fast channels included.
    """
    stages = [s.value for state in result.scenario.requested_states for s in state.stages]
    stages += [s.value for s in Stage if f"stage.{s.value}.time_avg_in_stage" in result.estimates]
    stages = list(dict.fromkeys(stages))
    rows = []
    for stage in stages:
        cells = [stage]
        for suffix, _, kind in QUEUEING_COLUMNS:
            name = f"stage.{stage}.{suffix}"
            cells.append(_mean_text(result, name, kind))
        if any(c != "-" for c in cells[1:]):
            rows.append(cells)
    if not rows:
        return []
    lines = ["", "Queues (means over replications; L = time-average number, W = mean days; whole run)"]
    lines += text_table(("stage", *(header for _, header, _ in QUEUEING_COLUMNS)), rows)
    if "system.time_avg_in_system" in result.estimates:
        lines.append(
            f"  system: L {_mean_text(result, 'system.time_avg_in_system', 'count')} requests, "
            f"arrivals {_mean_text(result, 'system.arrivals_per_day', 'count')} a day, "
            f"W {_mean_text(result, 'system.mean_time_in_system_days', 'days')} days"
        )
    return lines


def _mean_text(result: RunResult, name: str, kind: str) -> str:
    if name not in result.estimates:
        return "-"
    value = result[name].mean
    return f"{value:.2f}" if kind == "count" and abs(value) < 100 else format_value(value, kind)


def _refusal_rows(result: RunResult) -> list[tuple[str, str, str]]:
    rows = []
    seen = sorted({name.split(".")[1] for name in result.section("refusals.")})
    for pid in seen:
        abusive = result[f"refusals.{pid}.abusive"]
        legitimate = result[f"refusals.{pid}.legitimate"]
        if abusive.mean == 0 and legitimate.mean == 0:
            continue
        label = f"{provisions.cite(pid)}  {provisions.provision(pid).title}"
        rows.append((label, format_estimate(abusive, "count"), format_estimate(legitimate, "count")))
    return rows


def _state_rows(result: RunResult) -> list[tuple[str, ...]]:
    rows = []
    for state in result.scenario.requesting_states:
        prefix = f"state.{state.id}."
        rows.append(
            (
                state.id,
                format_value(result[prefix + "submitted"].mean, "count"),
                format_value(result[prefix + "abusive_submitted"].mean, "count"),
                format_estimate(result[prefix + "abuse_pass_through"], "share"),
                format_estimate(result[prefix + "legitimate_refusal_rate"], "share"),
                _mean_text(result, prefix + "legitimate_days_mean", "days"),
            )
        )
    return rows


def as_json(result: RunResult, command: Sequence[str] | None = None) -> str:
    """The run document (:func:`simulator.reporting.documents.run_document`), provenance included."""
    return json.dumps(run_document(result, command), indent=2, allow_nan=False)


def provenance_comment(block: dict) -> str:
    """The provenance block as ``#`` comment lines for the head of a CSV file (the scenario text last)."""
    lines = ["# mlasim provenance"]
    for key, value in block.items():
        if key != "scenario_text" and not isinstance(value, list | dict):
            lines.append(f"# {key}: {'' if value is None else value}")
        elif key == "command" and value is not None:
            lines.append(f"# {key}: {' '.join(value)}")
    if block.get("scenario_text"):
        lines.append("# scenario_text:")
        lines += [f"#   {line}".rstrip() for line in block["scenario_text"].splitlines()]
    return "\n".join(lines) + "\n"


def as_csv(result: RunResult, command: Sequence[str] | None = None) -> str:
    """One row per metric, after the provenance as ``#`` comment lines (``pd.read_csv(comment="#")``)."""
    buffer = io.StringIO()
    buffer.write(
        provenance_comment(
            provenance(result.scenario, seed=result.seed, replications=result.replications, command=command)
        )
    )
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["metric", "mean", "ci_low", "ci_high", "n"])
    for name, est in result.estimates.items():
        writer.writerow([name, *(_csv_number(v) for v in (est.mean, est.ci_low, est.ci_high)), est.n])
    return buffer.getvalue()


def _csv_number(value: float) -> str:
    return "" if math.isnan(value) else repr(value)


FORMATTERS = {"table": as_table, "json": as_json, "csv": as_csv}

SWEEP_COLUMNS = (
    ("abuse_pass_through", "abuse pass-through", "share"),
    ("legitimate_refusal_rate", "legitimate refused", "share"),
    ("legitimate_days_median", "legitimate days (median)", "days"),
)


def sweep_table(summary, manifest: dict) -> str:
    """The headline metrics of each configuration of a finished sweep (``summary``: a DataFrame)."""
    lines = [
        f"Sweep of {manifest['scenario']}: {len(manifest['configurations'])} configurations x "
        f"{manifest['replications']} replications, seed {manifest['seed']}, backend {manifest['backend']}",
        f"[low, high] = {INTERVAL_NAME}",
        "",
    ]
    rows, warned = [], 0
    for record in summary.to_dict("records"):
        means = {name[: -len(".mean")]: value for name, value in record.items() if name.endswith(".mean")}
        warning = bool(result_warnings(means))
        warned += warning
        cells = [record["configuration"] + (" (!)" if warning else "")]
        for metric, _, kind in SWEEP_COLUMNS:
            mean, low, high = (_float(record.get(f"{metric}.{p}")) for p in ("mean", "ci_low", "ci_high"))
            n = int(_float(record.get(f"{metric}.n"), 0))
            cells.append(format_estimate(Estimate(mean, low, high, n), kind))
        rows.append(cells)
    lines += text_table(("configuration", *(label for _, label, _ in SWEEP_COLUMNS)), rows)
    if warned:
        lines.append(
            f"  (!) warning: in {warned} configuration(s) more than {100 * PENDING_WARNING:.0f}% of the "
            "abusive or legitimate requests are still pending when the run stops, or the backlog grew "
            "through the horizon without clearing (run one with 'mlasim run' to see which)"
        )
    return "\n".join(lines)


def _float(value, missing: float = math.nan) -> float:
    return missing if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
