"""Validation: every check of every command, every problem in one pass."""

from __future__ import annotations

import tomli_w

from simulator.checking.validation import file_problems
from tests.conftest import BASELINE, ROOT, deep_update, document


def test_good_files_have_no_problems():
    assert file_problems(BASELINE) == []
    assert file_problems(ROOT / "tests" / "data" / "small-sweep.toml") == []


def test_problems_of_scenario_variants_and_sweep_come_together(tmp_path):
    doc = deep_update(document(), "scenario.horizon_days", -1.0)
    doc["variant"] = [{"name": "v", "set": {"safeguards.dual_criminality.mode": "sometimes"}}]
    doc["sweep"] = {"grid": {"scenario.replications": [2, 8]}, "lhs": 3}
    path = tmp_path / "s.toml"
    path.write_text(tomli_w.dumps(doc))
    paths = [p.path for p in file_problems(path)]
    assert "scenario.horizon_days" in paths  # the scenario
    assert "variant 'v'" in " ".join(str(p) for p in file_problems(path))  # a variant
    assert "sweep.grid" in paths  # the sweep, in the same pass


def test_configurations_of_the_sweep_are_checked_as_sweep_would(tmp_path):
    doc = document()
    doc["sweep"] = {"grid": {"stages.execution.staff": [1, -2]}}
    path = tmp_path / "s.toml"
    path.write_text(tomli_w.dumps(doc))
    [problem] = file_problems(path)
    assert "stages.execution.staff=-2" in problem.file and problem.path == "stages.execution.staff"


def test_an_unreadable_file_is_one_problem(tmp_path):
    (tmp_path / "bad.toml").write_bytes(b"\xff\xfd")
    [problem] = file_problems(tmp_path / "bad.toml")
    assert problem.message == "is not UTF-8 text (byte 0 cannot be decoded)"


def test_a_property_of_too_many_replications_is_refused(tmp_path):
    """A property's replications are a plan like any other: bounded before any is built."""
    text = BASELINE.read_text(encoding="utf-8") + (
        '\n[[property]]\nname = "many"\nscope = "replications"\ngiven = {}\n'
        'expect = { outcome_in = ["granted"], probability_at_most = 0.5, replications = 1000000000 }\n'
    )
    path = tmp_path / "many.toml"
    path.write_text(text, encoding="utf-8")
    problems = [str(p) for p in file_problems(path)]
    assert any("replications: must be at most 10000" in p for p in problems), problems
