"""Target files: published figures read as data, every mistake one line naming the field."""

from __future__ import annotations

import math

import pytest

from simulator.files.document import load_scenario
from simulator.files.reader import ScenarioError
from simulator.files.targets import parse_ranges, parse_targets, read_targets, shipped, target_problems
from tests.conftest import ROOT, SCENARIOS

GOOD = {
    "id": "duration",
    "metric": "legitimate_days_median",
    "quantity": "MLA response times",
    "low": 6,
    "high": 24,
    "unit": "months",
    "year": 2014,
    "source": "Council of Europe, T-CY(2013)17rev",
    "solidity": "B",
    "measures": "MLA duration",
}


def problems_of(**changes) -> list[str]:
    target = {k: v for k, v in {**GOOD, **changes}.items() if v is not None}
    with pytest.raises(ScenarioError) as caught:
        parse_targets({"target": [target]}, "t.toml")
    return [str(p) for p in caught.value.problems]


def test_a_range_in_months_becomes_days_with_a_sixth_of_its_width_as_sd():
    target = parse_targets({"target": [GOOD]}, "t.toml").targets[0]
    assert (target.low, target.high) == pytest.approx((6 * 30.4375, 24 * 30.4375))
    assert target.sd == pytest.approx((target.high - target.low) / 6)
    assert target.fitted and target.observed == pytest.approx(15 * 30.4375)
    assert target.implausibility(target.high) == pytest.approx(3.0)  # an end of the range: 3
    assert target.implausibility(target.observed) == 0.0


def test_a_lower_bound_is_met_by_anything_above_it():
    bound = {**GOOD, "metric": "backlog.arrivals_per_year", "low": 3000, "sd": 300, "unit": "requests a year"}
    del bound["high"]
    target = parse_targets({"target": [bound]}, "t.toml").targets[0]
    assert target.implausibility(5000.0) == 0.0
    assert target.implausibility(2100.0) == pytest.approx(3.0)
    assert target.implausibility(2100.0, simulation_variance=300.0**2) == pytest.approx(3 / math.sqrt(2))


def test_a_share_may_be_given_in_percent():
    target = parse_targets(
        {"target": [{**GOOD, "metric": "state.partner.granted_share", "low": 58, "high": 71, "unit": "%"}]},
        "t.toml",
    ).targets[0]
    assert (target.low, target.high) == pytest.approx((0.58, 0.71))


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"metric": "legitimate_days_medain"},
         "t.toml: target[0].metric: unknown metric 'legitimate_days_medain' (did you mean "
         "'legitimate_days_median'?) (see `mlasim metrics`)"),
        ({"low": 24, "high": 6},
         "t.toml: target[0].high: the range is the wrong way round: low 24 is above high 6"),
        ({"source": None}, "t.toml: target[0].source: is required"),
        ({"source": " "}, "t.toml: target[0].source: must not be empty: say where the figure comes from "
                          "and what it counts"),
        ({"unit": "months", "metric": "abuse_pass_through"},
         "t.toml: target[0].unit: 'months' does not fit a metric in share: use one of fraction, share, "
         "probability, %, percent"),
        ({"value": 10}, "t.toml: target[0].value: give either value (with sd) or a range (low, high), not both"),
        ({"high": None}, "t.toml: target[0].sd: is required above 0 with a single bound: how uncertain "
                         "the figure is"),
        ({"solidity": "D"}, "t.toml: target[0].solidity: must be A, B or C (A: the official data or "
                            "document itself; B: a reputable secondary source quoting the official figure; C: weak (a "
                            "letter, an aggregator): a loose bound only)"),
        ({"use": "train"}, "t.toml: target[0].use: must be 'fit' or 'validate' (held out of the fit), not 'train'"),
        ({"sd": -1}, "t.toml: target[0].sd: must be at least 0 (a standard deviation), not -1"),
        ({"yaer": 2014, "year": None}, "t.toml: target[0].yaer: unknown key (did you mean 'year'?); year is required"),
        ({"figures": ["pf:tcy-mla-duration-2041"]},
         "t.toml: target[0].figures: item 0: unknown name 'pf:tcy-mla-duration-2041' (did you mean "
         "'pf:tcy-mla-duration-2014'?)"),
    ],
)  # fmt: skip
def test_each_mistake_is_one_line_naming_the_field(changes, expected):
    assert problems_of(**changes) == [expected]


def test_a_target_citing_a_public_figure_takes_its_source_year_solidity_and_range():
    cited = {"id": "d", "metric": "legitimate_days_median", "unit": "months",
             "figures": ["pf:tcy-mla-duration-2014"]}  # fmt: skip
    target = parse_targets({"target": [cited]}, "t.toml").targets[0]
    assert target.figures == ("pf:tcy-mla-duration-2014",)
    assert (target.year, target.solidity) == (2014, "B") and "T-CY(2013)17rev" in target.source
    assert target.source.endswith("https://ngm.com.au/cybercrime-mutual-legal-assistance/")
    assert (target.low, target.high) == pytest.approx((6 * 30.4375, 24 * 30.4375))
    bound = {**cited, "metric": "backlog.arrivals_per_year", "unit": "requests a year", "sd": 300,
             "figures": ["pf:oia-new-requests-2014"]}  # fmt: skip
    target = parse_targets({"target": [bound]}, "t.toml").targets[0]
    assert (target.value, target.low, target.high) == (None, 3000, None)  # "more than 3,000"
    several = {**GOOD, "metric": "state.partner.granted_share", "unit": "fraction", "low": 0.58, "high": 0.71,
               "figures": ["pf:google-2018h1-india", "pf:tcy-mla-duration-2014"]}  # fmt: skip
    for key in ("source", "year", "solidity", "measures"):
        del several[key]
    target = parse_targets({"target": [several]}, "t.toml").targets[0]
    assert (target.year, target.solidity, target.low) == (2018, "B", 0.58)  # latest year, weakest grade
    assert "google-user-data-requests.csv" in target.source and "ngm.com.au" in target.source


def test_ids_are_unique_and_a_file_needs_a_target():
    with pytest.raises(ScenarioError) as caught:
        parse_targets({"target": [GOOD, GOOD]}, "t.toml")
    assert [str(p) for p in caught.value.problems] == ["t.toml: target[1].id: 'duration' is given twice"]
    with pytest.raises(ScenarioError) as caught:
        parse_targets({"targets": {"name": "x"}}, "t.toml")
    assert [str(p) for p in caught.value.problems] == ["t.toml: target: is required"]


def test_a_file_that_is_not_toml_is_one_line(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text("[[target]\n")
    with pytest.raises(ScenarioError) as caught:
        read_targets(path)
    assert len(caught.value.problems) == 1 and "is not valid TOML" in str(caught.value.problems[0])


def test_a_metric_of_a_state_the_scenario_does_not_have_is_one_line():
    nowhere = {**GOOD, "metric": "state.nowhere.granted_share", "low": 0.1, "high": 0.2, "unit": "fraction"}
    targets = parse_targets({"target": [nowhere]}, "t.toml")
    baseline = load_scenario(SCENARIOS / "un-convention-baseline.toml")
    assert [str(p) for p in target_problems(targets, baseline)] == [
        "t.toml: target[0].metric: 'state.nowhere.granted_share': the scenario 'UN convention baseline' "
        "produces no such metric (its requester names: authoritarian, hybrid, partner)"
    ]
    yearly = parse_targets({"target": [{**GOOD, "metric": "year.2.abuse_pass_through", "low": 0.1,
                                        "high": 0.2, "unit": "fraction"}]}, "t.toml")  # fmt: skip
    assert len(target_problems(yearly, baseline)) == 1  # one year of arrivals: no year 2


def test_ranges_from_the_file_and_the_command_line():
    targets = parse_targets(
        {"target": [GOOD], "parameter": [{"key": "stages.legal_review.staff", "low": 2, "high": 9}]}, "t"
    )
    assert targets.ranges[0].integer and targets.ranges[0].high == 9
    assert parse_ranges(["stages.legal_review.service.mean=0.5,3"])[0].low == 0.5
    with pytest.raises(ScenarioError) as caught:
        parse_ranges(["a.b=3,1"])
    assert (
        str(caught.value.problems[0]) == "--range: a.b=3,1: must be KEY=LOW,HIGH with numbers, LOW below HIGH"
    )


def test_the_shipped_targets_read_and_fit_the_calibrated_us_scenario():
    assert "us-record" in shipped()
    targets = read_targets(shipped()["us-record"])
    assert targets.fitting and targets.held_out
    assert all(t.source and t.measures and t.solidity for t in targets.targets)
    assert all(t.figures for t in targets.targets)  # each rests on figures shipped with their sources
    assert "shared" not in shipped()["us-record"].read_text()  # the product cites public sources only
    scenario = load_scenario(ROOT / "scenarios" / "us-calibrated.toml")
    assert target_problems(targets, scenario) == []
