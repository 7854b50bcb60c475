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
from collections.abc import Sequence

from simulator.domain import provisions
from simulator.domain.model import Stage
from simulator.experiments.display import format_estimate, format_value
from simulator.experiments.provenance import provenance
from simulator.experiments.run import RunResult
from simulator.experiments.stats import INTERVAL_NAME
from simulator.reporting import routes
from simulator.reporting.documents import run_document
from simulator.reporting.tables import isolate, text_table, wrapped
from simulator.world.metrics import headline, requests


def as_table(result: RunResult, brief: bool = False) -> str:
    """The headline block (what was run, the headline metrics, warnings), then the breakdowns.

    ``brief``: the headline block only. Every line fits :data:`~simulator.reporting.tables.WIDTH`.
    """
    if result.uncertainty is not None and result.uncertainty.declared:
        from simulator.reporting import uncertainty

        lines = uncertainty.headline_lines(result)
    else:
        lines = headline_lines(result)
        if result.uncertainty is not None:
            from simulator.reporting import uncertainty

            lines += uncertainty.no_range_lines()
    if not brief:
        lines += breakdown_lines(result)
    legend = provisions.legend("\n".join(lines))
    if legend:
        lines += ["", *legend]
    return "\n".join(wrapped(lines))


def what_was_run(result: RunResult) -> list[str]:
    """The scenario's name and file, then the replications, the seed and the run's time windows."""
    scenario = result.scenario
    return [
        f"{isolate(scenario.name)}  ({isolate(scenario.source)})",
        f"{result.replications} replications, seed {result.seed}; "
        f"arrivals over {scenario.horizon_days:g} days, follow-up {scenario.follow_up_days:g} days, "
        f"warm-up {scenario.warmup_days:g} days",
    ]


def headline_lines(result: RunResult) -> list[str]:
    """What was run, the headline metrics with their intervals, and the result's warnings."""
    lines = [*what_was_run(result), f"[low, high] = {INTERVAL_NAME}", ""]
    warnings = result.warnings
    rows = [
        (
            spec.label + (" (!)" if warnings and spec.name == "abuse_pass_through" else ""),
            format_estimate(result[spec.name], spec.kind),
            str(result[spec.name].n),
        )
        for spec in headline()
        if spec.name in result.estimates
    ]
    lines += text_table(("metric", "mean [95% CI]", "n"), rows)
    lines += [f"  (!) warning: {warning}" for warning in warnings]
    return lines + by_year_lines(result)


def by_year_lines(result: RunResult) -> list[str]:
    """The abuse pass-through by year of the run, when requests arrive over more than a year: case
    files that come to know the persons targeted show as a falling curve (levelling off where the
    targeted pools renew)."""
    years = sorted(
        int(name.split(".")[1]) for name in result.section("year.") if name.endswith(".abuse_pass_through")
    )
    if not years:
        return []
    warmup = result.scenario.warmup_days
    counted = (
        f"the headline counts requests from day {warmup:g} (after the warm-up)"
        if warmup
        else ("the headline counts every year")
    )
    lines = ["", f"Abuse pass-through by year of the run ({counted})"]
    rows = [
        (str(year), format_estimate(result[f"year.{year}.abuse_pass_through"], "share"),
         format_value(result[f"year.{year}.abusive_decided"].mean, "count"))
        for year in years
    ]  # fmt: skip
    return lines + text_table(("year", "abuse pass-through", "abusive decided"), rows)


def breakdown_lines(result: RunResult) -> list[str]:
    """Requests by outcome, refusals by provision, by requesting State, the routes, the queues."""
    scenario = result.scenario
    lines = ["", "Requests (mean per replication)"]
    lines += text_table(
        ("requests", "mean [95% CI]"),
        [
            (spec.label, format_estimate(result[spec.name], spec.kind))
            for spec in requests()
            if spec.name in result.estimates
        ],
    )
    refusals = _refusal_rows(result)
    if refusals:
        lines += ["", "Refusals by provision (mean per replication)"]
        lines += text_table(("provision", "abusive", "legitimate"), refusals)
        lines += [f"  {cite}: {title}" for cite, title in _titles(result)]
    lines += ["", "By requesting State (mean per replication)"]
    lines += text_table(
        ("State", "submitted", "abusive", "abusive granted", "abuse pass-through", "legitimate refused"),
        _state_rows(result),
    )
    days = [
        f"{state.id} {_mean_text(result, f'state.{state.id}.legitimate_days_mean', 'days')}"
        for state in scenario.requesting_states
    ]
    lines.append(f"  legitimate days to decision (mean): {', '.join(days)}")
    by_provision = _state_refusal_rows(result)
    if by_provision:
        lines += ["", "Refusals by requesting State and provision (mean per replication, all requests)"]
        lines += text_table(("State", "provision", "refusals"), by_provision, left=(True, True))
    lines += routes.text_lines(result.estimates, text_table, routes.monitoring_rules(scenario))
    lines += _queueing_lines(result)
    return lines


def _titles(result: RunResult) -> list[tuple[str, str]]:
    """(citation, title) of each provision in the refusals table, for the lines under it."""
    seen = sorted({name.split(".")[1] for name in result.section("refusals.")})
    return [
        (provisions.cite(pid), provisions.provision(pid).title)
        for pid in seen
        if result[f"refusals.{pid}.abusive"].mean or result[f"refusals.{pid}.legitimate"].mean
    ]


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


def _count(result: RunResult, name: str) -> str:
    return format_value(result[name].mean, "count") if name in result.estimates else "-"


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
        rows.append(
            (provisions.cite(pid), format_estimate(abusive, "count"), format_estimate(legitimate, "count"))
        )
    return rows


def _state_rows(result: RunResult) -> list[tuple[str, ...]]:
    rows = []
    for state in result.scenario.requesting_states:
        prefix = f"state.{state.id}."
        rows.append(
            (
                state.id,
                *(
                    _count(result, prefix + name)
                    for name in ("submitted", "abusive_submitted", "abusive_granted")
                ),
                format_estimate(result[prefix + "abuse_pass_through"], "share"),
                format_estimate(result[prefix + "legitimate_refusal_rate"], "share"),
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


def as_csv(result: RunResult, command: Sequence[str] | None = None, with_provenance: bool = False) -> str:
    """One row per metric; ``with_provenance``, after the provenance as ``#`` comment lines (read them
    with ``pd.read_csv(comment="#")``). The JSON document always has the provenance."""
    buffer = io.StringIO()
    if with_provenance:
        buffer.write(
            provenance_comment(
                provenance(
                    result.scenario, seed=result.seed, replications=result.replications, command=command
                )
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
