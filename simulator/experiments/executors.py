"""Where replications run: in this process, in local worker processes, or on a Dask cluster.

Work is cut into *tasks*, each a batch of replications (never single requests: a replication is
already thousands of events, and a batch of them amortises the cost of shipping a task). A backend
runs a picklable function over tasks and yields ``(task index, result)`` as tasks finish, in
whatever order. Results never depend on the backend: every replication draws from its own streams
(:mod:`simulator.world.streams`), so the caller reassembles them by replication index and gets the same
numbers from 1 worker, 8 workers or a cluster.

- ``Serial``: in this process (``--workers 1``), the reference.
- ``ProcessPool``: ``--workers N``, N local worker processes, started once per command and reused
  for all its tasks. On Linux, when only one thread runs (the command line; see
  :func:`fork_is_safe`), a worker is *forked* from the command's process: it starts in milliseconds
  with every module already imported. Elsewhere it is a fresh interpreter that imports only what a
  replication needs (the simulation core, numpy, simpy, ``scipy.special``: not the command line,
  pandas, pyarrow or Dask), which costs about half a second of CPU per worker. Either way a worker
  reads tasks from a pipe, and exits when the pipe closes or its parent process dies.
- ``DaskCluster`` (:mod:`simulator.experiments.cluster`): ``--scheduler tcp://host:8786`` for an
  existing Dask distributed scheduler, or ``--scheduler local`` for a ``LocalCluster`` of N
  single-threaded worker processes. Dask is an optional extra: ``pip install 'mlasim[dask]'``.

How many tasks: :func:`tasks_for` cuts replications as the tasks are handed out. When the size of a
replication is known, each task is the smallest worth shipping (``MIN_TASK_REQUESTS`` simulated
requests, or one replication if that is more): small tasks keep every slot busy to the end (20
replications of the reference scenario on 2 workers: 10 each, where tasks of 3 left one worker
with 12 and the other idle for two of them). Otherwise about ``TASKS_PER_SLOT`` tasks per *slot* (a
local worker process, or a thread of a Dask worker, counted at that moment: tasks handed out after
an adaptive cluster has grown are smaller, so there are more of them). With no ``--workers``, the local
default runs the work in this process when it is smaller than ``PARALLEL_THRESHOLD`` simulated
requests, where starting worker processes would cost more than they save.
"""

from __future__ import annotations

import itertools
import math
import os
import pickle
import re
import selectors
import signal
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    from simulator.experiments.cluster import DaskCluster

#: Tasks per slot: enough to even out tasks of unequal length, few enough to keep overhead low.
TASKS_PER_SLOT = 4
#: The smallest task worth shipping, in simulated requests: 0.3-0.4 s of work (a request costs 150-220
#: microseconds), against a few milliseconds to ship a task to a process or a Dask worker.
MIN_TASK_REQUESTS = 2_000
#: Below this many simulated requests the local default stays in this process. A worker process
#: takes about 0.5 s of CPU to start and import what a replication needs, and a request 150-220
#: microseconds to simulate (both measured by ``bench/sweep_scaling.py``), so two workers break even
#: near 5,000-7,000 requests; the threshold leaves a margin for a busy machine. ``--workers N``
#: forces N processes whatever the size.
PARALLEL_THRESHOLD = 10_000


class BackendError(RuntimeError):
    """A backend that cannot be used (Dask missing, scheduler unreachable): a user error."""


def default_workers() -> int:
    """The cores of this machine (1 if unknown): the worker processes used when none are asked for."""
    return os.cpu_count() or 1


class Serial:
    """Every task in this process, one after another."""

    def __init__(self, reason: str = "") -> None:
        self.name = f"serial ({reason})" if reason else "serial"

    def slots(self) -> int:
        """One: a task at a time."""
        return 1

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[tuple[int, Any]]:
        """``(index, fn(task))`` for each task, in order."""
        for index, task in enumerate(tasks):
            yield index, fn(task)

    def close(self) -> None:
        """Nothing to release; here so that every backend closes alike."""
        pass

    def __enter__(self) -> Serial:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_HEADER = struct.Struct("!Q")


def _send(fd: int, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _receive(fd: int) -> Any:
    """The next message on ``fd``; EOFError when the other end has closed it."""
    (size,) = _HEADER.unpack(_read_exactly(fd, _HEADER.size))
    return pickle.loads(_read_exactly(fd, size))


def _read_exactly(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _serve(requests: int | None = None, answers: int | None = None) -> None:
    """A worker process's loop: run ``(function, task)`` messages from ``requests`` (stdin by
    default), answer on ``answers`` (a duplicate of stdout by default).

    Ctrl-C is left to the parent (which stops the workers); the worker exits when its requests
    close, and a watchdog thread ends it within half a second of its parent's death (e.g.
    ``kill -9``), even in the middle of a task.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if requests is None or answers is None:
        requests, answers = sys.stdin.fileno(), os.dup(sys.stdout.fileno())
    os.dup2(2, 1)  # a stray print goes to stderr: it cannot corrupt the answers (fds: sys.std* may be
    # replaced by then, e.g. in a worker forked from a test's captured output)
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
    while True:
        try:
            fn, task = _receive(requests)
        except EOFError:
            return
        try:
            answer = (True, fn(task))
        except Exception as error:  # the parent re-raises it
            answer = (False, error)
        try:
            _send(answers, answer)
        except (pickle.PicklingError, TypeError, AttributeError):
            _send(answers, (False, RuntimeError(f"unpicklable result or error: {answer[1]!r}")))


def fork_is_safe() -> bool:
    """Whether a worker can be forked from this process: Linux, and no thread but this one.

    A forked child has only the thread that forked; a lock another thread held at that moment
    stays locked in the child for ever. With one thread there is no such lock (CPython resets its
    own, such as the import lock, after a fork). Elsewhere (macOS, Windows, a notebook kernel's
    threads, a Dask client) a worker is a fresh interpreter.
    """
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


#: The parent's ends of the workers' pipes: a worker forked later closes them (else a worker would
#: keep another's requests open, and that one would not see them close).
_PARENT_ENDS: set[int] = set()


class _Worker:
    """One worker process, forked from this one (``fork``: it has every module already imported and
    starts in milliseconds) or a fresh interpreter that imports what its tasks need (about half a
    second of CPU)."""

    def __init__(self, fork: bool) -> None:
        self.forked = fork
        self.status: int | None = None  # a forked worker's exit status, once it has been reaped
        if fork:
            self.pid = self._fork()
            self.process = None
        else:
            code = (
                f"import sys; sys.path[:] = {sys.path!r}; "
                "from simulator.experiments.executors import _serve; _serve()"
            )
            self.process = subprocess.Popen(
                [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0
            )
            assert self.process.stdin is not None and self.process.stdout is not None
            self.pid = self.process.pid
            self.requests = self.process.stdin
            self.answers = self.process.stdout

    def _fork(self) -> int:
        task_read, task_write = os.pipe()
        answer_read, answer_write = os.pipe()
        for stream in (sys.stdout, sys.stderr):  # nothing buffered here is written twice
            stream.flush()
        pid = os.fork()
        if pid == 0:  # the worker: serve, then leave without running the parent's exit handlers
            status = 0
            try:
                for fd in (task_write, answer_read, *_PARENT_ENDS):
                    os.close(fd)
                _serve(task_read, answer_write)
            except BaseException:
                status = 1
                traceback.print_exc()
            finally:
                os._exit(status)
        os.close(task_read)
        os.close(answer_write)
        _PARENT_ENDS.update((task_write, answer_read))
        self.requests = os.fdopen(task_write, "wb", buffering=0)
        self.answers = os.fdopen(answer_read, "rb", buffering=0)
        return pid

    def wait(self, timeout: float | None) -> int | None:
        """The worker's exit status, waiting up to ``timeout`` seconds (None: for ever); None if it
        still runs."""
        if self.process is not None:
            try:
                return self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                return None
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.status is None:
            pid, status = os.waitpid(self.pid, 0 if deadline is None else os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
            elif time.monotonic() >= deadline:
                return None
            else:
                time.sleep(0.001)
        return self.status

    def dismiss(self) -> None:
        """Close the worker's requests: its signal to exit once it is idle."""
        if not self.requests.closed:
            _PARENT_ENDS.discard(self.requests.fileno())
            self.requests.close()

    def stop(self, now: bool) -> None:
        self.dismiss()
        if self.wait(timeout=0 if now else 5) is None:
            if self.process is not None:
                self.process.kill()
            else:
                os.kill(self.pid, signal.SIGKILL)
            self.wait(timeout=None)
        if not self.answers.closed:
            _PARENT_ENDS.discard(self.answers.fileno())
            self.answers.close()


class ProcessPool:
    """``workers`` local worker processes, started on first use and reused until ``close``."""

    def __init__(self, workers: int, fork: bool | None = None) -> None:
        self.workers = workers
        self.fork = fork  # None: fork when it is safe (see fork_is_safe), when the workers start
        self.name = f"process pool, {workers} workers"
        self._idle: list[_Worker] = []
        self._all: list[_Worker] = []

    def slots(self) -> int:
        """``workers``: each worker process runs one task at a time."""
        return self.workers

    def _start(self) -> None:
        if not self._all:
            fork = fork_is_safe() if self.fork is None else self.fork
            if fork:  # what every replication imports, imported once here rather than in each worker
                import simulator.world.pipeline  # noqa: F401
                from simulator.world.distributions import preload

                preload()
            self._all = [_Worker(fork) for _ in range(self.workers)]
            self._idle = list(self._all)

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[tuple[int, Any]]:
        """Tasks are taken from ``tasks`` only when a worker is free to run them."""
        source = iter(enumerate(tasks))
        first = next(source, None)
        if first is None:
            return  # nothing to do: no worker started
        self._start()
        source = itertools.chain([first], source)
        busy: dict[int, int] = {}  # worker's answer fd -> task index
        workers = {w.answers.fileno(): w for w in self._all}
        with selectors.DefaultSelector() as selector:
            try:
                while True:
                    while self._idle and (item := next(source, None)) is not None:
                        worker = self._idle.pop()
                        try:
                            _send(worker.requests.fileno(), (fn, item[1]))
                        except BrokenPipeError:  # it died before reading its task
                            status = worker.wait(timeout=None)
                            raise BackendError(
                                f"a worker process ended unexpectedly (exit status {status})"
                            ) from None
                        busy[worker.answers.fileno()] = item[0]
                        selector.register(worker.answers.fileno(), selectors.EVENT_READ)
                    if not busy:
                        return
                    for key, _ in selector.select():
                        fd = key.fd
                        selector.unregister(fd)
                        index = busy.pop(fd)
                        try:
                            ok, value = _receive(fd)
                        except EOFError:
                            status = workers[fd].wait(timeout=None)
                            raise BackendError(
                                f"a worker process ended unexpectedly (exit status {status})"
                            ) from None
                        self._idle.append(workers[fd])
                        if not ok:
                            raise value
                        yield index, value
            except BaseException as stopped:
                # An error stops the pool; a caller that stops early (GeneratorExit) stops only the
                # workers still busy, whose answers would come out of turn in the next map.
                if busy or not isinstance(stopped, GeneratorExit):
                    for fd in busy:
                        workers[fd].stop(now=True)
                    self._all = [w for fd, w in workers.items() if fd not in busy]
                    self.close()
                raise

    def close(self) -> None:
        """Tell every worker to exit once idle, and kill any still running 5 seconds later; the next
        :meth:`map` starts new ones."""
        for worker in self._all:  # every worker told first: they exit side by side, not in turn
            worker.dismiss()
        for worker in self._all:
            worker.stop(now=False)
        self._all, self._idle = [], []

    def __enter__(self) -> ProcessPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_ADDRESS = re.compile(r"^(?:(?:tcp|tls|ws|wss|ucx)://)?(?:\[[0-9a-fA-F:]+\]|[\w.-]+):\d{1,5}$")


def check_address(scheduler: str | None) -> None:
    """A ``--scheduler`` value that cannot be an address is refused before anything starts."""
    if scheduler is None or scheduler == "local":
        return
    if not _ADDRESS.match(scheduler) or not 0 < int(scheduler.rsplit(":", 1)[1]) < 65536:
        raise BackendError(
            f"--scheduler {scheduler}: not a scheduler address; give tcp://HOST:PORT "
            "(a running 'dask scheduler'), or 'local' for a LocalCluster"
        )


Backend = Union[Serial, ProcessPool, "DaskCluster"]  # DaskCluster: simulator.experiments.cluster


def backend(workers: int | None = None, scheduler: str | None = None, work: float | None = None) -> Backend:
    """The backend for ``--workers`` / ``--scheduler`` (close it when done, or use it in ``with``).

    With ``workers`` None (no ``--workers``), local work of ``work`` simulated requests runs in this
    process below ``PARALLEL_THRESHOLD``, on every core above it.
    """
    if scheduler:
        from simulator.experiments.cluster import DaskCluster  # Dask is an optional extra

        return DaskCluster(scheduler, workers or default_workers())
    if workers is None:
        if default_workers() == 1:
            return Serial("one core")
        if work is not None and work < PARALLEL_THRESHOLD:
            return Serial(f"about {work:,.0f} simulated requests: too little to pay for worker processes")
        workers = default_workers()
    return Serial() if workers <= 1 else ProcessPool(workers)


def tasks_for(
    executor: Backend, replications: Sequence[int], requests_each: float = 0.0
) -> Iterator[tuple[int, ...]]:
    """``replications`` cut into tasks as they are handed out (see the module docstring).

    With ``requests_each`` (simulated requests per replication), every task is the smallest worth
    shipping: ``MIN_TASK_REQUESTS`` requests, at least one replication. Without it, about
    ``TASKS_PER_SLOT`` tasks per slot of the executor at that moment. Pass the result to
    ``executor.map``: it is consumed only as slots fall free.
    """
    items = list(replications)
    smallest = 0
    if requests_each > 0:  # at most every replication in one task (a tiny scenario: one task)
        smallest = min(max(len(items), 1), max(1, math.ceil(min(MIN_TASK_REQUESTS / requests_each, 1e9))))
    start = 0
    while start < len(items):
        size = smallest or math.ceil(len(items) / (TASKS_PER_SLOT * executor.slots()))
        yield tuple(items[start : start + size])
        start += size


def batches(replications: Sequence[int], size: int) -> list[tuple[int, ...]]:
    """Replication indices cut into tasks of at most ``size``."""
    items = list(replications)
    return [tuple(items[i : i + size]) for i in range(0, len(items), size)]
