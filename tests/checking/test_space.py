"""The space of requests a scenario can send, narrowed by a property's 'given'."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from simulator.checking.properties import Given
from simulator.checking.space import can_match, channels_used, conducts, feasible, labels
from simulator.files.document import load_scenario
from tests.conftest import BASELINE, ROOT

SEVERAL = Path(__file__).resolve().parents[1] / "data" / "small-several-states.toml"


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


def test_an_abusive_request_is_dressed_only_in_the_labels_its_profile_gives_the_conduct(baseline):
    hybrid = baseline.requester("hybrid")
    lgbt = Given(abusive=True, protected_ground=frozenset({"sexual_orientation"}))
    assert conducts(hybrid, True, lgbt) == ["same_sex_relations"]
    assert labels(hybrid, True, lgbt, "same_sex_relations") == ["lgbt_propaganda"]
    assert [(s.id, abusive) for s, abusive in feasible(baseline, lgbt)] == [
        ("hybrid", True),
        ("authoritarian", True),
    ]


def test_a_given_no_request_can_meet_matches_nothing(baseline):
    assert can_match(baseline, Given(requester=frozenset({"partner"})))
    assert not can_match(baseline, Given(requester=frozenset({"partner"}), measure=frozenset({"none"})))
    # the partner's abuse persecutes no protected ground a property could name
    assert not can_match(
        baseline, Given(requester=frozenset({"partner"}), protected_ground=frozenset({"race"}))
    )


def test_a_fast_channel_is_one_the_requester_uses_and_the_requested_state_offers(baseline):
    several = load_scenario(SEVERAL)
    emergency = Given(channel=frozenset({"emergency", "preservation"}))
    used = {s.id: channels_used(several, s, False, emergency) for s in several.requesting_states}
    assert all(set(channels) <= {"emergency", "preservation"} for channels in used.values())
    assert any(used.values())
    assert not can_match(several, Given(channel=frozenset({"no_such_channel"})))


def test_planning_a_check_needs_no_hypothesis():
    """The command's own process plans a check and assembles its verdicts; only the searches (on the
    workers, when there are workers) import hypothesis."""
    code = "import sys, simulator.checking.check; sys.exit('hypothesis' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0
