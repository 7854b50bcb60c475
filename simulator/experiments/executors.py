"""Where replications run: in this process, in a local process pool, or on a Dask cluster.

Work is cut into *tasks*, each a batch of replications (never single requests: a replication is
already thousands of events, and a batch of them amortises the cost of shipping a task). A backend
runs a picklable function over tasks and yields ``(task index, result)`` as tasks finish, in
whatever order. Results never depend on the backend: every replication draws from its own streams
(:mod:`simulator.world.streams`), so the caller reassembles them by replication index and gets the same
numbers from 1 worker, 8 workers or a cluster.

- ``Serial``: in this process (``--workers 1``), the reference.
- ``ProcessPool``: ``--workers N``, a local pool of N processes (spawned, so nothing leaks in).
- ``DaskCluster``: ``--scheduler tcp://host:8786`` for an existing Dask distributed scheduler, or
  ``--scheduler local`` for a ``LocalCluster`` of N single-threaded worker processes. Dask is an
  optional extra: ``pip install 'mlasim[dask]'``.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

#: How long to wait for a Dask scheduler before giving up.
CONNECT_TIMEOUT = "10s"


class BackendError(RuntimeError):
    """A backend that cannot be used (Dask missing, scheduler unreachable): a user error."""


def default_workers() -> int:
    return os.cpu_count() or 1


class Serial:
    name = "serial"

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        for index, task in enumerate(tasks):
            yield index, fn(task)

    def close(self) -> None:
        pass


class ProcessPool:
    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.name = f"process pool, {workers} workers"
        self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        futures = {self._pool.submit(fn, task): index for index, task in enumerate(tasks)}
        try:
            for future in as_completed(futures):
                yield futures[future], future.result()
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskCluster:
    def __init__(self, scheduler: str, workers: int) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise BackendError("--scheduler needs Dask: pip install 'mlasim[dask]'") from None
        self._cluster = None
        try:
            if scheduler == "local":
                self._cluster = LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
                )
                self._client = Client(self._cluster)
                self.name = f"dask LocalCluster, {workers} workers"
            else:
                self._client = Client(scheduler, timeout=CONNECT_TIMEOUT)
                self.name = f"dask scheduler {scheduler}"
        except OSError as error:
            self.close()
            raise BackendError(f"--scheduler {scheduler}: cannot connect: {error}") from None

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        from dask.distributed import as_completed as dask_as_completed

        futures = self._client.map(fn, tasks, pure=False)  # one round trip for every task
        index = {future.key: i for i, future in enumerate(futures)}
        try:
            for future in dask_as_completed(futures):
                yield index[future.key], future.result()
        finally:
            self._client.cancel(futures)

    def close(self) -> None:
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()
        if self._cluster is not None:
            self._cluster.close()


Backend = Serial | ProcessPool | DaskCluster


def backend(workers: int | None = None, scheduler: str | None = None) -> Backend:
    """The backend for ``--workers`` / ``--scheduler`` (close it when done)."""
    workers = default_workers() if workers is None else workers
    if scheduler:
        return DaskCluster(scheduler, workers)
    if workers <= 1:
        return Serial()
    return ProcessPool(workers)


def batch_size(replications: int, workers: int) -> int:
    """Replications per task: about four tasks per worker, to balance load without much overhead."""
    return max(1, math.ceil(replications / (4 * max(workers, 1))))


def batches(replications: Sequence[int], size: int) -> list[tuple[int, ...]]:
    """Replication indices cut into tasks of at most ``size``."""
    items = list(replications)
    return [tuple(items[i : i + size]) for i in range(0, len(items), size)]
