"""mlasim calibrate from the outside: a planted parameter is recovered, and a calibration resumes.

The scenario (tests/data/calibration.toml) has known values; targets are made from a run of it with
another seed, the values are hidden behind wide ranges, and history matching must leave a region that
holds the truth and rules out most of the prior space.
"""

from __future__ import annotations

import json
import tomllib

import pytest

from simulator.experiments import calibration, waves
from simulator.experiments.execution import Execution
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


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    where = tmp_path_factory.mktemp("calibration")
    targets = planted_targets(where / "targets.toml")
    calibration.start(SMALL, targets, where / "run", RANGES, PLAN)
    lines: list[str] = []
    return waves.execute(where / "run", Execution(workers=1), lines.append), targets, lines


def test_a_planted_parameter_is_recovered(calibrated):
    result, _, lines = calibrated
    (truth_implausibility,) = waves.judged(result.directory, [TRUTH])
    assert truth_implausibility < 3  # the truth is left non-implausible
    assert result.share < 0.25  # and most of the prior space is ruled out
    low, high = result.bounds["requesting_state.partner.requests_per_year"]
    assert low <= 200 <= high and high - low < 0.5 * 450  # the volume is pinned to well under half its range
    far = {**TRUTH, "requesting_state.partner.requests_per_year": 450.0}
    assert waves.judged(result.directory, [far])[0] > 3
    assert all(f.consistent for f in result.fits)  # the calibrated point's fit table passes
    assert any("wave 2" in line for line in lines) and "final check" in lines[-1]


def test_the_outputs_are_a_calibrated_file_the_region_and_the_fit_table(calibrated):
    result, _, _ = calibrated
    text = (result.directory / calibration.CALIBRATED).read_text()
    document = tomllib.loads(text)
    assert document["stages"]["legal_review"]["staff"] == result.best["stages.legal_review.staff"]
    assert "calibrated to targets volume, median, p90: non-implausible" in text
    assert read_file(result.directory / calibration.CALIBRATED).base().name == "small office (calibrated)"
    header, *rows = (result.directory / calibration.REGION).read_text().splitlines()
    assert header.split(",") == [r.key for r in RANGES] and len(rows) > 10
    fit = (result.directory / calibration.FIT_TABLE).read_text().splitlines()
    assert fit[0].startswith("target,metric,use,observed") and len(fit) == 4
    manifest = json.loads((result.directory / calibration.MANIFEST).read_text())
    spent = sum(len(w["points"]) for w in manifest["waves"]) * PLAN.replications + 3
    assert spent <= PLAN.budget and manifest["finished"]


def test_an_interrupted_calibration_resumes_to_the_same_result(calibrated, tmp_path):
    result, targets, _ = calibrated
    calibration.start(SMALL, targets, tmp_path / "run", RANGES, PLAN)
    told = []

    def stop_in_wave_two(steps, total=None):
        told.append(steps)
        if len(told) == 30:  # wave 1 has 20 tasks (and one call for the tasks found on disk)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        waves.execute(tmp_path / "run", Execution(workers=1, progress=stop_in_wave_two))
    halfway = json.loads((tmp_path / "run" / calibration.MANIFEST).read_text())
    assert [w["status"] for w in halfway["waves"]] == ["done", "designed"]
    resumed = waves.execute(tmp_path / "run", Execution(workers=1))
    again = json.loads((tmp_path / "run" / calibration.MANIFEST).read_text())
    first = json.loads((result.directory / calibration.MANIFEST).read_text())
    for key in ("waves", "best", "share", "bounds"):
        assert again[key] == first[key], key
    assert resumed.best == result.best


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
