"""Backends: the same results in any order from any backend; tasks sized to the backend; lean workers."""

from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path

import pytest

from simulator.checking.estimates import matching_shares
from simulator.checking.reading import read_properties
from simulator.experiments import executors
from simulator.experiments.comparison import compare_batch
from simulator.experiments.executors import (
    MIN_TASK_REQUESTS,
    PARALLEL_THRESHOLD,
    TASKS_PER_SLOT,
    BackendError,
    ProcessPool,
    Serial,
    backend,
    batches,
    check_address,
    tasks_for,
)
from simulator.experiments.run import replicate_batch
from simulator.files.document import load_scenario, read_file

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "small-sweep.toml"
BASELINE = ROOT / "scenarios" / "un-convention-baseline.toml"
HEAVY = ("scipy.stats", "pandas", "pyarrow", "matplotlib", "dask", "distributed", "hypothesis", "typer")


def square(x: int) -> int:
    return x * x


def fail_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("three")
    return x


def test_batches_cover_every_replication_once():
    assert batches(range(7), 3) == [(0, 1, 2), (3, 4, 5), (6,)]
    assert batches([], 3) == []


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "fresh"])
def test_serial_and_pool_give_the_same_results(fork):
    tasks = list(range(10))
    serial = dict(Serial().map(square, tasks))
    with ProcessPool(2, fork=fork) as pool:
        pooled = dict(pool.map(square, tasks))
        assert all(worker.forked is fork for worker in pool._all)
    assert serial == pooled == {i: i * i for i in tasks}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")
def test_a_forked_worker_has_the_parents_modules_and_gives_the_same_replications():
    """A forked worker starts with what this process imported (no half second of imports), and a
    replication gives the same numbers there, in a fresh interpreter and here."""
    import simulator.world.pipeline  # noqa: F401  (imported here: the forked worker has it at once)

    scenario = load_scenario(SMALL)
    task = (0, scenario, 5, (0, 1))
    here = repr(replicate_batch(task))  # repr: NaN metrics compare equal
    with ProcessPool(1, fork=True) as forked:
        modules_at_start = next(forked.map(eval, ["sorted(__import__('sys').modules)"]))[1]
        assert repr(next(forked.map(replicate_batch, [task]))[1]) == here
    with ProcessPool(1, fork=False) as fresh:
        assert repr(next(fresh.map(replicate_batch, [task]))[1]) == here
    assert "simulator.world.pipeline" in modules_at_start and "pytest" in modules_at_start


def test_a_worker_is_forked_only_when_no_other_thread_runs():
    import threading

    alone = threading.active_count() == 1  # (a Dask client earlier in this process leaves threads)
    assert executors.fork_is_safe() is (alone and sys.platform.startswith("linux"))
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert executors.fork_is_safe() is False
        with ProcessPool(1) as pool:
            assert next(pool.map(square, [3]))[1] == 9
            assert [worker.forked for worker in pool._all] == [False]
    finally:
        stop.set()
        other.join()


def test_one_pool_serves_every_map_of_a_command_with_the_same_processes():
    with ProcessPool(2) as pool:
        first = {pid for _, pid in pool.map(eval, ["__import__('os').getpid()"] * 6)}
        second = {pid for _, pid in pool.map(eval, ["__import__('os').getpid()"] * 6)}
    assert first == second and len(first) <= 2 and os.getpid() not in first
    with ProcessPool(2) as idle:
        assert list(idle.map(square, [])) == [] and idle._all == []  # no task, no process started


def test_an_error_in_a_task_reaches_the_caller_and_the_pool_stops():
    pool = ProcessPool(2)
    with pytest.raises(ValueError, match="three"):
        list(pool.map(fail_on_three, range(8)))
    assert pool._all == []  # every worker stopped, none left behind


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "fresh"])
def test_a_worker_that_dies_is_a_one_line_error(fork):
    with ProcessPool(1, fork=fork) as pool, pytest.raises(BackendError, match="exit status 3"):
        list(pool.map(eval, ["__import__('os')._exit(3)"]))


def test_backend_choice(monkeypatch):
    assert isinstance(backend(1), Serial)
    with backend(2) as pool:
        assert pool.name == "process pool, 2 workers"
    monkeypatch.setattr(executors, "default_workers", lambda: 4)
    small = backend(None, work=PARALLEL_THRESHOLD - 1)
    assert isinstance(small, Serial) and "too little to pay for worker processes" in small.name
    with backend(None, work=PARALLEL_THRESHOLD) as big:
        assert isinstance(big, ProcessPool) and big.workers == 4
    with backend(3, work=1) as forced:  # --workers N is obeyed whatever the size
        assert forced.workers == 3


class Growing:
    """A stand-in for an adaptive cluster: more slots each time it is asked."""

    def __init__(self, slots: list[int]) -> None:
        self.counts = iter(slots)
        self.last = 1

    def slots(self) -> int:
        self.last = next(self.counts, self.last)
        return self.last


def test_tasks_follow_the_slots_and_respect_the_minimum_size():
    sizes = [len(t) for t in tasks_for(Serial(), range(100))]
    assert sum(sizes) == 100 and len(sizes) == TASKS_PER_SLOT
    with ProcessPool(8) as pool:  # not started: tasks_for only asks for its size
        tasks = list(tasks_for(pool, range(100)))
    assert len(tasks) == math.ceil(100 / math.ceil(100 / (TASKS_PER_SLOT * 8)))
    assert sorted(r for t in tasks for r in t) == list(range(100))
    # replications of 100 requests: the smallest task worth shipping, MIN_TASK_REQUESTS / 100 of them
    tasks = list(tasks_for(ProcessPool(64), range(100), requests_each=100))
    assert [len(t) for t in tasks[:-1]] == [MIN_TASK_REQUESTS // 100] * (len(tasks) - 1)
    # replications bigger than that: one per task, so that no worker idles at the end
    tasks = list(tasks_for(ProcessPool(2), range(20), requests_each=3 * MIN_TASK_REQUESTS))
    assert tasks == [(r,) for r in range(20)]
    # a tiny scenario: every replication in one task
    assert list(tasks_for(ProcessPool(2), range(5), requests_each=1)) == [tuple(range(5))]


def test_tasks_grow_in_number_as_an_adaptive_cluster_grows():
    tasks = list(tasks_for(Growing([1, 1, 8, 8, 8]), range(64)))
    sizes = [len(t) for t in tasks]
    assert sizes[:2] == [16, 16] and set(sizes[2:]) == {2}
    assert sorted(r for t in tasks for r in t) == list(range(64))


@pytest.mark.parametrize("address", ["bogus", "tcp://", "tcp://host", "tcp://host:0", "host:99999", "::"])
def test_a_malformed_scheduler_address_is_refused(address):
    with pytest.raises(BackendError, match=f"--scheduler {address}: not a scheduler address"):
        check_address(address)


@pytest.mark.parametrize(
    "address", ["local", "tcp://127.0.0.1:8786", "scheduler.lab:8786", "tls://[::1]:8786"]
)
def test_well_formed_scheduler_addresses_pass(address):
    check_address(address)


def test_a_worker_runs_every_kind_of_task_without_importing_the_heavy_libraries():
    """A real worker process runs a replication, a paired comparison and a property estimate, then
    reports what it has imported: none of scipy.stats, pandas, pyarrow, matplotlib, Dask, hypothesis."""
    scenario = load_scenario(SMALL)
    properties = read_properties(read_file(BASELINE), load_scenario(BASELINE))
    prop = next(p for p in properties if p.scope == "replications")
    with ProcessPool(1, fork=False) as pool:  # a fresh interpreter (a forked one has what we have)
        assert next(pool.map(replicate_batch, [(0, scenario, 1, (0,))]))[1][1][0][0] == 0
        assert len(next(pool.map(compare_batch, [((scenario, scenario), 1, (0,))]))[1]) == 1
        assert len(next(pool.map(matching_shares, [(scenario, prop, 1, (0,))]))[1]) == 1
        modules = next(pool.map(eval, ["sorted(__import__('sys').modules)"]))[1]
    assert "simulator.world.pipeline" in modules  # it did run the simulation
    imported = [m for m in HEAVY if any(name == m or name.startswith(m + ".") for name in modules)]
    assert imported == []


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_exit_when_their_parent_is_killed(tmp_path):
    import signal
    import subprocess

    command = [
        sys.executable, "-c", "from simulator.cli import main; main()",
        "sweep", str(SMALL), "--grid", "safeguards.dual_criminality.refusal_rate=0.1,0.9",
        "--replications", "400", "--batch", "2", "--workers", "2", "--quiet", "--out", str(tmp_path / "run"),
    ]  # fmt: skip
    parent = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(workers := _children(parent.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(workers) == 2, "the sweep did not start its two workers"
        time.sleep(0.5)  # busy with tasks
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    deadline = time.monotonic() + 5
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [w for w in workers if _alive(w)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == [], "worker processes outlived their parent"


def _cli(*args: str):
    from typer.testing import CliRunner

    from simulator.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


COMMANDS = {
    "run": ["run", SMALL, "-n", "2"],
    "compare": ["compare", SMALL, SMALL, "-n", "2"],
    "sweep": ["sweep", SMALL, "-n", "2"],
    "resume": ["sweep", "--resume", "runs/none"],
    "check": ["check", BASELINE, "-p", "authoritarian-abuse-mostly-stopped"],
}


@pytest.mark.parametrize(
    ("command", "address"),
    [(name, "bogus") for name in COMMANDS]
    + [(name, "tcp://127.0.0.1:9") for name in COMMANDS if name != "resume"],  # nothing listens on 9
)
def test_a_bad_scheduler_is_one_line_and_exit_2_on_every_command(command, address, monkeypatch, tmp_path):
    if address.startswith("tcp"):
        pytest.importorskip("dask.distributed")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("simulator.experiments.cluster.CONNECT_TIMEOUT", "1s")
    result = _cli(*COMMANDS[command], "--scheduler", address)
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and f"mlasim: --scheduler {address}: " in result.stderr
    assert "Traceback" not in result.output


def test_the_command_line_says_where_the_work_runs():
    forced = _cli("run", SMALL, "-n", "2", "--workers", "2", "--format", "csv")
    small = _cli("run", SMALL, "-n", "2", "--format", "csv")
    quiet = _cli("run", SMALL, "-n", "2", "--workers", "2", "--format", "csv", "--quiet")
    assert forced.stderr == "mlasim: backend: process pool, 2 workers\n"
    assert small.stderr.startswith("mlasim: backend: serial (about 3,411 simulated requests: too little")
    assert quiet.stderr == ""
    assert forced.stdout == small.stdout == quiet.stdout  # and the numbers do not change
