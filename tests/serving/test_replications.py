"""Paired replications with the scenario as loaded run once and kept: the numbers of compare_batch."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.experiments.comparison import compare_batch
from simulator.files.document import read_file
from simulator.files.limits import DEFAULT_LIMITS
from simulator.serving.replications import KEPT_SCENARIOS, Kept, as_loaded, paired, paired_replication

SMALL = Path(__file__).resolve().parents[1] / "data" / "small-uncertain.toml"


@pytest.fixture(scope="module")
def pair():
    file = read_file(SMALL)
    return file.base(), file.configured({"safeguards.dual_criminality.mode": "required"}, "what-if")


@pytest.mark.parametrize("replication", [0, 3])
def test_a_pair_with_the_scenario_as_loaded_kept_is_compare_batchs(pair, replication):
    base, whatif = pair
    ((_, expected),) = compare_batch(((base, whatif), base.seed, (replication,)))
    found, ran = paired((base, whatif), base.seed, replication, DEFAULT_LIMITS)
    assert list(found) == list(expected)
    assert ran is not None and ran[0] == expected[0][0]
    assert len(found[2][0]) > 0  # requests flipped: the pairing request by request is compared too
    _, kept = as_loaded((base, base.seed, replication, DEFAULT_LIMITS))
    again, nothing_run = paired((base, whatif), base.seed, replication, DEFAULT_LIMITS, kept=kept)
    assert list(again) == list(expected) and nothing_run is None


def test_a_cancelled_replication_answers_nothing(pair, tmp_path):
    base, whatif = pair
    stop = tmp_path / "stop"
    stop.write_text("")
    task = ((base, whatif), base.seed, 0, str(stop), DEFAULT_LIMITS, None)
    assert paired_replication(task) == (0, None, None)
    task = ((base, whatif), base.seed, 0, str(tmp_path / "running"), DEFAULT_LIMITS, None)
    replication, found, ran = paired_replication(task)
    assert replication == 0 and found is not None and ran is not None


def test_kept_replications_are_the_scenarios_own_and_bounded(pair):
    base, whatif = pair
    kept = Kept(most=2)
    kept.put(base, 0, ({"a": 1.0}, None))
    kept.put(base, 2, ({"a": 2.0}, None))  # beyond the most a job runs: not kept
    assert kept.get(base, 0) == ({"a": 1.0}, None) and kept.get(base, 2) is None
    assert kept.get(whatif, 0) is None and kept.count(base) == 1
    others = [read_file(SMALL).configured({"scenario.seed": s}, "") for s in range(KEPT_SCENARIOS)]
    for other in others:
        kept.put(other, 0, ({}, None))
    assert kept.get(base, 0) is None and kept.count(others[-1]) == 1  # the oldest scenario went


def test_kept_requests_are_bounded(pair):
    base, _ = pair
    _, first = as_loaded((base, base.seed, 0, DEFAULT_LIMITS))
    size = len(first[1].outcome)
    kept = Kept(most=10, requests=2 * size + 1)
    for replication in range(3):
        kept.put(base, replication, first)
    assert kept.count(base) == 2 and kept.get(base, 2) is None  # the third would pass the bound
