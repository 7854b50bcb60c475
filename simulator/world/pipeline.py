"""The SimPy model of the requested States' screening (one replication).

Requests arrive from each requesting State as Poisson processes and go to a requested State whose
providers hold the data on their target (``data_location``; in a one-State scenario, the only one).
Each then lives the life told by :mod:`simulator.world.lifecycle`: the stages of its measure's MLA
route, or a fast channel's desk (:func:`~simulator.world.lifecycle.channel_life`). This module gives
that life its time: a stage with staff is a first-come first-served queue for its reviewers
(:class:`~simulator.world.authority.Reviewers`), who spend a drawn service time on each request;
waits for the requester and postponements pass simulated days. It never applies a rule and never
decides what happens next; it moves requests in time, reports to the :class:`~simulator.world.tally.Tally`,
and starts what follows a request's end:

- a **disclosure request** through MLA after a preservation (Art 42), after ``disclosure_after``;
- an adversary's **retry elsewhere** or **fresh request** after a refusal, and the second **piece** of a
  split request (:mod:`simulator.world.adversaries`);
- what the requested State **learns**: its record of the requester (reputation), its monitoring
  statistic (:mod:`simulator.world.authority`), abuse discovered after a grant (after a delay), and
  refusals **shared** with the other requested States (``information_sharing``, after a delay).

Requests still inside when the run stops are *pending*.

**No cyclic garbage collection during a run.** A request's life makes no reference cycles, so every
object it made is freed as soon as it is done with; Python's cyclic collector would only walk the
live requests again and again (about a fifth of the run time at 10^5 requests). It is off while the
events run and back on afterwards; what the run leaves in cycles (the requests still pending, a few
hundred objects) goes at the next collection. ``tests/world/test_pipeline.py`` checks that this
garbage does not grow with the number of requests.

**Load effect.** When a reviewer starts on a request while many others wait (at that stage, or in
the whole authority with ``load_effect.queue = "authority"``), review is rushed: thoroughness (see
:class:`~simulator.world.scenario.LoadEffect`) shortens the service time and lowers the chance of
seeing through a disguise or recognising a person at risk. An escalated requester's requests are
never rushed.

**Flooding.** A requester with a ``flooding`` strategy also sends low-quality requests during the
flood windows (their own arrival and attribute streams), and holds its abusive requests back until
the next window.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

import attrs
import numpy as np
import simpy

from simulator.domain.model import Channel, Measure, Outcome, Request
from simulator.domain.monitoring import suspension_refusal
from simulator.world.adversaries import Adversary, Case, flood_times, held_until, pick
from simulator.world.aftermath import Aftermath
from simulator.world.authority import Authority
from simulator.world.clock import Clocked, Waits, run_until
from simulator.world.journey import Journey
from simulator.world.lifecycle import Ending, Venue, lived
from simulator.world.requesters import (
    FLOOD_BASE,
    FOLLOW_UP_BASE,
    ROUTING_SLOTS,
    SLOTS_PER_REQUEST,
    RoutingSlot,
    arrival_times,
    disclosed_measures,
    draw_request,
    round_draws,
    scores,
)
from simulator.world.scenario import MLA_ONLY, RequestingState, Scenario
from simulator.world.streams import stream
from simulator.world.tally import Tally
from simulator.world.turnover import Turnover
from simulator.world.volume import RequestGuard, RequestLimit

__all__ = ["Pipeline", "TraceHook", "simulate"]

ATTRIBUTE_BATCH = 256
_DESK = int(RoutingSlot.DESK_SERVICE)

#: Called with (request, event kind, details) for the requests of the one case being traced.
TraceHook = Callable[[Request, str, dict], None]
#: Called with the simulated day, every few simulated days (a progress display; see ``simulate``).
DayHook = Callable[[float], None]


class Pipeline(Aftermath):
    """One replication: SimPy environment, the requested States, arrivals and request lifecycles."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        replication: int,
        tally: Tally,
        trace: tuple[int, TraceHook] | None = None,
        request_limit: RequestLimit | None = None,
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.replication = replication
        self.tally = tally
        self.trace_id, self.trace_hook = trace if trace else (-1, None)
        if FOLLOW_UP_BASE <= self.trace_id < FLOOD_BASE:  # a follow-up: trace its whole case
            self.trace_id %= FOLLOW_UP_BASE
        self.env = simpy.Environment()
        self.authorities = {s.id: Authority(self.env, s, scenario) for s in scenario.requested_states}
        self.first = self.authorities[scenario.requested_state.id]
        self.several = len(self.authorities) > 1
        self.requesters = {s.id: s for s in scenario.requesting_states}
        self.adversaries = {
            s.id: Adversary(s) for s in scenario.requesting_states if s.abuse is not None and s.strategies.any
        }
        self.cases: dict[int, Case] = {}
        # what a one-State caller reads: the (first) requested State's stages and case files
        # the hot path's look-up: the (first or only) requested State's MLA stages, by stage
        self.mla_plans = {
            stage: plan for (channel, stage), plan in self.first.plans.items() if channel is Channel.MLA
        }
        self._next_id = 0
        self._next_flood = FLOOD_BASE
        renewing = any(s.abuse is not None and s.abuse.turnover_years > 0 for s in scenario.requesting_states)
        self.turnover = Turnover(seed, replication) if renewing else None  # pools that renew
        # counts the requests, and stops a replication that runs away (simulator.world.volume)
        self.guard = RequestGuard(scenario, replication, request_limit or RequestLimit.default(scenario))
        self._guard_at = self.guard.next_check

    def run(self, on_day: DayHook | None = None, every_days: float = 30.0) -> Tally:
        """Run the replication to its end and return its tally; ``on_day`` is told the day every
        ``every_days``."""
        for state in self.scenario.requesting_states:
            self._clock(self._arrivals(state))
            flooding = state.strategies.flooding if state.abuse is not None else None
            if flooding is not None:
                self._clock(self._flood(state, flooding))
        self._clock(self._backlog_samples())
        if on_day is not None:
            self._clock(self._days(on_day, every_days))
        collecting = gc.isenabled()
        gc.disable()  # no reference cycles per request: the cyclic collector only costs time here
        try:
            run_until(self.env, self.scenario.end_day)
        finally:
            if collecting:
                gc.enable()
        for authority in self.authorities.values():
            if authority.state.monitoring.enabled:
                self.tally.monitored(authority)
        self.tally.close(self.env.now)
        return self.tally

    def _clock(self, waits: Waits) -> None:
        """Run ``waits`` in simulated time, as a SimPy process of timeouts (:mod:`simulator.world.clock`)."""
        Clocked(self.env, waits)

    # --- observers: they read the clock and the tally, never change the model ---------------------
    def _days(self, on_day: DayHook, every_days: float) -> Waits:
        """Tell ``on_day`` the simulated day every ``every_days`` days (before the run stops)."""
        if not every_days > 0:
            raise ValueError(f"every_days must be a number of days above 0, not {every_days!r}")
        end = self.scenario.end_day
        while self.env.now + every_days < end:
            yield every_days
            on_day(self.env.now)

    def _backlog_samples(self) -> Waits:
        """Let the tally note the backlog on its sample days (:meth:`Tally.backlog_days`)."""
        for day in self.tally.backlog_days(self.scenario.horizon_days):
            yield day - self.env.now
            self.tally.sample_backlog(day)

    # --- arrivals -------------------------------------------------------------------------------
    def _arrivals(self, state: RequestingState) -> Waits:
        env = self.env
        times = arrival_times(
            state,
            self.scenario.horizon_days,
            stream(self.seed, self.replication, "arrivals", state.id),
        )
        attributes = stream(self.seed, self.replication, "requests", state.id)
        routes = stream(self.seed, self.replication, "routing", state.id)
        flooding = state.strategies.flooding if state.abuse is not None else None
        hold = flooding is not None and flooding.hold_abusive
        batch: np.ndarray = np.empty((0, SLOTS_PER_REQUEST))
        routing_batch: list[list[float]] = []
        batch_scores: list[float] = []
        row = 0
        for day in times:
            yield day - env.now
            if row == len(batch):
                batch, row = attributes.random((ATTRIBUTE_BATCH, SLOTS_PER_REQUEST)), 0
                routing_batch = routes.random((ATTRIBUTE_BATCH, ROUTING_SLOTS)).tolist()
                batch_scores = scores(state, batch)
            uniforms, routing, score = batch[row], routing_batch[row], batch_scores[row]
            row += 1
            request = draw_request(state, self._next_id, day, uniforms, routing, score, self.turnover)
            self._next_id += 1
            if hold and request.truth.abusive:
                later = held_until(
                    flooding.windows, day, routing[RoutingSlot.HOLD], self.scenario.horizon_days
                )
                if later > day:
                    self._clock(self._held(later - day, request, uniforms, routing))
                    continue
            self.start(request, uniforms, routing)

    def _held(self, delay: float, request: Request, uniforms, routing) -> Waits:
        yield delay
        self.start(attrs.evolve(request, submitted_at=self.env.now), uniforms, routing)

    def _flood(self, state: RequestingState, flooding) -> Waits:
        """A flooding requester's low-quality requests, from streams of their own."""
        env = self.env
        persona = attrs.evolve(
            state,
            abusive_share=0.0,
            documentation_complete=flooding.documentation_complete,
            factual_basis=flooding.factual_basis,
            sensitive_target_share=0.0,
            measures=disclosed_measures(state.measures),
            channels=MLA_ONLY,
        )
        times = flood_times(
            flooding.windows,
            flooding.requests_per_year,
            self.scenario.horizon_days,
            stream(self.seed, self.replication, "flood-arrivals", state.id),
        )
        attributes = stream(self.seed, self.replication, "flood-requests", state.id)
        for day in times:
            yield day - env.now
            row = attributes.random(SLOTS_PER_REQUEST + ROUTING_SLOTS)
            uniforms, routing = row[:SLOTS_PER_REQUEST], row[SLOTS_PER_REQUEST:].tolist()
            request = draw_request(persona, self._next_flood, day, uniforms, routing)
            self._next_flood += 1
            request = attrs.evolve(request, truth=attrs.evolve(request.truth, flood=True))
            self.start(request, uniforms, routing)

    def start(self, request: Request, uniforms: np.ndarray, routing: list[float]) -> None:
        """A case's first request: where it goes (and whether the requester splits it), then submit."""
        adversary = self.adversaries.get(request.submission.requester)
        abusive = adversary is not None and request.truth.abusive
        if self.several:
            holders = self.scenario.holders(request.truth.target)
            if abusive:
                where = adversary.destination(request, holders, routing)
            else:
                where = pick(holders, routing[RoutingSlot.DESTINATION])
            request = attrs.evolve(request, submission=attrs.evolve(request.submission, requested=where))
        if abusive and adversary.splits(request, routing):
            piece = attrs.evolve(
                request, submission=attrs.evolve(request.submission, measure=Measure.SUBSCRIBER_INFO)
            )
            self.submit(piece, uniforms, routing)
            self._follow(request, 0.0, follows="piece", measure=Measure.TRAFFIC_DATA)
            return
        self.submit(request, uniforms, routing)

    # --- one request's life ---------------------------------------------------------------------
    def authority_of(self, request: Request) -> Authority:
        """The requested State's authority a request is submitted to."""
        return self.authorities[request.submission.requested] if self.several else self.first

    def submit(self, request: Request, uniforms: np.ndarray, routing: list[float] | None = None) -> None:
        """A request reaches a requested State now: count it and start its life."""
        self.tally.arrived(request)
        if self.tally.arrivals >= self._guard_at:
            self._watch()
        authority = self.authority_of(request)
        requester = request.submission.requester
        if request.case_id in self.cases:
            tried = self.cases[request.case_id].tried
            if authority.id not in tried:
                tried.append(authority.id)
        if request.case_id == self.trace_id:
            self.trace_hook(request, "arrived", {"day": self.env.now, "requested": authority.id})
        if requester in authority.suspended:
            authority.lost_to_suspension(request, self.tally.counts(request))
            refusal = suspension_refusal()
            ending = Ending(Outcome.REFUSED, refusal.provision, decision=refusal)
            self._ended(request, ending, authority, routing, refusal.reason)
            return
        if routing is None:
            routing = [0.5] * ROUTING_SLOTS
        traced = request.case_id == self.trace_id
        self._drive(request, routing, self._life_of(request, uniforms, routing, authority, traced), authority)

    def _watch(self) -> None:
        """Let the guard check the requests made so far (it stops a replication that runs away)."""
        self.guard.check(self.tally.arrivals, self.env.now, self._next_flood - FLOOD_BASE)
        self._guard_at = self.guard.next_check

    def _drive(self, request: Request, routing: list[float], life, authority: Authority) -> None:
        """Give the life its time: a :class:`~simulator.world.journey.Journey` (the hot path)."""
        Journey(
            self.env,
            request,
            routing,
            life,
            authority,
            self.tally,
            self.mla_plans if authority is self.first else None,
            self._ended,
            self.trace_hook if request.case_id == self.trace_id else None,
        )

    def _life_of(
        self, request: Request, uniforms: np.ndarray, routing: list[float], authority: Authority, traced: bool
    ):
        """The request's life: its decisions are told only when it is traced (see ``narrate``)."""
        requester = self.requesters[request.submission.requester]
        venue = Venue(
            requester,
            authority.state,
            authority.standings[requester.id],
            authority.routes,
            authority.case_files,
            traced,
        )
        return lived(request, venue, lambda round_index: round_draws(uniforms, round_index), routing)


def simulate(
    scenario: Scenario,
    seed: int,
    replication: int,
    trace: tuple[int, TraceHook] | None = None,
    keep_outcomes: bool = False,
    tally: Tally | None = None,
    on_day: DayHook | None = None,
    every_days: float = 30.0,
    request_limit: RequestLimit | None = None,
) -> Tally:
    """Run one replication of ``scenario`` and return its tally (with per-request outcomes if asked).

    ``tally`` replaces the default one, for callers that count more (it must be fresh). ``on_day``,
    if given, is called with the simulated day every ``every_days`` days (a progress display); it
    only watches the clock, so results are the same with or without it. A replication that makes
    more requests than ``request_limit`` (default: :meth:`RequestLimit.default`), or whose clock
    stands still, stops with :class:`~simulator.world.volume.RunawayReplication`.
    """
    if tally is None:
        tally = Tally.for_scenario(scenario, keep_outcomes=keep_outcomes)
    return Pipeline(scenario, seed, replication, tally, trace, request_limit).run(on_day, every_days)
