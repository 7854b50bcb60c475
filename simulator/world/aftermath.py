"""What follows a request's end: the next request of its case, and what the requested State learns.

When a request's life ends (:mod:`simulator.world.pipeline` drives it), the outcome is tallied and
its consequences start, each in simulated time:

- what the requested State **learns** (:mod:`simulator.world.authority`): a refusal on a persecution
  ground, or a false emergency seen through (Art 2(o)), counts against the requester's record where
  the State keeps a ``reputation``; every decided request is an observation for ``monitoring``; an
  abusive grant may come to light later (``reputation.discovery``, after an exponential delay of mean
  ``discovery_days``), a finding of its own; a refusal is **shared** with the other requested States
  after ``information_sharing.delay_days`` (their case files, by person, and their record of the
  requester);
- the next request of the **case**: a disclosure request through MLA after a preservation (Art 42,
  after the requester's ``disclosure_after``; one that comes after the retention period of 42(7) is
  counted as lapsed), and an adversary's retry in another State or fresh request after a refusal
  (:mod:`simulator.world.adversaries`).

A request that follows another draws its own uniforms from a stream keyed by requester, case and
serial number, and takes an id of its own (:func:`simulator.world.requesters.follow_up_id`): what
follows one request never shifts the draws of another.
"""

from __future__ import annotations

import math

import attrs

from simulator.domain.model import Channel, Outcome, Request
from simulator.domain.monitoring import DISCOVERED_ABUSE, SUSPENSION_PROVISION
from simulator.world.adversaries import Case
from simulator.world.authority import Authority
from simulator.world.clock import Waits
from simulator.world.lifecycle import Ending
from simulator.world.requesters import ROUTING_SLOTS, SLOTS_PER_REQUEST, RoutingSlot, follow_up_request
from simulator.world.streams import stream
from simulator.world.volume import FOLLOW_SOURCE

# bound once (the hot path: see simulator.world)
_PRESERVED = Outcome.PRESERVED
_REFUSED = Outcome.REFUSED


class Aftermath:
    """The part of :class:`~simulator.world.pipeline.Pipeline` that handles a request's end.

    A mixin: it uses the pipeline's ``env``, ``tally``, ``scenario``, ``seed``, ``replication``,
    ``authorities``, ``requesters``, ``adversaries``, ``cases``, ``several``, ``trace_id``,
    ``trace_hook``, ``submit``, ``authority_of``, ``guard`` and ``_clock``.
    """

    def _ended(
        self,
        request: Request,
        ending: Ending,
        authority: Authority,
        routing: list[float] | None,
        reason: str | None = None,
        shown: Request | None = None,
    ) -> None:
        """``request`` ended; ``shown`` is the request as last amended (for the trace only: the tally
        counts the request as it was submitted, traced or not)."""
        env, tally = self.env, self.tally
        outcome, provision = ending.outcome, ending.provision
        if ending.provider and request.holder != ending.provider:  # its case's data sit there
            request = attrs.evolve(request, holder=ending.provider)
        tally.ended_as(request, outcome, provision, env.now, ending.channel)
        if tally.routes_modelled:
            tally.routed(request, ending)
        if request.case_id == self.trace_id:
            details = {"day": env.now, "outcome": outcome, "requested": authority.id}
            if reason:
                details["reason"] = reason
                details["provision"] = provision
            if ending.provider:
                details.update(provider=ending.provider, basis=ending.basis, channel=ending.channel)
            self.trace_hook(shown or request, "ended", details)
        requester = request.submission.requester
        if ending.redirected:
            authority.record_finding(requester, "uncc-2-o")
            authority.monitor(requester, "uncc-2-o")
        if outcome is _REFUSED:
            authority.record_finding(requester, provision)
        if outcome.decided and provision != SUSPENSION_PROVISION:
            authority.monitor(requester, provision if outcome is _REFUSED else None)
        if routing is None:
            return
        abusive = request.truth.abusive
        if outcome.data_handed_over and abusive:
            authority.granted_abusive(requester, tally.counts(request))
            reputation = authority.state.reputation
            if reputation.enabled and routing[RoutingSlot.DISCOVERY] < reputation.discovery:
                delay = -reputation.discovery_days * math.log1p(-routing[RoutingSlot.DISCOVERY_DAYS])
                self._clock(self._discovered(authority, requester, delay))
        sharing = self.scenario.information_sharing
        if outcome is _REFUSED and sharing.enabled and self.several and ending.observation is not None:
            self._clock(self._share(authority, request, ending))
        if outcome is _PRESERVED:
            state = self.requesters[requester]
            delay = state.disclosure_after.quantile(routing[RoutingSlot.FOLLOW_DELAY])
            tally.preserved(request, lapsed=authority.state.channel_rules.preservation.lapses(delay))
            self._follow(request, delay, follows="disclosure")
            return
        adversary = self.adversaries.get(requester)
        if adversary is None or not abusive or not outcome.decided:
            return
        adversary.learn(request, authority.id, outcome is not _REFUSED, ending.channel)
        if outcome is _REFUSED:
            case = self._case(request)
            if adversary.strategies.route_shopping is not None:
                rerouted = self._reroute(adversary, request, ending, authority, case, routing)
                if rerouted:
                    return
            holders = self.scenario.holders(request.truth.target) if self.several else (authority.id,)
            follow = adversary.after_refusal(request, case, holders, routing)
            if follow is not None:
                kind, where, delay = follow
                if kind == "fresh":
                    case.fresh += 1
                self._follow(
                    request,
                    delay,
                    requested=where if self.several else None,
                    follows=kind,
                )

    def _reroute(
        self, adversary, request: Request, ending: Ending, authority: Authority, case: Case, routing
    ) -> bool:
        """Route shopping: the same request by another door of the same State, if one is left."""
        for tried in (request.submission.channel, ending.channel):
            if tried not in case.routes:
                case.routes.append(tried)
        state = authority.state
        regime = state.regimes.of(request.submission.requester)
        measure = request.submission.measure

        def usable(route: Channel) -> bool:
            return route is Channel.MLA or (
                bool(state.providers) and regime.route_for(route, measure) is route
            )

        found = adversary.reroute(request, case, usable, routing)
        if found is None:
            return False
        route, delay = found
        case.routes.append(route)
        self._follow(request, delay, follows="reroute", channel=route)
        return True

    def _case(self, request: Request) -> Case:
        case = self.cases.get(request.case_id)
        if case is None:
            case = self.cases[request.case_id] = Case(tried=[self.authority_of(request).id])
        return case

    def _follow(self, parent: Request, delay: float, **change) -> None:
        """Start, after ``delay`` days, the next request of ``parent``'s case."""
        case = self._case(parent)
        serial = case.next_serial()
        self._clock(self._following(parent, serial, delay, change))

    def _following(self, parent: Request, serial: int, delay: float, change: dict) -> Waits:
        if delay > 0:
            yield delay
        state = self.requesters[parent.submission.requester]
        key = f"{state.id}/{parent.case_id}/{serial}"
        row = stream(self.seed, self.replication, "follow-up", key).random(SLOTS_PER_REQUEST + ROUTING_SLOTS)
        uniforms, routing = row[:SLOTS_PER_REQUEST], row[SLOTS_PER_REQUEST:].tolist()
        request = follow_up_request(parent, state, serial, self.env.now, uniforms, **change)
        self.guard.follow_ups[FOLLOW_SOURCE[request.follows]] += 1
        self.submit(request, uniforms, routing)

    def _discovered(self, authority: Authority, requester: str, delay: float) -> Waits:
        yield delay
        authority.record_finding(requester, DISCOVERED_ABUSE)
        authority.monitor(requester, DISCOVERED_ABUSE)

    def _share(self, origin: Authority, request: Request, ending: Ending) -> Waits:
        yield self.scenario.information_sharing.delay_days
        for authority in self.authorities.values():
            if authority is not origin:
                authority.case_files.share(request, ending.observation, ending.decision)
                authority.record_finding(request.submission.requester, ending.provision)
