"""Sweeps: designs, Parquet run directories, resuming after a kill, identical across backends."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import simulator
from simulator.experiments.designs import Design
from simulator.experiments.sweeps import start
from simulator.files.loader import ScenarioError
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "data" / "small-sweep.toml"


def test_every_configuration_is_validated_before_anything_runs(tmp_path):
    design = Design(grid={"safeguards.dual_criminality.mode": ["required", "sometimes"]})
    with pytest.raises(ScenarioError, match=r"safeguards\.dual_criminality\.mode=sometimes"):
        start(SMALL, tmp_path / "run", design)
    assert not (tmp_path / "run").exists()


@pytest.fixture(scope="module")
def straight(tmp_path_factory):
    directory = tmp_path_factory.mktemp("straight") / "run"
    design = Design(grid={"safeguards.dual_criminality.refusal_rate": [0.2, 0.8]}, variants=[])
    return simulator.sweep(SMALL, directory, design, replications=6, batch=2)


def test_run_directory_holds_parquet_replications_summary_and_manifest(straight):
    directory = straight.directory
    table = pq.read_table(directory / "replications.parquet")
    assert table.num_rows == 2 * 6
    assert table.column_names[:4] == [
        "config_index",
        "configuration",
        "replication",
        "safeguards.dual_criminality.refusal_rate",
    ]
    assert "abuse_pass_through" in table.column_names
    for name in table.column_names:  # undefined metrics are nulls, never NaN
        if pa.types.is_floating(table.schema.field(name).type):
            assert not pc.any(pc.is_nan(table.column(name))).as_py(), name
    summary = straight.summary()
    assert list(summary["safeguards.dual_criminality.refusal_rate"]) == [0.2, 0.8]
    assert (summary["abuse_pass_through.n"] == 6).all()
    low, high = summary["abuse_pass_through.mean"]
    assert high < low  # refusing more of the non-criminal conduct lets less abuse through
    manifest = straight.manifest()
    assert manifest["seed"] == 11 and manifest["backend"] == "serial" and manifest["finished"]
    assert len(manifest["scenario_sha256"]) == 64 and manifest["version"] == simulator.__version__
    assert (directory / "summary.csv").read_text().startswith("config_index,configuration,")


def test_parquet_opens_in_pandas_and_duckdb(straight):
    duckdb = pytest.importorskip("duckdb")
    frame = straight.to_pandas()
    path = straight.directory / "replications.parquet"
    query = f"select count(*), avg(abuse_pass_through) from read_parquet('{path}')"
    count, mean = duckdb.connect().execute(query).fetchone()
    assert count == len(frame) == 12
    assert mean == pytest.approx(frame["abuse_pass_through"].mean())


def test_a_sweep_killed_half_way_resumes_to_the_same_result(straight, tmp_path):
    directory = tmp_path / "killed"
    command = [
        sys.executable, "-m", "simulator", "sweep", str(SMALL), "--out", str(directory),
        "--grid", "safeguards.dual_criminality.refusal_rate=0.2,0.8", "--variants", "",
        "--replications", "6", "--batch", "1", "--workers", "1", "--quiet",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tasks = directory / "tasks"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(tasks.glob("*.parquet"))) < 4:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = len(list(tasks.glob("*.parquet")))
    assert 4 <= finished < 12, "the sweep should have been killed half-way"
    assert not (directory / "summary.csv").exists()
    resumed = simulator.resume(directory)
    assert len(list(tasks.glob("*.parquet"))) == 12
    assert (directory / "summary.csv").read_text() == (straight.directory / "summary.csv").read_text()
    assert pq.read_table(directory / "replications.parquet").equals(
        pq.read_table(straight.directory / "replications.parquet")
    )
    assert resumed.manifest()["finished"]


def test_resume_refuses_a_changed_copy_of_the_scenario_and_ignores_the_edited_original(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SMALL.read_text())
    directory = tmp_path / "run"
    start(path, directory, Design(grid={"safeguards.dual_criminality.refusal_rate": [0.2]}), replications=1)
    path.write_text(SMALL.read_text().replace("seed = 11", "seed = 12"))  # the original may change
    assert simulator.resume(directory).manifest()["seed"] == 11
    copy = directory / "scenario.toml"  # the run directory's own copy may not
    copy.write_text(SMALL.read_text().replace("seed = 11", "seed = 12"))
    with pytest.raises(ScenarioError, match="has changed or gone since the sweep"):
        simulator.resume(directory)


def test_backends_give_identical_parquet_data(straight, tmp_path):
    pytest.importorskip("dask.distributed")
    design = Design(grid={"safeguards.dual_criminality.refusal_rate": [0.2, 0.8]})
    pooled = simulator.sweep(SMALL, tmp_path / "pool", design, replications=6, batch=2, workers=2)
    dask = simulator.sweep(
        SMALL, tmp_path / "dask", design, replications=6, batch=2, workers=2, scheduler="local"
    )
    reference = pq.read_table(straight.directory / "replications.parquet")
    for result in (pooled, dask):
        assert pq.read_table(Path(result.directory) / "replications.parquet").equals(reference)
        assert (result.directory / "summary.csv").read_text() == (
            straight.directory / "summary.csv"
        ).read_text()
    assert dask.manifest()["backend"].startswith("dask LocalCluster")


# --- integrity: a resume reuses only sound task files of this very sweep -------------------------
def _copy_of(straight, tmp_path) -> Path:
    directory = tmp_path / "copy"
    shutil.copytree(straight.directory, directory)
    (directory / "replications.parquet").unlink()
    return directory


def _resume_noting(directory) -> tuple[pa.Table, list[str]]:
    notes: list[str] = []
    simulator.resume(directory, note=notes.append)
    return pq.read_table(directory / "replications.parquet"), notes


def _tasks(directory: Path) -> list[Path]:
    return sorted((directory / "tasks").glob("*.parquet"))


def test_every_task_file_says_what_made_it(straight):
    path = _tasks(straight.directory)[1]
    stamp = json.loads(pq.read_schema(path).metadata[b"mlasim"])
    configuration = straight.manifest()["configurations"][0]
    assert stamp["seed"] == 11 and stamp["config_index"] == 0 and stamp["replications"] == [2, 3]
    assert (
        stamp["parameters"]
        == configuration["parameters"]
        == {"safeguards.dual_criminality.refusal_rate": 0.2}
    )
    assert stamp["mlasim"] == simulator.__version__ and stamp["environment"]["numpy"]
    assert (
        len(stamp["scenario_sha256"]) == 64
        and stamp["scenario_sha256"] != straight.manifest()["scenario_sha256"]
    )


@pytest.mark.parametrize(
    "damage, reason",
    [
        (lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]), "cannot be read"),
        (lambda p: p.write_bytes(b""), "is empty"),
        (lambda p: p.unlink(), None),
    ],
    ids=["truncated", "empty", "missing"],
)
def test_a_damaged_task_file_is_recomputed_with_a_note(straight, tmp_path, damage, reason):
    directory = _copy_of(straight, tmp_path)
    victim = _tasks(directory)[2]
    damage(victim)
    data, notes = _resume_noting(directory)
    assert data.equals(pq.read_table(straight.directory / "replications.parquet"))
    if reason is None:
        assert notes == []
    else:
        assert len(notes) == 1 and str(victim) in notes[0] and reason in notes[0], notes


def test_corrupted_rows_are_caught_by_their_checksum(straight, tmp_path):
    directory = _copy_of(straight, tmp_path)
    victim = _tasks(directory)[0]
    table = pq.read_table(victim)
    changed = table.set_column(2, table.column_names[2], pa.array([0.5] * table.num_rows))
    pq.write_table(changed.replace_schema_metadata(table.schema.metadata), victim)
    data, notes = _resume_noting(directory)
    assert data.equals(pq.read_table(straight.directory / "replications.parquet"))
    assert len(notes) == 1 and "is corrupt" in notes[0] and str(victim) in notes[0]


def test_flipped_bytes_never_reach_the_results(straight, tmp_path):
    directory = _copy_of(straight, tmp_path)
    for offset in range(8, 400, 29):  # flip bytes all through the column chunks of one task
        victim = _tasks(directory)[3]
        raw = bytearray(victim.read_bytes())
        raw[offset] ^= 0xFF
        victim.write_bytes(bytes(raw))
        data, _ = _resume_noting(directory)
        assert data.equals(pq.read_table(straight.directory / "replications.parquet")), offset


def test_an_edited_batch_in_the_manifest_never_duplicates_rows(straight, tmp_path):
    directory = _copy_of(straight, tmp_path)
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest["batch"] = 3  # the files on disk hold batches of 2
    (directory / "manifest.json").write_text(json.dumps(manifest))
    data, notes = _resume_noting(directory)
    assert data.num_rows == 12
    assert data.equals(pq.read_table(straight.directory / "replications.parquet"))
    assert any("removed 6 task file(s)" in line for line in notes), notes
    assert len(_tasks(directory)) == 4


def test_an_edited_seed_in_the_manifest_recomputes_every_task(straight, tmp_path):
    directory = _copy_of(straight, tmp_path)
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest["seed"], manifest["replications"] = 12, 2
    (directory / "manifest.json").write_text(json.dumps(manifest))
    data, notes = _resume_noting(directory)
    assert len([n for n in notes if "seed differ" in n]) == 2
    fresh = simulator.sweep(SMALL, tmp_path / "fresh", _design(), replications=2, seed=12, batch=2)
    assert data.equals(pq.read_table(fresh.directory / "replications.parquet"))


def _design() -> Design:
    return Design(grid={"safeguards.dual_criminality.refusal_rate": [0.2, 0.8]})


def test_a_directory_holding_another_sweep_is_refused_unless_forced(straight, tmp_path):
    directory = _copy_of(straight, tmp_path)
    with pytest.raises(ScenarioError, match="already holds a sweep: finish it") as refused:
        start(SMALL, directory, _design(), replications=6, seed=12, batch=2)
    assert f"simulator.resume({str(directory)!r})" in str(refused.value)  # said for Python users too
    assert "force=True" in str(refused.value)
    (directory / "manifest.json").unlink()  # the stale-directory case: no manifest, old task files
    with pytest.raises(ScenarioError, match="is not empty and holds no sweep manifest"):
        start(SMALL, directory, _design(), replications=6, seed=12, batch=2)
    start(SMALL, directory, _design(), replications=2, seed=11, batch=2, force=True)
    data, notes = _resume_noting(directory)  # same seed: the first task of each configuration is reused
    assert data.num_rows == 4 and any("removed 4 task file(s)" in n for n in notes)
    reference = pq.read_table(straight.directory / "replications.parquet").to_pandas()
    kept = reference[reference["replication"] < 2].reset_index(drop=True)
    assert data.to_pandas().equals(kept)


def test_a_moved_run_directory_resumes(straight, tmp_path):
    directory = _copy_of(straight, tmp_path)
    moved = tmp_path / "elsewhere" / "moved"
    moved.parent.mkdir()
    directory.rename(moved)
    assert json.loads((moved / "manifest.json").read_text())["scenario_file"] == "scenario.toml"
    _tasks(moved)[0].unlink()
    data, _ = _resume_noting(moved)
    assert data.equals(pq.read_table(straight.directory / "replications.parquet"))


def test_run_directory_files_honour_the_umask(straight):
    for path in [
        straight.directory / "manifest.json",
        straight.directory / "summary.csv",
        *_tasks(straight.directory),
    ]:
        assert path.stat().st_mode & 0o777 == 0o666 & ~_umask(), path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_sweep_of_a_file_that_extends_another_keeps_a_copy_that_reads_alone(tmp_path):
    (tmp_path / "base.toml").write_text(SMALL.read_text())
    child = tmp_path / "child.toml"
    child.write_text('extends = "base.toml"\n\n[scenario]\nname = "child"\n')
    directory = tmp_path / "run"
    grid = Design(grid={"safeguards.dual_criminality.refusal_rate": [0.2, 0.4]})
    simulator.sweep(child, directory, grid, replications=1, workers=1)
    first = pq.read_table(directory / "replications.parquet")
    moved = tmp_path / "elsewhere" / "moved"  # away from base.toml, which its copy no longer names
    moved.parent.mkdir()
    directory.rename(moved)
    _tasks(moved)[0].unlink()
    data, notes = _resume_noting(moved)
    assert data.equals(first)
    assert data.num_rows == 2 and notes == [] and "extends" not in (moved / "scenario.toml").read_text()
