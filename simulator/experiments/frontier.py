"""The safeguard frontier: configurations no other beats on abuse and on what legitimate requests pay.

Safeguards trade abuse let through against the cost to legitimate requests: refusals and days of
delay. Among a sweep's configurations, one is *dominated* when another lets through no more abuse,
refuses no more legitimate requests and takes no longer (by the means over replications), and is
strictly better on at least one of them. Which way is better for an objective is the metric's
declaration (:mod:`simulator.world.metrics`): lower for those three, higher for legitimate requests
granted; a metric that describes the load (requests submitted) is no objective and is refused.
The configurations no other dominates form the **frontier** (the Pareto front): there is no free
improvement left among them, only trade-offs. Each point comes with its confidence
intervals, because two configurations a hair apart on means may not differ beyond the noise.

A **budget query** picks from it: "the least abuse pass-through with legitimate refusals at most
3%" is the configuration minimising one metric among those whose means meet a condition
(``legitimate_refusal_rate <= 0.03``); it says whether the condition also holds at the far end of
each interval (so that the budget is met with 95% confidence, not only on average).

Configurations in which an objective is undefined (nothing to divide in every replication) are left
out, and counted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from simulator.experiments.conditions import Condition, check_metrics
from simulator.experiments.stats import Estimate
from simulator.experiments.sweeps import SweepResult
from simulator.files.overrides import OverrideError
from simulator.world.metrics import Better, catalogue

#: What the frontier minimises unless told otherwise: abuse, then the two costs to legitimate requests.
OBJECTIVES = ("abuse_pass_through", "legitimate_refusal_rate", "legitimate_days_median")


def dominates(a: Sequence[float], b: Sequence[float]) -> bool:
    """``a`` is no worse than ``b`` on every objective (all minimised) and better on one."""
    return all(x <= y for x, y in zip(a, b, strict=True)) and any(x < y for x, y in zip(a, b, strict=True))


def non_dominated(points: Sequence[Sequence[float]]) -> list[int]:
    """Indices of the points no other point dominates (duplicates all stay), in the given order."""
    return [i for i, p in enumerate(points) if not any(dominates(q, p) for q in points)]


@frozen
class Configuration:
    """One configuration of a sweep: its index, label, settings and the estimates of its metrics."""

    index: int
    label: str
    parameters: Mapping[str, Any]
    estimates: Mapping[str, Estimate]

    def means(self, metrics: Sequence[str]) -> tuple[float, ...]:
        """The means over replications of ``metrics``, in that order."""
        return tuple(self.estimates[m].mean for m in metrics)

    def costs(self, metrics: Sequence[str]) -> tuple[float, ...]:
        """The means with the sign that makes lower better (a metric where higher is better negated)."""
        return tuple(self.estimates[m].mean * _sign(m) for m in metrics)

    def to_dict(self) -> dict[str, Any]:
        """For JSON: index, label, parameters and each metric's estimate."""
        return {
            "index": self.index,
            "label": self.label,
            "parameters": dict(self.parameters),
            "metrics": {m: e.to_dict() for m, e in self.estimates.items()},
        }


@frozen
class Budget:
    """The answer to a budget query: the best configuration meeting the condition, if any."""

    condition: Condition
    least: str
    best: Configuration | None
    feasible: int
    holds_on_interval: bool  # the condition also holds at the unfavourable end of each interval

    def to_dict(self) -> dict[str, Any]:
        """For JSON: the condition as written, the metric minimised, how many configurations meet it, the
        best and whether it holds on the intervals."""
        return {
            "condition": str(self.condition),
            "least": self.least,
            "feasible": self.feasible,
            "best": None if self.best is None else self.best.to_dict(),
            "holds_on_interval": self.holds_on_interval,
        }


@frozen
class Frontier:
    """A sweep's frontier on ``objectives``: the configurations no other dominates, sorted by the
    first objective, and the answer to a budget query if one was asked."""

    source: str
    objectives: tuple[str, ...]
    replications: int
    configurations: int
    undefined: int
    front: tuple[Configuration, ...]  # sorted by the first objective
    budget: Budget | None = None
    varied: tuple[str, ...] = ()  # the settings the sweep varied (the others are alike everywhere)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document ``mlasim frontier --format json`` prints."""
        document = {
            "run_directory": self.source,
            "objectives": list(self.objectives),
            "replications": self.replications,
            "configurations": self.configurations,
            "left_out_undefined": self.undefined,
            "frontier": [c.to_dict() for c in self.front],
        }
        if self.budget is not None:
            document["budget"] = self.budget.to_dict()
        return document


def configurations(directory: str | Path, metrics: Sequence[str]) -> list[Configuration]:
    """A sweep's configurations with the estimates of ``metrics`` (from its summary).

    A configuration's label names only the settings the sweep varied (those set alike in every
    configuration, by ``--set`` say, are left out; its ``parameters`` keep them all).
    """
    result = SweepResult(Path(directory))
    parameters = {c["index"]: c["parameters"] for c in result.manifest()["configurations"]}
    keys = dict.fromkeys(k for p in parameters.values() for k in p)
    varied = [k for k in keys if len({repr(p.get(k)) for p in parameters.values()}) > 1]
    found = []
    for record in result.summary().sort_values("config_index").to_dict("records"):
        estimates = {
            m: Estimate(
                *(_number(record.get(f"{m}.{p}")) for p in ("mean", "ci_low", "ci_high")),
                int(_number(record.get(f"{m}.n"), 0)),
            )
            for m in metrics
        }
        index = int(record["config_index"])
        own = parameters.get(index, {})
        label = ", ".join(f"{k}={_text(own.get(k))}" for k in varied) or record["configuration"]
        found.append(Configuration(index, label, own, estimates))
    return found


def _sign(metric: str) -> float:
    return -1.0 if catalogue().resolve(metric) and catalogue()[metric].metric.better is Better.HIGHER else 1.0


def check_objectives(objectives: Sequence[str]) -> None:
    """Each objective has a better direction (lower or higher), or a one-line error."""
    for name in objectives:
        resolved = catalogue().resolve(name)
        if resolved is not None and resolved.metric.better is Better.NEITHER:
            raise OverrideError(
                f"--objective {name}: neither a lower nor a higher value is better (it describes the load, "
                "not an outcome): choose a metric such as abuse_pass_through or legitimate_refusal_rate"
            )


def _text(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _number(value: Any, missing: float = math.nan) -> float:
    return missing if value is None else float(value)


def frontier(
    directory: str | Path,
    objectives: Sequence[str] = OBJECTIVES,
    budget: Condition | None = None,
    least: str = OBJECTIVES[0],
) -> Frontier:
    """The non-dominated configurations of a sweep, and the answer to a budget query if one is asked."""
    objectives = tuple(objectives)
    metrics = tuple(dict.fromkeys([*objectives, *(budget.metrics if budget else ()), least]))
    summary_columns = SweepResult(Path(directory)).summary().columns
    known = [c[: -len(".mean")] for c in summary_columns if c.endswith(".mean")]
    check_metrics(metrics, known, "--objective/--budget/--least")
    check_objectives(objectives)
    every = configurations(directory, metrics)
    defined = [c for c in every if not any(math.isnan(v) for v in c.means(objectives))]
    front = [defined[i] for i in non_dominated([c.costs(objectives) for c in defined])]
    front.sort(key=lambda c: (c.costs(objectives), c.index))
    answer = None if budget is None else budget_query(every, budget, least)
    replications = max((e.n for c in every for e in c.estimates.values()), default=0)
    keys = dict.fromkeys(k for c in every for k in c.parameters)
    varied = tuple(k for k in keys if len({repr(c.parameters.get(k)) for c in every}) > 1)
    return Frontier(
        str(directory),
        objectives,
        replications,
        len(every),
        len(every) - len(defined),
        tuple(front),
        answer,
        varied,
    )


def budget_query(candidates: Sequence[Configuration], condition: Condition, least: str) -> Budget:
    """The configuration with the least mean ``least`` among those whose means meet ``condition``."""
    feasible = [
        c
        for c in candidates
        if condition.holds({m: c.estimates[m].mean for m in condition.metrics})
        and not math.isnan(c.estimates[least].mean)
    ]
    if not feasible:
        return Budget(condition, least, None, 0, False)
    best = min(feasible, key=lambda c: (c.estimates[least].mean, c.index))
    return Budget(condition, least, best, len(feasible), _holds_on_interval(best, condition))


def _holds_on_interval(c: Configuration, condition: Condition) -> bool:
    """The condition at each interval's unfavourable end: the upper end for ``<``, the lower for ``>``."""
    for clause in condition.clauses:
        est = c.estimates[clause.metric]
        end = est.ci_high if clause.op in ("<", "<=") else est.ci_low
        if math.isnan(end) or not clause.holds(end):
            return False
    return True
