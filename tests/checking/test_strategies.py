"""The public strategies generate what they promise."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.checking.properties import Given
from simulator.checking.strategies import cases, shared_refusals
from simulator.domain.model import Channel, Measure
from simulator.domain.rules import enabled_provisions
from simulator.domain.safeguards import JudicialStandard
from simulator.files.loader import load_scenario
from simulator.world.requesters import ROUTING_SLOTS
from tests.strategies import safeguard_pairs

ORDER = ["waived", "discretionary", "required"]


@given(safeguard_pairs())
def test_the_second_of_a_pair_is_at_least_as_strict(pair):
    lax, strict = pair
    assert ORDER.index(strict.dual_criminality.mode.value) >= ORDER.index(lax.dual_criminality.mode.value)
    assert strict.dual_criminality.refusal_rate >= lax.dual_criminality.refusal_rate
    assert strict.dual_criminality.exempt_measures <= lax.dual_criminality.exempt_measures
    assert strict.discrimination.enabled >= lax.discrimination.enabled
    assert strict.discrimination.evidence_threshold <= lax.discrimination.evidence_threshold
    assert strict.discrimination.grounds >= lax.discrimination.grounds
    assert strict.essential_interests.refusal_rate >= lax.essential_interests.refusal_rate
    assert strict.political_offence >= lax.political_offence
    for m in Measure:
        assert strict.judicial_order.standard(m) >= lax.judicial_order.standard(m)
    assert strict.consultation == lax.consultation and strict.postponement_rate == lax.postponement_rate
    assert isinstance(strict.judicial_order.standard(Measure.INTERCEPTION), JudicialStandard)


@given(st.data())
def test_cases_respect_the_given_filters(data):
    from simulator.checking.properties import Given
    from simulator.files.loader import load_scenario
    from tests.conftest import BASELINE

    scenario = load_scenario(BASELINE)
    given = Given(
        abusive=True,
        requester=frozenset({"hybrid"}),
        measure=frozenset({"stored_content"}),
        protected_ground=frozenset({"sexual_orientation"}),
        documentation_complete=True,
    )
    case = data.draw(cases(scenario, given))
    request = case.request
    assert given.matches_request(request)
    assert request.truth.conduct in scenario.requester("hybrid").abuse.conducts.names
    # a coherent disguise, as the model draws it: a label the requester uses for that conduct
    labels = scenario.requester("hybrid").abuse.labels_for(request.truth.conduct)
    assert request.submission.offence in labels.names


_SEVERAL = load_scenario(Path(__file__).resolve().parents[1] / "data" / "small-several-states.toml")


@settings(max_examples=30, deadline=None)
@given(cases(_SEVERAL, Given(channel=frozenset({"emergency", "preservation"})), rounds=1))
def test_channel_cases_take_a_channel_their_requester_uses_as_requests_are_drawn(case):
    sub, truth = case.request.submission, case.request.truth
    assert sub.channel in (Channel.EMERGENCY, Channel.PRESERVATION)
    assert sub.measure is not Measure.PRESERVATION  # a preservation preserves what a disclosure asks for
    assert sub.emergency_claim == (sub.channel is Channel.EMERGENCY)
    assert truth.emergency == (sub.emergency_claim and not truth.abusive)  # abusive claims are false
    assert case.routing is not None and len(case.routing) == ROUTING_SLOTS


@settings(max_examples=20, deadline=None)
@given(shared_refusals(_SEVERAL))
def test_a_shared_refusal_comes_from_another_state_on_a_provision_it_applies(shared):
    origin = next(s for s in _SEVERAL.requested_states if s.id == shared.origin)
    assert shared.origin != _SEVERAL.requested_state.id
    assert shared.provision in enabled_provisions(origin.safeguards)
