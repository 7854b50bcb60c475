"""Paired replications for the what-if page, the scenario as loaded run once per replication.

Every what-if a page asks is compared with the same scenario as loaded, on the same requests
(common random numbers), so replication ``r`` of the scenario as loaded is the same whatever the
what-if. It is run once and kept (:class:`Kept`): its summary and its outcome request by request.
A paired replication then runs only the what-if and pairs it with what was kept, which halves the
work of an answer once the scenario as loaded has been run that far. Before it listens, the server
runs the scenario as loaded's first replications, one per worker (:meth:`Runner.warm
<simulator.serving.jobs.Runner.warm>`): the first what-if's first estimate then waits for one
simulation per worker, not two.

The numbers are those of :func:`simulator.experiments.comparison.compare_batch`: the same
simulations with the same request limits, paired by the same functions
(:func:`~simulator.experiments.comparison.flip_row`,
:func:`~simulator.experiments.comparison.flipped_requests`); the tests hold a page's estimate equal
to ``mlasim compare``'s on the same replications.

A replication of a job that was cancelled stops at its next look at the job's *stop file*
(:data:`~simulator.experiments.run.DAY_STEPS` looks a replication, through the day hook of
:func:`simulator.world.pipeline.simulate`, which only watches the clock).
"""

from __future__ import annotations

import gc
import os
import threading
from collections import OrderedDict
from typing import Any

from simulator.experiments.comparison import flip_row, flipped_requests, pairable_replication
from simulator.files.limits import Limits
from simulator.world.pipeline import DayHook
from simulator.world.records import RequestOutcomes
from simulator.world.scenario import Scenario

#: One replication of the scenario as loaded: its summary, and its outcome request by request.
AsLoaded = tuple[dict[str, float], RequestOutcomes]
#: Scenarios as loaded whose replications are kept (a server serves one).
KEPT_SCENARIOS = 2
#: Requests kept over all replications kept (about 10 bytes each: tens of megabytes at most).
KEPT_REQUESTS = 5_000_000


class Cancelled(Exception):
    """Raised in a replication whose job was cancelled."""


#: A worker process's garbage collection, left off after a cancelled replication (see below).
_COLLECT_LATER = [False]


def as_loaded(task: tuple[Scenario, int, int, Limits]) -> tuple[int, AsLoaded]:
    """One replication of the scenario as loaded, to keep: ``(replication, (summary, outcomes))``."""
    scenario, seed, replication, limits = task
    tally = pairable_replication(scenario, seed, replication, limits, None)
    return replication, (tally.summary(), tally.outcomes)


def paired(
    scenarios: tuple[Scenario, ...],
    seed: int,
    replication: int,
    limits: Limits,
    on_day: DayHook | None = None,
    kept: AsLoaded | None = None,
) -> tuple[tuple[list, list, list], AsLoaded | None]:
    """One replication of every configuration, paired request by request with the first (the
    scenario as loaded, run here unless ``kept`` holds it): ``((rows, flips, flipped ids), what was
    run of the first, to keep, or None)`` in the form of
    :func:`~simulator.experiments.comparison.compare_batch`."""
    ran = None
    if kept is None:
        tally = pairable_replication(scenarios[0], seed, replication, limits, on_day)
        kept = ran = (tally.summary(), tally.outcomes)
    summary, outcomes = kept
    tallies = [pairable_replication(s, seed, replication, limits, on_day) for s in scenarios[1:]]
    rows = [summary, *(t.summary() for t in tallies)]
    flips = [flip_row(outcomes, t.outcomes) for t in tallies]
    ids = [flipped_requests(replication, outcomes, t.outcomes) for t in tallies]
    return (rows, flips, ids), ran


def paired_replication(
    task: tuple[tuple[Scenario, ...], int, int, str, Limits, AsLoaded | None],
) -> tuple[int, Any, AsLoaded | None]:
    """A job's task: :func:`paired` looking for the job's stop file; ``(replication, found, what to
    keep)``, with ``found`` None if the job was cancelled meanwhile.

    In a worker process, a cancelled replication answers before Python's cycle collector sweeps the
    simulation it leaves behind (tens of milliseconds of work, ten times that on a busy machine): the
    collector is switched back on when the next task starts. In a job's thread (the serial backend,
    in the server's process) the collector is left alone.
    """
    scenarios, seed, replication, stop_file, limits, kept = task
    in_worker = threading.current_thread() is threading.main_thread()
    if _COLLECT_LATER[0]:
        _COLLECT_LATER[0] = False
        gc.enable()
    collecting = gc.isenabled()

    def look(day: float) -> None:
        if os.path.exists(stop_file):
            raise Cancelled

    if in_worker:
        gc.disable()  # simulate() switches it off anyway; here it stays off until the answer is sent
    try:
        found, ran = paired(scenarios, seed, replication, limits, look, kept)
    except Cancelled:
        _COLLECT_LATER[0] = in_worker and collecting
        return replication, None, None
    except BaseException:
        if in_worker and collecting:
            gc.enable()
        raise
    if in_worker and collecting:
        gc.enable()
    return replication, found, ran


class Kept:
    """Replications of the scenarios as loaded, by replication, shared by a server's jobs: at most
    ``most`` each, for the last :data:`KEPT_SCENARIOS` scenarios, and at most ``requests`` requests
    in all (a replication that would pass it is not kept: its pairs run it again)."""

    def __init__(self, most: int, requests: int = KEPT_REQUESTS) -> None:
        self.most, self.requests = most, requests
        self._by: OrderedDict[int, tuple[Scenario, dict[int, AsLoaded]]] = OrderedDict()
        self._lock = threading.Lock()

    def _held(self) -> int:
        return sum(len(o.outcome) for _, by in self._by.values() for _, o in by.values() if o is not None)

    def get(self, scenario: Scenario, replication: int) -> AsLoaded | None:
        """Replication ``replication`` of ``scenario``, if it was run and kept."""
        with self._lock:
            held = self._by.get(id(scenario))
            return held[1].get(replication) if held is not None and held[0] is scenario else None

    def put(self, scenario: Scenario, replication: int, result: AsLoaded) -> None:
        """Keep replication ``replication`` of ``scenario`` (its first ``most`` replications only)."""
        if replication >= self.most:
            return
        size = len(result[1].outcome) if result[1] is not None else 0
        with self._lock:
            held = self._by.get(id(scenario))
            if held is None or held[0] is not scenario:
                held = self._by[id(scenario)] = (scenario, {})
            self._by.move_to_end(id(scenario))
            while len(self._by) > KEPT_SCENARIOS:
                self._by.popitem(last=False)
            if replication not in held[1] and self._held() + size <= self.requests:
                held[1][replication] = result

    def count(self, scenario: Scenario) -> int:
        """How many replications of ``scenario`` are kept."""
        with self._lock:
            held = self._by.get(id(scenario))
            return len(held[1]) if held is not None and held[0] is scenario else 0
