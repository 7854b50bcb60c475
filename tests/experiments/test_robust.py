"""Robust comparison: configurations on the same draws, how often one is better, regret, satisficing."""

from __future__ import annotations

import pytest

from simulator.experiments.conditions import parse_condition
from simulator.experiments.execution import Execution
from simulator.experiments.robust import robust_compare, sign
from simulator.experiments.uncertainty import configuration_overrides
from simulator.files.document import read_file
from simulator.files.reader import ScenarioError
from simulator.reporting.robust import as_table, verdict
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "data" / "small-uncertain.toml"
ONE = Execution(workers=1)


@pytest.fixture(scope="module")
def robust(tmp_path_factory):
    """The small scenario against its stricter variant (dual criminality required) on 8 draws."""
    file = read_file(SMALL)
    arms = [("base", SMALL, {}), ("required", SMALL, configuration_overrides(file, "required", {}))]
    condition = parse_condition("abuse_pass_through <= 0.3", "--satisfy")
    where = tmp_path_factory.mktemp("robust") / "study"
    return robust_compare(arms, 8, 2, None, condition, where, ONE)


def test_a_strictly_stronger_configuration_is_better_in_every_draw(robust):
    paired = robust.paired(1, "abuse_pass_through")
    assert (paired.better, paired.worse, paired.draws) == (8, 0, 8)
    assert paired.worst < 0 and paired.median < 0  # it lowers abuse pass-through, even at worst
    assert paired.share_interval[1] == 1.0 and paired.share_interval[0] > 0.6
    assert "B lowers abuse pass-through in 8 of 8 draws" in verdict("B", paired, "abuse_pass_through")


def test_regret_is_zero_for_the_best_configuration_of_every_draw(robust):
    assert max(robust.regret(1, "abuse_pass_through")) == 0.0
    assert min(robust.regret(0, "abuse_pass_through")) > 0.0
    assert robust.satisficing(1) == (8, 8) and robust.satisficing(0)[0] < 8


def test_both_configurations_ran_on_the_same_draws(robust):
    # the variant sets no uncertain parameter: both draw the same keys, with the same values
    assert robust.keys == ("requesting_state.A.abusive_share", "stages.legal_review.service.mean")
    unchanged = robust.paired(1, "legitimate_days_median")
    assert unchanged.better == unchanged.worse == 0  # no legitimate request is touched by the change


def test_the_table_and_the_json_say_the_same(robust):
    text = as_table(robust)
    assert all(len(line) <= 100 for line in text.splitlines())
    assert "B lowers abuse pass-through in 8 of 8 draws" in text and "Satisficing" in text
    document = robust.to_dict()
    entry = document["configurations"][1]["against_baseline"]["abuse_pass_through"]
    assert entry["better"] == 8 and document["draws"] == 8


def test_directions_come_from_the_metric_declarations():
    assert sign("abuse_pass_through") == 1.0 and sign("legitimate_refusal_rate") == 1.0
    assert sign("abusive_submitted") == 0.0


def test_nothing_to_draw_over_is_one_line(tmp_path):
    bare = tmp_path / "bare.toml"
    text = SMALL.read_text()
    text = text.replace('{ value = 0.6, low = 0.4, high = 0.9, source = "desk-study" }', "0.6")
    bare.write_text(text.replace('{ value = 0.2, low = 0.05, high = 0.4, source = "assumption" }', "0.2"))
    with pytest.raises(ScenarioError, match="no configuration has a parameter with a declared range"):
        robust_compare([("a", bare, {}), ("b", bare, {"safeguards.dual_criminality.mode": "required"})],
                       4, 1, None, None, tmp_path / "s", ONE)  # fmt: skip
