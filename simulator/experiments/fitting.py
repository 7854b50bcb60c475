"""How far a scenario stands from the public record: each target's implausibility.

For one target (:mod:`simulator.files.targets`), a scenario's replications give the simulated mean
of the metric it names, with its Student-t interval (:mod:`simulator.experiments.stats`), and its
**implausibility** (history matching: Vernon, Goldstein and Bower 2010; Andrianakis et al. 2015)::

    I = |simulated mean - observed| / sqrt(observation var + model discrepancy + simulation var)

The *simulation variance* is the spread of one replication around the mean (the record is one
realisation of the world, as one replication is of the model: the *ensemble variability* of
Andrianakis et al.) plus the uncertainty of the mean itself (variance / n). An implausibility above
:data:`CUTOFF` (3, by Pukelsheim's three-sigma rule: at least 95% of any unimodal distribution lies
within three standard deviations) says the scenario is not consistent with the figure; below it, the
figure does not rule the scenario out, which is not the same as confirming it.

A target whose metric the scenario never produced (a provision it never cites, a channel it does
not offer) cannot be judged: :func:`fits` raises a one-line error naming it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from attrs import frozen

from simulator.experiments.stats import Estimate, estimate
from simulator.files.reader import Problem, ScenarioError
from simulator.files.targets import Target, Targets
from simulator.world.metrics import catalogue

#: Implausibility from which a scenario is taken to be inconsistent with a figure.
CUTOFF = 3.0


@frozen
class Fit:
    """One target against a scenario's replications."""

    target: Target
    simulated: Estimate
    variance: float  # one replication's variance about the mean (ensemble variability)
    implausibility: float

    @property
    def consistent(self) -> bool:
        """Not ruled out by the figure (implausibility below the cut-off)."""
        return self.implausibility < CUTOFF

    def to_dict(self) -> dict:
        """For JSON: the target, what was observed and simulated, the implausibility and whether they
        agree."""
        t = self.target
        return {
            "id": t.id,
            "metric": t.metric,
            "quantity": t.quantity,
            "use": t.use,
            "observed": {"value": t.value, "low": t.low, "high": t.high, "sd": t.sd},
            "discrepancy": t.discrepancy,
            "unit": t.unit,
            "year": t.year,
            "source": t.source,
            "solidity": t.solidity,
            "measures": t.measures,
            "simulated": self.simulated.to_dict(),
            "variance": None if math.isnan(self.variance) else self.variance,
            "implausibility": None if math.isnan(self.implausibility) else self.implausibility,
            "consistent": self.consistent,
        }


def simulation_variance(values: Sequence[float]) -> tuple[float, float]:
    """One replication's variance about the mean, and the variance of the mean (NaN below 2 values)."""
    data = [v for v in values if not math.isnan(v)]
    if len(data) < 2:
        return math.nan, math.nan
    mean = math.fsum(data) / len(data)
    variance = math.fsum((v - mean) ** 2 for v in data) / (len(data) - 1)
    return variance, variance / len(data)


def fit(target: Target, values: Sequence[float]) -> Fit:
    """One target against a metric's values, one per replication (NaN where it was undefined)."""
    simulated = estimate(values, bounds=catalogue().bounds(target.metric))
    ensemble, of_mean = simulation_variance(values)
    spread = (0.0 if math.isnan(ensemble) else ensemble) + (0.0 if math.isnan(of_mean) else of_mean)
    implausibility = math.nan if simulated.n == 0 else target.implausibility(simulated.mean, spread)
    return Fit(target, simulated, ensemble, implausibility)


def fits(
    targets: Targets, rows: Sequence[Mapping[str, float]], which: Sequence[Target] | None = None
) -> list[Fit]:
    """Each target (or those of ``which``) against replication rows (metric name -> value)."""
    chosen = targets.targets if which is None else which
    missing = [t for t in chosen if not any(t.metric in row for row in rows)]
    if missing:
        problems = [
            Problem(targets.path, f"target {t.id!r}", f"the scenario produced no metric {t.metric!r}")
            for t in missing
        ]
        raise ScenarioError(problems)
    return [fit(t, [row.get(t.metric, math.nan) for row in rows]) for t in chosen]


def worst(found: Sequence[Fit]) -> float:
    """The largest implausibility (NaN ones, targets with no value, count as infinitely far)."""
    return max((math.inf if math.isnan(f.implausibility) else f.implausibility for f in found), default=0.0)
