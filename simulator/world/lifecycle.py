"""One request's life, from first submission to grant, refusal or withdrawal, without the clock.

A request goes through screening rounds. In each round it meets the stages of its measure's route;
at the end of each stage the reviewer observes it (:func:`simulator.domain.signals.observe`) and the
decision core decides (:func:`simulator.domain.rules.decide`). A query for more information (Art 40(16))
or a consultation before refusal (Art 40(27)) sends it back to the requester, who answers after a
delay (or abandons it) and resubmits it amended: the next round. A consultation on a ground that
conditions can answer offers a grant on conditions (use limitation, Art 40(19)) that the requester
accepts or declines. A postponement (Art 40(26)) holds execution for a while, after a consultation
where the configuration consults on it (the treaty's setting), which may end in a grant on conditions.

The requested State keeps **case files** (:class:`CaseFiles`): what a review found (a disguise seen
through, a person recognised, a persecution ground) is recalled at later reviews of the same request
or of any later request naming the same person, as ``safeguards.memory`` says.

:func:`life` is that story as a generator of commands. It never looks at a clock and never applies
a rule itself. Whoever drives it decides what the commands mean:

- the SimPy pipeline (:mod:`simulator.world.pipeline`) makes a :class:`Review` queue for a reviewer and
  take service time, and a :class:`Wait` pass simulated days;
- :func:`settle` drives it instantly, every review at a given thoroughness: this is what
  ``mlasim check`` uses to test properties of a configuration over whole lives of requests.

Both therefore follow exactly the same flow.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import attrs
from attrs import frozen

from simulator.domain import rules
from simulator.domain.model import (
    GRANT_VERDICTS,
    Decision,
    History,
    Observation,
    Outcome,
    Recollection,
    Request,
    Stage,
    Verdict,
)
from simulator.domain.safeguards import Memory
from simulator.domain.signals import ReviewContext, observe, remember
from simulator.world.requesters import (
    STAGE_INDEX,
    RoundSlot,
    amend_after_consultation,
    answer_information_request,
    screening_draws,
)
from simulator.world.scenario import RequestedState, RequestingState

OUTCOME_OF = {
    Verdict.GRANT: Outcome.GRANTED,
    Verdict.CONDITIONAL_GRANT: Outcome.CONDITIONALLY_GRANTED,
    Verdict.REFUSE: Outcome.REFUSED,
}


@frozen
class Review:
    """Have a reviewer at ``stage`` take the request; the driver sends back the review's thoroughness."""

    request: Request
    stage: Stage
    service_draw: float  # the uniform that fixes this review's service time


@frozen
class Decided:
    """A stage's decision (after a postponement, ``resumed`` is true)."""

    request: Request
    observation: Observation
    decision: Decision
    resumed: bool = False


@frozen
class Wait:
    """Let ``days`` pass: a postponement, or the requester preparing its answer."""

    request: Request
    days: float
    reason: str  # postponement | response


@frozen
class Resubmitted:
    """The requester answered (``after`` the verdict that sent the request back): a new round."""

    request: Request
    delay: float
    after: Verdict


@frozen
class Ending:
    outcome: Outcome
    provision: str | None  # the provision cited by the last decision


Command = Review | Decided | Wait | Resubmitted
Life = Generator[Command, Any, Ending]


class CaseFiles:
    """The requested State's case files for one run: findings by request or by person (``memory``)."""

    def __init__(self, memory: Memory) -> None:
        self.memory = memory
        self._files: dict[tuple[str, object], Recollection] = {}

    def _key(self, request: Request) -> tuple[str, object] | None:
        if self.memory is Memory.SAME_TARGET and request.truth.person:
            return ("person", request.truth.person)
        if self.memory is Memory.NONE:
            return None
        return ("request", request.id)

    def recall(self, request: Request) -> Recollection | None:
        key = self._key(request)
        return None if key is None else self._files.get(key)

    def record(self, request: Request, observation: Observation, decision: Decision) -> None:
        key = self._key(request)
        if key is not None:
            known = self._files.get(key, Recollection())
            self._files[key] = remember(known, observation, decision, request.id)


def conditional_grant(stage: Stage, pid: str | None) -> Decision:
    """The grant a requester accepted at a consultation: data handed over under a use limitation."""
    return Decision(
        Verdict.CONDITIONAL_GRANT,
        stage,
        "uncc-40-19",
        f"granted on conditions agreed at consultation on {pid} (use limited to the stated case)",
    )


def life(
    request: Request,
    requester: RequestingState,
    requested: RequestedState,
    context: ReviewContext,
    draws_for_round: Callable[[int], list[float]],
    case_files: CaseFiles | None = None,
) -> Life:
    """The life of ``request``; ``draws_for_round(r)`` gives round ``r``'s uniforms (see RoundSlot).

    ``case_files`` are shared by the requests of one run (a fresh set when None).
    """
    safeguards = requested.safeguards
    files = case_files if case_files is not None else CaseFiles(safeguards.memory)
    history = History()
    round_index = 0
    while True:
        block = draws_for_round(round_index)
        draws = screening_draws(block)
        observation = None
        decision = None
        for stage in requested.routes[request.submission.measure]:
            thoroughness = yield Review(request, stage, block[RoundSlot.SERVICE + STAGE_INDEX[stage]])
            recalled = files.recall(request)
            if observation is None or observation.thoroughness != thoroughness or recalled is not None:
                observation = observe(request, context, thoroughness, draws, recalled=recalled)
            decision = rules.decide(stage, observation, safeguards, draws, history)
            files.record(request, observation, decision)
            yield Decided(request, observation, decision)
            if decision.verdict is Verdict.POSTPONE and rules.consults(safeguards, decision.provision):
                # Art 40(27): consult before postponing; the requester may take the data on conditions now.
                yield Wait(
                    request, requester.response_days.quantile(block[RoundSlot.RESPONSE_DAYS]), "response"
                )
                if rules.offers_conditions(safeguards, decision.provision) and (
                    block[RoundSlot.AMENDMENT] < requester.accepts_conditions
                ):
                    decision = conditional_grant(stage, decision.provision)
                    yield Decided(request, observation, decision, resumed=True)
                    break
            if decision.verdict is Verdict.POSTPONE:
                yield Wait(
                    request,
                    requested.postponement_days.quantile(block[RoundSlot.POSTPONEMENT_DAYS]),
                    "postponement",
                )
                history = attrs.evolve(history, postponed=True)
                decision = rules.decide(stage, observation, safeguards, draws, history)
                yield Decided(request, observation, decision, resumed=True)
            if decision.verdict is not Verdict.PROCEED:
                break
        verdict = decision.verdict
        if verdict in GRANT_VERDICTS or verdict is Verdict.REFUSE:
            return Ending(OUTCOME_OF[verdict], decision.provision)
        # Back to the requester: a query (Art 40(16)) or a consultation (Art 40(27)).
        delay = requester.response_days.quantile(block[RoundSlot.RESPONSE_DAYS])
        yield Wait(request, delay, "response")
        if block[RoundSlot.RESPONSE] >= requester.response_rate:
            return Ending(Outcome.WITHDRAWN, decision.provision)
        if verdict is Verdict.REQUEST_INFORMATION:
            request = answer_information_request(request, requester, block)
            history = attrs.evolve(history, information_requests=history.information_requests + 1)
        elif rules.offers_conditions(safeguards, decision.provision) and (
            block[RoundSlot.AMENDMENT] < requester.accepts_conditions
        ):
            # Art 40(27): the requester accepts a grant subject to conditions (Art 40(19)).
            decision = conditional_grant(decision.stage, decision.provision)
            yield Decided(request, observation, decision, resumed=True)
            return Ending(Outcome.CONDITIONALLY_GRANTED, decision.provision)
        elif not safeguards.consultation.amendment:
            decision = attrs.evolve(
                decision, verdict=Verdict.REFUSE, reason=decision.reason + " (after consultation)"
            )
            yield Decided(request, observation, decision, resumed=True)
            return Ending(Outcome.REFUSED, decision.provision)
        else:
            request = amend_after_consultation(request, requester, block)
            history = attrs.evolve(
                history,
                consultations=history.consultations + 1,
                findings=history.findings | {decision.provision},
            )
        yield Resubmitted(request, delay, verdict)
        round_index += 1


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
