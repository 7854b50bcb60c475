"""Comparisons run for the page: the same numbers as mlasim compare (the scenario as loaded run once
for every what-if), cancelled, one per tab."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.experiments.comparison import compare
from simulator.files.document import read_file
from simulator.serving.jobs import Runner

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "un-convention-baseline.toml"
SMALL = Path(__file__).resolve().parents[1] / "data" / "small-uncertain.toml"
CHANGES = {"safeguards.dual_criminality.mode": "required"}


@pytest.fixture(scope="module")
def pair():
    file = read_file(BASELINE)
    return file.base(), file.configured(CHANGES, "what-if")


def test_the_estimate_is_mlasim_compares_on_the_same_replications(pair):
    runner = Runner(workers=2, most=3, least=3)
    try:
        job = runner.start("tab", pair, ("as loaded", "what-if"), CHANGES)
        job.thread.join()
    finally:
        runner.close()
    assert job.state == "done" and job.replications == 3
    expected = compare(pair, ("as loaded", "what-if"), replications=3)
    assert job.comparison().rows == expected.rows
    assert job.comparison().flipped == expected.flipped


def test_a_new_change_in_a_tab_cancels_its_job_not_another_tabs(pair):
    runner = Runner(workers=1, most=4, least=4)
    try:
        first = runner.start("a", pair, ("as loaded", "what-if"), CHANGES)
        other = runner.start("b", pair, ("as loaded", "what-if"), CHANGES)
        runner.start("a", pair, ("as loaded", "what-if"), CHANGES)
        first.thread.join()
        other.thread.join()
    finally:
        runner.close()
    assert first.state == "cancelled" and first.replications < 4
    assert other.state == "done" and other.replications == 4


def test_the_scenario_as_loaded_is_run_once_for_every_what_if_with_the_same_numbers():
    file = read_file(SMALL)
    base = file.base()
    runner = Runner(workers=2, most=4, least=4)
    try:
        assert runner.warm(base) == "process pool, 2 workers"
        assert runner.kept.count(base) == 2  # one replication per worker, before any what-if
        for mode in ("required", "waived"):
            whatif = file.configured({"safeguards.dual_criminality.mode": mode}, "what-if")
            job = runner.start("tab", (base, whatif), ("as loaded", "what-if"), {})
            job.thread.join()
            expected = compare((base, whatif), ("as loaded", "what-if"), replications=4)
            assert job.state == "done" and _exact(job.comparison().rows) == _exact(expected.rows)
            assert _exact(job.comparison().flips) == _exact(expected.flips)
            assert job.comparison().flipped == expected.flipped and expected.flipped[0]
        assert runner.kept.count(base) == 4
    finally:
        runner.close()


def _exact(rows) -> str:
    """Rows of numbers as text, every float to the last bit (NaN equal to NaN, unlike in a dict)."""
    return json.dumps(rows, sort_keys=True)
