"""A Dask cluster as a backend: ``--scheduler tcp://host:8786`` or ``--scheduler local``.

The same interface as the local backends of :mod:`simulator.experiments.executors` (``slots``,
``map``, ``close``): tasks go to the cluster's workers, twice as many in flight as it has threads,
topped up as they finish, so an adaptive cluster that grows gets more of them. Results never depend
on where a task ran (every replication draws from its own streams). Dask is an optional extra
(``pip install 'mlasim[dask]'``); without it, ``--scheduler`` is a one-line user error.

**Failing in one line, within a bounded time.** Every way a cluster can fail a command is a
:class:`~simulator.experiments.executors.BackendError` (one line, exit status 2), never a hang:

- *nothing listens*: distributed's own connect timeout (``Client(timeout=...)``,
  :data:`CONNECT_TIMEOUT`) covers the TCP connection;
- *something else listens*: distributed's handshake read has no timeout of its own (a silent
  listener keeps it waiting for ever, and a service that greets with a banner has its first eight
  bytes read as a frame size: "Unable to allocate 2.82 EiB"). So before the client connects to a
  ``tcp://`` address, :func:`greeting_problem` opens a plain socket: a Dask scheduler greets a new
  connection at once with its handshake, an eight-byte length then that many bytes
  (``distributed.comm.core.Listener.on_connection``, ``distributed.comm.tcp.TCP.read``). A service
  that says nothing within :data:`GREETING_SECONDS` is asked ``HEAD / HTTP/1.0`` to tell an HTTP
  server from a silent listener; one that sends something else is named by what it sent;
- *the scheduler is lost* mid-run: the client's futures are cancelled when its connection closes, and
  the cluster is asked how many threads it has every :data:`HEALTH_SECONDS` (with a timeout of its
  own): either way the run stops;
- *no worker is left* (the last one killed): the scheduler would hold the tasks for ever, waiting for
  one; after :data:`NO_WORKER_SECONDS` without any worker the run stops;
- a task that kills its workers again and again (distributed's ``KilledWorker``) stops it too.

Tasks already finished are kept by the caller (a sweep's task files): the command line says how to
resume. distributed's own log lines (a lost connection, a worker gone, with their tracebacks) are
kept off standard error once this backend has been opened in a process, unless ``MLASIM_DEBUG`` is
set, so that the one line is the only one (its client's reconnection attempts log after it closes).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import struct
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from simulator.experiments.executors import BackendError, check_address

#: How long to wait for a Dask scheduler to accept a connection before giving up.
CONNECT_TIMEOUT = "10s"
#: How long a scheduler may take to greet a new connection (a Dask scheduler does at once).
GREETING_SECONDS = 5.0
#: The largest greeting a Dask scheduler sends (its handshake is a few hundred bytes).
MAX_GREETING = 1 << 20
#: How often a running map asks the cluster how many threads it has, and how long it waits for an answer.
HEALTH_SECONDS = 1.0
HEALTH_TIMEOUT = 10.0
#: How long a running map waits for a worker when the cluster has none left.
NO_WORKER_SECONDS = 20.0
#: How long closing the client and the cluster may take.
CLOSE_SECONDS = 5.0
#: Pause between two looks at the tasks in flight.
STEP_SECONDS = 0.01


def greeting_problem(address: str, timeout: float | None = None) -> str | None:
    """Why the service at ``address`` (``tcp://host:port``) is not a Dask scheduler, or None when it
    greets as one does (or cannot be reached: the client then says so with its own timeout).
    ``timeout``: how long it may take to greet (default :data:`GREETING_SECONDS`)."""
    timeout = GREETING_SECONDS if timeout is None else timeout
    host, port = address.split("://", 1)[-1].rsplit(":", 1)
    try:
        sock = socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)
    except OSError:
        return None  # the client's connect (with its retries and timeout) says why
    with sock:
        sock.settimeout(timeout)
        try:
            header = _read(sock, 8)
        except TimeoutError:
            return _silent(sock, timeout)
        except OSError as error:
            return f"closed the connection ({error.strerror or error}): not a Dask scheduler"
        if not header:
            return "closed the connection without a word: not a Dask scheduler"
        (size,) = struct.unpack("<Q", header.ljust(8, b"\0"))
        if len(header) < 8 or not 0 < size <= MAX_GREETING:
            return f"answered {_shown(header)}: not a Dask scheduler (is the port right?)"
    return None


def _read(sock: socket.socket, count: int) -> bytes:
    """Up to ``count`` bytes, fewer only when the other end closes."""
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _silent(sock: socket.socket, timeout: float) -> str:
    """What to say of a service that did not greet: an HTTP server, or a listener that says nothing."""
    try:
        sock.sendall(b"HEAD / HTTP/1.0\r\n\r\n")
        sock.settimeout(min(timeout, 2.0))
        answer = sock.recv(64)
    except OSError:
        answer = b""
    if answer.startswith(b"HTTP/"):
        status = answer.split(b"\r\n")[0]
        return f"is an HTTP server (it answered {_shown(status)}), not a Dask scheduler"
    return (
        f"accepted the connection but said nothing for {timeout:g} s (a Dask scheduler greets at once): "
        "not a Dask scheduler, or one too busy to answer"
    )


def _shown(data: bytes) -> str:
    """The first bytes a service sent, printable."""
    text = data[:32].decode("ascii", "replace")
    return repr("".join(c if c.isprintable() else "?" for c in text))


class DaskCluster:
    """Tasks on a Dask cluster: an existing scheduler's (``--scheduler ADDRESS``), or a
    ``LocalCluster`` of ``workers`` single-threaded processes (``--scheduler local``).

    A missing Dask, an address that is no Dask scheduler, or a scheduler that cannot be reached is a
    :class:`BackendError` in one line, raised before any task is handed out.
    """

    def __init__(self, scheduler: str, workers: int) -> None:
        check_address(scheduler)
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise BackendError("--scheduler needs Dask: pip install 'mlasim[dask]'") from None
        self.address = scheduler
        self._cluster = None
        self._client = None
        self._counted = (0.0, 0)
        self._checked = time.monotonic()
        self._workerless_since: float | None = None
        self._quiet_logs()
        try:
            if scheduler == "local":
                self._cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    # no dashboard, and the scheduler's HTTP server on a free port: with None alone it
                    # takes 8787, and warns on standard error when another cluster holds that port
                    scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"},
                )
                self._client = Client(self._cluster)
                self.name = f"dask LocalCluster, {workers} workers"
            else:
                if "://" not in scheduler or scheduler.startswith("tcp://"):
                    problem = greeting_problem(scheduler if "://" in scheduler else f"tcp://{scheduler}")
                    if problem:
                        raise BackendError(f"--scheduler {scheduler}: {problem}")
                self._client = Client(scheduler, timeout=CONNECT_TIMEOUT)
                threads = self._client.nthreads(callback_timeout=HEALTH_TIMEOUT)
                self.name = f"dask scheduler {scheduler}, {len(threads)} workers"
                if sum(threads.values()) != len(threads):
                    self.name += f" ({sum(threads.values())} threads)"
        except BackendError:
            self.close()
            raise
        except Exception as error:  # whatever stops the connection, one line: it is the user's cluster
            self.close()
            raise BackendError(f"--scheduler {scheduler}: cannot connect: {_reason(error)}") from None

    @staticmethod
    def _quiet_logs() -> None:
        """distributed's log lines off standard error (see the module docstring)."""
        if not os.environ.get("MLASIM_DEBUG"):
            for name in ("distributed", "tornado"):
                logging.getLogger(name).setLevel(logging.CRITICAL + 1)

    def slots(self) -> int:
        """Threads of the cluster's workers now (an adaptive cluster's grow); asked at most once a second."""
        checked, count = self._counted
        if time.monotonic() - checked > 1.0:
            count = sum(self._threads().values())
            self._counted = (time.monotonic(), count)
        return max(1, count)

    def _threads(self) -> dict[str, int]:
        """The cluster's workers and their threads, asked of the scheduler (BackendError if it is lost)."""
        try:
            return self._client.nthreads(callback_timeout=HEALTH_TIMEOUT)
        except Exception as error:
            raise BackendError(self._lost(f"it does not answer: {_reason(error)}")) from None

    def _lost(self, why: str) -> str:
        return f"--scheduler {self.address}: lost the Dask scheduler ({why})"

    def _watch(self) -> None:
        """Stop a map whose scheduler is lost or whose cluster has had no worker for too long."""
        now = time.monotonic()
        if now - self._checked < HEALTH_SECONDS:
            return
        self._checked = now
        if self._client.status not in ("running", "connecting"):
            raise BackendError(self._lost(f"the client is {self._client.status}"))
        threads = self._threads()
        self._counted = (now, sum(threads.values()))
        if threads:
            self._workerless_since = None
        elif self._workerless_since is None:
            self._workerless_since = now
        elif now - self._workerless_since > NO_WORKER_SECONDS:
            raise BackendError(
                f"--scheduler {self.address}: the Dask cluster has had no worker for "
                f"{NO_WORKER_SECONDS:g} s (the last one was lost): start workers, then go on"
            )

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[tuple[int, Any]]:
        """Twice as many tasks in flight as the cluster has threads, topped up as they finish."""
        from dask.distributed import as_completed

        source = iter(enumerate(tasks))
        live: dict[str, tuple[int, Any]] = {}  # future key -> (task index, future)
        running = as_completed()

        def top_up() -> None:
            while len(live) < 2 * self.slots() and (item := next(source, None)) is not None:
                try:
                    future = self._client.submit(fn, item[1], pure=False)
                except Exception as error:
                    raise BackendError(self._lost(_reason(error))) from None
                live[future.key] = (item[0], future)
                running.add(future)

        top_up()
        try:
            while live:
                ready = running.next_batch(block=False)
                if not ready:
                    self._watch()
                    time.sleep(STEP_SECONDS)
                    continue
                for future in ready:
                    index, _ = live.pop(future.key)
                    result = self._result(future)
                    top_up()
                    yield index, result
        finally:
            if live and self._client.status == "running":
                with contextlib.suppress(Exception):  # the scheduler is gone: nothing to cancel
                    self._client.cancel([future for _, future in live.values()])

    def _result(self, future: Any) -> Any:
        """A finished task's result; its own error as raised; a lost scheduler or worker as one line."""
        from distributed.scheduler import KilledWorker

        if future.status not in ("finished", "error"):
            raise BackendError(self._lost(f"a task was {future.status}"))
        if future.status == "error":
            error = self._fetched(future.exception)
            if isinstance(error, KilledWorker):
                raise BackendError(
                    f"--scheduler {self.address}: a task was lost with the Dask workers that ran it "
                    "(out of memory? see the workers' logs)"
                )
            raise error
        return self._fetched(future.result)

    def _fetched(self, fetch: Callable[..., Any]) -> Any:
        """What ``fetch`` (a future's ``result`` or ``exception``) gets from the worker holding it,
        watching the cluster meanwhile: a worker lost with the result makes it wait for another."""
        while True:
            try:
                return fetch(timeout=HEALTH_SECONDS)
            except TimeoutError:
                self._watch()
            except Exception as error:
                raise BackendError(self._lost(_reason(error))) from None

    def close(self) -> None:
        """Disconnect, and shut down the ``LocalCluster`` if this backend started one (a lost scheduler
        is no error here)."""
        for closing in (self._client, self._cluster):
            if closing is not None:
                with contextlib.suppress(Exception):  # a lost scheduler: nothing left to close
                    closing.close(timeout=CLOSE_SECONDS)
        self._client = self._cluster = None

    def __enter__(self) -> DaskCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _reason(error: BaseException) -> str:
    """An error in a few words: its first line without distributed's object names and errno, or its type."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    text = re.sub(r"\[Errno \d+\] ", "", re.sub(r"^in <[^>]*>: ", "", text))
    return text or type(error).__name__
