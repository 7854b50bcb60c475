"""The hypothesis search behind a check: what it leaves alone, and that it does not depend on it."""

from __future__ import annotations

import random

import numpy as np
import pytest

from simulator.checking.check import plan, searched
from simulator.checking.reading import library
from simulator.checking.search import global_randoms_untouched, heap_frozen
from simulator.files.document import load_scenario
from tests.conftest import BASELINE


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


def test_hypothesis_care_for_the_global_generators_is_skipped_only_during_a_search():
    from hypothesis import control, core
    from hypothesis.strategies._internal import core as strategies_core

    def current():
        return (
            core.deterministic_PRNG,
            control.deprecate_random_in_strategy,
            strategies_core.deprecate_random_in_strategy,
        )

    before = current()
    with global_randoms_untouched():
        during = current()
        assert all(a is not b for a, b in zip(before, during, strict=True))
    assert current() == before


def test_a_search_neither_reads_nor_moves_the_global_generators(baseline):
    """The same search whatever state ``random`` and numpy's global generator are in, and both left
    where they were: the search needs none of the reseeding hypothesis does around each test case."""
    prop = library()["persecution_grounds_survive_consultation"]  # rejects, passes and shrinks
    strata = plan(baseline, prop).strata
    stratum = next(s for s in strata if "authoritarian" in s.given.requester)

    def search_from(seed: int):
        random.seed(seed)
        np.random.seed(seed)
        state, np_state = random.getstate(), np.random.get_state()
        found = searched((baseline, prop, stratum, 10, 0))
        assert random.getstate() == state
        after = np.random.get_state()
        assert after[0] == np_state[0] and (after[1] == np_state[1]).all() and after[2:] == np_state[2:]
        return found

    first = search_from(1)
    assert first[1] is not None  # a violation, shrunk
    assert search_from(2) == first


def test_the_heap_is_frozen_only_during_a_search_and_a_freeze_by_others_is_left_alone():
    import gc

    assert gc.get_freeze_count() == 0
    with heap_frozen():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with heap_frozen():
            pass
        assert gc.get_freeze_count() == frozen  # not unfrozen by the search
    finally:
        gc.unfreeze()
