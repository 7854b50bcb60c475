"""Against a real Dask cluster: a ``dask scheduler`` and a ``dask worker`` started as separate processes.

The cluster listens on 127.0.0.1 on free ports, has two single-threaded worker processes, and is
stopped (its whole process group) whatever happens in the tests. Sweep, compare, run and check go
through ``--scheduler tcp://127.0.0.1:PORT`` and must give exactly what one local process gives, with
both cluster workers busy.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

distributed = pytest.importorskip("distributed")
pq = pytest.importorskip("pyarrow.parquet")

from simulator.cli import app  # noqa: E402
from tests.checking.test_estimates import with_property  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "small-sweep.toml"
START_TIMEOUT = 60  # seconds for the scheduler and both workers to be up, on a busy machine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    """The process and everything it started (its own session), politely, then for sure."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """The address of a scheduler with two one-thread workers, all separate processes."""
    dask = [sys.executable, "-m", "dask"]
    log = tmp_path_factory.mktemp("dask") / "cluster.log"
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes = []
    with open(log, "w") as output:
        try:
            common = {"stdout": output, "stderr": subprocess.STDOUT, "start_new_session": True}
            processes.append(
                subprocess.Popen(
                    [*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                    **common,
                )
            )
            processes.append(
                subprocess.Popen(
                    [*dask, "worker", address, "--nworkers", "2", "--nthreads", "1", "--host", "127.0.0.1",
                     "--no-dashboard", "--memory-limit", "0", "--death-timeout", "30"],
                    **common,
                )
            )  # fmt: skip
            with distributed.Client(address, timeout=f"{START_TIMEOUT}s") as client:
                client.wait_for_workers(2, timeout=START_TIMEOUT)
            yield address
        finally:
            for process in reversed(processes):
                _stop(process)


def mlasim(*args: object):
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def on_cluster(address: str, *args: object):
    """Run the command on the cluster; also say which cluster workers ran its tasks."""
    with distributed.Client(address) as client, distributed.get_task_stream(client) as stream:
        result = mlasim(*args, "--scheduler", address)
    return result, {task["worker"] for task in stream.data}


def test_run_compare_sweep_and_check_on_a_real_cluster_match_one_process(cluster, tmp_path):
    started = time.monotonic()
    stricter = tmp_path / "stricter.toml"
    stricter.write_text(SMALL.read_text().replace("refusal_rate = 0.5", "refusal_rate = 0.9"))
    scenario_file = with_property(tmp_path, replications=4)

    run_args = ("run", SMALL, "-n", "4", "--format", "json")
    remote, used = on_cluster(cluster, *run_args)
    assert remote.stdout == mlasim(*run_args, "--workers", "1").stdout
    assert remote.stderr == f"mlasim: backend: dask scheduler {cluster}, 2 workers\n"
    assert len(used) == 2  # both cluster workers had tasks

    compare_args = ("compare", SMALL, stricter, "-n", "4", "--format", "json", "--quiet")
    remote, used = on_cluster(cluster, *compare_args)
    assert json.loads(remote.stdout) == json.loads(mlasim(*compare_args, "--workers", "1").stdout)
    assert len(used) == 2

    grid = ("--grid", "safeguards.dual_criminality.refusal_rate=0.2,0.8", "-n", "2", "--batch", "1", "-q")
    remote, used = on_cluster(cluster, "sweep", SMALL, *grid, "--out", tmp_path / "remote")
    mlasim("sweep", SMALL, *grid, "--out", tmp_path / "local", "--workers", "1")
    remote_data = pq.read_table(tmp_path / "remote" / "replications.parquet")
    assert remote_data.equals(pq.read_table(tmp_path / "local" / "replications.parquet"))
    assert remote_data.num_rows == 4 and len(used) == 2

    check_args = ("check", scenario_file, "-p", "abuse-mostly-stopped", "--format", "json")
    remote, _ = on_cluster(cluster, *check_args)
    assert remote.stdout == mlasim(*check_args, "--workers", "1").stdout
    assert json.loads(remote.stdout)["properties"][0]["examples"] == 4
    assert time.monotonic() - started < 120


def test_run_uncertainty_on_a_real_cluster_matches_one_process(cluster, tmp_path):
    uncertain = ROOT / "tests" / "data" / "small-uncertain.toml"
    args = ("run", uncertain, "--uncertainty", "4", "--per-draw", "2", "--format", "json", "-q")
    remote, used = on_cluster(cluster, *args, "--study-dir", tmp_path / "remote")
    local = mlasim(*args, "--workers", "1", "--study-dir", tmp_path / "local")
    assert remote.stdout == local.stdout and json.loads(remote.stdout)["uncertainty"]["draws"] == 4
    assert len(used) == 2  # both cluster workers had tasks
