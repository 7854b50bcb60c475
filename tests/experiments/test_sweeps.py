"""Sweeps: designs, Parquet run directories, resuming after a kill, identical across backends."""

from __future__ import annotations

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


def test_resume_refuses_a_changed_scenario_file(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SMALL.read_text())
    directory = tmp_path / "run"
    start(path, directory, Design(grid={"safeguards.dual_criminality.refusal_rate": [0.2]}), replications=1)
    path.write_text(SMALL.read_text().replace("seed = 11", "seed = 12"))
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
