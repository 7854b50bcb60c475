"""Replications: reproducible for a seed, different across seeds, independent of how many are run."""

from __future__ import annotations

import json

import pytest

from simulator.experiments.run import replicate, run
from simulator.reporting import run as report
from tests.conftest import build, document


def test_same_scenario_and_seed_give_identical_json(small_scenario):
    first = report.as_json(run(small_scenario, replications=3, seed=11))
    second = report.as_json(run(small_scenario, replications=3, seed=11))
    assert first == second


def test_different_seeds_give_different_numbers(small_scenario):
    a = json.loads(report.as_json(run(small_scenario, replications=3, seed=11)))
    b = json.loads(report.as_json(run(small_scenario, replications=3, seed=12)))
    assert a["metrics"] != b["metrics"]


def test_replication_r_does_not_depend_on_how_many_are_run(small_scenario):
    three = run(small_scenario, replications=3, seed=4)
    assert replicate(small_scenario, 4, 2) == three.rows[2]
    assert run(small_scenario, replications=5, seed=4).rows[:3] == three.rows


def test_defaults_come_from_the_file():
    scenario = build(document())
    result = run(scenario)
    assert (result.seed, result.replications) == (7, 4)


def test_result_document_separates_headline_refusals_states_and_stages(small_scenario):
    doc = run(small_scenario, replications=2).to_dict()
    assert {"abuse_pass_through", "legitimate_days_median"} <= set(doc["metrics"])
    assert set(doc["requesting_states"]) == {"A"}
    assert "abuse_pass_through" in doc["requesting_states"]["A"]
    assert set(doc["stages"]) == {"execution"}
    assert doc["refusals"] == {}  # every safeguard off: nothing can be refused


def test_progress_is_told_every_replication_once(small_scenario):
    told: list[int] = []
    run(small_scenario, replications=5, progress=told.append)
    assert sum(told) == 5 and all(steps > 0 for steps in told)


def test_a_saturated_run_warns_that_its_figures_rest_on_few_decided_requests():
    saturated = build(
        document(stages={"execution": {"staff": 1, "service": {"distribution": "fixed", "value": 5.0}}})
    )
    result = run(saturated, replications=2)
    assert result["abusive_pending_share"].mean > 0.5
    [abusive, legitimate] = result.warnings
    assert "of abusive requests are still pending" in abusive and "legitimate" in legitimate
    assert result.to_dict()["warnings"] == result.warnings
    assert run(build(document()), replications=2).warnings == []


def test_expected_requests_counts_rates_over_the_horizon_with_surges():
    from simulator.experiments.run import expected_requests

    doc = document()  # 365 requests a year over a 200-day horizon
    assert expected_requests(build(doc)) == pytest.approx(200.0)
    doc["requesting_state"][0]["surge"] = [{"start_day": 100.0, "end_day": 300.0, "multiplier": 3.0}]
    assert expected_requests(build(doc)) == pytest.approx(200.0 + 100.0 * 2)  # 100 surge days in the horizon


def test_the_backend_is_announced_and_changes_nothing(small_scenario):
    said = []
    serial = run(small_scenario, replications=6, seed=3, workers=1, announce=said.append)
    pooled = run(small_scenario, replications=6, seed=3, workers=2, announce=said.append)
    assert said == ["serial", "process pool, 2 workers"]
    assert serial.rows == pooled.rows and serial.estimates == pooled.estimates
