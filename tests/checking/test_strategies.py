"""The public strategies generate what they promise."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from simulator.checking.properties import Given
from simulator.checking.strategies import cases, fine_unit, shared_refusals
from simulator.checking.strategies.choices import Choices
from simulator.domain.model import Channel, Measure
from simulator.domain.rules import enabled_provisions
from simulator.domain.safeguards import JudicialStandard
from simulator.files.document import load_scenario
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
    from simulator.files.document import load_scenario
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


# --- choices: the same search as the strategies they stand for ------------------------------------
OPTIONS = ["first", "second", "third"]


def every_kind_of_choice(choose: Choices) -> tuple:
    """One choice of each kind, in a fixed order (the same sequence for both ways of choosing)."""
    return (
        choose.pick(OPTIONS),
        choose.integer(0, 3),
        choose.boolean(),
        choose.unit(),
        choose.unit(),
        choose.real(0.25, 1.0),
        choose.pick(["only"]),
        choose.pick(OPTIONS),
    )


@st.composite
def by_choices(draw):
    return every_kind_of_choice(Choices.of_draw(draw))


@st.composite
def by_strategies(draw):
    return (
        draw(st.sampled_from(OPTIONS)),
        draw(st.integers(min_value=0, max_value=3)),
        draw(st.booleans()),
        draw(fine_unit),
        draw(fine_unit),
        draw(st.floats(min_value=0.25, max_value=1.0)),
        draw(st.sampled_from(["only"])),
        draw(st.sampled_from(OPTIONS)),
    )


def everything_tried(strategy) -> list:
    """Every value hypothesis tries, generating and shrinking, for a property that fails when a
    large uniform meets a later option (as a search for a counterexample goes)."""
    tried = []

    @hypothesis_seed(7)
    @settings(max_examples=60, database=None, derandomize=False, phases=SEARCH_PHASES)
    @given(strategy)
    def broken(value):
        tried.append(value)
        assert not (value[0] != "first" and value[4] > 0.2 and value[1] > 0)

    with pytest.raises(AssertionError):
        broken()
    return tried


SEARCH_PHASES = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink]


def test_choices_make_hypothesis_try_what_the_strategies_they_stand_for_make_it_try():
    fast = everything_tried(by_choices())
    assert fast == everything_tried(by_strategies())
    assert len(fast) > 60  # it generated, found the failure, and shrank it
    assert fast[-1][0] == "second" and fast[-1][1] == 1 and fast[-1][2] is False


def test_without_choice_level_drawing_choices_fall_back_to_the_strategies():
    @st.composite
    def fallback(draw):
        # a plain function: no test case behind it
        return every_kind_of_choice(Choices(lambda strategy: draw(strategy)))

    assert everything_tried(fallback()) == everything_tried(by_strategies())
