"""``mlasim sweep`` under faults: a full disk, an edited scenario file, plans too large to build."""

from __future__ import annotations

import errno
import shutil
import time

import pyarrow.parquet as pq

from tests.conftest import ROOT
from tests.test_hostile import one_line_error, run_cli

SMALL = ROOT / "tests" / "data" / "small-sweep.toml"
GRID = "safeguards.dual_criminality.refusal_rate=0.2,0.8"


def sweep(out, *extra: str):
    options = ("--grid", GRID, "-n", "3", "--batch", "1", "-w", "1", "-q")
    return run_cli("sweep", str(SMALL), "--out", str(out), *options, *extra)


def test_a_full_disk_mid_sweep_names_the_file_and_how_to_resume(tmp_path, monkeypatch):
    import simulator.experiments.taskfiles as taskfiles

    written = []
    real = taskfiles.pq.write_table

    def fills_up(table, where, *args, **kwargs):
        if len(written) == 2:  # pyarrow's own words, with no path and no errno
            raise OSError("Error writing bytes to file. Detail: [errno 28] No space left on device")
        written.append(where)
        return real(table, where, *args, **kwargs)

    monkeypatch.setattr(taskfiles.pq, "write_table", fills_up)
    out = tmp_path / "run"
    code, _, err = sweep(out)
    one_line_error(code, err, "cannot be written (No space left on device)", f"mlasim sweep --resume {out}")
    assert err.startswith(f"mlasim: {out / 'tasks'}/c0000")
    assert len(list((out / "tasks").glob("*.parquet"))) == 2
    assert not list((out / "tasks").glob(".*.tmp"))  # the temporary file went with the failure
    monkeypatch.setattr(taskfiles.pq, "write_table", real)
    code, _, err = run_cli("sweep", "--resume", str(out), "-w", "1", "-q")
    assert code == 0, err
    code, _, err = sweep(tmp_path / "whole")
    assert code == 0, err
    whole = pq.read_table(tmp_path / "whole" / "replications.parquet")
    assert pq.read_table(out / "replications.parquet").equals(whole)


def test_a_full_disk_at_the_start_leaves_no_run_directory(tmp_path, monkeypatch):
    import simulator.experiments.sweeps as sweeps

    def no_room(path, text):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(sweeps, "write_text", no_room)
    out = tmp_path / "run"
    code, _, err = sweep(out)
    one_line_error(code, err, f"{out / 'manifest.json'}: No space left on device")
    assert not out.exists()


def test_a_resume_says_it_keeps_to_its_copy_of_an_edited_scenario(tmp_path):
    scenario = tmp_path / "X.toml"
    shutil.copy(SMALL, scenario)
    out = tmp_path / "run"
    code, _, err = run_cli(
        "sweep", str(scenario), "--out", str(out), "--grid", GRID, "-n", "2", "-w", "1", "-q"
    )
    assert code == 0, err
    scenario.write_text(scenario.read_text().replace("refusal_rate = 0.5", "refusal_rate = 0.6"))
    (out / "summary.parquet").unlink()
    code, _, err = run_cli("sweep", "--resume", str(out), "-w", "1", "-q")
    assert code == 0, err
    assert err == (
        f"mlasim: note: {scenario.resolve()} has changed since the sweep started; the sweep goes on with its "
        f"own copy, {out / 'scenario.toml'} (start a new sweep to run the edited file)\n"
    )


def test_plans_too_large_are_refused_before_they_are_built(tmp_path, monkeypatch):
    """0.3.1 built them first: an LHS of 1e8 points, 1e12 replications, ended in MemoryError."""
    for extra, said in (
        (("--lhs", "100000000", "--range", "safeguards.dual_criminality.refusal_rate=0,1"),
         "the design has 100,000,000 configurations, above the limit of 10,000"),
        (("--replications", "1000000000000"), "1e+12 replications, above the limit of 10,000"),
    ):  # fmt: skip
        started = time.monotonic()
        code, _, err = run_cli("sweep", str(SMALL), "--out", str(tmp_path / "run"), "-q", *extra)
        one_line_error(code, err, said, "--allow-large")
        assert time.monotonic() - started < 5 and not (tmp_path / "run").exists()
    started = time.monotonic()
    code, _, err = run_cli("run", str(SMALL), "--replications", "1000000000000", "-q")
    one_line_error(code, err, "--replications: 1e+12 replications, above the limit of 10,000")
    assert time.monotonic() - started < 5
    monkeypatch.setattr("simulator.files.limits.physical_memory", lambda: 64_000_000_000)
    lhs = ("--lhs", "100000000", "--range", "safeguards.dual_criminality.refusal_rate=0,1")
    code, _, err = run_cli("--allow-large", "sweep", str(SMALL), "--out", str(tmp_path / "run"), "-q", *lhs)
    one_line_error(code, err, "the design's 100,000,000 configurations need about 5.0 TB of memory")
    code, _, err = run_cli("--allow-large", "run", str(SMALL), "--replications", "1000000000000", "-q")
    one_line_error(code, err, f"{SMALL}: 1e+12 replications need about", "more than this machine's")
