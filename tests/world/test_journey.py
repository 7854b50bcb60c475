"""A request's journey gives the same run as driving its life in a SimPy process, event for event.

The reference also runs with SimPy's own ``Environment.run`` (the replication's loop is
:func:`simulator.world.clock.run_until`, checked in tests/world/test_clock.py).

:class:`~simulator.world.journey.Journey` replaces a :class:`simpy.Process` per request by callbacks
on the events the request waits for. Its claim: the same order of events, so the same numbers to
the last bit. The reference here is the straightforward driver (a SimPy process per request, the
code the pipeline ran before), plugged into the same pipeline; both runs must give identical tallies
and identical traces, on scenarios that exercise staffed and unstaffed stages, queues, the load
effect, postponements, consultations and several requested States.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import simpy

import simulator.world.pipeline
from simulator.files.document import load_scenario
from simulator.world.clock import run_until
from simulator.world.lifecycle import Decided, Resubmitted, Review, Wait
from simulator.world.pipeline import Pipeline
from simulator.world.tally import Tally
from tests.conftest import SCENARIOS, build, deep_update, document
from tests.world.several import several


class ProcessDriven(Pipeline):
    """The pipeline with every request's life driven by a SimPy process (the reference)."""

    def _drive(self, request, routing, life, authority):
        self.env.process(self._driven(request, routing, life, authority))

    def _driven(self, request, routing, life, authority) -> Iterator[simpy.Event]:
        env, tally = self.env, self.tally
        standing = authority.standings[request.submission.requester]
        traced = request.case_id == self.trace_id
        send = life.send
        reply = None
        current = request
        try:
            while True:
                command = send(reply)
                reply = None
                kind = type(command)
                if kind is Review:
                    plan = authority.plans[command.channel, command.stage]
                    base = plan.service.quantile(command.service_draw)
                    server = plan.server
                    arrived = started = env.now
                    queue_ahead, thoroughness = 0, 1.0
                    occupancy = tally.occupancy(plan.stage)
                    occupancy.join(arrived)
                    if server is None:
                        occupancy.start(arrived, arrived)
                        yield env.timeout(base)
                    else:
                        queue_ahead = len(server.queue)
                        turn = server.take()
                        if turn is not None:
                            yield turn
                        if plan.rushed_under_load and not standing.escalated:
                            thoroughness = authority.load_effect.thoroughness(authority.waiting(server))
                        started = env.now
                        occupancy.start(started, arrived)
                        tally.waited(command.request, plan.stage, started - arrived, thoroughness)
                        yield env.timeout(base * thoroughness)
                        server.done()
                    occupancy.leave(env.now, arrived)
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
            self._ended(request, stop.value, authority, routing, shown=current)


def simpy_run(env: simpy.Environment, day: float) -> None:
    env.run(until=day)


def both(scenario, seed=3, replication=0, trace=None):
    """The tally's metrics (and the trace, if asked) from the journey and from the reference (a
    process per request, run by SimPy's own ``env.run``)."""
    results = []
    for kind, loop in ((Pipeline, run_until), (ProcessDriven, simpy_run)):
        events: list = []
        hook = (trace, lambda request, event, details, told=events: told.append((request.id, event, details)))
        tally = Tally.for_scenario(scenario, keep_outcomes=True)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(simulator.world.pipeline, "run_until", loop)
            kind(scenario, seed, replication, tally, hook if trace is not None else None).run()
        results.append((tally.summary(), list(tally.outcomes.outcome), events))
    return results


def loaded() -> object:
    """A small scenario with queues long enough for the load effect, and consultations."""
    doc = document(
        stages={
            "intake": {"staff": 1, "service": {"distribution": "exponential", "mean": 0.3}},
            "legal_review": {"staff": 1, "service": {"distribution": "lognormal", "mean": 0.9, "sd": 0.6}},
            "execution": {"staff": 0, "service": {"distribution": "uniform", "low": 1.0, "high": 4.0}},
        },
        routes={"default": ["intake", "legal_review", "execution"]},
    )
    doc = deep_update(doc, "requesting_state.0.requests_per_year", 380.0)
    doc["load_effect"] = {
        "enabled": True,
        "stages": ["legal_review"],
        "queue_threshold": 2,
        "slope": 0.1,
        "floor": 0.4,
    }
    return build(doc)


@pytest.mark.parametrize(
    "scenario_of", [loaded, lambda: load_scenario(SCENARIOS / "un-convention-baseline.toml")]
)
def test_a_journey_gives_the_run_a_process_per_request_gives(scenario_of):
    journey, reference = both(scenario_of())
    assert journey[0] == reference[0]
    assert journey[1] == reference[1]
    assert len(journey[1]) > 50  # the check has teeth: requests went through


def test_several_requested_states_agree_too():
    journey, reference = both(several(), replication=1)
    assert journey[:2] == reference[:2]


def test_a_traced_case_is_told_the_same():
    scenario = load_scenario(SCENARIOS / "un-convention-baseline.toml")
    journey, reference = both(scenario, trace=40)
    assert journey[2] == reference[2]
    kinds = {event for _, event, _ in journey[2]}
    assert {"arrived", "served", "ended"} <= kinds
    served = [details for _, event, details in journey[2] if event == "served"]
    assert all(d["started"] >= d["arrived"] for d in served)


def test_the_reference_is_not_the_journey():
    """The comparison has teeth: a driver that serves out of order gives another run."""

    class Shuffled(ProcessDriven):
        def _driven(self, request, routing, life, authority):
            yield self.env.timeout(0.001 * (request.id % 7))
            yield from super()._driven(request, routing, life, authority)

    scenario = loaded()
    tallies = []
    for kind in (Pipeline, Shuffled):
        tally = Tally.for_scenario(scenario)
        kind(scenario, 3, 0, tally).run()
        tallies.append(tally.summary())
    assert tallies[0] != tallies[1]
