"""A robust comparison in words and tables: the verdict says how often and by how much, never more."""

from __future__ import annotations

import json

from simulator.experiments.robust import Robust
from simulator.reporting.robust import as_json, as_table, change, verdict

ABUSE = "abuse_pass_through"
DAYS = "legitimate_days_median"


def robust(baseline: list[float], alternative: list[float], metric: str = ABUSE) -> Robust:
    """Two configurations over ``len(baseline)`` draws of two replications each (the same value twice)."""
    base = {metric: tuple((v, v) for v in baseline)}
    other = {metric: tuple((v, v) for v in alternative)}
    return Robust(("A", "B"), ("x",), 2, 1, (base, other))


def test_an_alternative_better_in_most_draws_gets_its_worst_case_named():
    found = robust([0.20, 0.30, 0.25, 0.10], [0.10, 0.20, 0.20, 0.108])
    paired = found.paired(1, ABUSE)
    assert (paired.better, paired.worse) == (3, 1)
    assert verdict("B", paired, ABUSE) == (
        "B lowers abuse pass-through in 3 of 4 draws; it never raises it by more than 0.8 points."
    )


def test_an_alternative_better_in_every_draw_says_so():
    paired = robust([0.2, 0.3], [0.1, 0.2]).paired(1, ABUSE)
    assert verdict("B", paired, ABUSE) == "B lowers abuse pass-through in 2 of 2 draws: in every draw."


def test_an_alternative_mostly_worse_is_not_called_better():
    paired = robust([0.1, 0.1, 0.1], [0.2, 0.15, 0.05]).paired(1, ABUSE)
    assert verdict("B", paired, ABUSE) == (
        "B raises abuse pass-through in 2 of 3 draws, by up to 10.0 points (median 5.0 points)."
    )


def test_where_higher_is_worse_for_days_too_and_no_change_is_unchanged():
    paired = robust([100.0, 120.0], [90.0, 125.0], DAYS).paired(1, DAYS)
    assert verdict("B", paired, DAYS).endswith("by more than 5.0 days.")
    assert change(-0.041, ABUSE) == "-4.1 pts" and change(3.2, DAYS) == "+3.2 days"
    same = robust([0.2, 0.3], [0.2, 0.3]).paired(1, ABUSE)
    assert verdict("B", same, ABUSE) == "B leaves abuse pass-through unchanged in all 2 draws."


def test_the_table_carries_the_verdict_and_the_json_the_counts():
    found = robust([0.20, 0.30, 0.25, 0.10], [0.10, 0.20, 0.20, 0.108])
    table = as_table(found)
    assert "in 3 of 4 draws" in table and all(len(line) <= 100 for line in table.splitlines())
    against = json.loads(as_json(found))["configurations"][1]["against_baseline"][ABUSE]
    assert (against["better"], against["worse"], against["share_better"]) == (3, 1, 0.75)
