"""The several-States bench compares like with like: the same requests, one State with all the staff."""

from __future__ import annotations

import pytest

from tests.bench.conftest import Kept, load_bench


@pytest.fixture(scope="module")
def bench():
    return load_bench("several_states")


def test_the_one_state_scenario_has_the_same_requesters_and_all_the_staff(bench):
    several, one = bench.scenarios(bench.DEFAULT_FILE, horizon_days=None)
    assert len(several.requested_states) == 3 and len(one.requested_states) == 1
    assert one.requesting_states == several.requesting_states
    assert (one.horizon_days, one.follow_up_days, one.seed) == (
        several.horizon_days,
        several.follow_up_days,
        several.seed,
    )
    first, alone = several.requested_state, one.requested_state
    assert alone.id == first.id and alone.safeguards == first.safeguards
    for stage, config in first.stages.items():
        assert alone.stages[stage].staff == 3 * config.staff
        assert alone.stages[stage].service == config.service
    assert not one.data_location and not one.information_sharing.enabled


def test_a_tiny_run_of_each_is_measured_and_reported(bench):
    measured = []
    for which in (0, 1):
        kept = Kept()
        bench.measure(str(bench.DEFAULT_FILE), 10.0, which, 1, kept)
        measured.append(kept.measured)
    several, one = measured
    assert (several.requested_states, one.requested_states) == (3, 1)
    assert several.requests > 20 and one.requests > 20  # about 80 requests arrive in 10 days
    assert several.cpu_seconds > 0 and one.cpu_seconds > 0
    text = bench.report(several, one)
    assert "cost per request, 3 States / 1 State:" in text
    assert f"{several.cpu_per_request / one.cpu_per_request:.2f}x" in text
