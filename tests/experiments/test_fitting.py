"""The fit table's arithmetic: implausibility with the ensemble variability, and missing metrics."""

from __future__ import annotations

import math

import pytest

from simulator.experiments.fitting import CUTOFF, fit, fits, simulation_variance, worst
from simulator.files.reader import ScenarioError
from simulator.files.targets import Target, Targets


def target(**fields) -> Target:
    base = dict(id="t", metric="legitimate_days_median", quantity="q", source="s", solidity="A",
                measures="m", year=2020, unit="days")  # fmt: skip
    return Target(**{**base, **fields})


def test_implausibility_counts_the_observation_the_discrepancy_and_the_model_spread():
    goal = target(value=100.0, sd=3.0, discrepancy=4.0)
    values = [110.0, 120.0, 130.0, 140.0]  # mean 125, variance 166.7 between replications
    found = fit(goal, values)
    ensemble, of_mean = simulation_variance(values)
    assert ensemble == pytest.approx(500 / 3) and of_mean == pytest.approx(ensemble / 4)
    assert found.implausibility == pytest.approx(25 / math.sqrt(9 + 16 + ensemble + of_mean))
    assert found.simulated.mean == 125.0 and found.simulated.n == 4
    assert found.consistent and found.implausibility < CUTOFF  # about 1.64


def test_a_scenario_far_from_a_sharp_figure_is_ruled_out_and_one_on_it_is_not():
    goal = target(low=180.0, high=730.0, sd=(730.0 - 180.0) / 6)
    assert not fit(goal, [120.0, 121.0, 119.0]).consistent
    assert fit(goal, [400.0, 420.0, 380.0]).consistent
    assert worst([fit(goal, [120.0, 121.0]), fit(goal, [400.0, 410.0])]) > CUTOFF


def test_a_metric_the_run_never_produced_is_named_not_guessed():
    goal = target(id="refused", metric="refusals.UNCC_Art_99.abusive", value=1.0, sd=1.0)
    with pytest.raises(ScenarioError) as caught:
        fits(Targets("t.toml", "t", (goal,)), [{"abuse_pass_through": 0.1}])
    assert str(caught.value.problems[0]) == (
        "t.toml: target 'refused': the scenario produced no metric 'refusals.UNCC_Art_99.abusive'"
    )


def test_without_a_value_the_implausibility_is_not_a_number_and_counts_as_worst():
    found = fit(target(value=1.0, sd=1.0), [math.nan, math.nan])
    assert math.isnan(found.implausibility) and not found.consistent
    assert worst([found]) == math.inf
