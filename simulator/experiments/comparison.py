"""Comparing safeguard configurations on the same requests (common random numbers).

The question is comparative: if the requested State adds safeguard X, how much less abuse gets
through, and what does it cost legitimate requests? Two separate runs answer it badly, because the
noise between runs swamps the effect. Here every configuration's replication ``r`` sees the same
requests (same arrival times, same hidden truths, same disguises, same reviewer luck: see
:mod:`simulator.world.requesters`), so

- the difference of a metric is computed *per replication* and its interval is the Student-t interval
  of those paired differences, usually far narrower than the interval of two independent runs (the
  unpaired Welch half-width is reported beside it);
- requests can be matched one to one, and those whose outcome *flipped* (granted under the baseline,
  refused under the alternative, or the reverse) counted with the provision responsible, and listed
  by (replication, request id) so ``mlasim explain`` can replay each under either configuration.

The first configuration is the baseline. With ``precision``, replications are added until the
interval of the abuse pass-through difference is narrow enough (or a maximum is reached).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial
from typing import Any

import attrs
import numpy as np
from attrs import frozen

from simulator import __version__
from simulator.domain.model import HANDED_OVER, Outcome
from simulator.experiments import display
from simulator.experiments.display import format_estimate
from simulator.experiments.execution import DEFAULT_EXECUTION, Execution
from simulator.experiments.executors import tasks_for
from simulator.experiments.run import DAY_STEPS, RunResult, expected_requests, result_of
from simulator.experiments.stats import INTERVAL_NAME, Estimate, summarise, welch_half_width
from simulator.files.limits import DEFAULT_LIMITS, Limits, estimate_line
from simulator.files.reader import Problem, ScenarioError
from simulator.world.metrics import headline
from simulator.world.pipeline import DayHook, simulate
from simulator.world.scenario import Scenario
from simulator.world.tally import RequestOutcomes

#: Metrics compared (the headline rates and durations; counts follow from them).
COMPARED = headline()
PRECISION_METRIC = "abuse_pass_through"

_GRANTED = {RequestOutcomes.OUTCOME_CODE[o] for o in HANDED_OVER}
_REFUSED = RequestOutcomes.OUTCOME_CODE[Outcome.REFUSED]


def flipped_ids(base: RequestOutcomes, other: RequestOutcomes) -> dict[str, list[int]] | None:
    """The ids of the requests granted under one configuration and refused under the other.

    Keys: ``abusive.granted_to_refused`` (with ``.<provision>`` the alternative's refusal ground),
    ``abusive.refused_to_granted`` (with ``.<provision>`` the ground the baseline had used), and the
    same for ``legitimate``; ids in arrival order. None when the two runs did not see the same requests.
    """
    if len(base.outcome) != len(other.outcome) or base.abusive != other.abusive:
        return None
    a = np.frombuffer(base.outcome, dtype=np.int8)
    b = np.frombuffer(other.outcome, dtype=np.int8)
    abusive = np.frombuffer(base.abusive, dtype=np.int8).astype(bool)
    granted_a, granted_b = np.isin(a, list(_GRANTED)), np.isin(b, list(_GRANTED))
    found: dict[str, list[int]] = {}
    for truth, mask in (("abusive", abusive), ("legitimate", ~abusive)):
        for direction, flipped, cited in (
            ("granted_to_refused", granted_a & (b == _REFUSED) & mask, other.provision),
            ("refused_to_granted", (a == _REFUSED) & granted_b & mask, base.provision),
        ):
            key = f"{truth}.{direction}"
            found[key] = [int(i) for i in np.flatnonzero(flipped)]
            for index in found[key]:
                found.setdefault(f"{key}.{cited[index]}", []).append(index)
    return found


def flip_row(base: RequestOutcomes, other: RequestOutcomes) -> dict[str, float] | None:
    """How many requests flipped, by kind and provision (the keys of :func:`flipped_ids`)."""
    found = flipped_ids(base, other)
    return None if found is None else {key: float(len(ids)) for key, ids in found.items()}


@frozen
class FlippedRequest:
    """One request whose outcome differs between the baseline and an alternative."""

    replication: int
    request: int  # id, in arrival order from 0, as `mlasim explain --request` takes it
    abusive: bool
    direction: str  # granted_to_refused | refused_to_granted
    provision: str | None  # the refusal ground (the alternative's, or the baseline's it lost)

    def to_dict(self) -> dict[str, Any]:
        """For JSON: its fields by name."""
        return attrs.asdict(self)


def flipped_requests(
    replication: int, base: RequestOutcomes, other: RequestOutcomes
) -> tuple[FlippedRequest, ...]:
    """The requests granted under one configuration and refused under the other, by id."""
    found = flipped_ids(base, other)
    if found is None:
        return ()
    flipped = [
        FlippedRequest(
            replication,
            index,
            truth == "abusive",
            direction,
            (other if direction == "granted_to_refused" else base).provision[index],
        )
        for truth in ("abusive", "legitimate")
        for direction in ("granted_to_refused", "refused_to_granted")
        for index in found[f"{truth}.{direction}"]
    ]
    return tuple(sorted(flipped, key=lambda f: f.request))


def pairable_replication(
    scenario: Scenario, seed: int, replication: int, limits: Limits, on_day: DayHook | None = None
) -> Any:
    """One replication of one configuration of a paired comparison: every request's outcome kept
    (to pair them), stopped as ``limits`` say, ``on_day`` told the day :data:`DAY_STEPS` times."""
    return simulate(
        scenario,
        seed,
        replication,
        keep_outcomes=True,
        request_limit=limits.request_limit(scenario),
        on_day=on_day,
        every_days=scenario.end_day / DAY_STEPS,
    )


def compare_batch(
    task: tuple[tuple[Scenario, ...], int, tuple[int, ...]],
    limits: Limits = DEFAULT_LIMITS,
    on_day: DayHook | None = None,
) -> list[tuple[int, Any]]:
    """A task: replications of every configuration, paired request by request (a replication that
    runs away stops as ``limits`` say). ``on_day`` is told the simulated day :data:`DAY_STEPS` times
    a replication (it only watches the clock; an exception it raises stops the task)."""
    scenarios, seed, replications = task
    results = []
    for r in replications:
        tallies = [pairable_replication(s, seed, r, limits, on_day) for s in scenarios]
        rows = [t.summary() for t in tallies]
        flips = [flip_row(tallies[0].outcomes, t.outcomes) for t in tallies[1:]]
        ids = [flipped_requests(r, tallies[0].outcomes, t.outcomes) for t in tallies[1:]]
        results.append((r, (rows, flips, ids)))
    return results


@frozen
class Precision:
    """Whether a comparison run to a precision reached it: the half-width asked for and the one reached."""

    target: float
    reached: bool
    half_width: float


@frozen
class Comparison:
    """Replications of several configurations of the same requests; the first is the baseline."""

    labels: tuple[str, ...]
    scenarios: tuple[Scenario, ...]
    seed: int
    rows: tuple[tuple[dict[str, float], ...], ...]  # [configuration][replication]
    flips: tuple[tuple[dict[str, float] | None, ...], ...]  # [alternative][replication]
    precision: Precision | None = None
    #: [alternative]: the flipped requests of every replication, by (replication, request id)
    flipped: tuple[tuple[FlippedRequest, ...], ...] = ()

    @property
    def replications(self) -> int:
        """The replications each configuration ran."""
        return len(self.rows[0])

    def __repr__(self) -> str:
        lines = [
            f"Comparison({len(self.labels)} configurations on the same requests, {self.replications} "
            f"replications, seed {self.seed}; baseline {self.labels[0]!r})"
        ]
        for i, label in enumerate(self.labels):
            result = self.result(i)
            numbers = "; ".join(
                f"{spec.name} {format_estimate(result[spec.name], spec.kind)}" for spec in COMPARED[:1]
            )
            lines.append(f"  {label}: {numbers}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        header = ("metric", *self.labels, *(f"{label} - {self.labels[0]}" for label in self.labels[1:]))
        rows = []
        for spec in COMPARED:
            cells = [format_estimate(self.result(i)[spec.name], spec.kind) for i in range(len(self.labels))]
            scale = 100 if spec.kind == "share" else 1
            for i in range(1, len(self.labels)):
                d = self.difference(i, spec.name)
                cells.append(
                    "n/a"
                    if d.n < 2
                    else f"{scale * d.mean:+.1f} [{scale * d.ci_low:+.1f}, {scale * d.ci_high:+.1f}]"
                )
            rows.append((spec.label, *cells))
        caption = (
            f"{self.replications} replications, seed {self.seed}; differences paired by replication "
            "(shares in percentage points)"
        )
        return display.html("comparison", self, display.html_table(caption, header, rows))

    @property
    def same_requests(self) -> bool:
        """Whether every configuration saw the same requests, so that flipped outcomes can be paired."""
        return all(f is not None for per_alternative in self.flips for f in per_alternative)

    def result(self, index: int) -> RunResult:
        """The run of configuration ``index`` (0: the baseline)."""
        return result_of(self.scenarios[index], self.seed, self.rows[index])

    def difference(self, index: int, metric: str) -> Estimate:
        """Paired difference (configuration ``index`` minus the baseline), replication by replication."""
        pairs = [
            {metric: other.get(metric, math.nan) - base.get(metric, math.nan)}
            for base, other in zip(self.rows[0], self.rows[index], strict=True)
        ]
        return summarise(pairs)[metric]

    def unpaired_half_width(self, index: int, metric: str) -> float:
        """What the difference's half-width would be from two independent runs (Welch)."""
        return welch_half_width(
            (row.get(metric, math.nan) for row in self.rows[0]),
            (row.get(metric, math.nan) for row in self.rows[index]),
        )

    def flip_estimates(self, index: int) -> dict[str, Estimate]:
        """Mean per replication (with interval) of each kind of flipped outcome, against the baseline."""
        rows = [f for f in self.flips[index - 1] if f is not None]
        if not rows:
            return {}
        keys = sorted({k for row in rows for k in row})
        return summarise([{k: row.get(k, 0.0) for k in keys} for row in rows], _count_range)

    def to_dict(self) -> dict[str, Any]:
        """For JSON: each configuration's metrics, its paired differences with the baseline and its flipped
        requests."""
        configurations = []
        for i, label in enumerate(self.labels):
            entry: dict[str, Any] = {
                "label": label,
                "scenario": self.scenarios[i].name,
                "file": self.scenarios[i].source,
                "metrics": {m.name: self.result(i)[m.name].to_dict() for m in COMPARED},
            }
            if i:
                entry["difference"] = {
                    m.name: {
                        **(d := self.difference(i, m.name)).to_dict(),
                        "excludes_zero": excludes_zero(d),
                        "unpaired_half_width": _number(self.unpaired_half_width(i, m.name)),
                    }
                    for m in COMPARED
                }
                entry["flipped"] = {k: e.to_dict() for k, e in self.flip_estimates(i).items()}
                if self.flipped:
                    entry["flipped_requests"] = [f.to_dict() for f in self.flipped[i - 1]]
            configurations.append(entry)
        document: dict[str, Any] = {
            "baseline": self.labels[0],
            "seed": self.seed,
            "replications": self.replications,
            "same_requests": self.same_requests,
            "version": __version__,
            "interval": INTERVAL_NAME + "; differences paired by replication",
            "configurations": configurations,
        }
        if self.precision is not None:
            document["precision"] = {
                "metric": PRECISION_METRIC,
                "target_half_width": self.precision.target,
                "reached": self.precision.reached,
                "half_width": _number(self.precision.half_width),
            }
        return document

    def to_pandas(self):
        """One row per (configuration, metric): estimate, and the paired difference to the baseline."""
        import pandas as pd

        records = []
        for i, label in enumerate(self.labels):
            for spec in COMPARED:
                est = self.result(i)[spec.name]
                record = {"configuration": label, "metric": spec.name, **est.to_dict()}
                if i:
                    d = self.difference(i, spec.name)
                    record |= {
                        "difference": d.mean,
                        "difference_ci_low": d.ci_low,
                        "difference_ci_high": d.ci_high,
                        "excludes_zero": excludes_zero(d),
                        "unpaired_half_width": self.unpaired_half_width(i, spec.name),
                    }
                records.append(record)
        return pd.DataFrame(records)


def _count_range(name: str) -> tuple[float, float]:
    """A number of flipped requests is a count: never negative."""
    return (0.0, math.inf)


def excludes_zero(est: Estimate) -> bool:
    """Whether the interval of a paired difference excludes zero (with two replications or more)."""
    return est.n >= 2 and (est.ci_low > 0 or est.ci_high < 0)


def _number(value: float) -> float | None:
    return None if math.isnan(value) else value


def compare(
    scenarios: Sequence[Scenario],
    labels: Sequence[str] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    precision: float | None = None,
    max_replications: int = 500,
    execution: Execution = DEFAULT_EXECUTION,
) -> Comparison:
    """Run every configuration on the same requests; the first is the baseline.

    ``replications`` and ``seed`` default to the baseline's. With ``precision``, replications are
    added until the paired interval of the abuse pass-through difference (the widest over the
    alternatives) has at most that half-width, or ``max_replications`` is reached. ``execution``
    says where and how (:class:`~simulator.experiments.execution.Execution`; its ``progress`` is
    told finished replications); one backend serves every round of replications.
    """
    if len(scenarios) < 2:
        raise ValueError("compare needs at least two configurations")
    scenarios = tuple(scenarios)
    labels = tuple(labels or (s.name for s in scenarios))
    seed = scenarios[0].seed if seed is None else seed
    count = scenarios[0].replications if replications is None else replications
    most = max(count, max_replications) if precision is not None else count
    limits = execution.limits
    problem = limits.replication_problem(most)
    if problem:
        option = "--max-replications" if most > count else "--replications"
        raise ScenarioError([Problem(scenarios[0].source, option, problem)])
    for scenario in scenarios:
        problem = limits.plan_problem(most * len(scenarios), scenario)
        if problem:
            raise ScenarioError([Problem(scenario.source, "", problem)])
    done: dict[int, Any] = {}
    each = sum(expected_requests(s) for s in scenarios)
    executor = execution.backend(work=each * count)
    batch = partial(compare_batch, limits=limits)
    try:
        if execution.announce:
            execution.announce(executor.name)
        estimate = estimate_line(scenarios[0], most * len(scenarios), executor.slots(), limits)
        if estimate:
            execution.tell(estimate)

        def extend(upto: int) -> Comparison:
            pending = [r for r in range(upto) if r not in done]
            tasks = ((scenarios, seed, reps) for reps in tasks_for(executor, pending, each))
            for _, results in executor.map(batch, tasks):
                done.update(results)
                execution.told(len(results))
            rows = tuple(tuple(done[r][0][i] for r in range(upto)) for i in range(len(scenarios)))
            flips = tuple(tuple(done[r][1][i] for r in range(upto)) for i in range(len(scenarios) - 1))
            ids = tuple(
                tuple(f for r in range(upto) for f in done[r][2][i]) for i in range(len(scenarios) - 1)
            )
            return Comparison(labels, scenarios, seed, rows, flips, flipped=ids)

        if precision is not None and precision <= 0:
            raise ValueError("precision must be a half-width greater than 0")
        comparison = extend(max(count, 2) if precision is not None else count)
        if precision is None:
            return comparison
        while True:
            widths = [comparison.difference(i, PRECISION_METRIC).half_width for i in range(1, len(scenarios))]
            width = math.nan if any(math.isnan(w) for w in widths) else max(widths)
            n = comparison.replications
            # an undefined width (no abusive request decided in some replication) cannot shrink
            if width <= precision or n >= max_replications or math.isnan(width):
                reached = width <= precision
                return Comparison(
                    labels, scenarios, seed, comparison.rows, comparison.flips,
                    Precision(precision, reached, width), comparison.flipped,
                )  # fmt: skip
            needed = math.ceil(n * (width / precision) ** 2 * 1.1)
            comparison = extend(min(max_replications, max(n + 2, needed)))
    finally:
        executor.close()
