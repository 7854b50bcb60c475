"""Limits: what a scenario and a command's plan may hold, so that no run explodes, hangs or ends in NaN.

A scenario file can hold any number TOML can write: ``1e308``, ``inf``, ``nan``, a tiny mean with a
huge spread. Each is a plausible typo, and each would end badly unchecked: a run that grows without bound
(``requests_per_year = 1e9``), hangs (``horizon_days = 1e12``; fresh requests at once after every
refusal, a billion times), ends in an overflow traceback (a lognormal with a huge mean and spread)
or in silent NaN (``day nan`` in a trace). Reading a file therefore also checks, with the field's path:

- **time**: ``horizon_days`` and ``follow_up_days`` at most :data:`MAX_DAYS` (a century);
- **surges**: a ``multiplier`` at most :data:`MAX_MULTIPLIER`;
- **distributions**: every parameter at most :data:`MAX_PARAMETER`, and the distribution usable
  numerically: its draws at the extreme uniforms the simulator can feed it (0, 2^-53, 1/2,
  1 - 2^-53) finite, a score's within [0, 1], a duration's at most :data:`MAX_DURATION` days
  (computed without scipy, see :func:`probe_draws`: reading a file must not cost its import);
- **floods**: a flooding strategy's windows inside the horizon;
- **follow-ups at once**: fresh requests whose delay is always zero may number at most
  :data:`MAX_INSTANT_ATTEMPTS` a case (more would be made at one simulated instant: the clock would
  not advance);

and, once the scenario is built (:func:`scale_problems`), against the command's :class:`Limits`:

- **volume**: the bound of the requests one replication makes, from every source (arrivals, floods,
  split pieces, disclosures after preservations, retries, fresh requests: see
  :mod:`simulator.world.volume`) at most the request ceiling (:data:`REQUEST_CEILING`);
- **size**: at most :data:`MAX_REQUESTING_STATES` requesting and :data:`MAX_REQUESTED_STATES`
  requested States (a replication's time and memory grow with their number: 1,000 requesting States
  take about 0.5 GB and 3 s for 20,000 requests, 4,000 States 1.8 GB and 17 s), and at most
  :data:`MAX_REPLICATIONS` replications.

``--allow-large`` lifts the volume and size bounds (the command line builds its :class:`Limits`
once, and passes it down); nothing lifts the time, distribution and instant bounds, which protect
against hangs and NaN rather than against long runs. A command's plan (replications asked on the
command line, a sweep's configurations) is checked against the same :class:`Limits` before anything
is built, and a plan too large for this machine's memory is refused even with ``--allow-large``
(:meth:`Limits.plan_problem`). A run near a bound first prints an estimate of its time and memory
(:func:`estimate_line`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from statistics import NormalDist

import attrs
from attrs import frozen

from simulator.files.reader import Problem
from simulator.world.distributions import Beta, Distribution, Lognormal
from simulator.world.scenario import RequestingState, Scenario
from simulator.world.volume import REQUEST_CEILING, RequestLimit, arrivals, flood_requests, request_volume

#: Longest horizon and follow-up, in days (a century).
MAX_DAYS = 36_500.0
#: Largest surge multiplier.
MAX_MULTIPLIER = 1_000.0
#: Largest value of any distribution parameter.
MAX_PARAMETER = 1e9
#: Largest duration a distribution may draw, in days.
MAX_DURATION = 1e9
#: Most replications of one configuration without ``--allow-large`` (each keeps a row of every
#: metric in memory: about 11 kB for a scenario of three requesting States).
MAX_REPLICATIONS = 10_000
#: Most configurations of one sweep (grid x Latin hypercube x variants) without ``--allow-large``.
MAX_CONFIGURATIONS = 10_000
#: Most requesting States without ``--allow-large`` (see the module docstring for their cost).
MAX_REQUESTING_STATES = 1_000
#: Most requested States without ``--allow-large``.
MAX_REQUESTED_STATES = 200
#: Most fresh requests a case may send at once after a refusal (their delay always zero).
MAX_INSTANT_ATTEMPTS = 1_000
#: A delay below this many days (a hundred-thousandth of a second) is "at once".
INSTANT_DAYS = 1e-10
#: The uniforms a distribution is tried on: the extremes the random streams can produce, and the median.
PROBES = (0.0, 2.0**-53, 0.5, 1.0 - 2.0**-53)

#: What a replication costs, measured on the reference machine (``bench/throughput.py``, and
#: ``tests/data`` scenarios with 1 to 4,000 requesting States): time per simulated request, per
#: requesting State, and memory per request in the system, per requesting State, per worker process.
SECONDS_PER_REQUEST = 220e-6
SECONDS_PER_STATE = 3e-3
BYTES_PER_REQUEST = 4_500
BYTES_PER_STATE = 450_000
BYTES_PER_PROCESS = 150_000_000
#: Memory of one configuration of a sweep while it is planned and run (its scenario, design point,
#: task identities: 23 kB measured for the reference scenario, doubled for a margin).
BYTES_PER_CONFIGURATION = 50_000
#: Memory of one replication's row of metrics kept by the command, and per requesting State in it.
BYTES_PER_ROW = 12_000
BYTES_PER_ROW_STATE = 1_500


@frozen
class Limits:
    """The bounds a command's work must stay within, built once by the command line and passed down.

    ``requests`` is the ceiling of the requests one replication may make (:mod:`simulator.world.volume`);
    ``allow_large`` (``--allow-large``) lifts it and the size bounds, not the bounds that protect
    against hangs and NaN, nor the machine's memory.
    """

    requests: float = REQUEST_CEILING
    replications: int = MAX_REPLICATIONS
    configurations: int = MAX_CONFIGURATIONS
    requesting_states: int = MAX_REQUESTING_STATES
    requested_states: int = MAX_REQUESTED_STATES
    allow_large: bool = False

    def above(self, count: float, bound: float, what: str) -> str | None:
        """Why ``count`` of ``what`` is too many, or None (always None with ``allow_large``)."""
        if self.allow_large or count <= bound:
            return None
        above = f"{_count(count)} {what}, above the limit of {bound:,.0f}"
        return f"{above}: pass --allow-large to run more{IN_PYTHON}"

    def replication_problem(self, count: float) -> str | None:
        """Why ``count`` replications of one configuration are too many, or None."""
        return self.above(count, self.replications, "replications")

    def configuration_problem(self, count: float) -> str | None:
        """Why a design of ``count`` configurations is too large, or None."""
        return self.above(count, self.configurations, "configurations")

    def design_problem(self, configurations: float) -> str | None:
        """Why a design of ``configurations`` cannot even be built in this machine's memory, or None
        (not lifted by ``allow_large``: an LHS of 1e8 points ended in MemoryError)."""
        need, have = configurations * BYTES_PER_CONFIGURATION, physical_memory()
        if have and need > have:
            return (
                f"{_count(configurations)} configurations need about {_bytes(need)} of memory, more than "
                f"this machine's {_bytes(have)}"
            )
        return None

    def plan_problem(self, runs: float, scenario: Scenario, workers: int = 1) -> str | None:
        """Why ``runs`` replications of ``scenario`` cannot fit in this machine's memory, or None
        (the bounds above are lifted by ``--allow-large``: this one is not)."""
        need = rows_bytes(runs, scenario) + workers * replication_bytes(scenario)
        have = physical_memory()
        if have and need > have:
            many = f"{_count(runs)} replications need" if runs != 1 else "1 replication needs"
            return f"{many} about {_bytes(need)} of memory, more than this machine's {_bytes(have)}"
        return None

    def request_limit(self, scenario: Scenario) -> RequestLimit:
        """What a running replication may make before it is stopped
        (:class:`~simulator.world.volume.RequestGuard`)."""
        if self.allow_large:
            return RequestLimit.default(scenario)
        advice = f"lower the rates or the follow-ups' attempts, or pass --allow-large{IN_PYTHON}"
        return RequestLimit(self.requests, advice)


#: The limits of a command run without ``--allow-large``.
DEFAULT_LIMITS = Limits()
#: What ``--allow-large`` is in the Python API, added where a message suggests it.
IN_PYTHON = " (in Python: limits=Limits(allow_large=True))"


def _count(count: float) -> str:
    return f"{count:,.0f}" if count < 1e12 else f"{count:.2g}"


def _bytes(count: float) -> str:
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{count / 1e3:.0f} kB"


def physical_memory() -> int:
    """This machine's memory in bytes (0 where it cannot be known)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):
        return 0


def replication_bytes(scenario: Scenario) -> float:
    """The most memory one replication of ``scenario`` takes in its process (every request alive)."""
    states = len(scenario.requesting_states)
    return BYTES_PER_PROCESS + BYTES_PER_REQUEST * request_volume(scenario).total + BYTES_PER_STATE * states


def rows_bytes(runs: float, scenario: Scenario) -> float:
    """The memory of ``runs`` replications' rows of metrics kept by the command."""
    return runs * (BYTES_PER_ROW + BYTES_PER_ROW_STATE * len(scenario.requesting_states))


def estimate_line(scenario: Scenario, runs: int, slots: int, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """An estimate of the time and memory of ``runs`` replications on ``slots`` workers, when the
    run is near a bound (a quarter of it or more) or long (ten minutes or more); else None."""
    volume = request_volume(scenario).total
    states = len(scenario.requesting_states)
    seconds = runs * (SECONDS_PER_REQUEST * volume + SECONDS_PER_STATE * states) / max(1, min(slots, runs))
    each = replication_bytes(scenario)
    near = (
        volume >= limits.requests / 4
        or runs >= limits.replications / 4
        or states >= limits.requesting_states / 4
        or len(scenario.requested_states) >= limits.requested_states / 4
        or seconds >= 600
    )
    if not near:
        return None
    return (
        f"a large run: up to about {_count(volume)} requests in each of {runs:,} "
        f"replication{'s' if runs != 1 else ''}: about "
        f"{duration(seconds)} on {slots} worker(s), and up to {_bytes(each)} of memory per worker "
        f"process (+{_bytes(rows_bytes(runs, scenario))} for the results)"
    )


def duration(seconds: float) -> str:
    """``42 s``, ``3.5 min``, ``2.1 h``: a duration as a person would say it."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


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
    and the junk requests of its flooding windows); the requests that follow them are bounded by
    :func:`simulator.world.volume.request_volume`."""
    return arrivals(state, horizon_days) + flood_requests(state, horizon_days)


def scenario_problems(
    source: str, horizon_days: float, follow_up_days: float, states: Sequence[RequestingState]
) -> list[Problem]:
    """Every limit the scenario's times, surges, floods and follow-ups at once break, with their paths."""
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
        fresh = state.strategies.fresh_request
        if (
            fresh is not None
            and fresh.max_attempts > MAX_INSTANT_ATTEMPTS
            and max(probe_draws(fresh.delay_days)) < INSTANT_DAYS
        ):
            path = f"requesting_state[{i}].strategies.fresh_request.max_attempts"
            message = (
                f"{fresh.max_attempts:g} fresh requests a case with delay_days always 0: they would be "
                "made at one simulated instant (the clock would not advance); give delay_days a "
                f"positive value, or at most {MAX_INSTANT_ATTEMPTS:,} attempts"
            )
            problems.append(Problem(source, path, message))
    return problems


def scale_problems(scenario: Scenario, limits: Limits = DEFAULT_LIMITS) -> list[Problem]:
    """Every bound of ``limits`` a built scenario passes: its volume of requests, its numbers of
    States and of replications (none with ``allow_large``)."""
    source = scenario.source
    if scenario.horizon_days > MAX_DAYS:  # refused by itself: the volume is counted over a century
        scenario = attrs.evolve(scenario, horizon_days=MAX_DAYS)
    problems = []
    for path, count, bound, what in (
        ("requesting_state", len(scenario.requesting_states), limits.requesting_states, "requesting States"),
        ("requested_state", len(scenario.requested_states), limits.requested_states, "requested States"),
        ("scenario.replications", scenario.replications, limits.replications, "replications"),
    ):
        message = limits.above(count, bound, what)
        if message:
            problems.append(Problem(source, path, message))
    problems += _turnover_problems(scenario, limits)
    volume = request_volume(scenario)
    if not limits.allow_large and not volume.total <= limits.requests:
        multiplied = volume.largest_follow_up()
        cause = f"; the most added by {multiplied}" if multiplied else ""
        message = (
            f"up to about {_count(volume.total)} requests per replication ({volume.describe()}) is "
            f"above the ceiling of {limits.requests:,.0f}{cause}: check requests_per_year, horizon_days, "
            f"surges, floods and the follow-ups' attempts, or pass --allow-large{IN_PYTHON}"
        )
        problems.append(Problem(source, "requesting_state", message))
    return problems


def _turnover_problems(scenario: Scenario, limits: Limits) -> list[Problem]:
    """Targeted pools that would renew so often that the persons drawn (each kept, see
    :mod:`simulator.world.turnover`) exceed the request ceiling: a tenure of a few hours is a typo."""
    problems = []
    for state in scenario.requesting_states:
        years = state.abuse.turnover_years if state.abuse is not None else 0.0
        if years <= 0:
            continue
        persons = state.abuse.targeted_persons * scenario.end_day / (365.0 * years)
        if not persons <= limits.requests or (limits.allow_large and not persons <= 100 * limits.requests):
            message = (
                f"{years:g} years a person stays a target renews each pool about "
                f"{_count(persons)} times over the run, above the ceiling of {limits.requests:,.0f}: "
                f"give the mean tenure in years (0: the pool never changes)"
            )
            problems.append(
                Problem(scenario.source, f"requesting_state.{state.id}.abuse.turnover_years", message)
            )
    return problems
