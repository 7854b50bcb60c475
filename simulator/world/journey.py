"""A request's journey in simulated time: its life's reviews queue for reviewers and take their days.

:mod:`simulator.world.lifecycle` tells a request's life as a sequence of commands (have a reviewer
at this stage review it, let these days pass, this was decided); a :class:`Journey` gives each
command its time in the SimPy environment of one replication:

- a :class:`~simulator.world.lifecycle.Review` joins the stage's first-come first-served queue for
  its reviewers (:class:`~simulator.world.authority.Reviewers`), if the stage is staffed, and takes
  the drawn service time, shortened when the review is rushed under load; the review's
  thoroughness is sent back into the life, which decides;
- a :class:`~simulator.world.lifecycle.Wait` lets the days pass (the requester preparing its
  answer, a postponement);
- decisions and resubmissions take no time: they are only reported when the request is traced.

When the life ends, the pipeline's ``_ended`` tallies it and starts what follows.

**Why not a SimPy process.** A run lives about ten thousand of these journeys, each through a
dozen events, and this is the model's hot path. A :class:`simpy.Process` per request would resume a
generator (which then resumes the life's own) through SimPy's general machinery at every event; a
journey instead registers its own method as the callback of the event it waits for, and does the
same work with fewer instructions (``bench/instructions.py``). The order of events is SimPy's: a
journey waits on the same timeouts and reviewer turns, scheduled in the same order, as a process
would. One difference, and why it changes nothing: a journey starts at once, inside the callback
that submits the request, where a process would start at an urgent event of the same instant. In
the model, whatever a callback does after submitting a request only schedules later events (the
next arrival, the next request of the case); nothing a first review reads (queues, case files,
standings) changes in between. ``tests/world/test_journey.py`` checks this against a process per
request, and ``tests/test_pinned.py`` that the same seed gives the same numbers to the last bit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simpy.events import Event

from simulator.domain.model import Channel, Request
from simulator.world.authority import Authority
from simulator.world.clock import wake
from simulator.world.lifecycle import Decided, Resubmitted, Review, Wait

__all__ = ["Journey"]

_MLA = Channel.MLA  # bound once (the hot path: see simulator.world)


class Journey:
    """One request's life driven through simulated time (see the module docstring).

    ``life`` is the request's life (:func:`simulator.world.lifecycle.lived`). When it ends,
    ``ended(request, ending, authority, routing, shown=...)`` is called with the
    :class:`~simulator.world.lifecycle.Ending` (``shown``: the request as last amended, for a trace).
    """

    __slots__ = (
        "arrived",
        "authority",
        "base",
        "callbacks",
        "command",
        "current",
        "ended",
        "env",
        "hook",
        "mla_plans",
        "occupancy",
        "plan",
        "queue_ahead",
        "request",
        "routing",
        "send",
        "standing",
        "started",
        "tally",
        "thoroughness",
    )

    #: As an event in SimPy's schedule (see :meth:`_wake`), a journey never fails: what
    #: ``Environment.step`` checks after calling an event's callbacks.
    _ok = True

    def __init__(
        self,
        env: Any,
        request: Request,
        routing: list[float],
        life: Any,
        authority: Authority,
        tally: Any,
        mla_plans: dict | None,
        ended: Callable[..., None],
        hook: Callable[[Request, str, dict], None] | None = None,
    ) -> None:
        self.env = env
        self.send = life.send
        self.authority = authority
        self.tally = tally
        self.mla_plans = mla_plans
        self.standing = authority.standings[request.submission.requester]
        self.ended = ended
        self.hook = hook  # set only for the one case being traced
        self.request = self.current = request
        self.routing = routing
        self._resume(None)

    def _resume(self, _event: Event | None, reply: float | None = None) -> None:
        """Go on with the life (sending it ``reply``, a review's thoroughness) until it waits for
        something, or ends."""
        send, hook = self.send, self.hook
        try:
            while True:
                command = send(reply)
                reply = None
                kind = type(command)
                if kind is Review:
                    self._review(command)
                    return
                if kind is Wait:
                    self.command = command
                    self._wake(command.days, self._waited if hook is not None else self._resume)
                    return
                if hook is not None:
                    self._narrate(command, kind)
        except StopIteration as stop:
            self.ended(self.request, stop.value, self.authority, self.routing, shown=self.current)

    # --- a review: queue, serve, leave ------------------------------------------------------------
    def _review(self, command: Review) -> None:
        authority = self.authority
        if command.channel is _MLA and self.mla_plans is not None:
            plan = self.mla_plans[command.stage]
        else:
            plan = authority.plans[command.provider or command.channel, command.stage]
        tally = self.tally
        env = self.env
        self.command = command
        self.plan = plan
        self.base = plan.service.quantile(command.service_draw)
        self.arrived = now = env._now
        self.thoroughness = 1.0
        occupancy = self.occupancy = tally.stages.get(plan.stage) or tally.occupancy(plan.stage)
        occupancy.join(now)
        server = plan.server
        if server is None:
            occupancy.start(now, now)
            self.started, self.queue_ahead = now, 0
            self._wake(self.base, self._served)
            return
        self.queue_ahead = len(server.queue)
        if server.take(self) is None:  # a reviewer is free: else ``succeed`` is called at its turn
            self._turn(None)

    def _turn(self, _event: Event | None) -> None:
        """A reviewer takes the request (at once, or when its turn in the queue came)."""
        plan = self.plan
        if plan.rushed_under_load and not self.standing.escalated:
            self.thoroughness = self.authority.load_effect.thoroughness(self.authority.waiting(plan.server))
        env = self.env
        self.started = started = env._now
        self.occupancy.start(started, self.arrived)
        self.tally.waited(self.command.request, plan.stage, started - self.arrived, self.thoroughness)
        self.callbacks = (self._served,)
        wake(env, self, self.base * self.thoroughness)

    def _served(self, _event: Event) -> None:
        plan = self.plan
        if plan.server is not None:
            plan.server.done()
        self.occupancy.leave(self.env._now, self.arrived)
        if self.hook is not None:
            details = {
                "stage": plan.stage,
                "arrived": self.arrived,
                "started": self.started,
                "queue_ahead": self.queue_ahead,
                "thoroughness": self.thoroughness,
            }
            if self.command.provider:  # a provider's review
                details["provider"] = self.command.provider
            self.hook(self.command.request, "served", details)
        self._resume(_event, self.thoroughness)

    # --- the journey as its own event in SimPy's schedule ------------------------------------------
    def _wake(self, delay: float, callback: Callable[[Any], None]) -> None:
        """Have ``callback`` called ``delay`` days from now: the journey stands in for the Timeout
        a process would wait on (it waits for one thing at a time; see
        :func:`simulator.world.clock.wake`)."""
        self.callbacks = (callback,)
        wake(self.env, self, delay)

    def succeed(self, _value: Any = None) -> None:
        """A reviewer is free for the journey waiting in a stage's queue
        (:meth:`~simulator.world.authority.Reviewers.done`): its turn comes now, as a SimPy event
        succeeding now would (same priority, next event id)."""
        self._wake(0.0, self._turn)

    # --- traced requests only ---------------------------------------------------------------------
    def _waited(self, event: Event) -> None:
        command = self.command
        if command.reason == "postponement":
            self.hook(command.request, "postponed", {"day": self.env._now, "delay": command.days})
        self._resume(event)

    def _narrate(self, command: Any, kind: type) -> None:
        self.current = command.request
        if kind is Decided:
            details = {"day": self.env._now, "observation": command.observation, "decision": command.decision}
            self.hook(command.request, "decided", details)
        elif kind is Resubmitted:
            details = {"day": self.env._now, "delay": command.delay, "after": command.after}
            self.hook(command.request, "resubmitted", details)
