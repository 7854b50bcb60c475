"""A calibration run to its end: a planted parameter is recovered, and an interrupted one resumes.

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
from simulator.files.document import read_file
from tests.experiments.test_calibration import PLAN, RANGES, SMALL, TRUTH, planted_targets


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
    staff = document["stages"]["legal_review"]["staff"]
    assert staff["value"] == result.best["stages.legal_review.staff"] and staff["source"] == "calibration"
    low, high = result.bounds["stages.legal_review.staff"]
    # the range written is the region's span, widened only where it must hold the value
    assert staff["low"] <= staff["value"] <= staff["high"]
    assert staff["low"] in (low, staff["value"]) and staff["high"] in (high, staff["value"])
    assert "fitted to targets volume, median, p90" in document["sources"]["calibration"]["title"]
    # each fitted value is written with 4 significant digits, and it is that point the final check ran
    volume = result.best["requesting_state.partner.requests_per_year"]
    assert volume == waves.rounded(volume) and len(repr(volume).strip("0").replace(".", "")) <= 4
    final = json.loads((result.directory / calibration.FINAL / "manifest.json").read_text())
    assert final["configurations"][0]["parameters"] == result.best
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


def test_a_calibration_on_a_dask_cluster_gives_what_one_process_gives(tmp_path):
    pytest.importorskip("dask.distributed")
    targets = planted_targets(tmp_path / "targets.toml")
    plan = calibration.Plan(budget=2 * 6 * 2 + 2, replications=2, points=6, waves=2, final_replications=2)
    found = {}
    for name, execution in (
        ("serial", Execution(workers=1)),
        ("dask", Execution(workers=2, scheduler="local")),
    ):
        calibration.start(SMALL, targets, tmp_path / name, RANGES[:1], plan)
        waves.execute(tmp_path / name, execution)
        manifest = json.loads((tmp_path / name / calibration.MANIFEST).read_text())
        found[name] = [manifest[key] for key in ("waves", "best", "share", "bounds")]
    assert found["dask"] == found["serial"]
