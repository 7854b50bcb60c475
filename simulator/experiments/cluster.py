"""A Dask cluster as a backend: ``--scheduler tcp://host:8786`` or ``--scheduler local``.

The same interface as the local backends of :mod:`simulator.experiments.executors` (``slots``,
``map``, ``close``): tasks go to the cluster's workers, twice as many in flight as it has threads,
topped up as they finish, so an adaptive cluster that grows gets more of them. Results never depend
on where a task ran (every replication draws from its own streams). Dask is an optional extra
(``pip install 'mlasim[dask]'``); without it, or with a scheduler that cannot be reached,
``--scheduler`` is a one-line user error (:class:`~simulator.experiments.executors.BackendError`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from simulator.experiments.executors import BackendError, check_address

#: How long to wait for a Dask scheduler before giving up.
CONNECT_TIMEOUT = "10s"


class DaskCluster:
    def __init__(self, scheduler: str, workers: int) -> None:
        check_address(scheduler)
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise BackendError("--scheduler needs Dask: pip install 'mlasim[dask]'") from None
        self._cluster = None
        self._client = None
        self._counted = (0.0, 0)
        try:
            if scheduler == "local":
                self._cluster = LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
                )
                self._client = Client(self._cluster)
                self.name = f"dask LocalCluster, {workers} workers"
            else:
                self._client = Client(scheduler, timeout=CONNECT_TIMEOUT)
                threads = self._client.nthreads()
                self.name = f"dask scheduler {scheduler}, {len(threads)} workers"
                if sum(threads.values()) != len(threads):
                    self.name += f" ({sum(threads.values())} threads)"
        except (OSError, ValueError, TypeError) as error:
            self.close()
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise BackendError(f"--scheduler {scheduler}: cannot connect: {reason}") from None

    def slots(self) -> int:
        """Threads of the cluster's workers now (an adaptive cluster's grow); asked at most once a second."""
        checked, count = self._counted
        if time.monotonic() - checked > 1.0:
            count = sum(self._client.nthreads().values())
            self._counted = (time.monotonic(), count)
        return max(1, count)

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[tuple[int, Any]]:
        """Twice as many tasks in flight as the cluster has threads, topped up as they finish."""
        from dask.distributed import as_completed

        source = iter(enumerate(tasks))
        live: dict[str, tuple[int, Any]] = {}  # future key -> (task index, future)
        running = as_completed()

        def top_up() -> None:
            while len(live) < 2 * self.slots() and (item := next(source, None)) is not None:
                future = self._client.submit(fn, item[1], pure=False)
                live[future.key] = (item[0], future)
                running.add(future)

        top_up()
        try:
            for future in running:
                result = future.result()
                index, _ = live.pop(future.key)
                top_up()
                yield index, result
        finally:
            if live:
                self._client.cancel([future for _, future in live.values()])

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def __enter__(self) -> DaskCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
