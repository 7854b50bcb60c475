"""The replication's clock does what SimPy's own machinery does, event for event.

:func:`~simulator.world.clock.run_until` against ``Environment.run``, :class:`~simulator.world.clock.Clocked`
against a SimPy process of timeouts: on small worlds whose events tie in time (where only the
order of event ids decides), and on whole runs (arrivals, follow-ups and observers as processes).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import simpy

import simulator.world.pipeline
from simulator.files.document import load_scenario
from simulator.world.clock import Clocked, Waits, run_until
from simulator.world.pipeline import Pipeline
from simulator.world.tally import Tally
from tests.conftest import SCENARIOS
from tests.world.several import several


def simpy_run(env: simpy.Environment, day: float) -> None:
    env.run(until=day)


# --- the event loop ---------------------------------------------------------------------------------
def ticking(env: simpy.Environment, log: list, name: str, gaps: list[float]) -> Iterator[simpy.Event]:
    for gap in gaps:
        yield env.timeout(gap)
        log.append((env.now, name))


def ticks(loop, days: list[float]) -> tuple:
    """What happened, by ``days``, in a small world of processes whose events tie in time."""
    env, log = simpy.Environment(), []
    env.process(ticking(env, log, "a", [1, 1, 1, 2, 1]))  # reaches day 5 exactly
    env.process(ticking(env, log, "b", [0.5, 4.5, 0]))  # day 5 too, then again at once
    env.process(ticking(env, log, "c", [5, 5]))
    seen = []
    for day in days:
        loop(env, day)
        seen.append((list(log), env.now, len(env._queue)))
    return tuple(seen)


def test_the_event_loop_processes_what_simpys_run_does():
    """Up to the stop day but not the events at it, in SimPy's order; and a run can go on later."""
    assert ticks(run_until, [5, 7.5, 12]) == ticks(simpy_run, [5, 7.5, 12])
    log, now, _ = ticks(run_until, [5])[0]
    assert now == 5 and log[-1] == (3, "a") and all(day < 5 for day, _ in log)  # a and b tick at 5


def test_the_event_loop_raises_a_failure_nobody_defused():
    def failing(env: simpy.Environment) -> Iterator[simpy.Event]:
        yield env.timeout(1)
        raise KeyError("no such stage")

    env = simpy.Environment()
    env.process(failing(env))
    with pytest.raises(KeyError, match="no such stage"):
        run_until(env, 3)
    defused = simpy.Environment()
    event = defused.event()
    event.fail(KeyError("defused"))
    event.defused = True
    run_until(defused, 3)
    assert defused.now == 3


def test_the_event_loop_refuses_a_stop_in_the_past():
    env = simpy.Environment(initial_time=4)
    with pytest.raises(ValueError, match="greater than the current simulation time"):
        run_until(env, 4)


# --- processes that only wait -------------------------------------------------------------------
def as_process(env: simpy.Environment, waits: Waits) -> Iterator[simpy.Event]:
    """The SimPy process a :class:`Clocked` generator stands for: a timeout per wait."""
    for days in waits:
        yield env.timeout(days)


def waiting(env: simpy.Environment, log: list, name: str, gaps: list[float], start=None) -> Waits:
    log.append((env.now, name + " starts"))
    for gap in gaps:
        yield gap
        log.append((env.now, name))
        if start is not None and env.now == 2:
            start(waiting(env, log, name + "'", [0, 1]))  # a process started by another, at once


def both_ways(kind: str) -> list:
    env, log = simpy.Environment(), []
    if kind == "simpy":

        def start(waits):
            env.process(as_process(env, waits))
    else:

        def start(waits):
            Clocked(env, waits)

    start(waiting(env, log, "a", [1, 1, 1, 2, 1], start))
    start(waiting(env, log, "b", [0.5, 4.5, 0, 0]))
    env.process(ticking(env, log, "c", [0, 5, 5]))  # a SimPy process among them
    start(waiting(env, log, "d", [0, 0, 2.5]))
    start(waiting(env, log, "e", [1.5, 0.5]))  # ticks at 2 after a (scheduled later): after a' starts
    run_until(env, 20)
    return log


def test_a_clocked_generator_runs_as_a_process_of_timeouts():
    clocked, reference = both_ways("clocked"), both_ways("simpy")
    assert clocked == reference
    assert len(reference) == 24  # ties at days 0, 2, 3 and 5 (teeth: a process starts first at its time)
    assert reference.index((2, "a' starts")) < reference.index((2, "e"))


def test_a_clocked_generator_refuses_a_negative_wait():
    env = simpy.Environment()
    Clocked(env, (days for days in [1.0, -0.5]))
    with pytest.raises(ValueError, match="Negative delay"):
        run_until(env, 3)


class ProcessClocked(Pipeline):
    """The pipeline with its arrivals, follow-ups and observers as SimPy processes (the reference)."""

    def _clock(self, waits: Waits) -> None:
        self.env.process(as_process(self.env, waits))


@pytest.mark.parametrize(
    "scenario_of",
    [lambda: load_scenario(SCENARIOS / "un-convention-baseline.toml"), several],
    ids=["baseline", "several requested States"],
)
def test_a_run_is_the_same_with_processes(scenario_of):
    """Whole runs: the same tallies with SimPy processes and its own run loop."""
    scenario = scenario_of()
    results = []
    for kind, loop in ((Pipeline, run_until), (ProcessClocked, simpy_run)):
        tally = Tally.for_scenario(scenario, keep_outcomes=True)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(simulator.world.pipeline, "run_until", loop)
            kind(scenario, 5, 1, tally).run()
        results.append((tally.summary(), list(tally.outcomes.outcome)))
    assert results[0] == results[1]
    assert tally.arrivals > 1000
