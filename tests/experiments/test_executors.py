"""Backends: the same results in any order from any backend."""

from __future__ import annotations

import pytest

from simulator.experiments.executors import BackendError, ProcessPool, Serial, backend, batches


def square(x: int) -> int:
    return x * x


def test_batches_cover_every_replication_once():
    assert batches(range(7), 3) == [(0, 1, 2), (3, 4, 5), (6,)]
    assert batches([], 3) == []


def test_serial_and_pool_give_the_same_results():
    tasks = list(range(10))
    serial = dict(Serial().map(square, tasks))
    pool = ProcessPool(2)
    try:
        pooled = dict(pool.map(square, tasks))
    finally:
        pool.close()
    assert serial == pooled == {i: i * i for i in tasks}


def test_backend_choice():
    assert isinstance(backend(1), Serial)
    pool = backend(2)
    try:
        assert pool.name == "process pool, 2 workers"
    finally:
        pool.close()


def test_an_unreachable_scheduler_is_a_user_error(monkeypatch):
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr("simulator.experiments.executors.CONNECT_TIMEOUT", "1s")
    with pytest.raises(BackendError, match="cannot connect"):
        backend(1, "tcp://127.0.0.1:9")
