"""Starting a calibration: everything checked and bounded before anything runs.

Also the small scenario with known values and the targets made from it, which the tests of the waves
(tests/experiments/test_waves.py) and of the command use.
"""

from __future__ import annotations

import pytest

from simulator.experiments import calibration
from simulator.experiments.run import run
from simulator.files.document import read_file
from simulator.files.reader import ScenarioError
from simulator.files.targets import Range
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "data" / "calibration.toml"
TRUTH = {
    "requesting_state.partner.requests_per_year": 200.0,
    "stages.legal_review.staff": 2,
    "stages.legal_review.service.mean": 3.0,
}
RANGES = [
    Range("requesting_state.partner.requests_per_year", 50.0, 500.0),
    Range("stages.legal_review.staff", 1, 6),
    Range("stages.legal_review.service.mean", 1.0, 8.0),
]
PLAN = calibration.Plan(budget=20 * 3 * 3 + 3, replications=3, points=20, waves=3, final_replications=3)
METRICS = {"volume": ("backlog.arrivals_per_year", "requests a year"),
           "median": ("legitimate_days_median", "days"), "p90": ("legitimate_days_p90", "days")}  # fmt: skip


def planted_targets(path):
    """Targets made from the scenario at its true values (another seed), each within 5%."""
    result = run(read_file(SMALL).base(), replications=20, seed=99)
    lines = []
    for name, (metric, unit) in METRICS.items():
        mean = result[metric].mean
        lines += ["[[target]]", f'id = "{name}"', f'metric = "{metric}"', 'quantity = "planted"',
                  f"value = {mean!r}", f"sd = {0.05 * mean!r}", f'unit = "{unit}"', "year = 2024",
                  'source = "the scenario itself"', 'solidity = "A"', 'measures = "the truth"',
                  ""]  # fmt: skip
    path.write_text("\n".join(lines))
    return path


def test_a_calibration_is_bounded_and_checked_before_anything_runs(tmp_path):
    targets = planted_targets(tmp_path / "targets.toml")
    with pytest.raises(ScenarioError) as caught:
        calibration.start(SMALL, targets, tmp_path / "a", RANGES, calibration.Plan(budget=50))
    assert str(caught.value.problems[0]).endswith(
        "--budget: 50 replications cannot pay for one wave (30 points x 4 replications) and the final "
        "check (5): raise --budget to at least 125"
    )
    with pytest.raises(ScenarioError) as caught:
        calibration.start(SMALL, targets, tmp_path / "b", [Range("stages.nowhere.staff", 1, 3)], PLAN)
    assert "stages.nowhere" in str(caught.value.problems[0])
    with pytest.raises(ScenarioError) as caught:
        calibration.start(SMALL, targets, tmp_path / "c", [], PLAN)
    assert "no parameter to fit" in str(caught.value.problems[0])
    with pytest.raises(ScenarioError) as caught:
        calibration.start(SMALL, targets, tmp_path / "d", RANGES, calibration.Plan(budget=10**6))
    assert "above the limit of 100,000: pass --allow-large" in str(caught.value.problems[0])
    assert not any((tmp_path / name).exists() for name in "abcd")  # a start that fails leaves nothing


def test_the_ranges_a_scenario_declares_are_fitted_unless_the_targets_or_the_command_line_say_otherwise(
    tmp_path,
):
    declared = tmp_path / "declared.toml"
    declared.write_text(
        SMALL.read_text().replace(
            "requests_per_year = 200",
            'requests_per_year = { value = 200, low = 50, high = 500, source = "assumption" }',
        )
    )
    targets = planted_targets(tmp_path / "targets.toml")
    manifest = calibration.start(declared, targets, tmp_path / "a", [], PLAN)
    assert manifest["ranges"] == [
        {"key": "requesting_state.partner.requests_per_year", "low": 50.0, "high": 500.0,
         "source": "declared in the scenario (assumption)"},
    ]  # fmt: skip
    given = [Range("requesting_state.partner.requests_per_year", 100.0, 300.0, "given")]
    manifest = calibration.start(declared, targets, tmp_path / "b", given + RANGES[1:], PLAN)
    first = manifest["ranges"][0]
    assert (first["low"], first["source"]) == (100.0, "given")
    with pytest.raises(ScenarioError) as caught:
        calibration.start(declared, targets, tmp_path / "c", [], PLAN, declared=False)
    assert "no parameter to fit: declare ranges in the scenario" in str(caught.value.problems[0])
