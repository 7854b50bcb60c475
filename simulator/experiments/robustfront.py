"""The safeguard frontier across the assumptions: configurations no other beats over the whole range.

``mlasim frontier RUN_DIR --robust [N]`` takes a sweep's configurations and runs each on the same
``N`` draws over the declared ranges of its scenario and the same random numbers
(:mod:`simulator.experiments.draws`). A configuration's robust value on an objective is the
unfavourable end of its spread over the draws: the 95th percentile where lower is better (the 5th
where higher is): what it achieves in all but the worst twentieth of the assumptions (a
percentile-based robustness metric, in the EMA Workbench's terms). The robust frontier is the set of
configurations no other configuration dominates on those values: no other does at least as well on
every objective, and better on one, at the unfavourable end of the range. Beside each, the share of
draws in which it lies on that draw's own frontier says how often it is among the best trade-offs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from attrs import field, frozen

from simulator.experiments import spread, sweeps
from simulator.experiments.draws import arm, run_study, study
from simulator.experiments.execution import DEFAULT_EXECUTION, Execution
from simulator.experiments.frontier import OBJECTIVES, check_objectives, non_dominated
from simulator.experiments.robust import NO_RANGE, sign
from simulator.files.document import read_file
from simulator.files.reader import Problem, ScenarioError

#: Draws and replications of ``frontier --robust`` without a number (each configuration runs them all).
DRAWS = 32
PER_DRAW = 2
#: The unfavourable end of the spread a robust value is taken at.
UNFAVOURABLE = spread.HIGH_PERCENTILE


@frozen
class RobustPoint:
    """A configuration of the sweep over the draws."""

    index: int
    label: str
    parameters: dict[str, Any]
    values: dict[str, tuple[float, ...]]  # objective -> mean of each draw

    def robust(self, objective: str) -> float:
        """The value at the unfavourable end of the spread (the 95th percentile of what is worse)."""
        direction = sign(objective)
        costs = [direction * v for v in self.values[objective]]
        return direction * spread.percentile(costs, UNFAVOURABLE)

    def to_dict(self, objectives: Sequence[str], share: float) -> dict[str, Any]:
        """For JSON: the configuration, how often it is on a draw's frontier, and each objective's robust
        value and spread."""
        return {
            "index": self.index,
            "label": self.label,
            "parameters": self.parameters,
            "on_frontier_share": share,
            "objectives": {
                m: {
                    "robust": _json(self.robust(m)),
                    "median": _json(spread.percentile(self.values[m], 50.0)),
                    "low": _json(spread.percentile(self.values[m], spread.LOW_PERCENTILE)),
                    "high": _json(spread.percentile(self.values[m], spread.HIGH_PERCENTILE)),
                }
                for m in objectives
            },
        }


def _json(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


@frozen
class RobustFrontier:
    """A sweep's configurations run over draws of the declared ranges, and those on the robust frontier."""

    source: str
    objectives: tuple[str, ...]
    draws: int
    per_draw: int
    points: tuple[RobustPoint, ...]  # every configuration
    front: tuple[int, ...]  # positions in ``points`` on the robust frontier, by the first objective
    shares: tuple[float, ...]  # per point: share of draws on that draw's frontier
    keys: tuple[str, ...] = ()
    directory: str = field(default="", eq=False)

    def to_dict(self) -> dict[str, Any]:
        """For JSON: the objectives, the draws, every configuration, and the robust frontier."""
        return {
            "run_directory": self.source,
            "objectives": list(self.objectives),
            "robust_value": f"{UNFAVOURABLE:g}th percentile of what is worse over the draws",
            "draws": self.draws,
            "replications_per_draw": self.per_draw,
            "parameters": list(self.keys),
            "configurations": len(self.points),
            "frontier": [self.points[i].to_dict(self.objectives, self.shares[i]) for i in self.front],
        }


def robust_frontier(
    directory: str | Path,
    objectives: Sequence[str] = OBJECTIVES,
    draws: int = DRAWS,
    per_draw: int = PER_DRAW,
    study_dir: str | Path | None = None,
    execution: Execution = DEFAULT_EXECUTION,
    progress=None,
) -> RobustFrontier:
    """The configurations of the sweep in ``directory`` non-dominated across the declared ranges."""
    objectives = tuple(objectives)
    check_objectives(objectives)
    directory = Path(directory)
    manifest = sweeps.read_manifest(directory)
    path = sweeps.scenario_file(directory, manifest)
    limits = execution.limits
    file = read_file(path, limits)
    variants = {v.name: v.overrides for v in file.variants()}
    configurations = manifest["configurations"]
    keys = dict.fromkeys(k for c in configurations for k in c["parameters"])
    varied = [k for k in keys if len({repr(c["parameters"].get(k)) for c in configurations}) > 1]
    arms = []
    for c in configurations:
        given = c["parameters"]
        overrides = {
            **variants.get(given.get("variant"), {}),
            **{k: v for k, v in given.items() if k != "variant"},
        }
        label = ", ".join(f"{k}={_text(given.get(k))}" for k in varied) or c["label"]
        arms.append(arm(label, path, overrides, limits))
    if not any(a.parameters for a in arms):
        raise ScenarioError([Problem(str(path), "--robust", NO_RANGE)])
    the_study = study(arms, draws, per_draw, manifest["seed"], limits=limits, option="--robust")
    where = Path(study_dir) if study_dir is not None else directory / f"robust-{the_study.digest()}"
    rows = run_study(the_study, where, execution, progress)
    points = tuple(
        RobustPoint(
            c["index"], a.label, dict(c["parameters"]), {m: tuple(rows.means(i, m)) for m in objectives}
        )
        for i, (c, a) in enumerate(zip(configurations, arms, strict=True))
    )
    defined = [i for i, p in enumerate(points) if not any(math.isnan(p.robust(m)) for m in objectives)]
    costs = [[sign(m) * points[i].robust(m) for m in objectives] for i in defined]
    front = [defined[j] for j in non_dominated(costs)]
    front.sort(key=lambda i: ([sign(m) * points[i].robust(m) for m in objectives], i))
    shares = _on_frontier_shares(points, objectives, the_study.draws)
    return RobustFrontier(
        str(directory), objectives, the_study.draws, per_draw, points, tuple(front), shares,
        the_study.keys, str(where),
    )  # fmt: skip


def _on_frontier_shares(
    points: Sequence[RobustPoint], objectives: Sequence[str], draws: int
) -> tuple[float, ...]:
    """Per configuration, the share of draws in which no other configuration dominates it."""
    counts = [0] * len(points)
    usable = 0
    for d in range(draws):
        costs = [[sign(m) * p.values[m][d] for m in objectives] for p in points]
        if any(math.isnan(c) for row in costs for c in row):
            continue
        usable += 1
        for i in non_dominated(costs):
            counts[i] += 1
    return tuple(c / usable if usable else math.nan for c in counts)


def _text(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
