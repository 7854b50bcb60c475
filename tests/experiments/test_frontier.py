"""The safeguard frontier: non-dominated configurations, and budget queries."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.experiments.conditions import parse_condition
from simulator.experiments.designs import Design
from simulator.experiments.frontier import OBJECTIVES, configurations, dominates, frontier, non_dominated
from simulator.experiments.sweeps import sweep
from simulator.files.overrides import OverrideError
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "data" / "small-sweep.toml"

points = st.lists(
    st.tuples(*[st.integers(0, 4).map(float)] * 3), min_size=1, max_size=25
)  # few distinct values: many ties and duplicates


@given(points)
def test_every_frontier_point_is_non_dominated_and_every_other_point_is_dominated(values):
    front = non_dominated(values)
    assert front  # a finite set always has a non-dominated point
    for i in front:
        assert not any(dominates(q, values[i]) for q in values)
    for i in set(range(len(values))) - set(front):
        assert any(dominates(values[j], values[i]) for j in front)


def test_domination_needs_no_worse_everywhere_and_better_somewhere():
    assert dominates((1, 1), (1, 2)) and not dominates((1, 2), (1, 2)) and not dominates((0, 3), (1, 2))


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    directory = tmp_path_factory.mktemp("frontier") / "run"
    design = Design(
        grid={
            "safeguards.dual_criminality.mode": ["discretionary", "required"],
            "safeguards.dual_criminality.refusal_rate": [0.1, 0.5, 0.9],
            "requesting_state.B.offences": [{"computer_fraud": 1}, {"computer_fraud": 1, "petty_theft": 1}],
        }
    )
    sweep(SMALL, directory, design, replications=2)
    return directory


def test_the_frontier_of_a_sweep_is_non_dominated_with_intervals(swept):
    found = frontier(swept)
    every = configurations(swept, OBJECTIVES)
    assert found.configurations == len(every) == 12 and found.replications == 2
    for point in found.front:
        assert not any(dominates(c.means(OBJECTIVES), point.means(OBJECTIVES)) for c in every)
        est = point.estimates["abuse_pass_through"]
        assert est.ci_low <= est.mean <= est.ci_high and est.n == 2
    on_front = {c.index for c in found.front}
    for c in every:
        if c.index not in on_front:
            assert any(dominates(p.means(OBJECTIVES), c.means(OBJECTIVES)) for p in found.front)
    assert [c.means(OBJECTIVES) for c in found.front] == sorted(c.means(OBJECTIVES) for c in found.front)


def test_a_budget_query_picks_the_least_abuse_within_the_budget(swept):
    budget = parse_condition("legitimate_refusal_rate <= 0.001")
    found = frontier(swept, budget=budget)
    every = configurations(swept, OBJECTIVES)
    feasible = [c for c in every if c.estimates["legitimate_refusal_rate"].mean <= 0.001]
    assert (
        0 < found.budget.feasible == len(feasible) < len(every)
    )  # petty theft is refused under the scope test
    best = min(c.estimates["abuse_pass_through"].mean for c in feasible)
    assert found.budget.best.estimates["abuse_pass_through"].mean == best
    assert found.to_dict()["budget"]["best"]["index"] == found.budget.best.index
    impossible = frontier(swept, budget=parse_condition("abuse_pass_through < 0"))
    assert impossible.budget.best is None and impossible.budget.feasible == 0


def test_other_objectives_and_unknown_names(swept):
    found = frontier(swept, objectives=["abuse_pass_through", "legitimate_refusal_rate"])
    assert found.objectives == ("abuse_pass_through", "legitimate_refusal_rate")
    with pytest.raises(OverrideError, match=r"no metric 'legitimate_refusals' \(did you mean"):
        frontier(swept, objectives=["abuse_pass_through", "legitimate_refusals"])
    assert all(not math.isnan(v) for c in found.front for v in c.means(found.objectives))
