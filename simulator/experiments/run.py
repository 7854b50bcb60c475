"""Experiments: replications of a scenario, and their statistics.

A *replication* is one independent run of the pipeline over the scenario's horizon, with its own
random streams (:mod:`simulator.world.streams`) derived from the seed and the replication index.
Running ``n`` replications gives ``n`` values of every metric; :mod:`simulator.experiments.stats`
turns them into means with confidence intervals. Replication ``r`` is the same however many
replications are run, and in whatever order, so results do not depend on how the work is split.

A result can be formally right and still say little: when most abusive requests are still pending
at the end of the run (a saturated pipeline, a follow-up too short), the pass-through rests on the
few decided ones. :attr:`RunResult.warnings` says so whenever more than :data:`PENDING_WARNING` of
the abusive or legitimate requests are undecided, and every output shows the warning.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from attrs import frozen

from simulator import __version__
from simulator.experiments import display
from simulator.experiments.display import format_estimate
from simulator.experiments.executors import backend, tasks_for
from simulator.experiments.stats import INTERVAL_NAME, Estimate, summarise
from simulator.world.pipeline import TraceHook, simulate
from simulator.world.requesters import DAYS_PER_YEAR
from simulator.world.scenario import Scenario
from simulator.world.tally import HEADLINE_METRICS, metric_range

#: A share of requests still pending at the end of the run above which results carry a warning.
PENDING_WARNING = 0.20


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

    def __repr__(self) -> str:
        lines = [f"RunResult({self.scenario.name!r}: {self.replications} replications, seed {self.seed})"]
        lines += [f"  {spec.label}: {format_estimate(self[spec.name], spec.kind)}" for spec in _brief(self)]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = [
            (spec.label, format_estimate(self[spec.name], spec.kind), self[spec.name].n)
            for spec in HEADLINE_METRICS
            if spec.kind != "count" and spec.name in self.estimates
        ]
        caption = (
            f"{self.scenario.name}: {self.replications} replications, seed {self.seed} ({INTERVAL_NAME})"
        )
        return display.html("run", self, display.html_table(caption, ("metric", "mean [95% CI]", "n"), rows))

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

    @property
    def warnings(self) -> list[str]:
        """Why the headline figures may mislead (many requests still undecided), in words."""
        return decided_share_warnings(self.estimates)

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
            "warnings": self.warnings,
        }


def decided_share_warnings(estimates: Mapping[str, Any]) -> list[str]:
    """A warning for each kind of request (abusive, legitimate) of which too many are still pending.

    ``estimates`` maps metric names to objects with a ``mean`` (an :class:`Estimate`, or a row of
    per-configuration means).
    """

    def mean(name: str) -> float:
        value = estimates.get(name)
        value = getattr(value, "mean", value)
        return float("nan") if value is None else float(value)

    abusive = mean("abusive_pending_share")
    submitted = mean("legitimate_submitted")
    decided = mean("legitimate_granted") + mean("legitimate_refused") + mean("legitimate_withdrawn")
    legitimate = (submitted - decided) / submitted if submitted > 0 else float("nan")
    warnings = []
    for kind, share in (("abusive", abusive), ("legitimate", legitimate)):
        if share > PENDING_WARNING:
            warnings.append(
                f"{100 * share:.0f}% of {kind} requests are still pending when the run stops: the "
                f"figures rest on the {100 * (1 - share):.0f}% decided (more staff, less volume or a "
                "longer follow_up_days would tell more)"
            )
    return warnings


BRIEF = ("abuse_pass_through", "legitimate_refusal_rate", "legitimate_days_median")


def _brief(result: RunResult) -> list:
    """The headline metrics a short repr shows."""
    return [spec for spec in HEADLINE_METRICS if spec.name in BRIEF and spec.name in result.estimates]


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
    progress: Callable[[int], None] | None = None,
    announce: Callable[[str], None] | None = None,
) -> RunResult:
    """Run ``replications`` (default: the scenario's) replications with ``seed`` (default: its seed).

    ``workers`` > 1 uses local worker processes (None: all cores if the run is big enough to pay for
    them, else this process), ``scheduler`` a Dask cluster; the numbers are the same. ``progress``
    is told how many replications each finished task ran; ``announce`` is told the backend chosen,
    before the work starts.
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
            if progress:
                progress(len(results))
    return result_of(scenario, seed, [rows[r] for r in range(count)])


def result_of(scenario: Scenario, seed: int, rows: Sequence[Mapping[str, float]]) -> RunResult:
    return RunResult(scenario=scenario, seed=seed, rows=tuple(rows), estimates=summarise(rows, metric_range))
