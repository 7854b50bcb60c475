"""Comparisons run for the page: the same numbers as mlasim compare, cancelled, one per tab."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.experiments.comparison import compare
from simulator.files.document import read_file
from simulator.serving.jobs import Runner

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "un-convention-baseline.toml"
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
