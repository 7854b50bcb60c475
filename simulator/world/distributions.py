"""Probability distributions for durations and scores, sampled by inverse transform.

Every duration in the model (how long a legal reviewer spends on a request, how long a requester
takes to answer a query, how long a provider takes to produce data) and every score in [0, 1] (how
well an abusive request is disguised, how strong the facts are) is drawn from one of these
families. Each turns **one** uniform draw into a value through its quantile function. That single
rule is what makes common random numbers work: two safeguard configurations that feed the same
uniform to the same stage see the same service time, whatever parameters they use elsewhere, and a
larger mean gives a larger draw for the same uniform (monotone coupling).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Protocol

from attrs import field, frozen

if TYPE_CHECKING:
    import numpy as np

_special = None


def _scipy_special():
    """scipy.special, imported on the first draw that needs it (not when a scenario is only read)."""
    global _special
    if _special is None:
        from scipy import special

        _special = special
    return _special


def _ndtri(u: float) -> float:
    """The standard normal quantile (scipy.special.ndtri, bound here on first use)."""
    global _ndtri
    _ndtri = _scipy_special().ndtri
    return _ndtri(u)


class Distribution(Protocol):
    """What the model needs of a distribution."""

    @property
    def mean(self) -> float:
        """The mean draw (days, for a duration)."""
        ...

    def quantile(self, u: float) -> float:
        """The value below which a share ``u`` of draws fall (``u`` in [0, 1))."""
        ...

    def describe(self) -> str:
        """The family and its parameters in a few words, as ``lognormal, mean 30, sd 10``."""
        ...


@frozen
class Fixed:
    """Always ``value``: a duration or score without spread."""

    value: float

    @property
    def mean(self) -> float:
        """``value``, the only draw."""
        return self.value

    def quantile(self, u: float) -> float:
        """``value``, whatever ``u``."""
        return self.value

    def describe(self) -> str:
        """As ``fixed 3``."""
        return f"fixed {self.value:g}"


@frozen
class Exponential:
    """Exponential with the given ``mean`` (a constant rate ``1 / mean``: memoryless)."""

    mean: float

    def quantile(self, u: float) -> float:
        """``-mean x log(1 - u)``."""
        return -self.mean * math.log1p(-u)

    def describe(self) -> str:
        """As ``exponential, mean 3``."""
        return f"exponential, mean {self.mean:g}"


@frozen
class Uniform:
    """Uniform on [``low``, ``high``]."""

    low: float
    high: float

    @property
    def mean(self) -> float:
        """The midpoint of ``low`` and ``high``."""
        return (self.low + self.high) / 2

    def quantile(self, u: float) -> float:
        """``low + (high - low) x u``."""
        return self.low + (self.high - self.low) * u

    def describe(self) -> str:
        """As ``uniform 1..5``."""
        return f"uniform {self.low:g}..{self.high:g}"


@frozen
class Triangular:
    """Triangular from ``low`` to ``high``, peaking at ``mode``."""

    low: float
    mode: float
    high: float

    @property
    def mean(self) -> float:
        """``(low + mode + high) / 3``."""
        return (self.low + self.mode + self.high) / 3

    def quantile(self, u: float) -> float:
        """The inverse of the triangular distribution function, a square root either side of the mode
        (``low`` when ``low == high``)."""
        span = self.high - self.low
        if span == 0:
            return self.low
        cut = (self.mode - self.low) / span
        if u < cut:
            return self.low + math.sqrt(u * span * (self.mode - self.low))
        return self.high - math.sqrt((1 - u) * span * (self.high - self.mode))

    def describe(self) -> str:
        """As ``triangular 1/3/10``."""
        return f"triangular {self.low:g}/{self.mode:g}/{self.high:g}"


@frozen
class Lognormal:
    """Lognormal given by the mean and standard deviation of the duration itself (not of its log)."""

    mean: float
    sd: float
    _mu: float = field(init=False, repr=False, eq=False)
    _sigma: float = field(init=False, repr=False, eq=False)

    @_mu.default
    def _log_mean(self) -> float:
        return math.log(self.mean) - self._log_sd() ** 2 / 2

    @_sigma.default
    def _log_sd(self) -> float:
        return math.sqrt(math.log1p((self.sd / self.mean) ** 2))

    def quantile(self, u: float) -> float:
        """The duration at the normal score ``ndtri(u)``."""
        return self.at_normal_score(float(_ndtri(u)))

    def describe(self) -> str:
        """As ``lognormal, mean 30, sd 10``."""
        return f"lognormal, mean {self.mean:g}, sd {self.sd:g}"

    def at_normal_score(self, z: float) -> float:
        """The duration at the standard normal score ``z`` (:meth:`quantile` of ``u`` is this at
        ``z = ndtri(u)``; the file check calls it with a score computed without scipy)."""
        return math.exp(self._mu + self._sigma * z)


def _inverted(value: float) -> float:
    """A beta draw from scipy's inversion, which underflows to NaN for u within a few ulps of 0."""
    return 0.0 if math.isnan(value) else value


@frozen
class Beta:
    """Beta(a, b) on [0, 1], for scores such as disguise quality or strength of facts."""

    a: float
    b: float

    @property
    def mean(self) -> float:
        """``a / (a + b)``."""
        return self.a / (self.a + self.b)

    def quantile(self, u: float) -> float:
        """The inverse regularised incomplete beta function at ``u`` (scipy's), 0 where it gives NaN."""
        return _inverted(float(_scipy_special().betaincinv(self.a, self.b, u)))

    def quantiles(self, us: np.ndarray) -> list[float]:
        """``quantile`` of each of ``us``, in one call of scipy's (the same values: the same routine)."""
        return [_inverted(v) for v in _scipy_special().betaincinv(self.a, self.b, us).tolist()]

    #: Every draw lies in [0, 1], whatever the parameters: :meth:`quantile` inverts the regularised
    #: incomplete beta function, whose values are in [0, 1], and draws 0 where the inversion gives NaN.
    support = (0.0, 1.0)

    def describe(self) -> str:
        """As ``beta(2, 5), mean 0.29``."""
        return f"beta({self.a:g}, {self.b:g}), mean {self.mean:.2f}"


def quantiles(distribution: Distribution, us: np.ndarray) -> list[float]:
    """``distribution.quantile`` of each of ``us`` (at once where the family can: a beta)."""
    if type(distribution) is Beta:
        return distribution.quantiles(us)
    return [distribution.quantile(u) for u in us.tolist()]


#: The families a scenario file may name, with the parameters each takes.
FAMILIES: dict[str, tuple[type, tuple[str, ...]]] = {
    "fixed": (Fixed, ("value",)),
    "exponential": (Exponential, ("mean",)),
    "uniform": (Uniform, ("low", "high")),
    "triangular": (Triangular, ("low", "mode", "high")),
    "lognormal": (Lognormal, ("mean", "sd")),
    "beta": (Beta, ("a", "b")),
}


def preload() -> None:
    """Import scipy.special now rather than at the first lognormal or beta draw.

    For a process about to fork workers: each then starts with it imported, where it would
    otherwise import it on its first draw (a third of a second or more, in every worker). Reading a
    scenario does not import it (the file's check probes without scipy,
    :func:`simulator.files.limits.probe_draws`).
    """
    _scipy_special()
