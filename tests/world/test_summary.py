"""Every metric a replication reports is declared exactly once, with a meaning and its bounds."""

from __future__ import annotations

import math

import pytest

from simulator.experiments.run import replicate, result_of
from simulator.files.document import load_configuration, load_scenario
from simulator.world.metrics import Kind, catalogue
from tests.conftest import SCENARIOS

SHIPPED = sorted(SCENARIOS.glob("*.toml"))
SHORT = {"scenario.horizon_days": 200, "scenario.follow_up_days": 60}  # floods end by day 150


@pytest.fixture(scope="module")
def emitted() -> dict[str, set[str]]:
    """Every metric name one short replication of each shipped scenario reports, by file."""
    found = {}
    for path in SHIPPED:
        scenario = load_configuration(path, None, SHORT)
        found[path.stem] = set(replicate(scenario, scenario.seed, 0))
    return found


def test_the_shipped_scenarios_report_the_routes_too(emitted):
    every = set().union(*emitted.values())
    for family in ("requested.", "channel.", "monitoring.", "stage.", "backlog.", "state.", "system."):
        assert any(name.startswith(family) for name in every), family


def test_every_metric_emitted_resolves_to_exactly_one_declaration_with_a_meaning(emitted):
    for stem, names in emitted.items():
        for name in sorted(names):
            matches = catalogue().matches(name)
            assert len(matches) == 1, f"{stem}: {name} matches {[m.name for m in matches]}"
            assert catalogue().meaning(name), f"{stem}: {name} has no meaning"


def test_every_share_emitted_is_clipped_to_0_1(emitted):
    shares = {n for names in emitted.values() for n in names if catalogue().kind(n) is Kind.SHARE}
    assert "abusive_cases_reached" in shares and "requested.us.abuse_pass_through" in shares
    assert all(catalogue().bounds(name) == (0.0, 1.0) for name in shares)


def test_the_interval_of_abusive_cases_reached_lies_within_0_1():
    scenario = load_scenario(SCENARIOS / "forum-shopping.toml")
    rows = [{"abusive_cases_reached": v, "abuse_pass_through": v} for v in (1.0, 0.92, 1.0, 0.97)]
    result = result_of(scenario, scenario.seed, rows)
    for name in ("abusive_cases_reached", "abuse_pass_through"):
        est = result[name]
        assert 0.0 <= est.ci_low <= est.mean <= est.ci_high == 1.0, name
    assert not math.isnan(result["abusive_cases_reached"].ci_high)
