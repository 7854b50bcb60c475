"""Requesters that adapt: where an abuser asks, what it asks for, and what it does after a refusal.

A convention with many parties lets an abusive requester choose where to ask, tire the reviewers,
split a request to meet a lower standard, and learn from refusals. Each strategy is a named policy
with parameters (``[requesting_state.strategies.*]`` in a scenario file), used only for the
requester's abusive requests:

- **forum_shopping**: ask where success is likeliest. The requester keeps, per requested State and
  label, a Beta(1 + grants, 1 + refusals) posterior from its own outcomes and sends a case's next
  request to the State, among those holding the data, with the highest posterior mean (ties broken
  at random), or with probability ``exploration`` to one picked at random.
  After a refusal it tries the next State holding the data (after ``retry_days``), up to
  ``max_states`` States per case.
- **flooding**: a surge of low-quality requests during the flood windows (see
  :mod:`simulator.world.pipeline`), its abusive requests held back until the next window so they
  meet tired reviewers (``hold_abusive``).
- **splitting**: a request for stored content becomes two, for subscriber information and for
  traffic data, which many States give on a lower standard.
- **fresh_request**: after a refusal, a new request about the same person after a delay, relabelled
  where the requester relabels and better disguised, up to ``max_attempts`` per case;
- **route_shopping**: after a refusal, the same request by another door of the same State: refused
  by the central authority it tries the provider directly, or the reverse (MLA and the routes
  straight to a provider, :mod:`simulator.world.direct`). It keeps, per route and label, the same
  Beta posterior as forum shopping and picks the best route it has not tried for the case, among
  those the pair's regime opens for the measure, up to ``max_routes`` per case. A refusal is followed
  by another route first, then another State (forum shopping), then a fresh request.

A **case** is one objective of the requester (the data on one person): its first request and every
request that follows it (disclosure after preservation, pieces, retries, fresh requests). Whether
"the abuser got the data anywhere" is counted per case. Randomness comes from each request's own
routing draws, so switching a strategy leaves every other request's draws unchanged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence

import numpy as np
from attrs import define, field

from simulator.domain.model import Channel, Measure, Request
from simulator.world.requesters import RoutingSlot
from simulator.world.scenario import RequestingState


@define
class Case:
    """One objective of a requester: the requests sent for it so far."""

    serial: int = 0  # follow-up requests created
    tried: list[str] = field(factory=list)  # requested States asked, in order
    fresh: int = 0  # fresh requests sent after refusals
    routes: list[Channel] = field(factory=list)  # routes tried (route shopping), in order

    def next_serial(self) -> int:
        """The serial number of the case's next request."""
        self.serial += 1
        return self.serial


def pick(options: Sequence[str], u: float) -> str:
    """One of ``options``, chosen by the uniform ``u``."""
    return options[min(int(u * len(options)), len(options) - 1)]


class Adversary:
    """One requesting State's strategies during a run, with what it has learned so far."""

    def __init__(self, state: RequestingState) -> None:
        self.state = state
        self.strategies = state.strategies
        self.grants: Counter[tuple[str, str]] = Counter()
        self.refusals: Counter[tuple[str, str]] = Counter()
        self.route_grants: Counter[tuple[Channel, str]] = Counter()
        self.route_refusals: Counter[tuple[Channel, str]] = Counter()

    def posterior_mean(self, requested: str, label: str) -> float:
        """The requester's estimate of its chance of a grant at ``requested`` for ``label``."""
        g, r = self.grants[requested, label], self.refusals[requested, label]
        return (1.0 + g) / (2.0 + g + r)

    def best(self, options: Sequence[str], label: str, u: float) -> str:
        """The option with the highest posterior mean; ties broken by the uniform ``u``."""
        means = [self.posterior_mean(o, label) for o in options]
        top = max(means)
        return pick([o for o, m in zip(options, means, strict=True) if m == top], u)

    def destination(self, request: Request, holders: Sequence[str], routing: Sequence[float]) -> str:
        """Where the first request of a case goes."""
        shopping = self.strategies.forum_shopping
        if shopping is None or len(holders) == 1:
            return pick(holders, routing[RoutingSlot.DESTINATION])
        if routing[RoutingSlot.EXPLORE] < shopping.exploration:
            return pick(holders, routing[RoutingSlot.DESTINATION])
        return self.best(holders, request.submission.offence, routing[RoutingSlot.DESTINATION])

    def learn(self, request: Request, requested: str, granted: bool, route: Channel = Channel.MLA) -> None:
        """A decided abusive request updates the posterior of its State and label (and of its route)."""
        key = (requested, request.submission.offence)
        routed = (route, request.submission.offence)
        if granted:
            self.grants[key] += 1
            self.route_grants[routed] += 1
        else:
            self.refusals[key] += 1
            self.route_refusals[routed] += 1

    def reroute(
        self, request: Request, case: Case, usable: Callable[[Channel], bool], routing: Sequence[float]
    ) -> tuple[Channel, float] | None:
        """Another route to the same State after a refusal (route shopping): the untried route of
        ``routes`` that ``usable`` allows with the best posterior mean, and the delay; None if none."""
        shopping = self.strategies.route_shopping
        if shopping is None or len(case.routes) >= shopping.max_routes:
            return None
        label = request.submission.offence
        options = [c for c in Channel if c in shopping.routes and c not in case.routes and usable(c)]
        if not options:
            return None

        def mean(route: Channel) -> float:
            g, r = self.route_grants[route, label], self.route_refusals[route, label]
            return (1.0 + g) / (2.0 + g + r)

        top = max(mean(c) for c in options)
        best = next(c for c in options if mean(c) == top)  # ties: in the order of the routes
        return best, shopping.retry_days.quantile(routing[RoutingSlot.FOLLOW_DELAY])

    def splits(self, request: Request, routing: Sequence[float]) -> bool:
        """Whether this request for content is split into subscriber information and traffic data."""
        splitting = self.strategies.splitting
        return (
            splitting is not None
            and request.submission.measure is Measure.STORED_CONTENT
            and routing[RoutingSlot.SPLIT] < splitting.share
        )

    def after_refusal(
        self, request: Request, case: Case, holders: Sequence[str], routing: Sequence[float]
    ) -> tuple[str, str, float] | None:
        """What follows a refusal: ``("retry", State, delay)``, ``("fresh", State, delay)`` or None."""
        shopping, fresh = self.strategies.forum_shopping, self.strategies.fresh_request
        u = routing[RoutingSlot.FOLLOW_DELAY]
        if shopping is not None and len(case.tried) < shopping.max_states:
            untried = [h for h in holders if h not in case.tried]
            if untried:
                where = self.best(untried, request.submission.offence, routing[RoutingSlot.DESTINATION])
                return "retry", where, shopping.retry_days.quantile(u)
        if (
            fresh is not None
            and case.fresh < fresh.max_attempts
            and routing[RoutingSlot.FRESH] < fresh.probability
        ):
            where = request.submission.requested
            if shopping is not None and len(holders) > 1:
                where = self.best(holders, request.submission.offence, routing[RoutingSlot.DESTINATION])
            return "fresh", where, fresh.delay_days.quantile(u)
        return None


def flood_times(windows, rate_per_year: float, horizon: float, rng: np.random.Generator) -> Iterator[float]:
    """Arrival days of a flood: a Poisson process at ``rate_per_year`` inside each window."""
    rate = rate_per_year / 365.0
    if rate <= 0:
        return
    for window in sorted(windows, key=lambda w: w.start_day):
        day, end = max(0.0, window.start_day), min(window.end_day, horizon)
        while True:
            day += rng.exponential() / rate
            if day >= end:
                break
            yield day


def held_until(windows, day: float, u: float, horizon: float) -> float:
    """When an abusive request drawn on ``day`` goes: within the next flood window (or on ``day``)."""
    for window in sorted(windows, key=lambda w: w.start_day):
        if window.start_day <= day < window.end_day:
            return day
        if window.start_day > day and window.start_day < horizon:
            return window.start_day + u * (min(window.end_day, horizon) - window.start_day)
    return day
