"""Limits: the numbers a scenario may hold, so that no run explodes, hangs or ends in NaN.

A scenario file can hold any number TOML can write: ``1e308``, ``inf``, ``nan``, a tiny mean with a
huge spread. Each is a plausible typo, and each used to end badly: a run that grows without bound
(``requests_per_year = 1e9``), hangs (``horizon_days = 1e12``), ends in an overflow traceback (a
lognormal with a huge mean and spread) or in silent NaN (``day nan`` in a trace). Reading a file
therefore also checks, with the field's path:

- **time**: ``horizon_days`` and ``follow_up_days`` at most :data:`MAX_DAYS` (a century);
- **surges**: a ``multiplier`` at most :data:`MAX_MULTIPLIER`;
- **distributions**: every parameter at most :data:`MAX_PARAMETER`, and the distribution usable
  numerically: its draws at the extreme uniforms the simulator can feed it (0, 2^-53, 1/2,
  1 - 2^-53) finite, a score's within [0, 1], a duration's at most :data:`MAX_DURATION` days
  (computed without scipy, see :func:`probe_draws`: reading a file must not cost its import);
- **floods**: a flooding strategy's windows inside the horizon;
- **volume**: the expected number of requests per replication (each requesting State's yearly rate
  over the horizon, surges included, plus the junk requests of its flooding windows) at most
  :data:`REQUEST_CEILING`, unless the command runs with ``--allow-large`` (see
  :func:`allowing_large`): about a million requests take minutes and gigabytes per replication.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from statistics import NormalDist

from simulator.files.reader import Problem
from simulator.world.distributions import Beta, Distribution, Lognormal
from simulator.world.requesters import DAYS_PER_YEAR
from simulator.world.scenario import RequestingState

#: Longest horizon and follow-up, in days (a century).
MAX_DAYS = 36_500.0
#: Largest surge multiplier.
MAX_MULTIPLIER = 1_000.0
#: Largest value of any distribution parameter.
MAX_PARAMETER = 1e9
#: Largest duration a distribution may draw, in days.
MAX_DURATION = 1e9
#: Most requests expected per replication without ``--allow-large``.
REQUEST_CEILING = 1_000_000
#: The uniforms a distribution is tried on: the extremes the random streams can produce, and the median.
PROBES = (0.0, 2.0**-53, 0.5, 1.0 - 2.0**-53)

_allow_large: ContextVar[bool] = ContextVar("allow_large", default=False)


@contextmanager
def allowing_large(allow: bool = True) -> Iterator[None]:
    """While the block runs, scenarios above :data:`REQUEST_CEILING` are accepted (``--allow-large``).

    ``allow=False`` keeps what an enclosing block allowed.
    """
    token = _allow_large.set(allow or _allow_large.get())
    try:
        yield
    finally:
        _allow_large.reset(token)


def large_allowed() -> bool:
    """Whether scenarios above :data:`REQUEST_CEILING` are accepted just now."""
    return _allow_large.get()


def distribution_problems(cls: type, values: Mapping[str, float], score: bool) -> list[tuple[str, str]]:
    """``(parameter, message)`` for each reason the distribution cannot be used ("" for the whole)."""
    too_large = [
        (p, f"must be at most {MAX_PARAMETER:g}, not {v:g}") for p, v in values.items() if v > MAX_PARAMETER
    ]
    if too_large:
        return too_large
    try:
        draws = probe_draws(cls(**values))
    except (ArithmeticError, ValueError) as error:
        detail = error.args[-1] if error.args else type(error).__name__
        return [("", f"these parameters cannot be sampled ({detail})")]
    return draw_problems(draws, score)


def probe_draws(distribution: Distribution) -> list[float]:
    """What ``distribution`` draws at the :data:`PROBES` (for a beta: the bounds its draws lie in).

    Computed without scipy, whose import costs about a third of a second that every command reading
    a file (``mlasim validate`` above all) would pay only to check it; the simulation's own draws,
    through :meth:`~simulator.world.distributions.Distribution.quantile`, are unchanged:

    - a lognormal's draws are :meth:`~simulator.world.distributions.Lognormal.at_normal_score` of the
      standard normal quantile of the standard library (:class:`statistics.NormalDist`, Wichura's
      AS241) instead of scipy's ``ndtri`` (Cephes). The two agree at 0 (-inf) and 1/2 (0) and differ
      by an ulp at 2^-53 and 1 - 2^-53, so a draw differs from the simulation's by a few parts in
      10^14 at most: a check of finiteness and of a ceiling could only judge otherwise a draw that
      close to the ceiling or to the largest float, where either verdict is as good;
    - a beta's draws lie in [0, 1] whatever its parameters (see ``Beta.support``), which is all the
      check asks of them;
    - the other families' quantiles need nothing but :mod:`math`: they are the simulation's own.
    """
    if isinstance(distribution, Beta):
        return list(distribution.support)
    if isinstance(distribution, Lognormal):
        return [distribution.at_normal_score(normal_score(u)) for u in PROBES]
    return [distribution.quantile(u) for u in PROBES]


def normal_score(u: float) -> float:
    """The standard normal quantile of ``u`` in [0, 1]: -inf at 0 and inf at 1, as scipy's ``ndtri``."""
    if u <= 0.0:
        return -math.inf
    if u >= 1.0:
        return math.inf
    return _STANDARD_NORMAL.inv_cdf(u)


_STANDARD_NORMAL = NormalDist()


def draw_problems(draws: Sequence[float], score: bool) -> list[tuple[str, str]]:
    """``("", message)`` if the draws are not finite, or fall outside a score's [0, 1] or a duration's
    [0, :data:`MAX_DURATION`]."""
    if not all(math.isfinite(d) for d in draws):
        return [("", "these parameters give draws that are not finite numbers (the spread is too extreme)")]
    low, high = min(draws), max(draws)
    if score and not 0.0 <= low <= high <= 1.0:
        return [("", f"a score must lie in [0, 1], but these parameters give draws from {low:g} to {high:g}")]
    if not score and high > MAX_DURATION:
        return [("", f"draws durations up to {high:.3g} days, above the ceiling of {MAX_DURATION:g}")]
    if not score and low < 0:
        return [("", f"draws negative durations ({low:g} days)")]
    return []


def expected_requests(state: RequestingState, horizon_days: float) -> float:
    """The expected number of requests a State sends over the horizon (its rate, surges included,
    and the junk requests of its flooding windows)."""
    base = state.requests_per_year / DAYS_PER_YEAR
    points = sorted({0.0, horizon_days, *(p for s in state.surges for p in (s.start_day, s.end_day))})
    points = [p for p in points if 0.0 <= p <= horizon_days]
    total = 0.0
    for start, end in itertools.pairwise(points):
        multiplier = math.prod(s.multiplier for s in state.surges if s.start_day <= start < s.end_day)
        total += base * multiplier * (end - start)
    flooding = state.strategies.flooding
    if flooding is not None:
        days = sum(max(0.0, min(w.end_day, horizon_days) - w.start_day) for w in flooding.windows)
        total += flooding.requests_per_year / DAYS_PER_YEAR * days
    return total


def scenario_problems(
    source: str, horizon_days: float, follow_up_days: float, states: Sequence[RequestingState]
) -> list[Problem]:
    """Every limit the scenario's times, surges and volume break, with their paths."""
    problems = [
        Problem(source, f"scenario.{name}", f"must be at most {MAX_DAYS:g} days (a century), not {value:g}")
        for name, value in (("horizon_days", horizon_days), ("follow_up_days", follow_up_days))
        if value > MAX_DAYS
    ]
    for i, state in enumerate(states):
        for j, surge in enumerate(state.surges):
            if surge.multiplier > MAX_MULTIPLIER:
                path = f"requesting_state[{i}].surge[{j}].multiplier"
                problems.append(
                    Problem(source, path, f"must be at most {MAX_MULTIPLIER:g}, not {surge.multiplier:g}")
                )
        flooding = state.strategies.flooding
        for j, window in enumerate(flooding.windows if flooding is not None else ()):
            if window.end_day > horizon_days:
                path = f"requesting_state[{i}].strategies.flooding.windows[{j}].end_day"
                message = (
                    f"must be at most horizon_days ({horizon_days:g}): a flood is sent during the horizon"
                )
                problems.append(Problem(source, path, message))
    if _allow_large.get():
        return problems
    expected = sum(expected_requests(s, min(horizon_days, MAX_DAYS)) for s in states)
    if not expected <= REQUEST_CEILING:
        count = f"{expected:,.0f}" if expected < 1e12 else f"{expected:.2g}"
        message = (
            f"about {count} requests per replication (yearly rates x horizon, surges included) is "
            f"above the ceiling of {REQUEST_CEILING:,}: check requests_per_year, horizon_days, surges and "
            "floods, "
            "or pass --allow-large"
        )
        problems.append(Problem(source, "requesting_state", message))
    return problems
