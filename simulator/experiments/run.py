"""Experiments: replications of a scenario, and their statistics.

A *replication* is one independent run of the pipeline over the scenario's horizon, with its own
random streams (:mod:`simulator.world.streams`) derived from the seed and the replication index.
Running ``n`` replications gives ``n`` values of every metric; :mod:`simulator.experiments.stats`
turns them into means with confidence intervals. Replication ``r`` is the same however many
replications are run, and in whatever order, so results do not depend on how the work is split.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from attrs import frozen

from simulator import __version__
from simulator.experiments.executors import backend, tasks_for
from simulator.experiments.stats import INTERVAL_NAME, Estimate, summarise
from simulator.world.pipeline import TraceHook, simulate
from simulator.world.requesters import DAYS_PER_YEAR
from simulator.world.scenario import Scenario
from simulator.world.tally import HEADLINE_METRICS, metric_range


def replicate(
    scenario: Scenario, seed: int, replication: int, trace: tuple[int, TraceHook] | None = None
) -> dict[str, float]:
    """One replication's metrics (see :mod:`simulator.world.tally` for their definitions)."""
    return simulate(scenario, seed, replication, trace).summary()


@frozen
class RunResult:
    """Replications of one scenario: the per-replication rows and the estimates over them."""

    scenario: Scenario
    seed: int
    rows: tuple[Mapping[str, float], ...]
    estimates: Mapping[str, Estimate]

    @property
    def replications(self) -> int:
        return len(self.rows)

    def __getitem__(self, metric: str) -> Estimate:
        return self.estimates[metric]

    def to_pandas(self):
        """One row per replication, one column per metric (pandas DataFrame)."""
        import pandas as pd

        frame = pd.DataFrame(list(self.rows))
        frame.insert(0, "replication", range(len(self.rows)))
        return frame

    def summary(self):
        """One row per metric: mean, ci_low, ci_high, n (pandas DataFrame)."""
        import pandas as pd

        return pd.DataFrame([{"metric": name, **est.to_dict()} for name, est in self.estimates.items()])

    def section(self, prefix: str) -> dict[str, Estimate]:
        """Estimates whose name starts with ``prefix`` (``refusals.``, ``state.``, ``stage.``)."""
        return {k: v for k, v in self.estimates.items() if k.startswith(prefix)}

    def to_dict(self) -> dict[str, Any]:
        """The JSON document ``mlasim run --format json`` prints."""
        headline = {m.name for m in HEADLINE_METRICS}
        return {
            "scenario": self.scenario.name,
            "file": self.scenario.source,
            "seed": self.seed,
            "replications": self.replications,
            "version": __version__,
            "interval": INTERVAL_NAME,
            "metrics": {name: est.to_dict() for name, est in self.estimates.items() if name in headline},
            "refusals": _nested(self.section("refusals.")),
            "requesting_states": _nested(self.section("state.")),
            "stages": _nested(self.section("stage.")),
        }


def _nested(estimates: Mapping[str, Estimate]) -> dict[str, dict[str, Any]]:
    """``{"refusals.uncc-40-22.abusive": e}`` -> ``{"uncc-40-22": {"abusive": {...}}}``."""
    nested: dict[str, dict[str, Any]] = {}
    for name, est in estimates.items():
        _, owner, metric = name.split(".", 2)
        nested.setdefault(owner, {})[metric] = est.to_dict()
    return nested


def expected_requests(scenario: Scenario) -> float:
    """About how many requests one replication simulates (arrival rates over the horizon, with surges).

    What the backends need to size tasks and to judge whether worker processes would pay.
    """
    total = 0.0
    for state in scenario.requesting_states:
        days = scenario.horizon_days
        for surge in state.surges:
            overlap = min(surge.end_day, scenario.horizon_days) - max(surge.start_day, 0.0)
            days += max(overlap, 0.0) * (surge.multiplier - 1.0)
        total += state.requests_per_year / DAYS_PER_YEAR * days
    return total


def replicate_batch(
    task: tuple[Any, Scenario, int, tuple[int, ...]],
) -> tuple[Any, list[tuple[int, dict[str, float]]]]:
    """A task: replications of one scenario, run wherever the backend puts it.

    ``task`` is ``(tag, scenario, seed, replications)``; the tag (a sweep's configuration index)
    comes back with the results.
    """
    tag, scenario, seed, replications = task
    return tag, [(r, replicate(scenario, seed, r)) for r in replications]


def run(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = 1,
    scheduler: str | None = None,
    announce: Callable[[str], None] | None = None,
) -> RunResult:
    """Run ``replications`` (default: the scenario's) replications with ``seed`` (default: its seed).

    ``workers`` > 1 uses local worker processes (None: all cores if the run is big enough to pay for
    them, else this process), ``scheduler`` a Dask cluster; the numbers are the same. ``announce``
    is told the backend chosen, before the work starts.
    """
    seed = scenario.seed if seed is None else seed
    count = scenario.replications if replications is None else replications
    each = expected_requests(scenario)
    rows: dict[int, dict[str, float]] = {}
    with backend(workers, scheduler, work=each * count) as executor:
        if announce:
            announce(executor.name)
        tasks = ((None, scenario, seed, reps) for reps in tasks_for(executor, range(count), each))
        for _, (_, results) in executor.map(replicate_batch, tasks):
            rows.update(results)
    return result_of(scenario, seed, [rows[r] for r in range(count)])


def result_of(scenario: Scenario, seed: int, rows: Sequence[Mapping[str, float]]) -> RunResult:
    return RunResult(scenario=scenario, seed=seed, rows=tuple(rows), estimates=summarise(rows, metric_range))
