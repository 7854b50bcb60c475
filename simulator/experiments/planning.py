"""A sweep's plan before it runs: the configurations it will run and about how long it will take.

A sweep of many configurations can run for hours, so ``mlasim sweep --dry-run`` says what it would
do: every configuration (validated, as the sweep would validate them), the number of replications
and tasks, and an estimate of the time, from one replication of the first configuration timed here
and scaled by the number of replications and workers. Configurations that change the volume of
requests or the horizon take longer or shorter than the one timed: the estimate is a guide, and
says which configuration it was timed on.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from simulator.experiments.designs import Design
from simulator.experiments.run import replicate
from simulator.experiments.sweeps import _label, build_configurations, size_problems
from simulator.files.document import read_file
from simulator.files.limits import DEFAULT_LIMITS, Limits, duration
from simulator.files.reader import ScenarioError


@frozen
class Plan:
    """What a sweep would run, and the estimate of its duration."""

    points: tuple[Mapping[str, Any], ...]
    labels: tuple[str, ...]
    replications: int
    seed: int
    tasks: int
    workers: int
    seconds_per_replication: float

    @property
    def estimated_seconds(self) -> float:
        """Replications x seconds each, spread over the workers (at most one task each at a time)."""
        runs = len(self.points) * self.replications
        return runs * self.seconds_per_replication / max(1, min(self.workers, self.tasks))

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON values: each configuration (index, label, parameters), then the totals and the
        estimate."""
        return {
            "configurations": [
                {"index": i, "label": label, "parameters": dict(point)}
                for i, (label, point) in enumerate(zip(self.labels, self.points, strict=True))
            ],
            "replications": self.replications,
            "seed": self.seed,
            "tasks": self.tasks,
            "workers": self.workers,
            "seconds_per_replication": self.seconds_per_replication,
            "estimated_seconds": self.estimated_seconds,
        }


def plan(
    path: str | Path,
    design: Design,
    replications: int | None = None,
    seed: int | None = None,
    batch: int = 5,
    workers: int = 1,
    limits: Limits = DEFAULT_LIMITS,
) -> Plan:
    """Validate every configuration of ``design`` (its size against ``limits`` first, before any is
    made) and time one replication of the first."""
    base = read_file(path, limits).base(limits)
    seed = base.seed if seed is None else seed
    count = base.replications if replications is None else replications
    problems = size_problems(path, design, limits, count)
    if problems:
        raise ScenarioError(problems)
    points = design.points(seed)
    scenarios = build_configurations(path, points, limits)
    started = time.perf_counter()
    replicate(scenarios[0], seed, 0)
    elapsed = time.perf_counter() - started
    tasks = len(points) * math.ceil(count / batch)
    labels = tuple(_label(p) for p in points)
    return Plan(tuple(points), labels, count, seed, tasks, workers, elapsed)


def describe(plan: Plan, limit: int | None = None) -> Sequence[str]:
    """The plan as lines of text: each configuration, then the totals and the estimate."""
    shown = plan.labels if limit is None else plan.labels[:limit]
    lines = [f"  {i:>4}  {label}" for i, label in enumerate(shown, 1)]
    if len(shown) < len(plan.labels):
        lines.append(f"  ... and {len(plan.labels) - len(shown)} more")
    lines += [
        "",
        f"{len(plan.points)} configurations x {plan.replications} replications = "
        f"{len(plan.points) * plan.replications} replications in {plan.tasks} tasks, seed {plan.seed}",
        f"estimate: about {duration(plan.estimated_seconds)} on {plan.workers} worker(s) "
        f"(one replication of configuration 1 took {plan.seconds_per_replication:.2f} s here; "
        "configurations with more requests take longer)",
    ]
    return lines
