"""``mlasim calibrate`` as a user meets it: the fit table, its verdicts, the calibration, bad input."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from simulator.cli import app
from tests.conftest import ROOT
from tests.experiments.test_calibration import SMALL, planted_targets

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def targets(tmp_path_factory):
    return planted_targets(tmp_path_factory.mktemp("targets") / "targets.toml")


def verdicts(output: str) -> dict[str, str]:
    """Each target's implausibility cell, from the fit table (``1.2`` or ``4.1 ✗``)."""
    rows = re.findall(r"^  (\w+) \([^)]*\)\s+.*?\s(\d+\.\d( ✗)?|inf ✗)\s+(fit|held out)$", output, re.M)
    return {name: cell for name, cell, _, _ in rows}


def test_a_scenario_built_to_match_passes_and_one_built_to_miss_fails_on_exactly_those(targets, tmp_path):
    passed = invoke("calibrate", "--check", SMALL, targets, "-q")
    assert passed.exit_code == 0, passed.output
    assert "3 of 3 targets consistent with the scenario (fitted 3 of 3)" in passed.output
    found = verdicts(passed.output)
    assert set(found) == {"volume", "median", "p90"} and not any("✗" in v for v in found.values())
    assert max(len(line) for line in passed.output.splitlines()) <= 100
    slower = tmp_path / "slower.toml"  # reviews take three times as long: the durations miss, not the volume
    slower.write_text(SMALL.read_text().replace("mean = 3.0 }", "mean = 9.0 }"))
    missed = invoke("calibrate", "--check", slower, targets, "-q")
    assert missed.exit_code == 1, missed.output
    assert "1 of 3 targets consistent with the scenario (fitted 1 of 3); not consistent: median, p90" in (
        " ".join(missed.output.split())
    )
    found = verdicts(missed.output)
    assert [name for name, cell in found.items() if "✗" in cell] == ["median", "p90"]
    # the slower office falls behind: the fit table says its durations rest on the requests decided
    assert "(!) warning" not in passed.output
    assert "requests are still pending when the run stops" in " ".join(missed.output.split())


def test_the_html_report_has_the_public_record_section_and_its_figure(targets, tmp_path):
    page = tmp_path / "page.html"
    result = invoke("calibrate", "--check", SMALL, targets, "-q", "-n", "3", "--report", page)
    assert result.exit_code == 0, result.output
    html = page.read_text()
    assert "How this scenario compares with the public record" in html
    assert 'id="figure-record" data-marks="3"' in html  # one simulated interval per target


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('metric = "legitimate_days_median"', 'metric = "legitimate_days_medain"'),
         "target[1].metric: unknown metric 'legitimate_days_medain' (did you mean 'legitimate_days_median'?)"),
        (('metric = "backlog.arrivals_per_year"', 'metric = "state.nowhere.submitted"'),
         "target[0].metric: 'state.nowhere.submitted': the scenario 'small office' produces no such "
         "metric (its requester names: partner)"),
        (('source = "the scenario itself"', 'sauce = "the scenario itself"'),
         "target[0].sauce: unknown key (did you mean 'source'?); source is required"),
        (("value = ", "high = 1\nlow = "), "target[0].high: the range is the wrong way round"),
    ],
)  # fmt: skip
def test_a_bad_target_file_is_one_line_and_exit_2(targets, tmp_path, change, expected):
    bad = tmp_path / "bad.toml"
    bad.write_text(targets.read_text().replace(*change, 1).replace("sd = ", "discrepancy = ", 1))
    for command in (["--check"], ["--range", "stages.legal_review.staff=1,4", "--out", tmp_path / "c"]):
        result = invoke("calibrate", *command, SMALL, bad, "-q")
        assert result.exit_code == 2, result.output
        [line] = result.output.strip().splitlines()
        assert line.startswith(f"mlasim: {bad}: ") and expected in line, line
    assert not (tmp_path / "c").exists()


def test_calibrate_needs_ranges_and_a_budget_that_pays_for_a_wave(targets, tmp_path):
    result = invoke("calibrate", SMALL, targets, "--out", tmp_path / "c", "-q")
    assert result.exit_code == 2 and "no parameter to fit: declare ranges in the scenario" in result.output
    result = invoke("calibrate", SMALL, targets, "--range", "stages.legal_review.staff=1,4", "--budget", "9",
                    "--out", tmp_path / "c", "-q")  # fmt: skip
    assert result.exit_code == 2 and "raise --budget to at least" in result.output
    result = invoke("calibrate", "--resume", tmp_path, "-q")
    assert result.exit_code == 2 and "not a calibration directory" in result.output


def test_calibrate_writes_the_calibrated_file_and_prints_the_region(targets, tmp_path):
    out = tmp_path / "run"
    result = invoke("calibrate", SMALL, targets, "--range", "requesting_state.partner.requests_per_year=50,500",
                    "--budget", "50", "--points", "8", "-n", "3", "--waves", "2", "--out", out, "-q")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert re.search(r"Calibration of small office: 2 waves, 45 replications in the waves; \d+\.\d+% of the "
                     r"parameter space is non-implausible \(\d+\.\d% ruled out\)", result.output)  # fmt: skip
    assert "requesting_state.partner.requests_per_year" in result.output
    assert (out / "calibrated.toml").is_file() and (out / "fit.csv").is_file()
    again = invoke(
        "calibrate", SMALL, targets, "--range", "stages.legal_review.staff=1,4", "--out", out, "-q"
    )
    assert again.exit_code == 2 and "already holds a calibration" in again.output
    resumed = invoke("calibrate", "--resume", out, "-q")  # finished: prints the result again, runs nothing
    assert resumed.exit_code == 0 and "Calibration of small office: 2 waves" in resumed.output


def test_the_shipped_us_targets_can_be_named():
    result = invoke("calibrate", "--check", ROOT / "scenarios" / "us-calibrated.toml", "nowhere-record")
    assert result.exit_code == 2 and "nowhere-record" in result.output
    # a shipped name is read from the package (the small office has no authoritarian State to fit)
    result = invoke("calibrate", "--check", ROOT / "tests" / "data" / "calibration.toml", "us-record")
    assert result.exit_code == 2 and "domain/data/targets/us-record.toml: target[5].metric" in result.output


def test_validate_checks_a_target_file_every_problem_at_once():
    result = invoke(
        "validate",
        ROOT / "tests" / "data" / "bad-targets.toml",
        ROOT / "tests" / "data" / "calibration-targets.toml",
    )
    assert result.exit_code == 2
    assert [line.split(": ", 2)[1] for line in result.output.splitlines()[:3]] == [
        "target[0].metric", "target[1].source", "target[1].high",
    ]  # fmt: skip
    assert result.output.splitlines()[-1].endswith("calibration-targets.toml: ok")
