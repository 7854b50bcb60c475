"""The persecution score's reach: every ground a shipped configuration applies can fire."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given

from simulator.domain import evidence, grounds
from simulator.domain.safeguards import Discrimination, EvidenceWeights, Safeguards
from simulator.files.loader import load_scenario
from simulator.reporting.provisions import worst_notices
from tests.conftest import BASELINE, SCENARIOS
from tests.strategies import observations, safeguards

SHIPPED = sorted(SCENARIOS.glob("*.toml"))


@given(observations(), safeguards())
def test_the_range_uses_the_decision_cores_sum(observation, config):
    expected = grounds.persecution_evidence(observation, config)
    got = evidence.score(
        config,
        observation.requester_record,
        observation.target_recognised,
        observation.suspect_conduct,
        observation.prior_notices,
    )
    assert got == pytest.approx(expected)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_no_shipped_configuration_makes_a_ground_unreachable(path):
    scenario = load_scenario(path)
    worst = max(s.rights_record for s in scenario.requesting_states)
    assert evidence.unreachable(scenario.requested_state.safeguards, worst, worst_notices(scenario)) == {}


def test_a_recognised_person_of_the_worst_requester_reaches_the_40_22_bar_in_the_baseline():
    """Without seeing through the disguise: recognition and the record alone are substantial grounds."""
    scenario = load_scenario(BASELINE)
    safeguards = scenario.requested_state.safeguards
    worst = max(s.rights_record for s in scenario.requesting_states)
    recognised = evidence.levels(safeguards, worst, 0).recognised
    assert recognised >= safeguards.discrimination.evidence_threshold


def test_weights_that_cannot_reach_a_bar_are_caught():
    """The weights before the treaty check (0.3, 0.3, no notices) with a 0.9 bar: dead letter."""
    weak = attrs.evolve(
        Safeguards(),
        evidence_weights=EvidenceWeights(0.3, 0.3, 0.2, 0.0),
        discrimination=Discrimination(evidence_threshold=0.9),
    )
    assert evidence.unreachable(weak, 0.85, 0) == {"uncc-40-22": pytest.approx(0.755)}
    assert evidence.levels(weak, 0.85, 0).recognised == pytest.approx(0.555)
