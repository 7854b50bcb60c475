"""A request's life without the clock: the same flow the pipeline runs in time."""

from __future__ import annotations

import attrs

from simulator.domain.model import Channel, Measure, Outcome, Request, Stage, Submission, Truth, Verdict
from simulator.domain.provisions import catalogue as provision_catalogue
from simulator.domain.safeguards import Discrimination, EssentialInterests, Memory
from simulator.files.document import load_scenario
from simulator.world.authority import review_contexts
from simulator.world.lifecycle import CaseFiles, Decided, Resubmitted, Review, Wait, life, settle
from simulator.world.pipeline import Pipeline
from simulator.world.requesters import FOLLOW_UP_BASE, RoundSlot, round_draws
from simulator.world.tally import Tally
from tests.conftest import BASELINE


def without_load_effect(scenario, memory=Memory.SAME_REQUEST):
    """No load effect, and (by default) a memory confined to each request, so lives are independent."""
    requested = scenario.requested_state
    requested = attrs.evolve(
        requested,
        load_effect=attrs.evolve(requested.load_effect, enabled=False),
        safeguards=attrs.evolve(requested.safeguards, memory=memory),
    )
    return scenario.with_requested_state(requested)


class RecordingPipeline(Pipeline):
    def submit(self, request, uniforms, routing=None):
        self.submitted.append((request, uniforms.copy()))
        super().submit(request, uniforms, routing)


def run_recorded(scenario):
    tally = Tally(0.0, [s.id for s in scenario.requesting_states], [], keep_outcomes=True)
    pipeline = RecordingPipeline(scenario, 9, 0, tally)
    pipeline.submitted = []
    pipeline.run()
    return pipeline, tally


def test_instant_lives_end_as_the_simulated_ones():
    """Without the load effect, time changes nothing about a request's fate: settle() agrees."""
    scenario = without_load_effect(load_scenario(BASELINE))
    pipeline, tally = run_recorded(scenario)
    contexts = review_contexts(scenario)
    codes = {code: outcome for outcome, code in tally.outcomes.OUTCOME_CODE.items()}
    compared = 0
    for request, uniforms in pipeline.submitted:
        if request.id >= FOLLOW_UP_BASE or request.submission.channel is not Channel.MLA:
            continue  # fast channels and what follows a request: tests/world/test_pipeline.py
        simulated = codes[tally.outcomes.outcome[request.id]]
        if simulated is Outcome.PENDING:
            continue
        state = scenario.requester(request.submission.requester)
        steps = life(
            request,
            state,
            scenario.requested_state,
            contexts[state.id],
            lambda r, u=uniforms: round_draws(u, r),
        )
        ending, _ = settle(steps)
        assert ending.outcome is simulated, request.id
        assert ending.provision == tally.outcomes.provision[request.id]
        compared += 1
    assert compared > 2500


def consulting_every_refusal(scenario, memory=Memory.NONE):
    """The practice before the treaty check: consultation before every refusal, a reviewer who forgets."""
    requested = scenario.requested_state
    consultation = attrs.evolve(
        requested.safeguards.consultation, applies_to=frozenset(provision_catalogue())
    )
    safeguards = attrs.evolve(requested.safeguards, consultation=consultation, memory=memory)
    return scenario.with_requested_state(attrs.evolve(requested, safeguards=safeguards))


def test_commands_tell_the_story_in_order():
    scenario = consulting_every_refusal(load_scenario(BASELINE))
    pipeline, _ = run_recorded(without_load_effect(scenario, Memory.NONE))
    request, uniforms = next((r, u) for r, u in pipeline.submitted if r.id == 78)
    state = scenario.requester(request.submission.requester)
    steps = life(
        request,
        state,
        scenario.requested_state,
        review_contexts(scenario)[state.id],
        lambda r: round_draws(uniforms, r),
    )
    ending, commands = settle(steps)
    kinds = [type(c) for c in commands]
    assert kinds[0] is Review and kinds[1] is Decided
    consult = next(c for c in commands if isinstance(c, Decided) and c.decision.verdict is Verdict.CONSULT)
    assert consult.decision.provision == "uncc-40-9"
    assert any(isinstance(c, Wait) and c.reason == "response" for c in commands)
    resubmitted = next(c for c in commands if isinstance(c, Resubmitted))
    assert resubmitted.request.submission.amendments == 1
    assert ending.outcome is Outcome.CONDITIONALLY_GRANTED


def test_keeping_findings_closes_the_relabelling_loophole():
    scenario = consulting_every_refusal(load_scenario(BASELINE))
    pipeline, _ = run_recorded(without_load_effect(scenario, Memory.NONE))
    request, uniforms = next((r, u) for r, u in pipeline.submitted if r.id == 78)
    state = scenario.requester(request.submission.requester)
    consultation = attrs.evolve(scenario.requested_state.safeguards.consultation, keep_findings=True)
    keeping = attrs.evolve(
        scenario.requested_state,
        safeguards=attrs.evolve(scenario.requested_state.safeguards, consultation=consultation),
    )
    context = review_contexts(scenario)[state.id]
    ending, commands = settle(life(request, state, keeping, context, lambda r: round_draws(uniforms, r)))
    assert ending.outcome is Outcome.REFUSED and ending.provision == "uncc-40-9"
    last = [c for c in commands if isinstance(c, Decided)][-1]
    assert "the ground announced at consultation stands" in last.decision.reason


def test_settle_applies_the_thoroughness_to_every_review():
    scenario = load_scenario(BASELINE)
    pipeline, _ = run_recorded(without_load_effect(scenario))
    request, uniforms = pipeline.submitted[0]
    state = scenario.requester(request.submission.requester)
    context = review_contexts(scenario)[state.id]
    _, commands = settle(
        life(request, state, scenario.requested_state, context, lambda r: round_draws(uniforms, r)), 0.3
    )
    observed = [c.observation.thoroughness for c in commands if isinstance(c, Decided)]
    assert observed and set(observed) == {0.3}


# --- consultation as the treaty has it, and a reviewer who remembers ---------------------------------
def activist(request_id: int, label: str = "terrorism", disguise: float = 0.5) -> Request:
    """An abusive request from the authoritarian State against one activist, dressed as ``label``."""
    return Request(
        request_id,
        0.0,
        Submission("authoritarian", Measure.STORED_CONTENT, label, 15.0, 0),
        Truth(
            True, "peaceful_protest", "political_opinion", "activist", disguise, disguise, "a/activist/1", 0
        ),
    )


def block(**slots) -> list[float]:
    """One round's uniforms: 0.5 everywhere (nothing seen, no discretionary refusal) unless given."""
    values = [0.5] * len(RoundSlot.__members__) + [0.5] * 4
    values[RoundSlot.POSTPONEMENT] = 0.99
    values[RoundSlot.RESPONSE] = 0.0  # the requester answers
    for name, value in slots.items():
        values[RoundSlot[name.upper()]] = value
    return values


def baseline_with(**safeguards):
    scenario = load_scenario(BASELINE)
    requested = scenario.requested_state
    changed = attrs.evolve(requested.safeguards, **safeguards)
    return scenario, attrs.evolve(requested, safeguards=changed)


def test_a_40_21_b_consultation_offers_a_grant_on_conditions_the_requester_accepts():
    """Conditions answer the ground consulted on; the court still applies its standard after them."""
    essential = EssentialInterests(enabled=True, evidence_threshold=0.3, refusal_rate=1.0)
    scenario, requested = baseline_with(
        essential_interests=essential, discrimination=Discrimination(enabled=False)
    )
    state = scenario.requester("authoritarian")
    context = review_contexts(scenario)[state.id]
    rounds = [block(see_through=0.0, target_recognition=0.0, amendment=0.1)]
    subscriber = attrs.evolve(
        activist(1, "computer_fraud"),
        submission=attrs.evolve(
            activist(1).submission, measure=Measure.SUBSCRIBER_INFO, offence="computer_fraud"
        ),
    )
    ending, commands = settle(life(subscriber, state, requested, context, lambda r: rounds[0]))
    decided = [
        (c.decision.stage, c.decision.verdict, c.decision.provision)
        for c in commands
        if isinstance(c, Decided)
    ]
    assert (Stage.RIGHTS_SCRUTINY, Verdict.CONSULT, "uncc-40-21-b") in decided
    assert (Stage.RIGHTS_SCRUTINY, Verdict.PROCEED, "uncc-40-27") in decided  # conditions accepted
    assert decided[-2][0] is Stage.EXECUTION  # ...and the request went on to the last stage
    assert ending.outcome is Outcome.CONDITIONALLY_GRANTED and ending.provision == "uncc-40-27"
    # the terms are the requested State's own (Art 40(27)), not the use limitation every grant carries
    assert "assurances on the use of the data" in ending.decision.reason
    assert "40(19)" not in ending.decision.reason
    # content needs a warrant: facts seen through (0.00) fail it, conditions or not
    ending, commands = settle(
        life(activist(1, "computer_fraud"), state, requested, context, lambda r: rounds[0])
    )
    assert ending.outcome is Outcome.REFUSED and ending.provision == "uncc-24-4"
    declined = [block(see_through=0.0, target_recognition=0.0, amendment=0.95)]
    no_amendment = attrs.evolve(
        requested,
        safeguards=attrs.evolve(
            requested.safeguards,
            consultation=attrs.evolve(requested.safeguards.consultation, amendment=False),
        ),
    )
    ending, _ = settle(
        life(activist(1, "computer_fraud"), state, no_amendment, context, lambda r: declined[0])
    )
    assert ending.outcome is Outcome.REFUSED and ending.provision == "uncc-40-21-b"


def test_a_postponement_is_consulted_first_and_may_end_in_a_grant_on_conditions():
    scenario, requested = baseline_with(postponement_rate=1.0)
    state = scenario.requester("partner")
    context = review_contexts(scenario)[state.id]
    honest = Request(
        2,
        0.0,
        Submission("partner", Measure.SUBSCRIBER_INFO, "computer_fraud", 8.0, 0),
        Truth(False, "computer_fraud", None, "ordinary", 0.0, 0.9, "p/request/2"),
    )
    accepted = block(postponement=0.0, amendment=0.1)
    ending, commands = settle(life(honest, state, requested, context, lambda r: accepted))
    assert ending.outcome is Outcome.CONDITIONALLY_GRANTED
    assert not any(isinstance(c, Wait) and c.reason == "postponement" for c in commands)
    refused_conditions = block(postponement=0.0, amendment=0.95)
    ending, commands = settle(life(honest, state, requested, context, lambda r: refused_conditions))
    assert ending.outcome is Outcome.GRANTED
    reasons = [c.reason for c in commands if isinstance(c, Wait)]
    assert reasons == ["response", "postponement"]


def test_a_reviewer_who_remembers_the_person_sees_through_the_next_disguise():
    """same_target: a disguise seen through once stays seen through for later requests about the person."""
    for memory, expect_seen in (
        (Memory.SAME_TARGET, True),
        (Memory.SAME_REQUEST, False),
        (Memory.NONE, False),
    ):
        scenario, requested = baseline_with(memory=memory)
        state = scenario.requester("authoritarian")
        context = review_contexts(scenario)[state.id]
        files = CaseFiles(memory)
        seen = [block(see_through=0.0)]  # the first reviewer sees through 'extremism' to the protest
        settle(life(activist(1, "extremism"), state, requested, context, lambda r, b=seen[0]: b, files))
        blind = [block(see_through=0.99)]  # the second reviewer alone would not
        _, commands = settle(
            life(activist(2, "computer_fraud"), state, requested, context, lambda r, b=blind[0]: b, files)
        )
        first = next(c.observation for c in commands if isinstance(c, Decided))
        assert first.disguise_penetrated is expect_seen, memory
        assert ("request(s) 1" in first.recalled) is expect_seen
