"""``mlasim sensitivity``, ``discover`` and ``frontier`` driven from the outside, as a user would."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from simulator.cli import app
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "data" / "small-sweep.toml"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_sensitivity_prints_ranked_indices_and_resumes(tmp_path):
    args = [
        "sensitivity", SMALL, "--param", "safeguards.dual_criminality.refusal_rate=0,1",
        "--param", "stages.legal_review.staff=1,4", "--method", "morris", "--samples", "2",
        "-n", "2", "-w", "1", "-q", "--out", tmp_path / "run",
    ]  # fmt: skip
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert "Sensitivity of abuse_pass_through: Morris (elementary effects), 2 trajectories" in result.output
    assert "6 configurations x 2 replications on common random numbers" in result.output
    resumed = invoke("sensitivity", "--resume", tmp_path / "run", "-w", "1", "-q", "--format", "json")
    doc = json.loads(resumed.output)
    assert doc["ranking"] == ["safeguards.dual_criminality.refusal_rate", "stages.legal_review.staff"]
    assert doc["configurations"] == 6 and doc["replications"] == 2


def test_sensitivity_errors_are_one_line_and_exit_2(tmp_path):
    for args, message in (
        (["--param", "a.b=1"], "--param a.b=1: give KEY=LOW,HIGH"),
        (["--param", "safeguards.dual_criminality.refusal_rate=0,1"], "two or more --param"),
        (
            [
                "--param",
                "safeguards.dual_criminality.refusal_rate=0,1",
                "--param",
                "stages.legal_review.stafff=1,2",
            ],
            "stages.legal_review.stafff: unknown key (did you mean 'staff'?)",
        ),
    ):
        result = invoke("sensitivity", SMALL, *args, "--out", tmp_path / "r", "-q")
        assert result.exit_code == 2, result.output
        [line] = result.output.strip().splitlines()
        assert message in line


def test_discover_prints_boxes_and_json_and_refuses_a_bad_directory(tmp_path):
    grid = [
        "--grid", "safeguards.dual_criminality.mode=discretionary,required",
        "--grid", "safeguards.dual_criminality.refusal_rate=0.1,0.5,0.9",
    ]  # fmt: skip
    swept = invoke("sweep", SMALL, *grid, "-n", "2", "-w", "1", "-q", "--out", tmp_path / "run")
    assert swept.exit_code == 0, swept.output
    where = ["--where", "abuse_pass_through < 0.5", "--min-coverage", "0.7"]
    table = invoke("discover", tmp_path / "run", *where)
    assert table.exit_code == 0, table.output
    assert "6 configurations (each the mean of its replications)" in table.output
    assert "Box 1: coverage 75%, density 100%" in table.output
    assert "peeling trajectory of box 1" in table.output
    doc = json.loads(invoke("discover", tmp_path / "run", *where, "--format", "json").output)
    assert doc["boxes"][0]["restrictions"] == [
        {"setting": "safeguards.dual_criminality.mode", "values": ["required"]}
    ]
    for args, message in (
        ([tmp_path / "nothing", "--where", "abuse_pass_through < 0.5"], "not a sweep run directory"),
        ([tmp_path / "run", "--where", "abuse_pass_through == 0.5"], "write METRIC < NUMBER"),
        ([tmp_path / "run", "--where", "abuse_pass_thru < 0.5"], "did you mean 'abuse_pass_through'"),
    ):
        result = invoke("discover", *args)
        assert result.exit_code == 2 and message in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_frontier_prints_the_front_and_answers_a_budget(tmp_path):
    grid = [
        "--grid", "safeguards.dual_criminality.mode=discretionary,required",
        "--grid", "safeguards.dual_criminality.refusal_rate=0.2,0.8",
    ]  # fmt: skip
    assert invoke("sweep", SMALL, *grid, "-n", "2", "-w", "1", "-q", "--out", tmp_path / "run").exit_code == 0
    result = invoke("frontier", tmp_path / "run", "--budget", "legitimate_refusal_rate <= 0.03")
    assert result.exit_code == 0, result.output
    assert "configurations no other beats on abuse pass-through, legitimate refused" in result.output
    assert "Budget: least abuse pass-through with legitimate_refusal_rate <= 0.03" in result.output
    doc = json.loads(
        invoke(
            "frontier", tmp_path / "run", "--budget", "legitimate_refusal_rate <= 0.03", "-f", "json"
        ).output
    )
    front = [c["metrics"]["abuse_pass_through"]["mean"] for c in doc["frontier"]]
    assert doc["budget"]["best"]["metrics"]["abuse_pass_through"]["mean"] == min(front)
    bad = invoke("frontier", tmp_path / "run", "--budget", "legitimate_refusal_rate <= 3%")
    assert bad.exit_code == 2 and "write METRIC < NUMBER" in bad.output


def test_sensitivity_with_a_sample_size_not_a_power_of_2_says_so_in_one_line(tmp_path):
    done = runner.invoke(
        app,
        [
            "sensitivity", str(SMALL), "--param", "safeguards.dual_criminality.refusal_rate=0,1",
            "--param", "stages.legal_review.staff=1,4", "--samples", "3", "--replications", "1",
            "--quiet", "--out", str(tmp_path / "run"),
        ],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("mlasim: note: --samples 3 is not")
    assert "site-packages" not in done.stderr and "UserWarning" not in done.stderr
