"""The mlasim command line, driven from the outside as a user would."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from simulator.cli import app, main
from tests.conftest import BASELINE

runner = CliRunner()
REFERENCE_ARGS = ["--replications", "3"]


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_run_prints_the_table_with_intervals_and_citations():
    result = invoke("run", str(BASELINE), *REFERENCE_ARGS)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "3 replications, seed 20241224" in out
    assert "abuse pass-through (granted / decided)" in out
    assert "95% Student-t confidence interval" in out
    assert "UNCC Art 40(22)" in out and "discrimination clause" in out
    assert "authoritarian" in out


def test_run_json_has_mean_interval_and_n_for_every_metric():
    result = invoke("run", str(BASELINE), *REFERENCE_ARGS, "--format", "json", "--seed", "5")
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert doc["scenario"] == "UN convention baseline"
    assert (doc["seed"], doc["replications"]) == (5, 3)
    assert doc["version"]
    pass_through = doc["metrics"]["abuse_pass_through"]
    assert set(pass_through) == {"mean", "ci_low", "ci_high", "n"}
    assert pass_through["ci_low"] <= pass_through["mean"] <= pass_through["ci_high"]
    assert doc["refusals"]["uncc-40-22"]["citation"].startswith("UNCC Art 40(22)")


def test_run_csv_has_one_row_per_metric():
    result = invoke("run", str(BASELINE), *REFERENCE_ARGS, "--format", "csv")
    lines = result.output.strip().splitlines()
    assert lines[0] == "metric,mean,ci_low,ci_high,n"
    assert any(line.startswith("abuse_pass_through,") for line in lines)


def test_run_writes_the_output_file_atomically(tmp_path):
    out = tmp_path / "sub" / "result.json"
    result = invoke("run", str(BASELINE), *REFERENCE_ARGS, "--format", "json", "--out", str(out))
    assert result.exit_code == 0
    assert json.loads(out.read_text())["replications"] == 3
    assert [p.name for p in out.parent.iterdir()] == ["result.json"]


def test_a_broken_file_gives_one_line_and_exit_2(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(BASELINE.read_text().replace("abusive_share = 0.25", "abusive_share = 2.5"))
    result = invoke("run", str(broken))
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"mlasim: {broken}: requesting_state[2].abusive_share: must be a probability between 0 and 1, not 2.5"
    ]
    assert "Traceback" not in result.output


def test_a_failed_run_leaves_an_existing_output_file_alone(tmp_path):
    out = tmp_path / "result.json"
    out.write_text("earlier result\n")
    result = invoke("run", str(tmp_path / "missing.toml"), "--out", str(out))
    assert result.exit_code == 2
    assert out.read_text() == "earlier result\n"


def test_validate_reports_ok_and_every_problem(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(
        BASELINE.read_text()
        .replace('mode = "discretionary"', 'mode = "sometimes"')
        .replace("[safeguards.consultation]", "[safeguards.consultaton]")
    )
    result = invoke("validate", str(BASELINE), str(broken))
    assert result.exit_code == 2
    assert f"{BASELINE}: ok" in result.output
    assert "safeguards.dual_criminality.mode: must be one of" in result.output
    assert "safeguards.consultaton: unknown key (did you mean 'consultation'?)" in result.output


def test_explain_prints_a_trace_with_citations():
    result = invoke("explain", str(BASELINE), "--request", "78")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Request 78, replication 0")
    assert "hidden truth: ABUSIVE" in out
    assert "UNCC Art 40(27)" in out  # consulted before refusal
    assert "Outcome: " in out


def test_explain_json_lists_the_events():
    result = invoke("explain", str(BASELINE), "--request", "3", "--format", "json")
    doc = json.loads(result.output)
    kinds = [e["kind"] for e in doc["events"]]
    assert kinds[0] == "arrived" and "decided" in kinds


def test_explain_an_unknown_request_is_a_user_error():
    result = invoke("explain", str(BASELINE), "--request", "999999")
    assert result.exit_code == 2
    assert "request 999999 did not arrive in replication 0" in result.output


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", str(BASELINE), "--format", "xml"], "Invalid value for '--format'"),
        (["run", str(BASELINE), "--replications", "0"], "Invalid value for '--replications'"),
        (["run"], "Missing argument 'FILE'"),
        (["explain", str(BASELINE)], "Missing option '--request'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(capsys, argv, message):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_main_exits_0_on_success_and_2_on_bad_file(capsys, tmp_path):
    with pytest.raises(SystemExit) as exited:
        main(["validate", str(BASELINE)])
    assert exited.value.code == 0
    with pytest.raises(SystemExit) as exited:
        main(["run", str(tmp_path / "none.toml")])
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip() == f"mlasim: {tmp_path / 'none.toml'}: no such file"


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0 and result.output.startswith("mlasim ")
