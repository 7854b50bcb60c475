"""The SimPy model of a requested State's screening pipeline (one replication).

Requests arrive from each requesting State as Poisson processes. Each then lives the life told by
:func:`simulator.world.lifecycle.life` (stages of its measure's route, queries and consultations sent back
to the requester, postponements), and this module gives that life its time: a stage with staff is a
:class:`simpy.Resource` where requests queue first-come first-served for a reviewer, who spends a
drawn service time on each; waits for the requester and postponements pass simulated days. This
module never applies a rule and never decides what happens next; it only moves requests in time
and reports what happened to the :class:`~simulator.world.tally.Tally`. Requests still inside when the run
stops are *pending*.

**Load effect.** When a reviewer starts on a request while many others wait, review is rushed:
thoroughness (see :class:`~simulator.world.scenario.LoadEffect`) shortens the service time and lowers the
chance of seeing through a disguise or recognising a person at risk.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator

import attrs
import numpy as np
import simpy

from simulator.domain import rules
from simulator.domain.model import Request, Stage
from simulator.domain.signals import ReviewContext
from simulator.world.distributions import Distribution
from simulator.world.lifecycle import CaseFiles, Decided, Resubmitted, Review, Wait, life
from simulator.world.requesters import SLOTS_PER_REQUEST, arrival_times, draw_request, round_draws
from simulator.world.scenario import RequestingState, Scenario
from simulator.world.streams import stream
from simulator.world.tally import Tally

ATTRIBUTE_BATCH = 256

#: Called with (request, event kind, details) for the one request being traced.
TraceHook = Callable[[Request, str, dict], None]
#: Called with the simulated day, every few simulated days (a progress display; see ``simulate``).
DayHook = Callable[[float], None]


def review_contexts(scenario: Scenario) -> dict[str, ReviewContext]:
    """What the requested State brings to reading each requesting State's requests."""
    requested = scenario.requested_state
    return {
        s.id: ReviewContext(
            s.rights_record, s.data_protection_adequate, requested.criminalised, requested.target_visibility
        )
        for s in scenario.requesting_states
    }


class Reviewers:
    """A staffed stage's reviewers: ``staff`` of them, requests queue first come, first served.

    What :class:`simpy.Resource` does for a single-unit FIFO request, without its two events per
    review: a free reviewer takes a request at once, and a reviewer who finishes hands over straight
    to the request at the head of the queue (one event wakes it).
    """

    __slots__ = ("busy", "env", "queue", "staff")

    def __init__(self, env: simpy.Environment, staff: int) -> None:
        self.env = env
        self.staff = staff
        self.busy = 0
        self.queue: deque[simpy.Event] = deque()

    def take(self) -> simpy.Event | None:
        """A free reviewer takes the request now (None), or an event that fires when one does."""
        if self.busy < self.staff:
            self.busy += 1
            return None
        turn = self.env.event()
        self.queue.append(turn)
        return turn

    def done(self) -> None:
        """A reviewer finishes: the head of the queue gets the reviewer, or the reviewer is free."""
        if self.queue:
            self.queue.popleft().succeed()
        else:
            self.busy -= 1


@attrs.frozen
class StagePlan:
    """What the pipeline needs to move a request through one stage, worked out once."""

    stage: Stage
    server: Reviewers | None  # None: no staff limit
    service: Distribution
    rushed_under_load: bool  # the load effect applies here


class Pipeline:
    """One replication: SimPy environment, staffed stages, arrivals and request lifecycles."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        replication: int,
        tally: Tally,
        trace: tuple[int, TraceHook] | None = None,
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.replication = replication
        self.tally = tally
        self.trace_id, self.trace_hook = trace if trace else (-1, None)
        self.env = simpy.Environment()
        requested = scenario.requested_state
        self.safeguards = requested.safeguards
        self.load_effect = requested.load_effect
        plans = {
            stage: StagePlan(
                stage,
                Reviewers(self.env, config.staff) if config.staff > 0 else None,
                config.service,
                self.load_effect.enabled and stage in self.load_effect.stages,
            )
            for stage, config in requested.stages.items()
        }
        self.plans = plans
        self.contexts = review_contexts(scenario)
        self.requesters = {s.id: s for s in scenario.requesting_states}
        self.case_files = CaseFiles(self.safeguards.memory)  # the central authority's memory
        self._next_id = 0

    def run(self, on_day: DayHook | None = None, every_days: float = 30.0) -> Tally:
        for state in self.scenario.requesting_states:
            self.env.process(self._arrivals(state))
        self.env.process(self._backlog_samples())
        if on_day is not None:
            self.env.process(self._days(on_day, every_days))
        self.env.run(until=self.scenario.end_day)
        self.tally.close(self.env.now)
        return self.tally

    # --- observers: they read the clock and the tally, never change the model ---------------------
    def _days(self, on_day: DayHook, every_days: float) -> Iterator[simpy.Event]:
        """Tell ``on_day`` the simulated day every ``every_days`` days (before the run stops)."""
        if not every_days > 0:
            raise ValueError(f"every_days must be a number of days above 0, not {every_days!r}")
        end = self.scenario.end_day
        while self.env.now + every_days < end:
            yield self.env.timeout(every_days)
            on_day(self.env.now)

    def _backlog_samples(self) -> Iterator[simpy.Event]:
        """Let the tally note the backlog on its sample days (:meth:`Tally.backlog_days`)."""
        for day in self.tally.backlog_days(self.scenario.horizon_days):
            yield self.env.timeout(day - self.env.now)
            self.tally.sample_backlog(day)

    # --- arrivals -------------------------------------------------------------------------------
    def _arrivals(self, state: RequestingState) -> Iterator[simpy.Event]:
        env = self.env
        times = arrival_times(
            state,
            self.scenario.horizon_days,
            stream(self.seed, self.replication, "arrivals", state.id),
        )
        attributes = stream(self.seed, self.replication, "requests", state.id)
        batch: np.ndarray = np.empty((0, SLOTS_PER_REQUEST))
        row = 0
        for day in times:
            yield env.timeout(day - env.now)
            if row == len(batch):
                batch, row = attributes.random((ATTRIBUTE_BATCH, SLOTS_PER_REQUEST)), 0
            uniforms = batch[row]
            row += 1
            request = draw_request(state, self._next_id, day, uniforms)
            self._next_id += 1
            self.submit(request, uniforms)

    # --- one request's life ---------------------------------------------------------------------
    def submit(self, request: Request, uniforms: np.ndarray) -> None:
        """A request reaches the central authority now: count it and start its life."""
        self.tally.arrived(request)
        if request.id == self.trace_id:
            self.trace_hook(request, "arrived", {"day": self.env.now})
        self.env.process(self._lifecycle(request, uniforms))

    def _lifecycle(self, request: Request, uniforms: np.ndarray) -> Iterator[simpy.Event]:
        """Drive the request's :func:`~simulator.world.lifecycle.life` in simulated time.

        A :class:`~simulator.world.lifecycle.Review` queues for a reviewer at its stage (if the
        stage is staffed) and takes the drawn service time; the reply sent back into the life is
        the review's thoroughness. This loop is the hot path of a run: it is written out flat.
        """
        env = self.env
        plans = self.plans
        tally = self.tally
        stage_event = tally.stage_event
        load_effect = self.load_effect
        requester = self.requesters[request.submission.requester]
        traced = request.id == self.trace_id
        steps = life(
            request,
            requester,
            self.scenario.requested_state,
            self.contexts[requester.id],
            lambda round_index: round_draws(uniforms, round_index),
            self.case_files,
        )
        send = steps.send
        reply = None
        current = request
        try:
            while True:
                command = send(reply)
                reply = None
                kind = type(command)
                if kind is Review:
                    plan = plans[command.stage]
                    base = plan.service.quantile(command.service_draw)
                    server = plan.server
                    arrived = started = env.now
                    queue_ahead, thoroughness = 0, 1.0
                    stage_event(plan.stage, "join", arrived)
                    if server is None:
                        stage_event(plan.stage, "start", arrived, arrived)
                        yield env.timeout(base)
                    else:
                        queue_ahead = len(server.queue)
                        turn = server.take()
                        if turn is not None:
                            yield turn
                        if plan.rushed_under_load:
                            thoroughness = load_effect.thoroughness(len(server.queue))
                        started = env.now
                        stage_event(plan.stage, "start", started, arrived)
                        tally.waited(command.request, plan.stage, started - arrived)
                        yield env.timeout(base * thoroughness)
                        server.done()
                    stage_event(plan.stage, "leave", env.now, arrived)
                    if traced:
                        details = {
                            "stage": plan.stage,
                            "arrived": arrived,
                            "started": started,
                            "queue_ahead": queue_ahead,
                            "thoroughness": thoroughness,
                        }
                        self.trace_hook(command.request, "served", details)
                    reply = thoroughness
                elif kind is Wait:
                    yield env.timeout(command.days)
                    if traced and command.reason == "postponement":
                        self.trace_hook(command.request, "postponed", {"day": env.now, "delay": command.days})
                elif traced:
                    current = command.request
                    if kind is Decided:
                        details = {
                            "day": env.now,
                            "observation": command.observation,
                            "decision": command.decision,
                        }
                        self.trace_hook(command.request, "decided", details)
                    elif kind is Resubmitted:
                        details = {"day": env.now, "delay": command.delay, "after": command.after}
                        self.trace_hook(command.request, "resubmitted", details)
        except StopIteration as stop:
            ending = stop.value
            tally.ended_as(request, ending.outcome, ending.provision, env.now)
            if traced:
                self.trace_hook(current, "ended", {"day": env.now, "outcome": ending.outcome})


def simulate(
    scenario: Scenario,
    seed: int,
    replication: int,
    trace: tuple[int, TraceHook] | None = None,
    keep_outcomes: bool = False,
    tally: Tally | None = None,
    on_day: DayHook | None = None,
    every_days: float = 30.0,
) -> Tally:
    """Run one replication of ``scenario`` and return its tally (with per-request outcomes if asked).

    ``tally`` replaces the default one, for callers that count more (it must be fresh). ``on_day``,
    if given, is called with the simulated day every ``every_days`` days (a progress display); it
    only watches the clock, so results are the same with or without it.
    """
    if tally is None:
        tally = Tally(
            scenario.warmup_days,
            (s.id for s in scenario.requesting_states),
            rules.enabled_provisions(scenario.requested_state.safeguards),
            keep_outcomes=keep_outcomes,
            surveillance_days=scenario.requested_state.surveillance_days,
        )
    return Pipeline(scenario, seed, replication, tally, trace).run(on_day, every_days)
