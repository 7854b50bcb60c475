"""Conditions on metrics: parsed, never evaluated as code; typos reported with a suggestion."""

from __future__ import annotations

import math

import pytest

from simulator.experiments.conditions import parse_condition
from simulator.files.overrides import OverrideError


def test_comparisons_joined_by_and():
    condition = parse_condition("abuse_pass_through < 0.2 and legitimate_refusal_rate<=5e-2")
    assert condition.metrics == ("abuse_pass_through", "legitimate_refusal_rate")
    assert str(condition) == "abuse_pass_through < 0.2 and legitimate_refusal_rate <= 0.05"
    assert condition.holds({"abuse_pass_through": 0.1, "legitimate_refusal_rate": 0.05})
    assert not condition.holds({"abuse_pass_through": 0.2, "legitimate_refusal_rate": 0.0})
    assert not condition.holds({"abuse_pass_through": math.nan, "legitimate_refusal_rate": 0.0})
    assert parse_condition("state.authoritarian.abuse_pass_through >= .5").clauses[0].value == 0.5


@pytest.mark.parametrize("text", ["a = 1", "a < 1 or b > 2", "__import__('os') < 1", "a < b", ""])
def test_anything_else_is_refused_in_one_line(text):
    with pytest.raises(OverrideError, match="write METRIC < NUMBER"):
        parse_condition(text)


def test_unknown_metrics_are_named_with_a_suggestion():
    with pytest.raises(
        OverrideError, match=r"--where: no metric 'abuse_pass_thru' \(did you mean 'abuse_pass_through'\?\)"
    ):
        parse_condition("abuse_pass_thru < 1").check(["abuse_pass_through", "backlog_at_end"], "--where")
