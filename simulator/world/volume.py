"""How many requests a replication makes, bounded before it runs and watched while it runs.

A replication's requests come from six sources: the **arrivals** of each requesting State (its
yearly rate over the horizon, surges included), the junk requests of its **floods**, and the
requests that follow another in the same case: the second **piece** of a split request, the
**disclosure** request after a preservation (Art 42), an adversary's **retries** in other States
(forum shopping) and its **fresh requests** after refusals. The follow-ups can multiply the
arrivals: with ``fresh_request.max_attempts = 100`` and every abusive request refused, each abusive
case makes up to a hundred more.

:func:`request_volume` bounds the expected number from the scenario alone, before anything runs:
each follow-up at its worst case, bounded by its attempts (every abusive request refused; a fresh
request sent with its ``probability`` after each refusal, at most ``max_attempts`` a case; a retry
in every State holding the data, at most ``max_states``). The files layer refuses a scenario whose
bound passes :data:`REQUEST_CEILING` (``--allow-large`` lets it through), and the backends size
their tasks with the arrivals.

While a replication runs, :class:`RequestGuard` counts its requests and stops it with
:class:`RunawayReplication`, one line naming what multiplied the requests, when

- it passes its limit of requests (the ceiling; with ``--allow-large``, twice the bound), or
- the simulated clock does not advance while :data:`STALL_REQUESTS` requests are made: follow-ups
  with zero delays and zero service times, which would otherwise loop at one instant for ever.

Counting changes no draw and no event: results are the same with or without the guard.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter

from attrs import frozen

from simulator.world.requesters import DAYS_PER_YEAR
from simulator.world.scenario import Mix, RequestingState, Scenario

#: Most requests expected in one replication (the bound of :func:`request_volume`) unless the user
#: passes ``--allow-large``: about a million requests take minutes and gigabytes per replication.
REQUEST_CEILING = 1_000_000
#: A replication whose clock stays at one instant while this many requests are made is stopped.
STALL_REQUESTS = 10_000
#: With ``--allow-large``, a replication may make this many times its bound before it is stopped.
LARGE_MARGIN = 2.0

#: The sources of requests, in the order a message lists them.
SOURCES = ("arrivals", "floods", "pieces", "disclosures", "retries", "reroutes", "fresh")
#: How a request that follows another is counted (its ``follows``), by source.
FOLLOW_SOURCE = {
    "piece": "pieces",
    "disclosure": "disclosures",
    "retry": "retries",
    "reroute": "reroutes",
    "fresh": "fresh",
}
_WORDS = {
    "arrivals": "arrivals",
    "floods": "flood requests",
    "pieces": "pieces of split requests",
    "disclosures": "disclosure requests after preservations",
    "retries": "forum-shopping retries",
    "reroutes": "route-shopping requests by another route",
    "fresh": "fresh requests",
}


class RunawayReplication(Exception):
    """A replication stopped because it made too many requests, or its clock stood still."""


@frozen
class RequestVolume:
    """An upper bound of the requests one replication makes, by source, with what drives each."""

    counts: tuple[tuple[str, float], ...]  # (source, expected requests at most), in SOURCES order
    causes: tuple[tuple[str, str], ...]  # (source, the settings that multiply it), for follow-ups

    @property
    def total(self) -> float:
        """The requests one replication can make, from every source."""
        return sum(count for _, count in self.counts)

    def count(self, source: str) -> float:
        """The requests from ``source`` (0 if none)."""
        return dict(self.counts).get(source, 0.0)

    def largest_follow_up(self) -> str:
        """The follow-up source that adds the most requests, in words with its cause ("" if none)."""
        follow_ups = [(count, source) for source, count in self.counts if source in FOLLOW_SOURCE.values()]
        count, source = max(follow_ups, default=(0.0, ""))
        if count < 1:
            return ""
        cause = dict(self.causes).get(source, "")
        return f"{_WORDS[source]} ({_number(count)}{'; ' + cause if cause else ''})"

    def describe(self) -> str:
        """``arrivals 10,000; fresh requests 990,000 (...)``: the sources that add requests."""
        parts = [f"{_WORDS[source]} {_number(count)}" for source, count in self.counts if count >= 1]
        return "; ".join(parts) or "no requests"


def _number(count: float) -> str:
    return f"{count:,.0f}" if count < 1e12 else f"{count:.2g}"


def arrivals(state: RequestingState, horizon_days: float) -> float:
    """The expected arrivals of ``state`` over the horizon: its rate, with its surges."""
    base = state.requests_per_year / DAYS_PER_YEAR
    points = sorted({0.0, horizon_days, *(p for s in state.surges for p in (s.start_day, s.end_day))})
    points = [p for p in points if 0.0 <= p <= horizon_days]
    total = 0.0
    for start, end in itertools.pairwise(points):
        multiplier = math.prod(s.multiplier for s in state.surges if s.start_day <= start < s.end_day)
        total += base * multiplier * (end - start)
    return total


def flood_requests(state: RequestingState, horizon_days: float) -> float:
    """The expected junk requests of ``state``'s flooding windows inside the horizon."""
    flooding = state.strategies.flooding if state.abuse is not None else None
    if flooding is None:
        return 0.0
    days = sum(max(0.0, min(w.end_day, horizon_days) - max(w.start_day, 0.0)) for w in flooding.windows)
    return flooding.requests_per_year / DAYS_PER_YEAR * days


def preserved_share(channels: Mix, measures: Mix) -> float:
    """The share of first requests that are preservations (Art 42), each followed by a disclosure:
    those sent on the preservation channel, and those asking for the measure ``preservation``."""
    channel = channels.shares().get("preservation", 0.0)
    return channel + (1.0 - channel) * measures.shares().get("preservation", 0.0)


def fresh_bound(probability: float, attempts: float) -> float:
    """Fresh requests a refused request leads to at most: one after each refusal with
    ``probability``, each refused in turn, at most ``attempts``."""
    if probability >= 1.0:
        return float(attempts)
    return probability * (1.0 - probability ** min(float(attempts), 1e300)) / (1.0 - probability)


def request_volume(scenario: Scenario) -> RequestVolume:
    """The bound of the requests one replication of ``scenario`` makes (see the module docstring)."""
    horizon = scenario.horizon_days
    totals: Counter[str] = Counter()
    causes: dict[str, list[tuple[float, str]]] = {}
    several = len(scenario.requested_states)
    for state in scenario.requesting_states:
        came = arrivals(state, horizon)
        totals["arrivals"] += came
        totals["floods"] += flood_requests(state, horizon)
        abusive = came * state.abusive_share if state.abuse is not None else 0.0
        legitimate = came - abusive
        totals["disclosures"] += legitimate * preserved_share(state.channels, state.measures)
        preserved = preserved_share(state.abusive_channels, state.measures)
        totals["disclosures"] += abusive * preserved
        strategies = state.strategies
        if abusive <= 0 or not strategies.any:
            continue
        per_case: dict[str, float] = {}
        if strategies.splitting is not None:
            per_case["pieces"] = strategies.splitting.share
        shopping = strategies.forum_shopping
        if shopping is not None and several > 1:
            per_case["retries"] = max(0, min(shopping.max_states, several) - 1)
        routes = strategies.route_shopping
        if routes is not None:
            per_case["reroutes"] = max(0, routes.max_routes - 1) * (1.0 + per_case.get("retries", 0.0))
        fresh = strategies.fresh_request
        if fresh is not None:
            tips = 1.0 + per_case.get("pieces", 0.0) + preserved + per_case.get("retries", 0.0)
            tips += per_case.get("reroutes", 0.0)
            bound = fresh_bound(fresh.probability, fresh.max_attempts)
            per_case["fresh"] = min(float(fresh.max_attempts), tips * bound)
        for source, each in per_case.items():
            totals[source] += abusive * each
            causes.setdefault(source, []).append((abusive * each, _cause(source, state)))
    counts = tuple((source, float(totals[source])) for source in SOURCES)
    named = tuple((source, max(found)[1]) for source, found in causes.items() if found)
    return RequestVolume(counts, named)


def _cause(source: str, state: RequestingState) -> str:
    """The settings of ``state`` that make ``source``'s follow-ups, in the file's words."""
    strategies = state.strategies
    where = f"requesting State {state.id!r}"
    if source == "fresh" and strategies.fresh_request is not None:
        fresh = strategies.fresh_request
        return (
            f"{where}: fresh_request.max_attempts = {fresh.max_attempts:g}, "
            f"probability = {fresh.probability:g}"
        )
    if source == "retries" and strategies.forum_shopping is not None:
        return f"{where}: forum_shopping.max_states = {strategies.forum_shopping.max_states:g}"
    if source == "reroutes" and strategies.route_shopping is not None:
        return f"{where}: route_shopping.max_routes = {strategies.route_shopping.max_routes:g}"
    if source == "pieces" and strategies.splitting is not None:
        return f"{where}: splitting.share = {strategies.splitting.share:g}"
    return where


def zero_delay_causes(scenario: Scenario) -> list[str]:
    """The follow-ups that can come at once after the request before them, in the file's words."""
    found = []
    for state in scenario.requesting_states:
        strategies, where = state.strategies, f"requesting State {state.id!r}"
        fresh, shopping = strategies.fresh_request, strategies.forum_shopping
        if fresh is not None and fresh.delay_days.quantile(0.5) <= 0:
            found.append(
                f"{where}: fresh_request.delay_days draws 0 and max_attempts is {fresh.max_attempts:g}"
            )
        if shopping is not None and shopping.retry_days.quantile(0.5) <= 0:
            found.append(f"{where}: forum_shopping.retry_days draws 0")
        routes = strategies.route_shopping
        if routes is not None and routes.retry_days.quantile(0.5) <= 0:
            found.append(f"{where}: route_shopping.retry_days draws 0")
        if strategies.splitting is not None:
            found.append(f"{where}: a split request's pieces go together")
        if state.disclosure_after.quantile(0.5) <= 0:
            found.append(f"{where}: disclosure_after draws 0")
    return found


@frozen
class RequestLimit:
    """What a running replication may make: at most ``requests`` requests; ``advice`` ends the
    message of a replication stopped for passing it (what the user can change)."""

    requests: float
    advice: str = "lower the rates or the follow-ups' attempts, or pass --allow-large"

    @classmethod
    def default(cls, scenario: Scenario) -> RequestLimit:
        """The ceiling, or twice the scenario's bound where that is more (a scenario let through
        with ``--allow-large``)."""
        bound = request_volume(scenario).total
        return cls(max(REQUEST_CEILING, LARGE_MARGIN * bound), "lower the rates or the follow-ups' attempts")


class RequestGuard:
    """Counts a replication's requests by source and stops it when it runs away (see the module
    docstring). The pipeline calls :meth:`check` when its request count reaches :attr:`next_check`."""

    def __init__(self, scenario: Scenario, replication: int, limit: RequestLimit) -> None:
        self.scenario = scenario
        self.replication = replication
        self.limit = limit
        self.follow_ups: Counter[str] = Counter()  # by FOLLOW_SOURCE
        self.next_check = min(STALL_REQUESTS, int(min(limit.requests, 1e18)) + 1)
        self._day: float | None = None  # the clock at the last check
        self._since: Counter[str] = Counter()  # follow-ups counted at the last check

    def check(self, made: int, day: float, floods: int) -> None:
        """``made`` requests so far (``floods`` of them flood requests), the clock at ``day``."""
        if made > self.limit.requests:
            raise RunawayReplication(self._too_many(made, day, floods))
        if self._day == day:
            raise RunawayReplication(self._stalled(day))
        self._day, self._since = day, Counter(self.follow_ups)
        self.next_check = min(made + STALL_REQUESTS, int(min(self.limit.requests, 1e18)) + 1)

    def _by_source(self, made: int, floods: int) -> list[tuple[str, int]]:
        follow = sum(self.follow_ups.values())
        counts = {"arrivals": made - floods - follow, "floods": floods}
        counts.update(self.follow_ups)
        return [(source, counts.get(source, 0)) for source in SOURCES if counts.get(source, 0)]

    def _too_many(self, made: int, day: float, floods: int) -> str:
        counts = self._by_source(made, floods)
        largest = max(counts, key=lambda item: (item[0] != "arrivals", item[1]))[0] if counts else ""
        volume = request_volume(self.scenario)
        cause = dict(volume.causes).get(largest, "")
        what = "; ".join(f"{_WORDS[s]} {n:,}" for s, n in counts)
        multiplied = f": what multiplied them: {_WORDS[largest]} ({cause})" if cause else ""
        return (
            f"{self.scenario.source}: replication {self.replication} stopped at day {day:.4g}, past "
            f"{_number(self.limit.requests)} requests ({what}){multiplied}; {self.limit.advice}"
        )

    def _stalled(self, day: float) -> str:
        since = self.follow_ups - self._since
        kinds = ", ".join(f"{_WORDS[s]} {n:,}" for s, n in since.most_common()) or "first requests"
        causes = zero_delay_causes(self.scenario) or ["requests that follow others at once"]
        return (
            f"{self.scenario.source}: replication {self.replication} stopped: the simulated clock stayed "
            f"at day {day:.4g} while {STALL_REQUESTS:,} requests were made ({kinds}): zero delays with "
            f"many attempts ({'; '.join(causes)}); give the follow-ups a delay, or fewer attempts"
        )
