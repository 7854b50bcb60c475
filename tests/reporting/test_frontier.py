"""Presenting the frontier: each point with its intervals, and the budget answer with its confidence."""

from __future__ import annotations

import json

from simulator.experiments.conditions import parse_condition
from simulator.experiments.frontier import Budget, Configuration, Frontier
from simulator.experiments.stats import Estimate
from simulator.reporting.frontier import as_json, as_table, kind


def config(index: int, abuse: float, refused: float, days: float) -> Configuration:
    def est(v: float) -> Estimate:
        return Estimate(v, v * 0.9, v * 1.1, 5)

    estimates = {
        "abuse_pass_through": est(abuse),
        "legitimate_refusal_rate": est(refused),
        "legitimate_days_median": est(days),
    }
    return Configuration(index, f"c{index}", {"k": index}, estimates)


def test_table_and_json():
    front = (config(0, 0.1, 0.05, 120.0), config(3, 0.4, 0.01, 110.0))
    objectives = ("abuse_pass_through", "legitimate_refusal_rate", "legitimate_days_median")
    condition = parse_condition("legitimate_refusal_rate <= 0.02")
    budget = Budget(condition, "abuse_pass_through", front[1], 1, False)
    f = Frontier("runs/x", objectives, 5, 4, 1, front, budget)
    text = as_table(f)
    assert "2 of 4 configurations, each over 5 replications" in text
    assert "left out: 1 configuration(s) where an objective is undefined" in text
    assert "10.0% [9.0%, 11.0%]" in text and "120.0 [108.0, 132.0]" in text
    assert "not at the unfavourable end of every interval" in text
    doc = json.loads(as_json(f))
    assert doc["budget"]["best"]["label"] == "c3" and len(doc["frontier"]) == 2
    assert (
        kind("abuse_pass_through"),
        kind("state.a.abuse_pass_through"),
        kind("stage.x.mean_wait_days"),
    ) == (
        "share",
        "share",
        "days",
    )
