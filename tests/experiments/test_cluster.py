"""The Dask backend: a scheduler that cannot be reached, or Dask missing, is a one-line user error;
a LocalCluster gives the numbers a single process gives."""

from __future__ import annotations

import builtins
import contextlib
import http.server
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from simulator.experiments import cluster
from simulator.experiments.executors import BackendError, Serial, backend
from simulator.experiments.run import replicate_batch
from simulator.files.document import load_scenario
from tests.conftest import ROOT
from tests.test_hostile import one_line_error, run_cli

SMALL = ROOT / "tests" / "data" / "small-sweep.toml"


def test_an_unreachable_scheduler_is_a_user_error(monkeypatch):
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr("simulator.experiments.cluster.CONNECT_TIMEOUT", "1s")
    with pytest.raises(BackendError, match="cannot connect"):
        backend(1, "tcp://127.0.0.1:9")


def test_without_dask_the_scheduler_option_says_how_to_install_it(monkeypatch):
    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name.startswith("dask"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    for name in [m for m in sys.modules if m.startswith(("dask", "distributed"))]:
        monkeypatch.delitem(sys.modules, name)
    with pytest.raises(BackendError, match=r"pip install 'mlasim\[dask\]'"):
        backend(2, "local")


def test_a_local_cluster_gives_what_one_process_gives():
    pytest.importorskip("dask.distributed")
    scenario = load_scenario(SMALL)
    tasks = [(None, scenario, 3, (r,)) for r in range(3)]
    serial = dict(Serial().map(replicate_batch, tasks))
    with backend(2, "local") as cluster:
        assert cluster.name == "dask LocalCluster, 2 workers"
        clustered = dict(cluster.map(replicate_batch, tasks))
    assert repr(sorted(clustered.items())) == repr(sorted(serial.items()))  # repr: NaN == NaN


# --- failing in one line, within a bounded time (issue 20) -------------------------------------------
def _listener(greet: bytes | None = None) -> tuple[socket.socket, int]:
    """A TCP service on 127.0.0.1 that accepts connections and sends ``greet`` (None: nothing)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held = []

    def serve() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            if greet:
                connection.sendall(greet)
            held.append(connection)  # kept open, silent

    threading.Thread(target=serve, daemon=True).start()
    return server, server.getsockname()[1]


@pytest.mark.parametrize(
    "greet, said",
    [
        (None, "said nothing for 1 s"),
        (b"SSH-2.0-OpenSSH_9.6\r\n", "answered 'SSH-2.0-': not a Dask scheduler"),
        (b"220 smtp.example ESMTP\r\n", "answered '220 smtp': not a Dask scheduler"),
    ],
)
def test_a_service_that_is_no_dask_scheduler_is_named_in_one_line(monkeypatch, greet, said):
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr(cluster, "GREETING_SECONDS", 1.0)
    server, port = _listener(greet)
    started = time.monotonic()
    with server, pytest.raises(BackendError, match=re.escape(said)):
        backend(1, f"tcp://127.0.0.1:{port}")
    assert time.monotonic() - started < 5  # distributed alone waits for ever, or asks for 2.82 EiB


def test_an_http_server_is_named_as_one(monkeypatch):
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr(cluster, "GREETING_SECONDS", 1.0)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(BackendError, match=r"is an HTTP server \(it answered 'HTTP/1.0 501"):
            cluster.DaskCluster(f"tcp://127.0.0.1:{server.server_address[1]}", 1)
    finally:
        server.shutdown()
        server.server_close()


def test_the_greeting_of_a_real_scheduler_passes(dask_cluster):
    address, _, _ = dask_cluster
    assert cluster.greeting_problem(address) is None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.fixture
def dask_cluster(tmp_path):
    """A ``dask scheduler`` and one ``dask worker`` (one thread, no nanny to restart it), separate
    processes on 127.0.0.1: (address, scheduler, worker)."""
    distributed = pytest.importorskip("distributed")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = [sys.executable, "-m", "dask"]
    with open(tmp_path / "cluster.log", "w") as log:
        common = {"stdout": log, "stderr": subprocess.STDOUT, "start_new_session": True}
        scheduler = subprocess.Popen(
            [*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], **common
        )
        worker = subprocess.Popen(
            [*dask, "worker", address, "--nthreads", "1", "--no-nanny", "--host", "127.0.0.1",
             "--no-dashboard", "--memory-limit", "0", "--death-timeout", "30"],
            **common,
        )  # fmt: skip
        try:
            with distributed.Client(address, timeout="60s") as client:
                client.wait_for_workers(1, timeout=60)
            yield address, scheduler, worker
        finally:
            for process in (worker, scheduler):
                _stop(process)


def _sweep_killing(address: str, out: Path, victim: subprocess.Popen) -> tuple[int, str, float]:
    """``mlasim sweep`` on the cluster, killing ``victim`` once the first task file is written:
    the exit status, standard error, and the seconds from the kill to the end of the command."""
    killed: list[float] = []

    def kill_after_first_task() -> None:
        while not list((out / "tasks").glob("*.parquet")) if (out / "tasks").is_dir() else True:
            time.sleep(0.02)
        os.killpg(victim.pid, signal.SIGKILL)
        killed.append(time.monotonic())

    threading.Thread(target=kill_after_first_task, daemon=True).start()
    code, _, err = run_cli("sweep", str(SMALL), "--out", str(out), "--grid", GRID, "-n", "4", "--batch", "1",
                           "-q", "--scheduler", address)  # fmt: skip
    return code, err, time.monotonic() - killed[0]


GRID = "safeguards.dual_criminality.refusal_rate=0.2,0.5,0.8"


def test_a_lost_worker_stops_the_sweep_in_one_line_and_it_resumes(dask_cluster, tmp_path, monkeypatch):
    address, _, worker = dask_cluster
    monkeypatch.setattr(cluster, "NO_WORKER_SECONDS", 2.0)
    out = tmp_path / "run"
    code, err, after = _sweep_killing(address, out, worker)
    one_line_error(code, err, "no worker for 2 s", f"mlasim sweep --resume {out}")
    assert after < 10  # detected within a bounded time, not a silent hang
    kept = list((out / "tasks").glob("*.parquet"))
    assert 1 <= len(kept) < 12
    code, _, err = run_cli("sweep", "--resume", str(out), "-w", "1", "-q")
    assert code == 0, err
    code, _, err = run_cli("sweep", str(SMALL), "--out", str(tmp_path / "whole"), "--grid", GRID, "-n", "4",
                           "--batch", "1", "-q", "-w", "1")  # fmt: skip
    assert pq.read_table(out / "replications.parquet").equals(
        pq.read_table(tmp_path / "whole" / "replications.parquet")
    )


def test_a_lost_scheduler_stops_the_sweep_in_one_line(dask_cluster, tmp_path):
    address, scheduler, _ = dask_cluster
    out = tmp_path / "run"
    code, err, after = _sweep_killing(address, out, scheduler)
    one_line_error(code, err, "lost the Dask scheduler", f"mlasim sweep --resume {out}")
    assert "internal error" not in err and after < 15


def test_a_local_cluster_leaves_port_8787_alone():
    """With another cluster on 8787, ``--scheduler local`` used to warn on standard error (its
    scheduler's HTTP server took 8787 or the next port); now it takes a free port, silently."""
    pytest.importorskip("dask.distributed")
    with contextlib.ExitStack() as stack:
        with contextlib.suppress(OSError):  # held here, unless something else already holds it
            holder = stack.enter_context(socket.socket())
            holder.bind(("127.0.0.1", 8787))
            holder.listen()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            backend(1, "local").close()
