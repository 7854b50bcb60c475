"""A request's life on a route around the central authority: the provider's review, and the State's.

A request sent straight to a provider abroad (:data:`~simulator.domain.model.DIRECT_CHANNELS`) lives
this life, told as commands like every other (:mod:`simulator.world.lifecycle`); it never applies a
rule itself:

- **giving effect** (Second Protocol Art 8): first the provider's State's reviewer decides
  (:func:`simulator.domain.direct.decide_giving_effect`); refused there, the life ends;
- **the provider's review** (:func:`simulator.domain.providers.review`), queued for its own reviewers
  (stage ``provider``): an executive agreement's conditions first
  (:func:`simulator.domain.direct.agreement_check`), then the law that binds it, its policy (not when
  compelled by its State), and what it holds. Under an agreement whose objections the ordering State
  settles, an objection may be overruled (:func:`simulator.domain.direct.overrules_objection`);
- **a direct order's notification** (Art 7(5)): where the State requires it, its reviewer may
  instruct the provider not to disclose what it was about to
  (:func:`simulator.domain.direct.decide_notification`);
- **"use MLA"**: a request the provider sends back (its law asks for an order, its policy declines
  it, a false emergency) goes on as an MLA request to the same State at once, with the draws of
  rounds 1, 2... (as a false emergency does at the 24/7 point of contact).

The provider reads the request as a reviewer would (:func:`simulator.domain.signals.observe`, with the
request's own round-0 draws, so it sees through a disguise exactly when the central authority's first
reviewer would at the same thoroughness) but keeps no State's case file. Which provider holds a
request's data is drawn by the providers' ``share`` (:func:`provider_for`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from simulator.domain.direct import (
    agreement_check,
    decide_giving_effect,
    decide_notification,
    overrules_objection,
    refusal_provisions,
)
from simulator.domain.model import (
    DIRECT_CHANNELS,
    GRANT_VERDICTS,
    Channel,
    Decision,
    Measure,
    Outcome,
    Request,
    Stage,
    Verdict,
)
from simulator.domain.providers import Jurisdiction, held_at_execution, read_claim, review
from simulator.domain.regimes import Regime, grant_provisions
from simulator.domain.signals import ReviewContext, observe
from simulator.world.casefiles import CaseFiles, Standing
from simulator.world.commands import OUTCOME_OF, Decided, Ending, Life, Resubmitted, Review
from simulator.world.requesters import RoundSlot, RoutingSlot, provider_draws, screening_draws
from simulator.world.scenario import Provider, RequestedState, Scenario

if TYPE_CHECKING:
    from simulator.world.lifecycle import Venue

_DESK = int(RoutingSlot.DESK_SERVICE)
_PICK = int(RoutingSlot.FOLLOW_MEASURE)  # unused by a request that is no preservation
_HELD = int(RoundSlot.POSTPONEMENT_DAYS)  # round 0's: whether the account holds data (provider_draws)
_REFUSE, _REDIRECT, _PROCEED = Verdict.REFUSE, Verdict.REDIRECT, Verdict.PROCEED
_MLA, _GIVING_EFFECT = Channel.MLA, Channel.GIVING_EFFECT
_DIRECT_ORDER, _AGREEMENT = Channel.DIRECT_ORDER, Channel.EXECUTIVE_AGREEMENT
_PROVIDER = Stage.PROVIDER


def grant_bases(scenario: Scenario) -> frozenset[str]:
    """Every provision data can leave under in a scenario with routes, whatever the regime (so that
    configurations under different regimes report the same metrics)."""
    from simulator.domain.channels import GRANT_PROVISION

    cited = {
        GRANT_PROVISION[c]
        for state in scenario.requested_states
        for c in state.channels
        if c in GRANT_PROVISION
    }
    return grant_provisions(cited)


def route_provisions(scenario: Scenario) -> frozenset[str]:
    """The provisions a scenario's routes around the central authority apply: each pair's MLA treaty
    where regimes are declared, the basis of every route a requester uses and its regime opens at a
    State with providers, and what their refusals can cite (``mlasim provisions``' "applied by")."""
    found: set[str] = set()
    for state in scenario.requested_states:
        if not (state.providers or state.regimes.declared):
            continue
        found |= refusal_provisions(state.direct_rules, (p.rules for p in state.providers))
        laws = {p.rules.law.jurisdiction is Jurisdiction.US for p in state.providers}
        for requester in scenario.requesting_states:
            regime = state.regimes.of(requester.id)
            found.add(regime.basis(_MLA))
            used = {Channel(c) for c in (*requester.channels.names, *requester.abusive_channels.names)}
            for channel in used & set(DIRECT_CHANNELS) if state.providers else ():
                for measure in (Measure(m) for m in requester.measures.names):
                    route = regime.route_for(channel, measure)
                    if route in DIRECT_CHANNELS:
                        found |= {regime.basis(route, us) for us in laws}
    return frozenset(found)


def provider_for(requested: RequestedState, routing: list[float], holder: str = "") -> Provider | None:
    """The provider holding a request's data: ``holder`` (where its case's data were found) if the
    State has it, else drawn by the providers' ``share``; None if the State has no provider."""
    providers = requested.providers
    if not providers:
        return None
    for provider in providers:
        if provider.id == holder:
            return provider
    total = sum(p.share for p in providers)
    point, running = routing[_PICK] * total, 0.0
    for provider in providers:
        running += provider.share
        if point < running:
            return provider
    return providers[-1]


@attrs.define
class _Doors:
    """What one life on a direct route carries from step to step."""

    request: Request
    requested: RequestedState
    context: ReviewContext | Standing
    files: CaseFiles
    block: list[float]
    routing: list[float]
    narrate: bool

    @property
    def seen(self) -> ReviewContext:
        context = self.context
        return context.context if isinstance(context, Standing) else context

    def state_review(self, stage: Stage, slot: int, decide: Callable[..., Decision | None]):
        """A review by the provider's State (Art 8's, or a notified order's, 7(5)): its observation
        and decision (None: it lets the order stand), recorded in the State's case file."""
        request, draws = self.request, screening_draws(self.block)
        channel, safeguards = request.submission.channel, self.requested.safeguards
        thoroughness = yield Review(request, stage, self.routing[slot], channel)
        observation = observe(request, self.seen, thoroughness, draws, recalled=self.files.recall(request))
        return observation, decide(observation=observation, safeguards=safeguards, draws=draws)


def _provider_review(doors: _Doors, provider: Provider, regime: Regime):
    """The provider's review (an agreement's conditions first): what it read, its decision, and whether
    that decision is an objection the ordering State may overrule."""
    request, rules = doors.request, doors.requested.direct_rules
    channel = request.submission.channel
    drawn = provider_draws(doors.block, doors.routing)
    thoroughness = yield Review(request, _PROVIDER, doors.routing[_DESK + 1], channel, provider.id)
    reading = observe(request, doors.seen, thoroughness, screening_draws(doors.block))  # no case file
    reading = read_claim(reading, provider.rules.policy, request.truth.emergency, drawn.detection)
    conditions = rules.executive_agreement
    if channel is _AGREEMENT:  # the agreement's conditions: the law, not an objection to overrule
        excluded = request.truth.target in conditions.excluded_targets  # the account's location
        decision = agreement_check(reading, conditions, excluded)
        if decision is not None:
            return reading, decision, False
    compelled = channel is _GIVING_EFFECT or (channel is _AGREEMENT and not conditions.provider_may_object)
    us = provider.rules.law.jurisdiction is Jurisdiction.US
    decision = review(channel, reading, provider.rules, drawn, regime.basis(channel, us), compelled)
    return reading, decision, channel is _AGREEMENT


def direct_life(
    request: Request,
    venue: Venue,
    draws_for_round: Callable[[int], list[float]],
    routing: list[float],
    holder: tuple[Provider, Regime],
) -> Life:
    """The life of ``request`` on its direct route to the provider of ``holder`` (see the module
    docstring); the regime of ``holder`` (the pair's) says what a grant through the route rests on.

    A request the provider sends back goes on as an MLA request (:meth:`Venue.mla_life`), recording
    into the same case files."""
    provider, regime = holder
    requested, narrate = venue.requested, venue.narrate
    channel, rules = request.submission.channel, requested.direct_rules
    files = venue.files()
    doors = _Doors(request, requested, venue.context, files, draws_for_round(0), routing, narrate)
    done = {"provider": provider.id}
    if channel is _GIVING_EFFECT:  # Art 8: the provider's State decides first
        rule = rules.giving_effect
        decide = functools.partial(decide_giving_effect, rules=rule)
        observation, decision = yield from doors.state_review(rule.reviewer, _DESK, decide)
        files.record(request, observation, decision)
        if narrate:
            yield Decided(request, observation, decision)
        if decision.verdict is _REFUSE:
            return Ending(OUTCOME_OF[_REFUSE], decision.provision, observation, decision, channel, **done)
    reading, decision, objection = yield from _provider_review(doors, provider, regime)
    if narrate:
        yield Decided(request, reading, decision)
    done["provider_verdict"] = decision.verdict
    if objection and decision.verdict in (_REFUSE, _REDIRECT):
        draw = provider_draws(doors.block, routing).overrule
        overruled = overrules_objection(rules.executive_agreement, decision, draw)
        if overruled is not None:
            decision = overruled
            if narrate:
                yield Decided(request, reading, decision, resumed=True)
    if decision.verdict in GRANT_VERDICTS and channel is _DIRECT_ORDER and rules.direct_order.notification:
        rule = rules.direct_order  # Art 7(5): the notified authority may instruct the provider
        decide = functools.partial(decide_notification, rules=rule)
        observation, stop = yield from doors.state_review(rule.reviewer, _DESK + 2, decide)
        files.record(request, observation, stop or attrs.evolve(decision, verdict=_PROCEED))
        if narrate:
            yield Decided(request, observation, stop or _STANDS)
        if stop is not None:
            return Ending(OUTCOME_OF[_REFUSE], stop.provision, observation, stop, channel, **done)
    if decision.verdict is _REDIRECT:  # "use MLA": on to the central authority, at once
        submission = attrs.evolve(request.submission, channel=_MLA, emergency_claim=False)
        redirected = request.amended(submission, request.truth)
        if narrate:
            yield Resubmitted(redirected, 0.0, _REDIRECT)
        ending = yield from venue.mla_life(redirected, lambda r: draws_for_round(r + 1), files)
        return attrs.evolve(ending, **done)
    return Ending(OUTCOME_OF[decision.verdict], decision.provision, reading, decision, channel, **done)


#: The notified authority lets a direct order stand (Second Protocol Art 7(5)), as a trace tells it.
_STANDS = Decision(
    Verdict.PROCEED, Stage.CONTACT_POINT, "2ap-7-5", "the notified authority lets the order stand"
)


def route_taken(requested: RequestedState, request: Request) -> Channel:
    """The route a request sent straight to a provider takes at ``requested``: the one it was sent
    by, or its fallback where its pair's regime does not open it for the measure; MLA where the
    State has no provider."""
    submission = request.submission
    if not requested.providers:
        return _MLA
    return requested.regimes.of(submission.requester).route_for(submission.channel, submission.measure)


def _taken(request: Request, requested: RequestedState) -> Request:
    """The request as it goes: by :func:`route_taken`, an emergency claimed only on a route that
    takes one."""
    submission = request.submission
    channel = submission.channel
    if channel not in DIRECT_CHANNELS:
        return request
    route = route_taken(requested, request)
    if route is channel:
        return request
    claim = route is Channel.EMERGENCY_DISCLOSURE and submission.emergency_claim
    return request.amended(attrs.evolve(submission, channel=route, emergency_claim=claim), request.truth)


def routed(
    request: Request,
    venue: Venue,
    draws_for_round: Callable[[int], list[float]],
    routing: list[float],
) -> Life:
    """A request's life at a State with providers or regimes: the route its pair's regime opens
    (:meth:`~simulator.domain.regimes.Regime.route_for`), a fast channel's or MLA's life otherwise;
    data reached through MLA may be none on the account named
    (:func:`~simulator.domain.providers.held_at_execution`); its ending says which provider held its
    data and what they were handed over under (the route's basis, or the MLA treaty's)."""
    from simulator.world.lifecycle import _offered, channel_life

    requested, narrate = venue.requested, venue.narrate
    regime = requested.regimes.of(venue.requester.id)
    provider = provider_for(requested, routing, request.holder)
    request = _taken(request, requested)
    channel = request.submission.channel
    if venue.case_files is None:  # one set for the whole life, whichever routes it takes
        venue = attrs.evolve(venue, case_files=venue.files())
    route = _offered(channel, venue.channels)
    if channel in DIRECT_CHANNELS:
        lifetime = direct_life(request, venue, draws_for_round, routing, (provider, regime))
    elif route is not None:
        lifetime = channel_life(request, venue, draws_for_round, routing, route)
    else:
        if channel is not _MLA:
            request = request.amended(attrs.evolve(request.submission, channel=_MLA), request.truth)
        lifetime = venue.mla_life(request, draws_for_round, venue.files())
    ending = yield from lifetime
    if provider is None:
        return _with_basis(ending, regime)
    ending = attrs.evolve(ending, provider=ending.provider or provider.id)
    if ending.channel is _MLA and ending.outcome.data_handed_over:
        empty = held_at_execution(provider.rules.policy, draws_for_round(0)[_HELD])
        if empty is not None:
            if narrate and ending.observation is not None:
                yield Decided(request, ending.observation, empty)
            refused = Outcome.REFUSED
            return attrs.evolve(ending, outcome=refused, provision=empty.provision, decision=empty)
    return _with_basis(ending, regime)


def _with_basis(ending: Ending, regime: Regime) -> Ending:
    """The provision the data of ``ending`` were handed over under (none handed over: unchanged)."""
    if not ending.outcome.data_handed_over:
        return ending
    if ending.channel is _MLA:
        return attrs.evolve(ending, basis=regime.basis(_MLA))
    provision = ending.decision.provision if ending.decision is not None else None
    return attrs.evolve(ending, basis=regime.cite(provision))
