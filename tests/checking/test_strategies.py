"""The public strategies generate what they promise."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from simulator.checking.strategies import cases
from simulator.domain.model import Measure
from simulator.domain.safeguards import JudicialStandard
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
