"""Records a tally keeps over time and per request: counts with their time averages, and outcomes.

- :class:`Occupancy`: a count that changes over time (requests in the system, in a stage, in its
  queue) with the area under it, so its time average is exact (integrated event by event);
- :class:`StageOccupancy`: one stage's counts and the time its visits spent there and in its queue;
- :class:`RequestOutcomes`: each first request's truth, outcome and cited provision in compact
  arrays, kept only when asked for (to pair requests across configurations: common random numbers).
"""

from __future__ import annotations

from array import array
from typing import ClassVar

from simulator.domain.model import Outcome, Request
from simulator.world.requesters import FOLLOW_UP_BASE


class Occupancy:
    """A count that changes over time, with the area under it (for a time average)."""

    __slots__ = ("area", "count", "last")

    def __init__(self) -> None:
        self.count = 0
        self.area = 0.0
        self.last = 0.0

    def change(self, now: float, delta: int) -> None:
        """The count moves by ``delta`` at day ``now`` (not before the last change), the area up to ``now``
        added first."""
        self.area += self.count * (now - self.last)
        self.last = now
        self.count += delta

    def average(self, end: float) -> float:
        """The time-average count over [0, ``end``] days, the current count held until ``end`` (> 0)."""
        return (self.area + self.count * (end - self.last)) / end


class StageOccupancy:
    """One stage's counts in it and in its queue over time, and the time its visits spent there."""

    __slots__ = ("in_queue", "in_stage", "joined", "left", "queue_time", "stage_time", "started")

    def __init__(self) -> None:
        self.in_stage = Occupancy()
        self.in_queue = Occupancy()
        self.joined = self.started = self.left = 0
        self.stage_time = self.queue_time = 0.0  # sums over visits of (leave - join), (start - join)

    # join, start and leave run at every review: Occupancy.change is written out in them (the same
    # arithmetic in the same order, one call instead of three)
    def join(self, now: float) -> None:
        """A request joins the stage's queue."""
        stage, queue = self.in_stage, self.in_queue
        stage.area += stage.count * (now - stage.last)
        stage.last = now
        stage.count += 1
        queue.area += queue.count * (now - queue.last)
        queue.last = now
        queue.count += 1
        self.joined += 1

    def start(self, now: float, joined: float) -> None:
        """A reviewer starts on a request that joined the queue at ``joined``."""
        queue = self.in_queue
        queue.area += queue.count * (now - queue.last)
        queue.last = now
        queue.count -= 1
        self.started += 1
        self.queue_time += now - joined

    def leave(self, now: float, joined: float) -> None:
        """A request that joined at ``joined`` leaves the stage."""
        stage = self.in_stage
        stage.area += stage.count * (now - stage.last)
        stage.last = now
        stage.count -= 1
        self.left += 1
        self.stage_time += now - joined

    def event(self, kind: str, now: float, joined: float) -> None:
        """Call :meth:`join`, :meth:`start` or :meth:`leave` by name (any other ``kind`` is a leave)."""
        if kind == "join":
            self.join(now)
        elif kind == "start":
            self.start(now, joined)
        else:
            self.leave(now, joined)


class RequestOutcomes:
    """Each counted request's truth, outcome and cited provision, in arrival order (compact arrays)."""

    NOT_COUNTED: ClassVar[int] = -1
    OUTCOME_CODE: ClassVar[dict[Outcome, int]] = {outcome: code for code, outcome in enumerate(Outcome)}

    def __init__(self) -> None:
        self.abusive = array("b")
        self.outcome = array("b")
        self.provision: list[str | None] = []

    def arrived(self, request: Request, counted: bool) -> None:
        """A first request (numbered in draw order; one held back arrives late); others are not kept."""
        rid = request.id
        if rid >= FOLLOW_UP_BASE:
            return
        while len(self.outcome) <= rid:
            self.abusive.append(False)
            self.outcome.append(self.NOT_COUNTED)
            self.provision.append(None)
        self.abusive[rid] = request.truth.abusive
        self.outcome[rid] = self.OUTCOME_CODE[Outcome.PENDING] if counted else self.NOT_COUNTED

    def ended(self, request: Request, outcome: Outcome, provision: str | None) -> None:
        """A first request ended with ``outcome``, citing ``provision`` (None: none); others are not kept."""
        if request.id >= FOLLOW_UP_BASE:
            return
        self.outcome[request.id] = self.OUTCOME_CODE[outcome]
        self.provision[request.id] = provision
