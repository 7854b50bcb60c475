"""Statistics over draws: a metric's spread over the assumptions, how precisely it is known, what drives it.

Each draw of an uncertainty study (:mod:`simulator.experiments.draws`) gives one value of a metric:
its mean over the draw's replications. Over ``N`` draws:

- the **spread** is the 5th to the 95th percentile of those values (numpy's linear interpolation
  between order statistics): nine draws in ten fall inside it; the IPCC would call it the *very
  likely* range, were the ranges themselves likely ranges;
- **how precisely** each end is known is a distribution-free confidence interval for that percentile
  from the order statistics (the number of draws below the true percentile is binomial: the
  interval runs between the order statistics whose ranks bound that count with 90% probability), so
  it needs no assumption on the metric's distribution and widens honestly when ``N`` is small;
- the **drivers** are the parameters whose drawn value moves the metric most: the squared rank
  (Spearman) correlation between a parameter's draws and the metric's, the share of the spread's
  variance (in ranks) that parameter explains by a monotone effect of its own. On a Latin hypercube
  the parameters are drawn nearly independently, so the shares roughly add up; what they leave is
  interactions, non-monotone effects and replication noise. A share below :func:`noise_floor`
  cannot be told from no effect with ``N`` draws and that many parameters screened together;
- the **noise** in each draw's value adds to the spread, but only the part a draw does not share
  with the others: common random numbers give replication ``r`` of every draw the same luck, which
  moves all draws together. :func:`noise_share` estimates the unshared part (a two-way analysis of
  variance, draws by replications) and its share of the spread's variance.

A paired question ("is B better than A over the assumptions?") counts the draws where it holds; the
share comes with a Wilson score interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

#: The spread: from this percentile of the draws' values...
LOW_PERCENTILE = 5.0
#: ...to this one.
HIGH_PERCENTILE = 95.0
#: Confidence of the intervals of the spread's ends (order statistics) and of shares of draws.
PRECISION = 0.90


def defined(values: Sequence[float]) -> np.ndarray:
    """The values that are numbers (a draw where a metric is undefined is left out)."""
    array = np.asarray(values, dtype=float)
    return array[~np.isnan(array)]


def percentile(values: Sequence[float], level: float) -> float:
    """The ``level`` percentile (0-100) of the defined values (NaN without any)."""
    data = defined(values)
    return float(np.percentile(data, level)) if data.size else math.nan


def percentile_interval(
    values: Sequence[float], level: float, confidence: float = PRECISION
) -> tuple[float, float]:
    """A distribution-free ``confidence`` interval for the ``level`` percentile, from order statistics.

    With ``n`` values, the number below the true percentile is Binomial(n, level/100); the ranks that
    bound it with probability ``confidence`` pick the interval's ends (the extremes when ``n`` is too
    small to do better: the interval then covers less than asked).
    """
    data = np.sort(defined(values))
    n = data.size
    if n == 0:
        return math.nan, math.nan
    from scipy.stats import binom

    p, tail = level / 100.0, (1.0 - confidence) / 2.0
    low_rank = int(binom.ppf(tail, n, p))  # values below the lower end: at most this many
    high_rank = int(binom.ppf(1.0 - tail, n, p)) + 1
    low_rank = min(max(low_rank, 1), n)
    high_rank = min(max(high_rank, 1), n)
    return float(data[low_rank - 1]), float(data[high_rank - 1])


def wilson(successes: int, n: int, confidence: float = PRECISION) -> tuple[float, float]:
    """The Wilson score interval of a share ``successes / n``."""
    if n == 0:
        return math.nan, math.nan
    from statistics import NormalDist

    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    share = successes / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def ranks(values: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties sharing their average rank."""
    order = np.argsort(values, kind="mergesort")
    ranked = np.empty(values.size, dtype=float)
    ranked[order] = np.arange(1, values.size + 1)
    for value in np.unique(values):
        tied = values == value
        if tied.sum() > 1:
            ranked[tied] = ranked[tied].mean()
    return ranked


def rank_correlation(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rank correlation of two equally long samples (0 when either is constant)."""
    a, b = ranks(np.asarray(x, dtype=float)), ranks(np.asarray(y, dtype=float))
    a, b = a - a.mean(), b - b.mean()
    scale = math.sqrt(float((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / scale) if scale > 0 else 0.0


def explained(columns: Sequence[Sequence[float]], values: Sequence[float]) -> list[float]:
    """Per column (a parameter's draws), the squared rank correlation with ``values`` (draws where
    the value is undefined left out)."""
    y = np.asarray(values, dtype=float)
    keep = ~np.isnan(y)
    if keep.sum() < 3:
        return [math.nan] * len(columns)
    return [rank_correlation(np.asarray(c, dtype=float)[keep], y[keep]) ** 2 for c in columns]


def noise_floor(n: int, tests: int = 1, confidence: float = 0.95) -> float:
    """The squared rank correlation that ``n`` draws of a parameter with no effect exceed with
    probability ``1 - confidence``, shared among ``tests`` parameters screened at once (Bonferroni:
    with 21 parameters and none of them mattering, no driver is named 19 times in 20). Spearman's
    coefficient of unrelated samples is about normal, with variance 1/(n-1)."""
    if n < 3:
        return math.inf
    from statistics import NormalDist

    z = NormalDist().inv_cdf(1 - (1 - confidence) / (2 * max(1, tests)))
    return min(1.0, z * z / (n - 1))


def noise_share(values: Sequence[Sequence[float]]) -> float:
    """About what share of the variance of the draws' means their replication noise makes up.

    ``values[draw][replication]``. With common random numbers, replication ``r`` of every draw shares
    its luck: what spreads the draws' means is only the noise each draw does not share with the
    others. That is the residual of the additive model ``draw effect + replication effect`` (a two-way
    analysis of variance without interaction), whose variance over the number of replications is
    each mean's unshared noise; its share of the variance of the means is returned (at most 1). Draws
    with an undefined replication are left out.
    """
    rows = [[float(v) for v in row] for row in values]
    rows = [row for row in rows if row and not any(math.isnan(v) for v in row)]
    lengths = {len(row) for row in rows}
    if len(rows) < 2 or len(lengths) != 1 or next(iter(lengths)) < 2:
        return math.nan
    matrix = np.asarray(rows)
    draws, replications = matrix.shape
    residual = (
        matrix - matrix.mean(axis=1, keepdims=True) - matrix.mean(axis=0, keepdims=True) + matrix.mean()
    )
    noise = float((residual**2).sum()) / ((draws - 1) * (replications - 1)) / replications
    variance = float(np.var(matrix.mean(axis=1), ddof=1))
    if variance == 0:
        return 0.0 if noise == 0 else 1.0
    return min(1.0, noise / variance)
