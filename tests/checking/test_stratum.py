"""One stratum's search: plain data out, the same for a seed, and a counterexample that replays."""

from __future__ import annotations

import pickle

import pytest

from simulator.checking.check import plan, searched
from simulator.checking.properties import evaluate
from simulator.checking.reading import library
from simulator.checking.stratum import search_stratum
from simulator.files.document import load_scenario
from simulator.world.requesters import ROUND_SLOTS, RoundSlot
from tests.conftest import BASELINE


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


def first_violated_stratum(scenario, name: str) -> tuple:
    """The baseline's first stratum where ``name`` is violated within 10 examples, and what it found."""
    prop = library()[name]
    for stratum in plan(scenario, prop).strata:
        tried, example = searched((scenario, prop, stratum, 10, 0))
        if example is not None:
            return prop, stratum, tried, example
    raise AssertionError(f"{name}: no violation found")


def test_a_counterexample_is_plain_data_that_replays_to_the_same_outcome(baseline):
    prop, _, tried, example = first_violated_stratum(
        baseline, "complete_convention_offence_requests_not_refused"
    )
    rounds = example.case.rounds
    assert isinstance(rounds, tuple) and all(len(block) == ROUND_SLOTS for block in rounds)
    # what was not read is the value a 0 draw gives (not postponed); what was read is kept
    assert all(0.0 <= value <= 1.0 for block in rounds for value in block)
    assert pickle.loads(pickle.dumps(example)) == example  # can come back from a worker process
    again = evaluate(prop, example.case, baseline)
    assert again is not None and not again.holds
    assert again.outcome == example.evaluation.outcome and again.commands == example.evaluation.commands
    assert tried >= 1


def test_a_stratum_search_is_the_same_for_a_seed_whatever_ran_before(baseline):
    prop, stratum, tried, example = first_violated_stratum(
        baseline, "complete_convention_offence_requests_not_refused"
    )
    other = library()["safeguard_monotonicity"]
    search_stratum(baseline, other, plan(baseline, other).strata[0].given, 5, seed=3)  # something else first
    assert searched((baseline, prop, stratum, 10, 0)) == (tried, example)
    assert example.evaluation.outcome in ("refused", "consulted")


def test_the_first_round_read_is_kept_with_its_postponement_slot(baseline):
    _, _, _, example = first_violated_stratum(baseline, "complete_convention_offence_requests_not_refused")
    first = example.case.rounds[0]
    assert first[RoundSlot.POSTPONEMENT] > 0.0  # shrinks to "not postponed", never to 0
