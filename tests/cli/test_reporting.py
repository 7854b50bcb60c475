"""``mlasim report`` and ``--report``: from the outside, as a user would."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from simulator.cli import app
from tests.reporting.conftest import SMALL

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_report_from_a_scenario_writes_the_page_and_the_figures(tmp_path):
    page, figures = tmp_path / "page.html", tmp_path / "figures"
    result = invoke("report", SMALL, "--replications", "2", "--out", page, "--figures", figures)
    assert result.exit_code == 0, result.output
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>") and "small sweep" in text and "<h2>Provenance</h2>" in text
    names = sorted(p.name for p in figures.iterdir())
    assert names == sorted(f"{n}.{e}" for n in ("pass-through", "refusals", "states", "days", "stage-waits")
                           for e in ("svg", "png"))  # fmt: skip


def test_run_json_then_report_gives_the_page_of_the_same_result(tmp_path):
    saved, direct, later = tmp_path / "run.json", tmp_path / "direct.html", tmp_path / "later.html"
    result = invoke(
        "run", SMALL, "-n", "2", "-w", "1", "--format", "json", "--out", saved, "--report", direct
    )
    assert result.exit_code == 0, result.output
    assert invoke("report", saved, "-o", later).exit_code == 0
    assert later.read_text() == direct.read_text()


def test_compare_sweep_and_check_take_report(tmp_path):
    compared = invoke(
        "compare", SMALL, "--variant", "required", "-n", "2", "-q", "--report", tmp_path / "c.html"
    )
    assert compared.exit_code == 0, compared.output
    assert "Paired differences against small sweep" in (tmp_path / "c.html").read_text()
    swept = invoke(
        "sweep", SMALL, "--grid", "safeguards.dual_criminality.refusal_rate=0.2,0.8", "-n", "2", "-q",
        "--out", tmp_path / "run", "--report", tmp_path / "s.html",
    )  # fmt: skip
    assert swept.exit_code == 0, swept.output
    assert 'id="figure-response" data-marks="4"' in (tmp_path / "s.html").read_text()
    assert invoke("report", tmp_path / "run", "-o", tmp_path / "s2.html").exit_code == 0
    checked = invoke("check", SMALL, "--max-examples", "3", "--report", tmp_path / "k.html")
    assert checked.exit_code in (0, 1), checked.output
    assert "<h2>Properties</h2>" in (tmp_path / "k.html").read_text()


def test_the_replay_command_of_a_flip_shows_the_refusal(tmp_path):
    saved = tmp_path / "c.json"
    result = invoke(
        "compare", SMALL, "--variant", "required", "-n", "2", "-q", "--format", "json", "--out", saved
    )
    assert result.exit_code == 0, result.output
    kinds = json.loads(saved.read_text())["configurations"][1]["flipped_examples"]["kinds"]
    command = kinds["abusive.granted_to_refused"]["explain"].split()
    replay = invoke(*command[1:])
    assert replay.exit_code == 0, replay.output
    assert "Outcome: REFUSED" in replay.output


def test_bad_sources_are_one_line_and_status_2(tmp_path):
    (tmp_path / "x.json").write_text("[1, 2]")
    for source, message in (
        (tmp_path / "x.json", "not a result of mlasim run, compare or check"),
        (tmp_path / "none.json", "cannot read"),
        (tmp_path, "not a finished sweep run directory"),
    ):
        result = invoke("report", source)
        assert result.exit_code == 2
        assert message in result.output and "Traceback" not in result.output


def test_the_command_line_is_recorded_in_the_json(tmp_path):
    out = tmp_path / "r.json"
    command = [
        sys.executable,
        "-m",
        "simulator",
        "run",
        str(SMALL),
        "-n",
        "2",
        "-w",
        "1",
        "-f",
        "json",
        "-o",
        str(out),
    ]
    subprocess.run(command, check=True, capture_output=True)
    recorded = json.loads(out.read_text())["provenance"]["command"]
    assert recorded == ["mlasim", *command[3:]]
