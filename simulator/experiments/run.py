"""Experiments: replications of a scenario, and their statistics.

A *replication* is one independent run of the pipeline over the scenario's horizon, with its own
random streams (:mod:`simulator.world.streams`) derived from the seed and the replication index.
Running ``n`` replications gives ``n`` values of every metric; :mod:`simulator.experiments.stats`
turns them into means with confidence intervals. Replication ``r`` is the same however many
replications are run, and in whatever order, so results do not depend on how the work is split.

**Warnings.** A result can be formally right and still say little. :attr:`RunResult.warnings` says
so, and every output (the table beside the headline, JSON ``"warnings"``, the report page) shows it:

- *too many undecided*: more than :data:`PENDING_WARNING` of the abusive or of the legitimate
  requests are still pending when the run stops, so the pass-through rests on the few decided;
- *saturated*: the backlog grew through the arrival window and the follow-up did not clear it. With
  the backlog samples of :mod:`simulator.world.tally` (means over replications): over the second
  half of the arrival window the backlog grew by more than :data:`SATURATION_GROWTH` of the requests
  that arrived in that half (the requested State decides fewer requests than arrive, so the queue
  grows without bound and a longer horizon would only make it longer), *and* at the end of the
  follow-up more than :data:`SATURATION_LEFT` of the backlog at the end of the horizon is still
  there. A surge late in the horizon that the follow-up clears does not warn; one it does not clear does.

**Progress.** ``run`` tells a progress display how many replications each finished task ran and,
when the replications run in this process, how far the current one has got in simulated days
(every :data:`DAY_STEPS`-th of its run, through the day hook of
:func:`simulator.world.pipeline.simulate`). Replications in worker processes or on a Dask cluster
report only when they finish: their simulated days are not sent back (it would need a channel from
every worker for a display). One replication with no ``--workers`` runs in this process, where
worker processes would gain nothing. In a Jupyter notebook the API shows its own small bar, on by
default and off with ``progress=False`` (:mod:`simulator.experiments.progress`); elsewhere it
prints nothing (the command line draws its own bar on a terminal).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from attrs import frozen

from simulator import __version__
from simulator.experiments import display
from simulator.experiments.display import format_estimate
from simulator.experiments.execution import Execution, execution_of
from simulator.experiments.executors import Serial, tasks_for
from simulator.experiments.progress import notebook_progress
from simulator.experiments.stats import INTERVAL_NAME, Estimate, summarise
from simulator.files.limits import DEFAULT_LIMITS, Limits, estimate_line
from simulator.files.reader import Problem, ScenarioError
from simulator.world.metrics import headline, metric_range, requests
from simulator.world.pipeline import DayHook, TraceHook, simulate
from simulator.world.requesters import DAYS_PER_YEAR
from simulator.world.scenario import Scenario
from simulator.world.volume import RequestLimit

#: A share of requests still pending at the end of the run above which results carry a warning.
PENDING_WARNING = 0.20
#: Saturation: the backlog grew, over the second half of the arrival window, by more than this
#: share of the requests that arrived in that half...
SATURATION_GROWTH = 0.10
#: ... and more than this share of the backlog at the end of the horizon is left when the run stops.
SATURATION_LEFT = 0.50
#: A replication run in this process tells the progress display its simulated day this many times.
DAY_STEPS = 200


def replicate(
    scenario: Scenario,
    seed: int,
    replication: int,
    trace: tuple[int, TraceHook] | None = None,
    on_day: DayHook | None = None,
    request_limit: RequestLimit | None = None,
) -> dict[str, float]:
    """One replication's metrics and backlog samples (see :mod:`simulator.world.tally`).

    ``on_day`` is told the simulated day every :data:`DAY_STEPS`-th of the run (a progress display);
    a replication past ``request_limit`` stops (:class:`~simulator.world.volume.RunawayReplication`).
    """
    every = scenario.end_day / DAY_STEPS
    tally = simulate(
        scenario, seed, replication, trace, on_day=on_day, every_days=every, request_limit=request_limit
    )
    row = tally.summary()
    row.update(tally.backlog())
    row.update(tally.granted_shares())
    if tally.years > 1:  # the headline by year of the run: how learning moves it
        row.update(tally.by_year_metrics())
    return row


@frozen
class RunResult:
    """Replications of one scenario: the per-replication rows and the estimates over them."""

    scenario: Scenario
    seed: int
    rows: tuple[Mapping[str, float], ...]
    estimates: Mapping[str, Estimate]
    #: the spread over the assumptions (:mod:`simulator.experiments.uncertainty`), when asked for
    uncertainty: Any = None

    @property
    def replications(self) -> int:
        """How many replications were run."""
        return len(self.rows)

    def __getitem__(self, metric: str) -> Estimate:
        return self.estimates[metric]

    def __repr__(self) -> str:
        lines = [f"RunResult({self.scenario.name!r}: {self.replications} replications, seed {self.seed})"]
        lines += [f"  {spec.label}: {format_estimate(self[spec.name], spec.kind)}" for spec in _brief(self)]
        if self.uncertainty is not None:
            lines += self.uncertainty.summary_lines([spec.name for spec in _brief(self)])
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        spreads = (
            self.uncertainty.spreads() if self.uncertainty is not None and self.uncertainty.declared else {}
        )
        rows = [
            (
                spec.label,
                format_estimate(self[spec.name], spec.kind),
                self[spec.name].n,
                *([spreads[spec.name].text(spec.kind)] if spreads else []),
            )
            for spec in headline()
            if spec.name in self.estimates
        ]
        caption = (
            f"{self.scenario.name}: {self.replications} replications, seed {self.seed} ({INTERVAL_NAME})"
        )
        if spreads:
            caption += f"; over the assumptions: {self.uncertainty.describe()}"
        header = ("metric", "mean [95% CI]", "n", *(("over the assumptions",) if spreads else ()))
        return display.html("run", self, display.html_table(caption, header, rows))

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
        """Why the headline figures may mislead (many undecided, a saturated pipeline), in words."""
        return result_warnings(self.estimates)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document ``mlasim run --format json`` prints."""
        shown = {m.name for m in (*headline(), *requests())}
        return {
            "scenario": self.scenario.name,
            "file": self.scenario.source,
            "seed": self.seed,
            "replications": self.replications,
            "version": __version__,
            "interval": INTERVAL_NAME,
            "metrics": {name: est.to_dict() for name, est in self.estimates.items() if name in shown},
            "refusals": _nested(self.section("refusals.")),
            "requesting_states": _nested(self.section("state.")),
            "stages": _nested(self.section("stage.")),
            "backlog": {
                name.split(".", 1)[1]: est.to_dict() for name, est in self.section("backlog.").items()
            },
            "warnings": self.warnings,
            **({"uncertainty": self.uncertainty.to_dict()} if self.uncertainty is not None else {}),
        }


def _means(estimates: Mapping[str, Any]) -> Callable[[str], float]:
    def mean(name: str) -> float:
        value = estimates.get(name)
        value = getattr(value, "mean", value)
        return float("nan") if value is None else float(value)

    return mean


def result_warnings(estimates: Mapping[str, Any]) -> list[str]:
    """Every warning about a result (see the module docstring): undecided requests, saturation."""
    return decided_share_warnings(estimates) + saturation_warnings(estimates)


def saturation_warnings(estimates: Mapping[str, Any]) -> list[str]:
    """A warning if the backlog grew through the arrival window and the follow-up did not clear it.

    ``estimates`` as for :func:`decided_share_warnings`; without backlog samples, no warning.
    """
    mean = _means(estimates)
    middle, horizon = mean("backlog.at_mid_horizon"), mean("backlog.at_horizon")
    arrived, end = mean("backlog.arrivals_second_half"), mean("backlog_at_end")
    if not (arrived > 0 and horizon > 0) or any(math.isnan(v) for v in (middle, end)):
        return []
    growth, left = (horizon - middle) / arrived, end / horizon
    if growth > SATURATION_GROWTH and left > SATURATION_LEFT:
        return [
            f"the requested State falls behind: the backlog grew from {middle:,.0f} to {horizon:,.0f} "
            f"requests over the second half of the arrival window ({100 * growth:.0f}% of the "
            f"{arrived:,.0f} arriving) and {100 * left:.0f}% of it is still there when the run stops: "
            "a saturated pipeline, whose figures depend on when the run stops (more staff or less volume)"
        ]
    return []


def decided_share_warnings(estimates: Mapping[str, Any]) -> list[str]:
    """A warning for each kind of request (abusive, legitimate) of which too many are still pending.

    ``estimates`` maps metric names to objects with a ``mean`` (an :class:`Estimate`, or a row of
    per-configuration means).
    """
    mean = _means(estimates)
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
    return [spec for spec in headline() if spec.name in BRIEF and spec.name in result.estimates]


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
    on_day: Callable[[int, float], None] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[Any, list[tuple[int, dict[str, float]]]]:
    """A task: replications of one scenario, run wherever the backend puts it.

    ``task`` is ``(tag, scenario, seed, replications)``; the tag (a sweep's configuration index)
    comes back with the results. ``on_day`` (in this process only) is told (replication, day).
    ``limits`` says when a replication that runs away is stopped (:meth:`Limits.request_limit`).
    """
    tag, scenario, seed, replications = task
    limit = limits.request_limit(scenario)
    if on_day is None:
        return tag, [(r, replicate(scenario, seed, r, request_limit=limit)) for r in replications]
    return tag, [
        (r, replicate(scenario, seed, r, on_day=partial(on_day, r), request_limit=limit))
        for r in replications
    ]


#: What ``run`` tells a progress display: finished replications, then (in this process) the days
#: simulated so far out of the whole run's (``days(done, total)``).
Progress = Callable[[int], None]
DaysProgress = Callable[[float, float], None]


def run(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    execution: Execution | None = None,
    *,
    workers: int | None = 1,
    scheduler: str | None = None,
    progress: Progress | bool | None = None,
    announce: Callable[[str], None] | None = None,
    days: DaysProgress | None = None,
    uncertainty: int | None = None,
    per_draw: int | None = None,
    study_dir: str | Path | None = None,
) -> RunResult:
    """Run ``replications`` (default: the scenario's) replications with ``seed`` (default: its seed).

    ``uncertainty``: also draw that many parameter sets over the file's declared ranges and give each
    headline metric's spread over them (:mod:`simulator.experiments.uncertainty`; ``per_draw``
    replications each): the result's :attr:`RunResult.uncertainty`. The scenario must come from a file
    (``load_scenario``, ``load_variant``; or give the file's path): the draws are overrides of it. They
    are kept in ``study_dir``, where asking again resumes them (default: a temporary directory).

    ``execution`` says where and how (:class:`~simulator.experiments.execution.Execution`); or give
    its settings one by one, as keywords. ``workers`` > 1 uses local worker processes (None: all
    cores if the run is big enough to pay for them, else this process; always this process for one
    replication), ``scheduler`` a Dask cluster; the numbers are the same. ``progress`` is told how
    many replications each finished task ran, and ``days`` how many simulated days the replications
    running in this process have covered, out of all (see the module docstring); ``progress`` None
    shows a bar in a Jupyter notebook (nothing elsewhere), False nothing. ``announce`` is told the
    backend chosen, before the work starts; ``note`` (on ``execution``) an estimate of the time and
    memory of a run near a bound. ``replications`` above the limits' bound are refused (one line).
    """
    execution = execution_of(
        execution, workers=workers, scheduler=scheduler, progress=progress, announce=announce, days=days
    )
    if uncertainty is not None or isinstance(scenario, str | Path):
        return _from_file(scenario, replications, seed, execution, uncertainty, per_draw, study_dir)
    seed = scenario.seed if seed is None else seed
    count = scenario.replications if replications is None else replications
    problem = execution.limits.replication_problem(count)
    if problem:
        raise ScenarioError([Problem(scenario.source, "--replications", problem)])
    problem = execution.limits.plan_problem(count, scenario)
    if problem:
        raise ScenarioError([Problem(scenario.source, "", problem)])
    if execution.workers is None and execution.scheduler is None and count == 1:
        execution = execution.but(workers=1)  # one task: worker processes would only add their start-up
    if not callable(execution.progress):
        with notebook_progress(execution.progress, "replications", count) as bar:
            if bar is not None:
                execution = execution.but(progress=bar, days=execution.days or bar.days)
            else:
                execution = execution.but(progress=None)
            return _replications(scenario, count, seed, execution)
    return _replications(scenario, count, seed, execution)


def _from_file(scenario, replications, seed, execution, draws, per_draw, study_dir) -> RunResult:
    """A run of a scenario named by its file (or built from one), with its spread when ``draws``."""
    from simulator.files.document import load_scenario, origin, read_file

    if isinstance(scenario, str | Path):
        file, overrides = read_file(scenario, execution.limits), {}
        if draws is None:
            return run(load_scenario(file, execution.limits), replications, seed, execution)
    else:
        found = origin(scenario)
        if found is None:
            message = (
                "uncertainty= needs a scenario read from a file (simulator.load_scenario(path), "
                "load_variant) or the file's path: the draws are overrides of the file"
            )
            raise ScenarioError([Problem(scenario.source, "uncertainty", message)])
        file, overrides = found
    import tempfile

    from simulator.experiments.uncertainty import DRAWS, PER_DRAW, run_uncertain

    asked = (draws or DRAWS, per_draw or PER_DRAW, replications, seed)
    if study_dir is not None:
        return run_uncertain(file, None, overrides, *asked, study_dir, _told(execution))
    with tempfile.TemporaryDirectory(prefix="mlasim-draws-") as where:
        return run_uncertain(file, None, overrides, *asked, Path(where) / "study", _told(execution))


def _told(execution: Execution) -> Execution:
    """The execution without a progress display of replications (a study counts tasks)."""
    return execution.but(progress=None, days=None)


def _replications(scenario: Scenario, count: int, seed: int, execution: Execution) -> RunResult:
    each = expected_requests(scenario)
    rows: dict[int, dict[str, float]] = {}
    end = scenario.end_day
    days = execution.days
    with execution.backend(work=each * count) as executor:
        if execution.announce:
            execution.announce(executor.name)
        estimate = estimate_line(scenario, count, executor.slots(), execution.limits)
        if estimate:
            execution.tell(estimate)
        in_process = days is not None and isinstance(executor, Serial)  # replications 0, 1, ... in order
        task = partial(replicate_batch, limits=execution.limits)
        if in_process:
            task = partial(
                replicate_batch,
                on_day=lambda r, day: days(r * end + day, count * end),
                limits=execution.limits,
            )
        tasks = ((None, scenario, seed, reps) for reps in tasks_for(executor, range(count), each))
        for _, (_, results) in executor.map(task, tasks):
            rows.update(results)
            if in_process:
                days((max(r for r, _ in results) + 1) * end, count * end)
            execution.told(len(results))
    return result_of(scenario, seed, [rows[r] for r in range(count)])


def result_of(scenario: Scenario, seed: int, rows: Sequence[Mapping[str, float]]) -> RunResult:
    """The result of ``scenario``'s replications whose metrics are ``rows`` (one per replication)."""
    return RunResult(scenario=scenario, seed=seed, rows=tuple(rows), estimates=summarise(rows, metric_range))
