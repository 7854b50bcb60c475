"""One process at a time in a run directory: an OS lock that dies with its process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulator.experiments import rundirs
from simulator.experiments.rundirs import RunDirectoryBusy, holding
from simulator.experiments.taskfiles import abandoned
from tests.conftest import ROOT

pytest.importorskip("fcntl")

HOLD = """
import sys, time
from simulator.experiments.rundirs import holding
with holding(sys.argv[1]):
    print("held", flush=True)
    time.sleep(60)
"""


def holder(directory: Path) -> subprocess.Popen:
    """Another process holding ``directory``'s lock (until killed)."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(directory)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert process.stdout.readline() == "held\n"
    return process


def test_a_second_process_is_refused_naming_the_first(tmp_path):
    first = holder(tmp_path / "run")
    try:
        busy = rf"another mlasim process \(process {first.pid}\)"
        with pytest.raises(RunDirectoryBusy, match=busy), holding(tmp_path / "run"):
            pass
    finally:
        first.kill()
        first.wait()


def test_the_lock_dies_with_its_process_even_killed(tmp_path):
    first = holder(tmp_path / "run")
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    assert (tmp_path / "run" / rundirs.LOCK).exists()  # the file stays, and means nothing
    with holding(tmp_path / "run"):
        assert rundirs.held(tmp_path / "run")
    assert not rundirs.held(tmp_path / "run")


def test_the_lock_is_reentrant_within_a_process(tmp_path):
    with holding(tmp_path / "run"), holding(tmp_path / "run"):
        assert rundirs.held(tmp_path / "run")
    assert not rundirs.held(tmp_path / "run")


def test_only_the_temporary_files_of_dead_writers_are_abandoned(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        name = ".c00000-r000000-000004.parquet"
        assert abandoned(tmp_path / f"{name}.{dead.pid}.abcd.tmp")
        assert abandoned(tmp_path / f"{name}.{os.getpid()}.abcd.tmp")
        assert not abandoned(tmp_path / f"{name}.{alive.pid}.abcd.tmp")  # another process writes it
        assert abandoned(tmp_path / f"{name}.abcd.tmp")  # no writer named: an older mlasim's
    finally:
        alive.kill()
        alive.wait()


def test_free_space_is_found_where_a_directory_would_be_created(tmp_path):
    assert rundirs.free_bytes(tmp_path / "not" / "yet") > 0
    assert rundirs.sweep_bytes(10, 100) == 10 * rundirs.TASK_BYTES + 100 * rundirs.ROW_BYTES


def test_two_resumes_at_once_one_is_refused_in_one_line(tmp_path):
    """A ``mlasim sweep --resume`` while the sweep still runs in its directory is refused, naming the
    process at work; that one finishes the sweep, untroubled."""
    from tests.test_hostile import one_line_error, run_cli

    directory = tmp_path / "run"
    grid = "safeguards.dual_criminality.refusal_rate=0.2,0.5,0.8"
    first = subprocess.Popen(
        [sys.executable, "-m", "simulator", "sweep", str(ROOT / "tests/data/small-sweep.toml"), "--out",
         str(directory), "--grid", grid, "-n", "3", "--batch", "1", "-w", "1", "-q"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (_locked_by(directory, first.pid) and (directory / "manifest.json").exists()):
            assert time.monotonic() < deadline and first.poll() is None, first.stderr.read()
            time.sleep(0.01)
        code, _, err = run_cli("sweep", "--resume", str(directory), "-w", "1", "-q")
        one_line_error(code, err, f"another mlasim process (process {first.pid}) is working in this run")
        assert first.wait(timeout=120) == 0, first.stderr.read()
    finally:
        first.kill()
    assert len(list((directory / "tasks").glob("*.parquet"))) == 9


def _locked_by(directory: Path, pid: int) -> bool:
    try:
        return (directory / rundirs.LOCK).read_text().split() == [str(pid)]
    except (OSError, IndexError):
        return False
