"""Outputs never eat inputs: ``--out``, ``--report`` and ``--figures`` are checked before any work."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from simulator.cli.outputs import output_problems
from tests.conftest import ROOT
from tests.test_hostile import one_line_error, run_cli

SMALL = ROOT / "tests" / "data" / "small-sweep.toml"


@pytest.fixture
def scenario(tmp_path) -> Path:
    path = tmp_path / "X.toml"
    shutil.copy(SMALL, path)
    return path


def untouched(path: Path, before: bytes) -> None:
    assert path.read_bytes() == before, f"{path} was changed"


def test_run_out_onto_its_scenario_is_refused_before_any_work(scenario):
    before = scenario.read_bytes()
    started = time.monotonic()
    code, _, err = run_cli("run", str(scenario), "-n", "2", "--format", "json", "--out", str(scenario))
    one_line_error(code, err, f"--out {scenario}: is an input of this command")
    untouched(scenario, before)
    assert "backend" not in err and time.monotonic() - started < 5  # nothing ran


def test_the_same_file_by_another_name_is_still_the_input(scenario, tmp_path):
    link = tmp_path / "alias"
    link.mkdir()
    before = scenario.read_bytes()
    code, _, err = run_cli("run", str(scenario), "-n", "1", "--report", str(link / ".." / "X.toml"))
    one_line_error(code, err, "--report", "is an input of this command")
    untouched(scenario, before)


def test_report_out_onto_its_saved_result_is_refused(scenario, tmp_path):
    saved = tmp_path / "R.json"
    code, _, err = run_cli(
        "run", str(scenario), "-n", "2", "-w", "1", "--format", "json", "--out", str(saved)
    )
    assert code == 0, err
    before = saved.read_bytes()
    code, _, err = run_cli("report", str(saved), "--out", str(saved))
    one_line_error(code, err, f"--out {saved}: is an input of this command")
    untouched(saved, before)
    json.loads(saved.read_text())


def test_out_and_report_naming_one_file_are_refused(scenario, tmp_path):
    page = tmp_path / "P"
    code, _, err = run_cli("run", str(scenario), "-n", "1", "--out", str(page), "--report", str(page))
    one_line_error(code, err, f"--report {page}: is also --out: one output would replace the other")
    assert not page.exists()


def test_a_report_onto_a_file_of_the_run_directory_is_refused(tmp_path):
    directory = tmp_path / "run"
    code, _, err = run_cli("sweep", str(SMALL), "--out", str(directory), "-n", "1", "-w", "1", "-q")
    assert code == 0, err
    summary = directory / "summary.csv"
    before = summary.read_bytes()
    code, _, err = run_cli("sweep", "--resume", str(directory), "-q", "--report", str(summary))
    one_line_error(code, err, "is a file of the run directory")
    untouched(summary, before)
    code, _, err = run_cli("report", str(directory), "--out", str(directory / "manifest.json"))
    one_line_error(code, err, "is a file of the run directory")


def test_a_directory_that_cannot_be_written_is_found_before_the_simulation(scenario):
    """/sys refuses new files even to root: what a read-only directory does to a user."""
    started = time.monotonic()
    code, _, err = run_cli("run", str(scenario), "-n", "20", "--out", "/sys/result.json")
    one_line_error(code, err, "--out /sys/result.json: cannot write in /sys")
    assert time.monotonic() - started < 5
    code, _, err = run_cli("sweep", str(scenario), "--out", "/sys/run", "-n", "1", "-q")
    one_line_error(code, err, "--out /sys/run: cannot write in /sys")


def test_figures_beside_an_input_figure_and_onto_a_file_are_refused(tmp_path):
    figure = tmp_path / "pass-through.svg"
    figure.write_text("<svg/>")
    problems = output_problems({"--out": tmp_path / "page.html"}, [figure], [], {"--figures": tmp_path})
    assert problems == [f"--figures {tmp_path}: holds {figure}, an input a figure could replace"]
    assert output_problems({}, [], [], {"--figures": figure}) == [
        f"--figures {figure}: exists and is not a directory"
    ]


def test_too_little_free_space_is_named(tmp_path):
    [problem] = output_problems({"--out": tmp_path / "r.json"}, need_bytes=10**18)
    assert problem.startswith(f"--out {tmp_path / 'r.json'}: only ") and "MB needed" in problem


def test_ordinary_outputs_pass(tmp_path):
    outputs = {"--out": tmp_path / "new" / "r.json", "--report": tmp_path / "r.html"}
    assert output_problems(outputs, [SMALL], [], {"--figures": tmp_path / "figures"}) == []
    assert not (tmp_path / "new").exists()  # checked, not created
