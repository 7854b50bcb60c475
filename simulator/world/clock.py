"""The clock of a replication: SimPy's event loop, and processes that only wait, without SimPy's objects.

A replication is a SimPy environment: events in a schedule ordered by (time, priority, event id),
processed one by one. What is here does what SimPy's own machinery does, event for event, with
fewer instructions (the model's hot path; ``bench/instructions.py`` counts them):

- :func:`run_until` is ``Environment.run(until=day)`` with ``Environment.step`` written out in the
  loop;
- :class:`Clocked` runs a generator that only waits (it yields numbers of days) as a SimPy process
  that yields a timeout per wait would: started at an urgent event now, each wait scheduled when the
  generator asks for it. It is its own event in the schedule, again and again, where a process
  makes a Timeout per wait and resumes through ``Process._resume``. The arrivals of each requesting
  State, the requests that follow others, and the observers (backlog samples, progress) run so;
- :func:`wake` schedules such a stand-in for a Timeout (a :class:`Clocked` generator, or a request's
  :class:`~simulator.world.journey.Journey`) as the Timeout would be scheduled.

All rely on what ``Environment.step`` asks of an event (its ``callbacks``, taken and replaced by
None, and ``_ok``) and on the schedule's layout (``env._queue`` of ``(time, priority, id, event)``,
ids from ``env._eid``), stable since SimPy 3. ``tests/world/test_clock.py`` checks them against
SimPy's own ``run`` and processes (tests/world/test_journey.py the journeys), and
``tests/test_pinned.py`` that whole runs are unchanged.

One difference, and why it changes nothing: a finished SimPy process is scheduled once more, as the
event others may wait for; nothing waits for these, so a :class:`Clocked` generator just stops.
Skipping that event leaves every later event id one lower, which keeps their order.
"""

from __future__ import annotations

from collections.abc import Generator
from heapq import heappop, heappush
from typing import Any

from simpy.events import NORMAL, URGENT, Event, EventPriority

__all__ = ["Clocked", "run_until", "wake"]

#: What a :class:`Clocked` generator yields: the days to wait before it goes on.
Waits = Generator[float, None, None]


def wake(env: Any, event: Any, delay: float) -> None:
    """Schedule ``event`` ``delay`` days from now, as ``Timeout(env, delay)`` is scheduled.

    ``event`` stands in for the Timeout: an object with ``callbacks`` (set by the caller) and a
    true ``_ok``, which waits for one thing at a time and so can be pushed again and again (a
    :class:`Clocked` generator, a :class:`~simulator.world.journey.Journey`). It goes in at the same
    time, with the same priority and the next event id, so events run in the same order.
    """
    if delay < 0:
        raise ValueError(f"Negative delay {delay}")
    heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), event))


class Clocked:
    """A generator of waits (days) run in simulated time, as a SimPy process of timeouts would be."""

    __slots__ = ("callbacks", "env", "send")

    #: As an event in SimPy's schedule, it never fails (what ``Environment.step`` checks).
    _ok = True

    def __init__(self, env: Any, waits: Waits) -> None:
        self.env = env
        self.send = waits.send
        self.callbacks = (self._go_on,)
        heappush(env._queue, (env._now, URGENT, next(env._eid), self))  # as a process starts

    def _go_on(self, _event: Any) -> None:
        try:
            delay = self.send(None)
        except StopIteration:
            return
        self.callbacks = (self._go_on,)
        wake(self.env, self, delay)


def run_until(env: Any, day: float) -> None:
    """``env.run(until=day)``, with SimPy's ``Environment.step`` written out in the loop.

    A replication processes a few tens of thousands of events, and calling ``step`` for each costs
    a tenth of what the events do. The loop does what ``run`` and ``step`` do, in the same order:
    the stop is an urgent event scheduled at ``day`` first (so events at ``day`` itself are left,
    and event ids are numbered as in ``run``), each event's callbacks are taken and called, a
    failed event that nobody defused raises its exception (SimPy's copy of it) out of the run, and
    the stop goes back in the schedule as ``run`` leaves it (a later run sees the same schedule).
    """
    at = day if isinstance(day, int) else float(day)
    if at <= env._now:
        raise ValueError(f"until ({at}) must be greater than the current simulation time")
    stop = Event(env)
    stop._ok, stop._value = True, None
    env.schedule(stop, URGENT, at - env._now)
    queue = env._queue
    while True:
        env._now, _, _, event = heappop(queue)  # never empty: the stop is in it
        callbacks, event.callbacks = event.callbacks, None
        if event is stop:  # as SimPy leaves it: back in the schedule, first at this time
            stop.callbacks = []
            env.schedule(stop, EventPriority(-1))
            return
        for callback in callbacks:
            callback(event)
        if not event._ok and not hasattr(event, "_defused"):
            failure = type(event._value)(*event._value.args)
            failure.__cause__ = event._value
            raise failure
