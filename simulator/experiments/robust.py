"""Robust comparison: does a safeguard choice hold across what we do not know?

``mlasim compare A B --robust [N]`` runs every configuration on the same ``N`` draws over the declared
ranges and the same random numbers (:mod:`simulator.experiments.draws`): in each draw the
configurations differ by the policy alone. For each headline metric and each alternative it
reports, over the draws, what the EMA Workbench calls robustness metrics (Kwakkel, *The Exploratory
Modeling Workbench*, Environmental Modelling & Software 96, 2017; McPhail et al., *Robustness
metrics*, Earth's Future 6, 2018):

- how often the alternative is **better** than the baseline (a difference in the metric's better
  direction, as its declaration says), with a Wilson interval; how often it is *clearly* better, its
  paired interval over the draw's replications excluding zero;
- the **median** and the **worst** paired difference (the largest change in the wrong direction);
- each configuration's **regret** (Savage's): in each draw, how far it falls short of the best
  configuration of that draw; the maximum over the draws is its *max regret*, the 90th percentile
  its regret in all but the worst tenth of the draws;
- with a condition (``--satisfy "abuse_pass_through <= 0.1"``), each configuration's **satisficing**
  share: the share of draws in which its means meet the condition.

A verdict sentence per metric says the result in words: "B lowers abuse pass-through in 61 of 64
draws; it never raises it by more than 0.8 points".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import field, frozen

from simulator.experiments import spread
from simulator.experiments.conditions import Condition
from simulator.experiments.draws import arm, default_directory, run_study, study
from simulator.experiments.execution import DEFAULT_EXECUTION, Execution
from simulator.experiments.stats import estimate
from simulator.files.document import read_file
from simulator.files.parameters import cited_sources
from simulator.files.reader import Problem, ScenarioError
from simulator.world.metrics import Better, catalogue, headline

#: Draws and replications of ``--robust`` without a number.
DRAWS = 64
PER_DRAW = 2
#: The percentile of the regrets reported beside the maximum.
REGRET_PERCENTILE = 90.0
NO_RANGE = (
    "--robust: no configuration has a parameter with a declared range of non-zero width: there is "
    "nothing to draw over (declare ranges as { value, low, high, source }: mlasim assumptions FILE)"
)


def sign(metric: str) -> float:
    """+1 where a lower value is better, -1 where a higher one is (0: neither)."""
    better = catalogue()[metric].metric.better
    return {Better.LOWER: 1.0, Better.HIGHER: -1.0}.get(better, 0.0)


@frozen
class Paired:
    """An alternative against the baseline on one metric, over the draws."""

    metric: str
    better: int  # draws where the alternative is better
    worse: int
    same: int
    clearly_better: int  # ... and its paired interval over replications excludes zero
    clearly_worse: int
    share_interval: tuple[float, float]  # Wilson interval of better / defined
    median: float  # median paired difference (alternative - baseline)
    worst: float  # the difference furthest in the wrong direction (or the least good)
    best: float

    @property
    def draws(self) -> int:
        """The draws on which the alternative and the baseline were compared."""
        return self.better + self.worse + self.same

    def to_dict(self) -> dict[str, Any]:
        """For JSON: the counts, the share better with its interval, and the median, worst and best
        differences."""
        return {
            "better": self.better,
            "worse": self.worse,
            "same": self.same,
            "clearly_better": self.clearly_better,
            "clearly_worse": self.clearly_worse,
            "share_better": self.better / self.draws if self.draws else None,
            "share_better_interval": [_json(v) for v in self.share_interval],
            "median_difference": _json(self.median),
            "worst_difference": _json(self.worst),
            "best_difference": _json(self.best),
        }


def _json(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


@frozen
class Robust:
    """Configurations on the same draws and random numbers; the first is the baseline."""

    labels: tuple[str, ...]
    keys: tuple[str, ...]  # the parameters drawn
    per_draw: int
    seed: int
    #: [configuration][metric] -> [draw][replication]
    values: tuple[Mapping[str, tuple[tuple[float, ...], ...]], ...]
    condition: Condition | None = None
    sources: Mapping[str, str] = field(factory=dict)
    directory: str = field(default="", eq=False)

    @property
    def draws(self) -> int:
        """How many draws every configuration ran on."""
        return len(next(iter(self.values[0].values()))) if self.values and self.values[0] else 0

    @property
    def metrics(self) -> list[str]:
        """The headline metrics compared (those with a better direction)."""
        return [m.name for m in headline() if m.name in self.values[0] and sign(m.name)]

    def means(self, index: int, metric: str) -> list[float]:
        """Configuration ``index``'s mean of ``metric`` in each draw."""
        return [_mean(row) for row in self.values[index][metric]]

    def paired(self, index: int, metric: str) -> Paired:
        """Alternative ``index`` against the baseline on ``metric``."""
        direction = sign(metric)
        base, other = self.values[0][metric], self.values[index][metric]
        better = worse = same = clearly_better = clearly_worse = 0
        differences = []
        for a, b in zip(base, other, strict=True):
            pairs = [y - x for x, y in zip(a, b, strict=True) if not (math.isnan(x) or math.isnan(y))]
            if not pairs:
                continue
            d = math.fsum(pairs) / len(pairs)
            differences.append(d)
            gain = -direction * d
            better, worse, same = better + (gain > 0), worse + (gain < 0), same + (gain == 0)
            interval = estimate(pairs)
            clear = not math.isnan(interval.ci_low) and (interval.ci_low > 0 or interval.ci_high < 0)
            clearly_better += clear and gain > 0
            clearly_worse += clear and gain < 0
        n = len(differences)
        gains = [-direction * d for d in differences]
        worst = -direction * min(gains) if gains else math.nan
        best = -direction * max(gains) if gains else math.nan
        median = spread.percentile(differences, 50.0)
        interval = spread.wilson(better, n)
        return Paired(
            metric, better, worse, same, clearly_better, clearly_worse, interval, median, worst, best
        )

    def regret(self, index: int, metric: str) -> list[float]:
        """In each draw, how far configuration ``index`` falls short of the best configuration."""
        direction = sign(metric)
        columns = [self.means(i, metric) for i in range(len(self.labels))]
        found = []
        for d in range(self.draws):
            costs = [direction * column[d] for column in columns]
            if any(math.isnan(c) for c in costs):
                continue
            found.append(costs[index] - min(costs))
        return found

    def satisficing(self, index: int) -> tuple[int, int]:
        """Draws in which configuration ``index`` meets the condition, out of those where it is defined."""
        if self.condition is None:
            return 0, 0
        columns = {m: self.means(index, m) for m in self.condition.metrics}
        met = defined = 0
        for d in range(self.draws):
            values = {m: column[d] for m, column in columns.items()}
            if any(math.isnan(v) for v in values.values()):
                continue
            defined += 1
            met += self.condition.holds(values)
        return met, defined

    def to_dict(self) -> dict[str, Any]:
        """For JSON: the draws, each configuration's regret and its comparison with the baseline."""
        configurations = []
        for i, label in enumerate(self.labels):
            entry: dict[str, Any] = {"label": label, "regret": {}}
            for metric in self.metrics:
                regrets = self.regret(i, metric)
                entry["regret"][metric] = {
                    "max": _json(max(regrets) if regrets else math.nan),
                    f"p{REGRET_PERCENTILE:g}": _json(spread.percentile(regrets, REGRET_PERCENTILE)),
                }
            entry["draw_means"] = {m: [_json(v) for v in self.means(i, m)] for m in self.metrics}
            if self.condition is not None:
                met, defined = self.satisficing(i)
                entry["satisficing"] = {
                    "met": met,
                    "draws": defined,
                    "share": met / defined if defined else None,
                }
            if i:
                entry["against_baseline"] = {m: self.paired(i, m).to_dict() for m in self.metrics}
            configurations.append(entry)
        return {
            "baseline": self.labels[0],
            "draws": self.draws,
            "replications_per_draw": self.per_draw,
            "seed": self.seed,
            "sampling": "Latin hypercube over the declared ranges, every configuration on the same draws "
            "and the same random numbers",
            "parameters": list(self.keys),
            "condition": None if self.condition is None else str(self.condition),
            "configurations": configurations,
            "sources": dict(self.sources),
        }


def _mean(values: Sequence[float]) -> float:
    data = [v for v in values if not math.isnan(v)]
    return math.fsum(data) / len(data) if data else math.nan


def robust_compare(
    configurations: Sequence[tuple[str, str | Path, Mapping[str, Any]]],
    draws: int = DRAWS,
    per_draw: int = PER_DRAW,
    seed: int | None = None,
    condition: Condition | None = None,
    directory: str | Path | None = None,
    execution: Execution = DEFAULT_EXECUTION,
    progress=None,
) -> Robust:
    """Every configuration (label, file, overrides composed) on the same draws; the first is the
    baseline. ``seed``: the baseline's unless given (it seeds the draws and the replications)."""
    limits = execution.limits
    if len(configurations) < 2:
        raise ValueError("a robust comparison needs at least two configurations")
    arms = [arm(label, path, overrides, limits) for label, path, overrides in configurations]
    first = read_file(configurations[0][1], limits)
    if seed is None:
        seed = first.configured(configurations[0][2], "", limits).seed
    if not any(a.parameters for a in arms):
        raise ScenarioError([Problem(first.source, "--robust", NO_RANGE)])
    the_study = study(arms, draws, per_draw, seed, limits=limits, option="--robust")
    stem = Path(first.source).stem
    where = Path(directory) if directory is not None else default_directory(stem, "robust", the_study)
    rows = run_study(the_study, where, execution, progress)
    names = [m.name for m in headline()]
    values = tuple(
        {name: tuple(tuple(r.get(name, math.nan) for r in reps) for reps in rows.draws[i]) for name in names}
        for i in range(len(arms))
    )
    sources: dict[str, str] = {}
    for _, path, overrides in configurations:
        reading = read_file(path, limits).reading(overrides, limits=limits)
        ranged = [p for p in reading.parameters if p.ranged]
        sources.update(cited_sources(ranged, reading.sources))
    labels = tuple(a.label for a in arms)
    return Robust(labels, the_study.keys, per_draw, seed, values, condition, sources, str(where))
