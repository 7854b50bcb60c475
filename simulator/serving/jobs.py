"""The comparisons a what-if page asks for: run outside the request, sharpened, cancelled on a change.

A :class:`Job` compares a what-if with the scenario as loaded on common random numbers, one paired
replication per task (:mod:`simulator.serving.replications`: the scenario as loaded is run once per
replication and kept for every what-if of the server), on a backend of
:mod:`simulator.experiments.executors` (worker processes, this process, or a Dask cluster). It runs
in a thread of its own, never in the thread that answers the page. Its estimate is the comparison
of replications ``0 .. n-1``, the first ``n`` that have finished with none missing: replications
finish out of order, and an estimate from a prefix is the one ``mlasim compare --replications n``
gives, whatever the backend and however the work was split.

A job stops when the abuse pass-through difference's interval is narrow enough (a half-width at
most ``precision``, after at least ``least`` replications), after ``most`` replications, or when it
is cancelled. Cancelling writes the job's *stop file*; every replication running for it, in this
process or a worker process on this machine, looks for that file
:data:`~simulator.experiments.run.DAY_STEPS` times a replication (through the day hook of
:func:`simulator.world.pipeline.simulate`, which only watches the clock) and ends at once, so the
workers are free again within a few milliseconds of simulated work. A new change in a tab cancels
that tab's job; another tab's job runs on.

Backends are lent (:class:`Lender`): a job borrows one, and gives it back when it ends, so the
worker processes a page started are used by its next what-if; two jobs at once (two tabs) use
two backends and never share a worker.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import tempfile
import threading
import time
import traceback
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any

from simulator.experiments.comparison import PRECISION_METRIC, Comparison
from simulator.experiments.executors import Backend, backend
from simulator.files.limits import DEFAULT_LIMITS, Limits
from simulator.serving.replications import Kept, as_loaded, paired_replication
from simulator.world.scenario import Scenario
from simulator.world.volume import RunawayReplication

#: Jobs kept (finished ones too: the page downloads a finished job's report).
KEPT_JOBS = 64
#: Idle backends kept for the next job.
KEPT_BACKENDS = 2


class Lender:
    """Backends lent to jobs, one at a time each, and kept for the next job when given back."""

    def __init__(self, workers: int | None, scheduler: str | None) -> None:
        self.workers, self.scheduler = workers, scheduler
        self._idle: list[Backend] = []
        self._lock = threading.Lock()

    def borrow(self) -> Backend:
        """A backend to run a what-if on: an idle one, or a new one."""
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return backend(self.workers, self.scheduler, work=math.inf)

    def give_back(self, executor: Backend) -> None:
        """Keep ``executor`` for the next what-if, or close it when enough are kept."""
        with self._lock:
            if len(self._idle) < KEPT_BACKENDS:
                self._idle.append(executor)
                return
        executor.close()

    def close(self) -> None:
        """Close every backend kept."""
        with self._lock:
            idle, self._idle = self._idle, []
        for executor in idle:
            executor.close()


class Job:
    """One what-if compared with the scenario as loaded (see the module docstring)."""

    def __init__(
        self,
        scenarios: Sequence[Scenario],
        labels: Sequence[str],
        changes: dict[str, Any],
        stop_file: str,
        precision: float,
        least: int,
        most: int,
        limits: Limits = DEFAULT_LIMITS,
        kept: Kept | None = None,
    ) -> None:
        self.id = uuid.uuid4().hex[:12]
        self.kept = Kept(most) if kept is None else kept  # the scenario as loaded's replications
        self.scenarios, self.labels, self.changes = tuple(scenarios), tuple(labels), dict(changes)
        self.seed = self.scenarios[0].seed
        self.stop_file, self.limits = stop_file, limits
        self.precision, self.least, self.most = precision, least, most
        self.state = "running"  # running | done | cancelled | failed
        self.message = ""
        self.version = 0  # told every change a page shows
        self.started = time.monotonic()
        self.first_estimate: float | None = None  # seconds from start to 2 replications
        self.ended: float | None = None
        self._results: dict[int, Any] = {}
        self._next = 0  # the next replication to hand out
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self.thread: threading.Thread | None = None

    # --- what the page reads -----------------------------------------------------------------
    @property
    def replications(self) -> int:
        """How many replications from 0 have finished with none missing."""
        with self._lock:
            n = 0
            while n in self._results:
                n += 1
            return n

    def comparison(self) -> Comparison | None:
        """The comparison of the finished prefix of replications (None before the first)."""
        n = self.replications
        if n == 0:
            return None
        with self._lock:
            done = [self._results[r] for r in range(n)]
        rows = tuple(tuple(d[0][i] for d in done) for i in range(len(self.scenarios)))
        flips = tuple(tuple(d[1][i] for d in done) for i in range(len(self.scenarios) - 1))
        ids = tuple(tuple(f for d in done for f in d[2][i]) for i in range(len(self.scenarios) - 1))
        return Comparison(self.labels, self.scenarios, self.seed, rows, flips, flipped=ids)

    def enough(self) -> bool:
        """Whether the job has what it set out for: a narrow interval, or its most replications."""
        n = self.replications
        if n >= self.most:
            return True
        if n < max(self.least, 2):
            return False
        comparison = self.comparison()
        width = comparison.difference(1, PRECISION_METRIC).half_width if comparison else math.nan
        return width <= self.precision

    @property
    def running(self) -> bool:
        """Whether the what-if is still running."""
        return self.state == "running"

    # --- running and stopping ----------------------------------------------------------------
    def cancel(self) -> None:
        """Stop the job: no new replication starts, and those running end at their next look."""
        if not self._stopped.is_set():
            self._stopped.set()
            try:
                with open(self.stop_file, "w"):
                    pass
            except OSError:  # the directory is gone: the server is closing
                pass

    def start(self, lender: Lender) -> None:
        """Run the what-if in a thread of its own, on a backend from ``lender``."""
        self.thread = threading.Thread(
            target=self._run, args=(lender,), name=f"what-if {self.id}", daemon=True
        )
        self.thread.start()

    def _tasks(self) -> Iterator[tuple]:
        while self._next < self.most and not self._stopped.is_set() and not self.enough():
            kept = self.kept.get(self.scenarios[0], self._next)
            yield (self.scenarios, self.seed, self._next, self.stop_file, self.limits, kept)
            self._next += 1

    def _run(self, lender: Lender) -> None:
        executor = lender.borrow()
        try:
            # replications still running when the interval was narrow enough can widen it again:
            # then more are run, so the job ends on an estimate that meets its own rule
            while not self._stopped.is_set() and not self.enough():
                for _, (replication, payload, ran) in executor.map(paired_replication, self._tasks()):
                    if ran is not None:
                        self.kept.put(self.scenarios[0], replication, ran)
                    if payload is not None:
                        with self._lock:
                            self._results[replication] = payload
                        if self.first_estimate is None and self.replications >= 2:
                            self.first_estimate = time.monotonic() - self.started
                        self.version += 1
            self.state = "cancelled" if self._stopped.is_set() else "done"
        except RunawayReplication as error:
            self.state, self.message = "failed", str(error)
        except Exception as error:  # shown on the page in one line; the details go to the server's log
            traceback.print_exc()
            self.state, self.message = "failed", f"the comparison stopped: {type(error).__name__}: {error}"
        finally:
            self.ended = time.monotonic()
            self.version += 1
            lender.give_back(executor)
            with contextlib.suppress(OSError):
                os.remove(self.stop_file)


class Runner:
    """The jobs of one server: at most one running per tab, a bounded record of the others."""

    def __init__(
        self,
        workers: int | None = None,
        scheduler: str | None = None,
        precision: float = 0.01,
        least: int = 10,
        most: int = 200,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.lender = Lender(workers, scheduler)
        self.precision, self.least, self.most, self.limits = precision, least, most, limits
        self.kept = Kept(most)
        self.jobs: OrderedDict[str, Job] = OrderedDict()
        self.tabs: dict[str, str] = {}  # tab -> its job's id
        self._lock = threading.Lock()
        self._stops = tempfile.mkdtemp(prefix="mlasim-serve-")

    def start(self, tab: str, scenarios: Sequence[Scenario], labels: Sequence[str], changes: dict) -> Job:
        """Cancel ``tab``'s running job and start a new one."""
        job = Job(
            scenarios,
            labels,
            changes,
            "",
            self.precision,
            self.least,
            self.most,
            self.limits,
            self.kept,
        )
        job.stop_file = os.path.join(self._stops, job.id)
        with self._lock:
            previous = self.jobs.get(self.tabs.get(tab, ""))
            self.tabs[tab] = job.id
            self.jobs[job.id] = job
            while len(self.jobs) > KEPT_JOBS:
                _, old = self.jobs.popitem(last=False)
                old.cancel()
        if previous is not None:
            previous.cancel()
        job.start(self.lender)
        return job

    def warm(self, base: Scenario) -> str:
        """Start one backend's workers now (before the page is served; local workers are forked) and
        run the first replications of the scenario as loaded on them, one per worker, to keep; the
        backend's name."""
        executor = self.lender.borrow()
        try:
            count = min(executor.slots(), self.most)
            tasks = [(base, base.seed, r, self.limits) for r in range(count)]
            for _, (replication, result) in executor.map(as_loaded, tasks):
                self.kept.put(base, replication, result)
        finally:
            self.lender.give_back(executor)
        return executor.name

    def forget(self, tab: str) -> None:
        """Cancel ``tab``'s running job (its what-if is back to the scenario as loaded, or unusable)."""
        with self._lock:
            job = self.jobs.get(self.tabs.pop(tab, ""))
        if job is not None:
            job.cancel()

    def job(self, job_id: str) -> Job | None:
        """The what-if ``job_id`` (None if unknown or forgotten)."""
        with self._lock:
            return self.jobs.get(job_id)

    def close(self) -> None:
        """Cancel every job, wait for them, close the backends."""
        with self._lock:
            jobs = list(self.jobs.values())
        for job in jobs:
            job.cancel()
        for job in jobs:
            if job.thread is not None:
                job.thread.join(timeout=10)
        self.lender.close()
        shutil.rmtree(self._stops, ignore_errors=True)
