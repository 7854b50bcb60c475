"""Quantiles of days to decision in bounded memory: exact for ordinary runs, a sketch for huge ones.

The median and 90th percentile of legitimate requests' days to decision need every value: a
replication keeps one float (8 bytes) per decided legitimate request. That is nothing for a year of
requests (about 3,000 values, 24 KiB) but grows without bound with the run: 10 million requests
would hold 72 MiB in every worker. :class:`Quantiles` keeps the values exactly up to
``exact_limit`` (by default 2^19 values, 4 MiB); past that it folds them into a
:class:`RelativeErrorSketch` and keeps only the sketch, so memory stays flat however long the run.

**The sketch's error, documented and tested.** Values are counted in logarithmic buckets
``(gamma^(i-1), gamma^i]`` with ``gamma = (1 + alpha) / (1 - alpha)``, and a bucket's values are
all reported as ``2 gamma^i / (gamma + 1)``, which lies within a relative error ``alpha`` of every
value in the bucket (the DDSketch construction of Masson, Rim and Lee, VLDB 2019). The sketch finds
the bucket holding each order statistic exactly (counts are exact), so every order statistic is
reported within ``alpha`` of its true value, and the linear interpolation between two of them that
defines the quantile (numpy's default, as for exact quantiles) is too:

    |sketched quantile - exact quantile| <= alpha x exact quantile, for every q in [0, 1].

With the default ``alpha = 0.005`` a median of 117.5 days is reported within 0.6 days. Memory is
one count per occupied bucket: days from 1 minute to 100 years need at most about 1,700 buckets.
Zero (and values below ``1e-9``) are counted apart and reported as 0.

Exact mode keeps every value and gives the exact quantiles, so every ordinary run (below the
limit) is exact; ``exact_limit=None`` keeps every value whatever the size.
"""

from __future__ import annotations

import math
from array import array

#: Values kept exactly before switching to the sketch: 2^19 doubles = 4 MiB.
EXACT_LIMIT = 2**19
#: Relative error of the sketch.
ALPHA = 0.005
#: Values at or below this are counted as zero (days: far below a second).
SMALLEST = 1e-9


def exact_quantile(sorted_values: list[float], q: float) -> float:
    """Empirical quantile with linear interpolation (numpy's default), NaN when empty."""
    if not sorted_values:
        return math.nan
    position = q * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    frac = position - low
    return sorted_values[low] * (1 - frac) + sorted_values[high] * frac


class RelativeErrorSketch:
    """Counts of non-negative values in logarithmic buckets: quantiles within relative ``alpha``."""

    __slots__ = ("_inverse_log_gamma", "alpha", "buckets", "count", "gamma", "zeros")

    def __init__(self, alpha: float = ALPHA) -> None:
        if not 0 < alpha < 1:
            raise ValueError(f"alpha must lie in (0, 1), not {alpha}")
        self.alpha = alpha
        self.gamma = (1 + alpha) / (1 - alpha)
        self._inverse_log_gamma = 1 / math.log(self.gamma)
        self.buckets: dict[int, int] = {}
        self.zeros = 0
        self.count = 0

    def add(self, value: float) -> None:
        """Count one value in its bucket (at or below ``SMALLEST``: as a zero)."""
        self.count += 1
        if value <= SMALLEST:
            self.zeros += 1
            return
        index = math.ceil(math.log(value) * self._inverse_log_gamma)
        self.buckets[index] = self.buckets.get(index, 0) + 1

    def _order_statistics(self, ranks: list[int]) -> list[float]:
        """The estimates of the values of the given 0-based ranks (ascending)."""
        found = []
        seen = self.zeros
        pending = iter(ranks)
        rank = next(pending, None)
        while rank is not None and rank < seen:
            found.append(0.0)
            rank = next(pending, None)
        for index in sorted(self.buckets):
            seen += self.buckets[index]
            while rank is not None and rank < seen:
                found.append(2 * self.gamma**index / (self.gamma + 1))
                rank = next(pending, None)
            if rank is None:
                break
        return found

    def quantile(self, q: float) -> float:
        """Within ``alpha`` (relative) of :func:`exact_quantile` of the values added; NaN if none."""
        if self.count == 0:
            return math.nan
        position = q * (self.count - 1)
        low = math.floor(position)
        high = min(low + 1, self.count - 1)
        frac = position - low
        at_low, at_high = self._order_statistics([low, high])
        return at_low * (1 - frac) + at_high * frac


class Quantiles:
    """Values kept for their quantiles: exactly up to ``exact_limit`` of them, then in a sketch."""

    __slots__ = ("alpha", "exact", "exact_limit", "sketch")

    def __init__(self, exact_limit: int | None = EXACT_LIMIT, alpha: float = ALPHA) -> None:
        self.exact_limit = exact_limit
        self.alpha = alpha
        self.exact: array | None = array("d")
        self.sketch: RelativeErrorSketch | None = None

    def append(self, value: float) -> None:
        """Keep one value; past ``exact_limit`` values, all of them go into the sketch and only it is kept."""
        if self.exact is None:
            self.sketch.add(value)
            return
        self.exact.append(value)
        if self.exact_limit is not None and len(self.exact) > self.exact_limit:
            self.sketch = RelativeErrorSketch(self.alpha)
            for kept in self.exact:
                self.sketch.add(kept)
            self.exact = None

    def __len__(self) -> int:
        return len(self.exact) if self.exact is not None else self.sketch.count

    @property
    def sketched(self) -> bool:
        """True once the values went into the sketch (quantiles within ``alpha``, relative)."""
        return self.exact is None

    def quantiles(self, *qs: float) -> tuple[float, ...]:
        """The quantiles ``qs`` (exact, or within ``alpha`` once sketched)."""
        if self.exact is None:
            return tuple(self.sketch.quantile(q) for q in qs)
        ordered = sorted(self.exact)
        return tuple(exact_quantile(ordered, q) for q in qs)
