"""History matching: which parameter values the public record does not rule out, wave by wave.

The method of Vernon, Goldstein and Bower (2010) and Andrianakis et al. (2015), as R's hmer does it:

1. **A wave** runs a design of parameter points (the first a Latin hypercube over the prior ranges,
   :mod:`scipy.stats.qmc`), a few replications each.
2. **Emulators**: for each fitting target, a Gaussian process (scikit-learn's
   ``GaussianProcessRegressor``: a constant times an anisotropic RBF kernel plus white noise, fitted by
   maximum likelihood) learns the metric's mean over the wave's points, and a second one the log of
   its variance between replications, so that a point never run has a predicted mean, the
   emulator's uncertainty about it, and the model's own spread.
3. **Implausibility** of a point for a target is ``|E[f(x)] - z| / sqrt(V_obs + V_md + V_em(x) +
   V_sim(x))`` (:mod:`simulator.experiments.fitting`); a point is *non-implausible* when every fitting
   target's is below 3 under every wave's emulators so far (each wave's emulator was trained inside
   the region left by the waves before it, and judges only there).
4. **The next wave** samples candidates uniformly in the box around the points that survived
   (widened by a tenth of each range), keeps the non-implausible ones, and picks a spread-out subset
   (greedy maximin). The share of the prior space still non-implausible is the box's share of the
   prior volume times the share of its candidates that survive.

Everything here is a pure function of the waves' results and a seed: a resumed calibration rebuilds
the same emulators and draws the same next design.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from attrs import frozen

from simulator.experiments.fitting import CUTOFF
from simulator.files.targets import Range, Target

if TYPE_CHECKING:
    import numpy as np

#: Candidates drawn per round when looking for the next wave's points, and rounds at most.
CANDIDATES = 20_000
ROUNDS = 5
#: The box around the surviving points is widened by this share of each prior range on each side.
MARGIN = 0.1
#: Floor of a variance (relative to the squared scale of the outputs) to keep logs finite.
TINY = 1e-12


@frozen
class Space:
    """The prior ranges of the parameters fitted, and the map to and from the unit cube."""

    ranges: tuple[Range, ...]

    @property
    def keys(self) -> list[str]:
        """The dotted keys of the parameters, in order."""
        return [r.key for r in self.ranges]

    def values(self, unit: Sequence[float]) -> dict[str, Any]:
        """The dotted overrides of one point of the unit cube (integers for integer ranges)."""
        point: dict[str, Any] = {}
        for r, u in zip(self.ranges, unit, strict=True):
            if r.integer:
                point[r.key] = int(min(r.high, r.low + math.floor(u * (r.high - r.low + 1))))
            else:
                point[r.key] = float(r.low + u * (r.high - r.low))
        return point

    def unit(self, point: Mapping[str, Any]) -> list[float]:
        """A point's coordinates in the unit cube (an integer at the middle of its stratum)."""
        coordinates = []
        for r in self.ranges:
            value = float(point[r.key])
            if r.integer:
                coordinates.append((value - r.low + 0.5) / (r.high - r.low + 1))
            else:
                coordinates.append((value - r.low) / (r.high - r.low))
        return coordinates


def first_design(space: Space, points: int, seed: int) -> list[list[float]]:
    """A Latin hypercube of ``points`` in the unit cube."""
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=len(space.ranges), seed=seed).random(points).tolist()


@frozen
class Emulator:
    """Gaussian processes of one target's mean and log variance over a wave's points.

    An output that was positive at every point (a duration, a count, a share) is emulated on the log
    scale, where a queue's explosive growth near saturation is smooth enough for a stationary kernel:
    the prediction is then the log-normal's median ``exp(mu)`` and variance
    ``exp(2 mu + s^2) (exp(s^2) - 1)``.
    """

    target: Target
    mean: Any  # a fitted GaussianProcessRegressor
    log_variance: Any | None  # None when the replications never varied
    logged: bool = False  # the mean was emulated on the log scale

    def predict(self, unit: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Predicted mean, the emulator's variance about it, and the model's own variance."""
        import numpy as np

        mean, sd = self.mean.predict(unit, return_std=True)
        # the fitted nugget is the replications' noise about the mean, counted in ``spread``: the
        # emulator's own variance is the latent mean's
        nugget = self.mean.kernel_.k2.noise_level * float(np.square(self.mean._y_train_std))
        latent = np.maximum(sd**2 - nugget, 0.0)
        if self.logged:
            variance = np.minimum(latent, 50.0)
            mean, emulated = np.exp(mean), np.exp(2 * mean + variance) * np.expm1(variance)
        else:
            emulated = latent
        spread = np.exp(self.log_variance.predict(unit)) if self.log_variance is not None else 0 * mean
        return mean, emulated, spread

    def implausibility(self, unit: np.ndarray) -> np.ndarray:
        """Each point's implausibility for this target."""
        import numpy as np

        mean, emulated, spread = self.predict(unit)
        variance = self.target.observation_variance + emulated + spread
        return self.target.distance(mean) / np.sqrt(np.maximum(variance, TINY))


def _regressor(dimensions: int, seed: int):
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

    kernel = ConstantKernel(1.0, (1e-3, 1e3)) * RBF([0.3] * dimensions, (1e-2, 1e2)) + WhiteKernel(
        0.1, (1e-8, 1e1)
    )
    return GaussianProcessRegressor(kernel, normalize_y=True, n_restarts_optimizer=1, random_state=seed)


def _evidence(regressor, y: np.ndarray) -> float:
    """The fitted GP's log marginal likelihood of ``y`` on the original scale (``normalize_y``
    divides by the standard deviation; the change of scale enters as its log-Jacobian)."""
    import numpy as np

    return float(regressor.log_marginal_likelihood_value_) - len(y) * np.log(max(float(y.std()), TINY))


def _fit_mean(x: np.ndarray, y: np.ndarray, seed: int) -> tuple[Any, bool]:
    """Emulate the mean on the scale the data favour: the log scale for positive outputs whose
    marginal likelihood, Jacobian included, beats the linear scale's (durations and counts that
    grow multiplicatively), the linear scale otherwise."""
    import numpy as np

    linear = _regressor(x.shape[1], seed).fit(x, y)
    if not (len(y) and (y > 0).all()):
        return linear, False
    logs = np.log(y)
    logged = _regressor(x.shape[1], seed).fit(x, logs)
    if _evidence(logged, logs) - float(logs.sum()) > _evidence(linear, y):
        return logged, True
    return linear, False


def emulate(target: Target, unit: Sequence[Sequence[float]], means: Sequence[float],
            variances: Sequence[float], seed: int) -> Emulator:  # fmt: skip
    """Fit one target's emulators on a wave's points (NaN outputs left out)."""
    import warnings

    import numpy as np
    from sklearn.exceptions import ConvergenceWarning

    x, y, v = np.asarray(unit, float), np.asarray(means, float), np.asarray(variances, float)
    keep = ~np.isnan(y)
    x, y, v = x[keep], y[keep], v[keep]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mean, logged = _fit_mean(x, y, seed)
        known = ~np.isnan(v)
        log_variance = None
        scale = max(float(np.nanmax(np.abs(y))) if len(y) else 1.0, 1.0) ** 2 * TINY
        if known.sum() >= 3 and np.nanmax(v) > 0:
            log_variance = _regressor(x.shape[1], seed).fit(x[known], np.log(v[known] + scale))
    return Emulator(target, mean, log_variance, logged)


def implausibility(emulators: Sequence[Emulator], unit: np.ndarray) -> np.ndarray:
    """Each point's largest implausibility over ``emulators`` (one per fitting target)."""
    import numpy as np

    worst = np.zeros(len(unit))
    for emulator in emulators:
        worst = np.maximum(worst, emulator.implausibility(unit))
    return worst


def emulator_share(emulators: Sequence[Emulator], unit: np.ndarray) -> float:
    """How much of the implausibility's variance is the emulators' own, at ``unit`` (the mean
    share, worst target): near 0 when the emulators know the region well and another wave would
    mostly confirm it, near 1 when they are still the main uncertainty."""
    import numpy as np

    if not len(unit) or not emulators:
        return 0.0
    worst = 0.0
    for emulator in emulators:
        _, emulated, spread = emulator.predict(unit)
        total = emulator.target.observation_variance + emulated + spread
        worst = max(worst, float(np.mean(emulated / np.maximum(total, TINY))))
    return worst


def non_implausible(waves: Sequence[Sequence[Emulator]], unit: np.ndarray) -> np.ndarray:
    """Which points every wave's emulators leave below the cut-off."""
    import numpy as np

    keep = np.ones(len(unit), dtype=bool)
    for emulators in waves:
        if not keep.any():
            break
        keep[keep] = implausibility(emulators, unit[keep]) < CUTOFF
    return keep


@frozen
class Region:
    """What survives the waves so far: a sample of non-implausible points and its share of the space."""

    sample: list[list[float]]  # unit-cube points found non-implausible
    share: float  # estimated share of the prior space still non-implausible
    box: list[tuple[float, float]]  # the unit-cube box the candidates were drawn from

    def bounds(self) -> list[tuple[float, float]]:
        """Per parameter, the unit-cube interval the surviving sample spans (the box if none)."""
        if not self.sample:
            return []
        return [
            (min(p[i] for p in self.sample), max(p[i] for p in self.sample)) for i in range(len(self.box))
        ]


def region(waves: Sequence[Sequence[Emulator]], around: Sequence[Sequence[float]], seed: int,
           wanted: int = 2_000) -> Region:  # fmt: skip
    """Sample the non-implausible region, drawing candidates in the box around ``around`` (the
    points that survived last time; the whole cube when empty)."""
    import numpy as np

    dimensions = len(waves[0][0].mean.X_train_[0]) if waves and waves[0] else len(around[0])
    rng = np.random.default_rng(seed)
    if len(around):
        points = np.asarray(around, float)
        low = np.clip(points.min(axis=0) - MARGIN, 0.0, 1.0)
        high = np.clip(points.max(axis=0) + MARGIN, 0.0, 1.0)
    else:
        low, high = np.zeros(dimensions), np.ones(dimensions)
    volume = float(np.prod(high - low))
    kept, drawn = [], 0
    for _ in range(ROUNDS):
        candidates = low + (high - low) * rng.random((CANDIDATES, dimensions))
        drawn += CANDIDATES
        kept.extend(candidates[non_implausible(waves, candidates)].tolist())
        if len(kept) >= wanted:
            break
    share = volume * len(kept) / drawn
    return Region(kept, share, list(zip(low.tolist(), high.tolist(), strict=True)))


def spread_out(sample: Sequence[Sequence[float]], count: int, seed: int) -> list[list[float]]:
    """``count`` points of ``sample`` chosen far apart (greedy maximin from a random start)."""
    import numpy as np

    if len(sample) <= count:
        return [list(p) for p in sample]
    rng = np.random.default_rng(seed)
    points = np.asarray(sample, float)
    if len(points) > 4_000:
        points = points[rng.choice(len(points), 4_000, replace=False)]
    chosen = [int(rng.integers(len(points)))]
    nearest = np.linalg.norm(points - points[chosen[0]], axis=1)
    while len(chosen) < count:
        best = int(np.argmax(nearest))
        chosen.append(best)
        nearest = np.minimum(nearest, np.linalg.norm(points - points[best], axis=1))
    return points[chosen].tolist()
