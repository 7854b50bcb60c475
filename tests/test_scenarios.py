"""The shipped scenario files: valid, runnable, and ordered as their safeguards say they should be."""

from __future__ import annotations

import pytest

from simulator.experiments.run import run
from simulator.files.loader import load_scenario
from tests.conftest import SCENARIOS

FILES = sorted(SCENARIOS.glob("*.toml"))
REPLICATIONS = 6


@pytest.fixture(scope="module")
def results():
    return {path.stem: run(load_scenario(path), replications=REPLICATIONS) for path in FILES}


def test_the_issue_names_five_scenarios():
    assert {p.stem for p in FILES} >= {
        "un-convention-baseline",
        "us-doj-scrutiny",
        "budapest-style",
        "no-safeguards",
        "strict-rights-review",
    }


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_file_says_what_it_represents_and_what_it_rests_on(path):
    header = path.read_text().split("[scenario]")[0]
    assert header.startswith("# ")
    assert "What it represents" in header
    assert "ASSUMPTION" in header or "rest on" in header  # calibrated on a source, or said to be assumed


def test_shipped_scenarios_differ_only_in_safeguards_and_staffing():
    """Their requesting States are identical, so comparing two files compares safeguards."""
    scenarios = [load_scenario(p) for p in FILES]
    first = scenarios[0]
    for other in scenarios[1:]:
        assert other.requesting_states == first.requesting_states
        assert (other.horizon_days, other.follow_up_days, other.seed) == (
            first.horizon_days,
            first.follow_up_days,
            first.seed,
        )


def test_every_metric_has_an_interval(results):
    for result in results.values():
        for name in ("abuse_pass_through", "legitimate_days_median", "legitimate_refusal_rate"):
            est = result[name]
            assert est.n == REPLICATIONS
            assert est.ci_low <= est.mean <= est.ci_high


def test_no_safeguards_lets_all_decided_abuse_through(results):
    est = results["no-safeguards"]["abuse_pass_through"]
    assert est.mean > 0.99


def test_strict_review_stops_far_more_abuse_than_the_convention_as_written(results):
    strict = results["strict-rights-review"]["abuse_pass_through"]
    baseline = results["un-convention-baseline"]["abuse_pass_through"]
    none = results["no-safeguards"]["abuse_pass_through"]
    assert strict.ci_high < baseline.ci_low < baseline.ci_high < none.ci_low
    assert strict.mean < 0.5 * baseline.mean


def test_stricter_safeguards_cost_legitimate_requests(results):
    strict = results["strict-rights-review"]["legitimate_refusal_rate"]
    baseline = results["un-convention-baseline"]["legitimate_refusal_rate"]
    assert strict.ci_low > baseline.ci_high


def test_every_refusal_in_every_scenario_cites_an_enabled_provision(results):
    from simulator.domain.rules import enabled_provisions

    for path in FILES:
        scenario = load_scenario(path)
        enabled = enabled_provisions(scenario.requested_state.safeguards)
        refusals = results[path.stem].section("refusals.")
        cited = {name.split(".")[1] for name, est in refusals.items() if est.mean > 0}
        assert cited <= enabled
