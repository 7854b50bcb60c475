"""A request's life without the clock: the same flow the pipeline runs in time."""

from __future__ import annotations

import attrs

from simulator.domain.model import Outcome, Verdict
from simulator.domain.safeguards import Consultation
from simulator.files.loader import load_scenario
from simulator.world.lifecycle import Decided, Resubmitted, Review, Wait, life, settle
from simulator.world.pipeline import Pipeline, review_contexts
from simulator.world.requesters import round_draws
from simulator.world.tally import Tally
from tests.conftest import BASELINE


def without_load_effect(scenario):
    requested = attrs.evolve(
        scenario.requested_state,
        load_effect=attrs.evolve(scenario.requested_state.load_effect, enabled=False),
    )
    return attrs.evolve(scenario, requested_state=requested)


class RecordingPipeline(Pipeline):
    def submit(self, request, uniforms):
        self.submitted.append((request, uniforms.copy()))
        super().submit(request, uniforms)


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


def test_commands_tell_the_story_in_order():
    scenario = load_scenario(BASELINE)
    pipeline, _ = run_recorded(without_load_effect(scenario))
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
    scenario = load_scenario(BASELINE)
    pipeline, _ = run_recorded(without_load_effect(scenario))
    request, uniforms = next((r, u) for r, u in pipeline.submitted if r.id == 78)
    state = scenario.requester(request.submission.requester)
    keeping = attrs.evolve(
        scenario.requested_state,
        safeguards=attrs.evolve(
            scenario.requested_state.safeguards, consultation=Consultation(keep_findings=True)
        ),
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
