"""Across-replication statistics: means with Student-t confidence intervals.

Each replication of a scenario is one independent observation of every metric (its own requests,
its own luck). The estimate of a metric is the mean over replications; its 95% confidence interval
is the Student-t interval ``mean +/- t(0.975, n-1) x s / sqrt(n)`` over the replication values,
where ``n`` counts the replications in which the metric was defined (a ratio with nothing to
divide, such as abuse pass-through in a replication with no abusive request decided, is left out,
and ``n`` says so). With fewer than two values there is no interval. An interval is clipped to
the range the metric can take (a share lies in [0, 1], a count or a duration is never negative):
the clipped interval covers the true value whenever the unclipped one does.

The Student-t quantile comes from ``scipy.special.stdtrit`` (what ``scipy.stats.t.ppf`` calls, to the
last bit) rather than ``scipy.stats``, which costs about a second to import in every worker process.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from attrs import frozen

CONFIDENCE = 0.95
INTERVAL_NAME = "95% Student-t confidence interval over replication means"


@frozen
class Estimate:
    """A metric's mean over replications with its confidence interval (NaN bounds when n < 2)."""

    mean: float
    ci_low: float
    ci_high: float
    n: int

    @property
    def half_width(self) -> float:
        """Half the interval's width (NaN when n < 2)."""
        return (self.ci_high - self.ci_low) / 2

    def to_dict(self) -> dict[str, float | int | None]:
        """For JSON: mean, ci_low, ci_high and n, with None for NaN."""
        return {
            "mean": _json_number(self.mean),
            "ci_low": _json_number(self.ci_low),
            "ci_high": _json_number(self.ci_high),
            "n": self.n,
        }

    @classmethod
    def read(cls, entry: Mapping[str, Any] | None) -> Estimate:
        """An estimate from its JSON form (:meth:`to_dict`; None or a missing bound: NaN)."""
        entry = entry or {}

        def number(key: str) -> float:
            value = entry.get(key)
            return math.nan if value is None else float(value)

        return cls(number("mean"), number("ci_low"), number("ci_high"), int(entry.get("n") or 0))


def _json_number(value: float) -> float | None:
    return None if math.isnan(value) else value


UNBOUNDED = (-math.inf, math.inf)


def t_quantile(probability: float, df: float) -> float:
    """The ``probability`` quantile of Student's t with ``df`` degrees of freedom."""
    from scipy import special  # loaded on first use: it costs most of a second to import

    return float(special.stdtrit(df, probability))


def estimate(
    values: Iterable[float],
    confidence: float = CONFIDENCE,
    bounds: tuple[float, float] = UNBOUNDED,
) -> Estimate:
    """Mean and Student-t interval of the defined (non-NaN) values, clipped to ``bounds``."""
    data = [v for v in values if not math.isnan(v)]
    n = len(data)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    mean = math.fsum(data) / n
    if n < 2:
        return Estimate(mean, math.nan, math.nan, n)
    variance = math.fsum((v - mean) ** 2 for v in data) / (n - 1)
    half = t_quantile((1 + confidence) / 2, n - 1) * math.sqrt(variance / n)
    low, high = bounds
    return Estimate(mean, max(low, mean - half), min(high, mean + half), n)


def summarise(
    rows: Sequence[Mapping[str, float]],
    bounds: Callable[[str], tuple[float, float]] = lambda name: UNBOUNDED,
) -> dict[str, Estimate]:
    """Per metric, the estimate over replication rows (a metric missing from a row is undefined)."""
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    return {name: estimate((row.get(name, math.nan) for row in rows), bounds=bounds(name)) for name in names}


def welch_half_width(a: Iterable[float], b: Iterable[float], confidence: float = CONFIDENCE) -> float:
    """Half-width of the interval for mean(b) - mean(a) had the two samples been independent.

    The Welch interval: what comparing two separate runs would give, to set beside the paired one.
    """
    xs = [v for v in a if not math.isnan(v)]
    ys = [v for v in b if not math.isnan(v)]
    if len(xs) < 2 or len(ys) < 2:
        return math.nan
    va = _variance(xs) / len(xs)
    vb = _variance(ys) / len(ys)
    if va + vb == 0:
        return 0.0
    df = (va + vb) ** 2 / (va**2 / (len(xs) - 1) + vb**2 / (len(ys) - 1))
    return t_quantile((1 + confidence) / 2, df) * math.sqrt(va + vb)


def _variance(values: list[float]) -> float:
    mean = math.fsum(values) / len(values)
    return math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)
