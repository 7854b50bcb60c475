"""One request's life, from first submission to grant, refusal or withdrawal, without the clock.

A request goes through screening rounds. In each round it meets the stages of its measure's route;
at the end of each stage the reviewer observes it (:func:`simulator.domain.signals.observe`) and the
decision core decides (:func:`simulator.domain.rules.decide`). A query for more information (Art 40(16))
or a consultation before refusal (Art 40(27)) sends it back to the requester, who answers after a
delay (or abandons it) and resubmits it amended: the next round. A consultation on a ground that
conditions can answer offers a grant on the terms the requested State chooses (Art 40(27):
confidentiality, a narrower scope of data, assurances on use, Art 36(1)(b) conditions) that the
requester accepts or declines. A postponement (Art 40(26)) holds execution for a while, after a consultation
where the configuration consults on it (the treaty's setting), which may end in a grant on conditions.

The requested State keeps **case files** (:class:`CaseFiles`): what a review found (a disguise seen
through, a person recognised, a persecution ground) is recalled at later reviews of the same request
or of any later request naming the same person, as ``safeguards.memory`` says. Intake checks form
and completeness only (Art 40(15)-(16)): it files no reading of the facts, so what later reviewers
know comes from reviews of substance (and a rushed review there is not rescued by intake's).

:func:`life` is that story as a generator of commands. It never looks at a clock and never applies
a rule itself. Whoever drives it decides what the commands mean:

- the SimPy pipeline (:mod:`simulator.world.pipeline`) makes a :class:`Review` queue for a reviewer and
  take service time, and a :class:`Wait` pass simulated days;
- :func:`settle` drives it instantly, every review at a given thoroughness: this is what
  ``mlasim check`` uses to test properties of a configuration over whole lives of requests.

Both therefore follow exactly the same flow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs
from attrs import field, frozen

from simulator.domain import rules
from simulator.domain.channels import decide_channel, read_emergency
from simulator.domain.model import (
    FULL_ROUTE,
    GRANT_VERDICTS,
    Channel,
    Decision,
    History,
    Outcome,
    Request,
    Stage,
    Verdict,
)
from simulator.domain.provisions import conditions_text
from simulator.domain.signals import ReviewContext, observe
from simulator.world.casefiles import CaseFiles, Standing
from simulator.world.commands import (  # what a life tells its driver (importable from here too)
    OUTCOME_OF,
    Command,
    Decided,
    Ending,
    Life,
    Resubmitted,
    Review,
    Wait,
)
from simulator.world.requesters import (
    MAX_CHANNEL_STAGES,
    STAGE_INDEX,
    RoundSlot,
    RoutingSlot,
    amend_after_consultation,
    answer_information_request,
    channel_for,
    screening_draws,
)
from simulator.world.scenario import ChannelRoute, RequestedState, RequestingState


def conditional_grant(stage: Stage, pid: str | None) -> Decision:
    """The grant a requester accepted at a consultation (Art 40(27)): data handed over on the terms the
    requested State set for the ground consulted on."""
    terms = conditions_text(pid) if pid is not None else ""
    return Decision(
        Verdict.CONDITIONAL_GRANT,
        stage,
        "uncc-40-27",
        f"granted on the conditions the requested State set at consultation on {pid}"
        + (f" ({terms})" if terms else ""),
    )


def route_after(route: tuple[Stage, ...], stage: Stage) -> tuple[Stage, ...]:
    """The stages of ``route`` after ``stage``."""
    return route[route.index(stage) + 1 :] if stage in route else ()


# The enum members a life reads at every stage, bound once (the hot path: see simulator.world).
_INTAKE, _MLA, _EMERGENCY = Stage.INTAKE, Channel.MLA, Channel.EMERGENCY
_GRANT, _CONDITIONAL_GRANT, _PRESERVE = Verdict.GRANT, Verdict.CONDITIONAL_GRANT, Verdict.PRESERVE
_POSTPONE, _PROCEED, _REFUSE = Verdict.POSTPONE, Verdict.PROCEED, Verdict.REFUSE
_REDIRECT, _REQUEST_INFORMATION = Verdict.REDIRECT, Verdict.REQUEST_INFORMATION
_GRANTED, _CONDITIONALLY_GRANTED = Outcome.GRANTED, Outcome.CONDITIONALLY_GRANTED
_PRESERVED, _REFUSED, _WITHDRAWN = Outcome.PRESERVED, Outcome.REFUSED, Outcome.WITHDRAWN
_SERVICE, _RESPONSE, _RESPONSE_DAYS = (
    int(RoundSlot.SERVICE),
    int(RoundSlot.RESPONSE),
    int(RoundSlot.RESPONSE_DAYS),
)
_AMENDMENT, _POSTPONEMENT_DAYS = int(RoundSlot.AMENDMENT), int(RoundSlot.POSTPONEMENT_DAYS)
_NO_HISTORY = History()  # a request's history before anything happened (immutable: one for all)


def route_of(request: Request, requested: RequestedState, standing: Standing | None) -> tuple[Stage, ...]:
    """The MLA stages the request meets: its measure's route, or every stage once escalated."""
    if standing is not None and standing.escalated and all(s in requested.stages for s in FULL_ROUTE):
        return FULL_ROUTE
    return requested.routes[request.submission.measure]


def life(
    request: Request,
    requester: RequestingState,
    requested: RequestedState,
    context: ReviewContext | Standing,
    draws_for_round: Callable[[int], list[float]],
    case_files: CaseFiles | None = None,
    narrate: bool = True,
) -> Life:
    """The life of ``request``; ``draws_for_round(r)`` gives round ``r``'s uniforms (see RoundSlot).

    ``case_files`` are shared by the requests of one run (a fresh set when None). ``context`` is
    fixed, or a :class:`Standing` read afresh at every review. Without ``narrate`` the life yields
    only what takes time (reviews and waits), not its decisions and resubmissions: the same story,
    told faster to a driver that only keeps the clock.
    """
    safeguards = requested.safeguards
    files = case_files if case_files is not None else CaseFiles(safeguards.memory)
    standing = context if isinstance(context, Standing) else None
    history = _NO_HISTORY
    round_index = 0
    accepted: str | None = None  # the ground on which the requester accepted conditions (40(27))
    resume_after: Stage | None = None  # the stage whose ground conditions answered: go on after it
    while True:
        block = draws_for_round(round_index)
        draws = screening_draws(block)
        observation = None
        decision = None
        last_seen = last_recalled = None
        route = route_of(request, requested, standing)
        if resume_after is not None:
            route, resume_after = route_after(route, resume_after), None
        for stage in route:
            thoroughness = yield Review(request, stage, block[_SERVICE + STAGE_INDEX[stage]])
            recalled = files.recall(request)
            seen = context if standing is None else standing.context
            # the same request read at the same thoroughness with the same file and standing is
            # observed the same (observe is a pure function): read it again only if one changed
            if (
                observation is None
                or observation.thoroughness != thoroughness
                or recalled is not last_recalled
                or seen is not last_seen
            ):
                observation = observe(request, seen, thoroughness, draws, recalled=recalled)
                last_seen, last_recalled = seen, recalled
            decision = rules.decide(stage, observation, safeguards, draws, history)
            if stage is not _INTAKE:  # intake checks form (Art 40(15)-(16)), files no facts
                files.record(request, observation, decision)
            if narrate:
                yield Decided(request, observation, decision)
            if decision.verdict is _POSTPONE and rules.consults(safeguards, decision.provision):
                # Art 40(27): consult before postponing; the requester may take the data on conditions now.
                yield Wait(request, requester.response_days.quantile(block[_RESPONSE_DAYS]), "response")
                if rules.offers_conditions(safeguards, decision.provision) and (
                    block[_AMENDMENT] < requester.accepts_conditions
                ):
                    decision = conditional_grant(stage, decision.provision)
                    if narrate:
                        yield Decided(request, observation, decision, resumed=True)
                    break
            if decision.verdict is _POSTPONE:
                yield Wait(
                    request,
                    requested.postponement_days.quantile(block[_POSTPONEMENT_DAYS]),
                    "postponement",
                )
                history = history.after_postponement()
                decision = rules.decide(stage, observation, safeguards, draws, history)
                if narrate:
                    yield Decided(request, observation, decision, resumed=True)
            if decision.verdict is not _PROCEED:
                break
        verdict = decision.verdict
        if verdict in GRANT_VERDICTS and accepted is not None:
            # granted after the conditions agreed at consultation: a grant on those conditions
            decision = conditional_grant(decision.stage, accepted)
            verdict = decision.verdict
            if narrate:
                yield Decided(request, observation, decision, resumed=True)
        if verdict in GRANT_VERDICTS or verdict is _REFUSE:
            return Ending(OUTCOME_OF[verdict], decision.provision, observation, decision)
        # Back to the requester: a query (Art 40(16)) or a consultation (Art 40(27)).
        delay = requester.response_days.quantile(block[_RESPONSE_DAYS])
        yield Wait(request, delay, "response")
        if block[_RESPONSE] >= requester.response_rate:
            return Ending(_WITHDRAWN, decision.provision)
        if verdict is _REQUEST_INFORMATION:
            request = answer_information_request(request, requester, block)
            history = history.after_information_request()
        elif rules.offers_conditions(safeguards, decision.provision) and (
            block[_AMENDMENT] < requester.accepts_conditions
        ):
            # Art 40(27): the requester accepts assistance subject to the requested State's terms. The
            # conditions answer the ground consulted on, not the stages after it: the request goes on
            # (a court still applies the requested State's standard, Arts 24(4), 40(17)).
            accepted, resume_after = decision.provision, decision.stage
            history = history.after_consultation(decision.provision)
            if narrate:
                going_on = Decision(
                    _PROCEED,
                    decision.stage,
                    "uncc-40-27",
                    f"conditions offered at consultation on {decision.provision} accepted: screening goes on",
                )
                yield Decided(request, observation, going_on, resumed=True)
            decision = None
            if not route_after(route, resume_after):
                decision = conditional_grant(resume_after, accepted)
                if narrate:
                    yield Decided(request, observation, decision, resumed=True)
                return Ending(_CONDITIONALLY_GRANTED, decision.provision, observation, decision)
            continue
        elif not safeguards.consultation.amendment:
            decision = attrs.evolve(
                decision, verdict=_REFUSE, reason=decision.reason + " (after consultation)"
            )
            if narrate:
                yield Decided(request, observation, decision, resumed=True)
            return Ending(_REFUSED, decision.provision, observation, decision)
        else:
            request = amend_after_consultation(request, requester, block)
            history = history.after_consultation(decision.provision)
        if narrate:
            yield Resubmitted(request, delay, verdict)
        round_index += 1


CHANNEL_OUTCOME = {
    _PRESERVE: _PRESERVED,
    _GRANT: _GRANTED,
    _CONDITIONAL_GRANT: _CONDITIONALLY_GRANTED,
    _REFUSE: _REFUSED,
}


@frozen
class Venue:
    """Where a request lives its life: who asks (``requester``), who is asked (``requested``), what the
    requested State's reviewers know of the requester (``context``: fixed, or a :class:`Standing` read
    afresh at every review), the fast channels it offers, the case files the requests of one run share
    (None: a fresh set for each life) and whether a life tells its decisions (``narrate``, see
    :func:`life`)."""

    requester: RequestingState
    requested: RequestedState
    context: ReviewContext | Standing
    channels: Mapping[Channel, ChannelRoute] = field(factory=dict)
    case_files: CaseFiles | None = None
    narrate: bool = True

    def files(self) -> CaseFiles:
        """The case files a life records into: the venue's, or a fresh set."""
        if self.case_files is not None:
            return self.case_files
        return CaseFiles(self.requested.safeguards.memory)

    def mla_life(
        self, request: Request, draws_for_round: Callable[[int], list[float]], files: CaseFiles
    ) -> Life:
        """:func:`life`: ``request``'s life as an MLA request here, recording into ``files``."""
        return life(
            request, self.requester, self.requested, self.context, draws_for_round, files, self.narrate
        )


def channel_life(
    request: Request,
    venue: Venue,
    draws_for_round: Callable[[int], list[float]],
    routing: list[float],
    route: tuple[Stage, ...],
) -> Life:
    """The life of a fast-channel request (Arts 40(4)-(5), 41-43) along ``route``.

    The first stage's reviewer (the 24/7 point of contact) decides with
    :func:`simulator.domain.channels.decide_channel`; later stages only take time (the provider's
    answer). A false emergency seen for what it is goes on as an MLA request (its later rounds use
    the draws of rounds 1, 2...). ``routing`` holds the request's routing draws (RoutingSlot).
    """
    channel = request.submission.channel
    requested, context, narrate = venue.requested, venue.context, venue.narrate
    rules_ = requested.channel_rules
    files = venue.files()
    standing = context if isinstance(context, Standing) else None
    block = draws_for_round(0)
    draws = screening_draws(block)
    observation = decision = None
    for index, stage in enumerate(route):
        draw = routing[RoutingSlot.DESK_SERVICE + min(index, MAX_CHANNEL_STAGES - 1)]
        thoroughness = yield Review(request, stage, draw, channel)
        if index:
            continue
        seen = context if standing is None else standing.context
        observation = observe(request, seen, thoroughness, draws, recalled=files.recall(request))
        if channel is _EMERGENCY:
            observation = read_emergency(
                observation, request, rules_.emergency, routing[RoutingSlot.DETECTION]
            )
        decision = decide_channel(channel, observation, requested.safeguards, rules_, draws)
        files.record(request, observation, decision)
        if narrate:
            yield Decided(request, observation, decision)
        if decision.verdict is _REDIRECT:
            submission = attrs.evolve(request.submission, channel=_MLA)
            redirected = request.amended(submission, request.truth)
            if narrate:
                yield Resubmitted(redirected, 0.0, _REDIRECT)
            ending = yield from venue.mla_life(redirected, lambda r: draws_for_round(r + 1), files)
            return attrs.evolve(ending, channel=_MLA, redirected=True)
        if decision.verdict is _REFUSE:
            return Ending(_REFUSED, decision.provision, observation, decision, channel)
    return Ending(CHANNEL_OUTCOME[decision.verdict], decision.provision, observation, decision, channel)


def as_lived(request: Request) -> Request:
    """``request`` on the channel it takes (:func:`~simulator.world.requesters.channel_for`)."""
    submission = request.submission
    channel = channel_for(submission.measure, submission.channel)
    if channel is submission.channel:
        return request
    return request.amended(attrs.evolve(submission, channel=channel), request.truth)


def fast_route(request: Request, channels: Mapping[Channel, ChannelRoute]) -> tuple[Stage, ...] | None:
    """The route of the fast channel ``request`` takes, if the requested State offers it (else None:
    the request goes through MLA)."""
    return _offered(as_lived(request).submission.channel, channels)


def _offered(channel: Channel, channels: Mapping[Channel, ChannelRoute]) -> tuple[Stage, ...] | None:
    offered = channels.get(channel) if channel is not _MLA else None
    return None if offered is None else offered.route


def lived(
    request: Request,
    venue: Venue,
    draws_for_round: Callable[[int], list[float]],
    routing: list[float],
) -> Life:
    """The life ``request`` lives at the venue's requested State: a route straight to a provider where
    the pair's regime opens it and the State has providers (:mod:`simulator.world.direct`), a fast
    channel's life where that State offers the channel, else an MLA request's life. The simulation and
    ``mlasim check`` both take a request's life from here."""
    request = as_lived(request)
    requested = venue.requested
    if requested.providers or requested.regimes.declared:
        from simulator.world.direct import routed

        return routed(request, venue, draws_for_round, routing)
    route = _offered(request.submission.channel, venue.channels)  # fast_route, for a request as lived
    if route is not None:
        return channel_life(request, venue, draws_for_round, routing, route)
    if request.submission.channel is not _MLA:  # a channel this State does not offer
        request = request.amended(attrs.evolve(request.submission, channel=Channel.MLA), request.truth)
    return life(
        request, venue.requester, requested, venue.context, draws_for_round, venue.case_files, venue.narrate
    )


def settle(
    lifetime: Life, thoroughness: float = 1.0, until: Callable[[Command], bool] | None = None
) -> tuple[Ending | None, list[Command]]:
    """Drive a life instantly, every review at ``thoroughness``; return its ending and its commands.

    With ``until``, stop after the first command it accepts (the ending is then None).
    """
    commands: list[Command] = []
    reply = None
    try:
        while True:
            command = lifetime.send(reply)
            commands.append(command)
            if until is not None and until(command):
                lifetime.close()
                return None, commands
            reply = thoroughness if isinstance(command, Review) else None
    except StopIteration as stop:
        return stop.value, commands
