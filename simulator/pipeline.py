"""The SimPy model of a requested State's screening pipeline (one replication).

Requests arrive from each requesting State and walk the route their measure takes through the
screening stages (by default intake -> legal review -> rights scrutiny -> judicial order ->
execution). A stage with staff is a :class:`simpy.Resource`: requests queue first-come first-served
for a reviewer, who spends a drawn service time on each. At the end of a stage the reviewer forms an
observation (:func:`simulator.signals.observe`) and the decision core (:func:`simulator.rules.decide`)
says what happens next. This module never applies a rule itself; it only moves requests in time:

- ``REQUEST_INFORMATION`` and ``CONSULT`` send the request back to the requester, who answers after a
  drawn delay (or abandons it: *withdrawn*) and resubmits it, amended, to intake: a new round;
- ``POSTPONE`` holds execution for a drawn delay, then execution proceeds;
- ``REFUSE`` and the grants end the request's life; requests still inside when the run stops are
  *pending*.

**Load effect.** When a reviewer starts on a request while many others wait, review is rushed:
thoroughness (see :class:`~simulator.scenario.LoadEffect`) shortens the service time and lowers the
chance of seeing through a disguise or recognising a person at risk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import attrs
import numpy as np
import simpy

from simulator import rules
from simulator.distributions import Distribution
from simulator.model import (
    GRANT_VERDICTS,
    History,
    Outcome,
    Request,
    Stage,
    Verdict,
)
from simulator.requesters import (
    SLOTS_PER_REQUEST,
    STAGE_INDEX,
    RoundSlot,
    amend_after_consultation,
    answer_information_request,
    arrival_times,
    draw_request,
    round_draws,
    screening_draws,
)
from simulator.scenario import RequestingState, Scenario
from simulator.signals import ReviewContext, observe
from simulator.streams import stream
from simulator.tally import Tally

ATTRIBUTE_BATCH = 256
OUTCOME_OF = {
    Verdict.GRANT: Outcome.GRANTED,
    Verdict.CONDITIONAL_GRANT: Outcome.CONDITIONALLY_GRANTED,
    Verdict.REFUSE: Outcome.REFUSED,
}

#: Called with (request, event kind, details) for the one request being traced.
TraceHook = Callable[[Request, str, dict], None]


def review_contexts(scenario: Scenario) -> dict[str, ReviewContext]:
    """What the requested State brings to reading each requesting State's requests."""
    criminalised = scenario.requested_state.criminalised
    return {
        s.id: ReviewContext(s.rights_record, s.data_protection_adequate, criminalised)
        for s in scenario.requesting_states
    }


@attrs.frozen
class StagePlan:
    """What the pipeline needs to move a request through one stage, worked out once."""

    stage: Stage
    server: simpy.Resource | None  # None: no staff limit
    service: Distribution
    service_slot: int  # which round draw gives this stage's service time
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
                simpy.Resource(self.env, capacity=config.staff) if config.staff > 0 else None,
                config.service,
                RoundSlot.SERVICE + STAGE_INDEX[stage],
                self.load_effect.enabled and stage in self.load_effect.stages,
            )
            for stage, config in requested.stages.items()
        }
        self.routes = {
            measure: tuple(plans[stage] for stage in route) for measure, route in requested.routes.items()
        }
        self.contexts = review_contexts(scenario)
        self.requesters = {s.id: s for s in scenario.requesting_states}
        self._next_id = 0

    def run(self) -> Tally:
        for state in self.scenario.requesting_states:
            self.env.process(self._arrivals(state))
        self.env.run(until=self.scenario.end_day)
        return self.tally

    # --- arrivals -------------------------------------------------------------------------------
    def _arrivals(self, state: RequestingState) -> Iterator[simpy.Event]:
        times = arrival_times(
            state,
            self.scenario.horizon_days,
            stream(self.seed, self.replication, "arrivals", state.id),
        )
        attributes = stream(self.seed, self.replication, "requests", state.id)
        batch: np.ndarray = np.empty((0, SLOTS_PER_REQUEST))
        row = 0
        for day in times:
            yield self.env.timeout(day - self.env.now)
            if row == len(batch):
                batch, row = attributes.random((ATTRIBUTE_BATCH, SLOTS_PER_REQUEST)), 0
            uniforms = batch[row]
            row += 1
            request = draw_request(state, self._next_id, day, uniforms)
            self._next_id += 1
            self.tally.arrived(request)
            if request.id == self.trace_id:
                self.trace_hook(request, "arrived", {"day": day})
            self.env.process(self._lifecycle(request, uniforms))

    # --- one request's life ---------------------------------------------------------------------
    def _lifecycle(self, request: Request, uniforms: np.ndarray) -> Iterator[simpy.Event]:
        """Screening rounds until a grant, a refusal, or the requester gives up."""
        state = self.requesters[request.submission.requester]
        traced = request.id == self.trace_id
        history = History()
        round_index = 0
        while True:
            block = round_draws(uniforms, round_index)
            decision = yield from self._screening_round(request, block, history, traced)
            verdict = decision.verdict
            if verdict in GRANT_VERDICTS or verdict is Verdict.REFUSE:
                self._end(request, OUTCOME_OF[verdict], decision.provision, traced)
                return
            # Back to the requester: a query (Art 40(16)) or a consultation (Art 40(27)).
            delay = state.response_days.quantile(block[RoundSlot.RESPONSE_DAYS])
            yield self.env.timeout(delay)
            if block[RoundSlot.RESPONSE] >= state.response_rate:
                self._end(request, Outcome.WITHDRAWN, decision.provision, traced)
                return
            if verdict is Verdict.REQUEST_INFORMATION:
                request = answer_information_request(request, state, block)
                history = attrs.evolve(history, information_requests=history.information_requests + 1)
            else:
                request = amend_after_consultation(request, state, block)
                history = attrs.evolve(history, consultations=history.consultations + 1)
            if traced:
                self.trace_hook(
                    request, "resubmitted", {"day": self.env.now, "delay": delay, "after": verdict}
                )
            round_index += 1

    def _screening_round(
        self, request: Request, block: list[float], history: History, traced: bool
    ) -> Iterator[simpy.Event]:
        """One pass along the measure's route; returns the first decision that is not PROCEED."""
        env = self.env
        context = self.contexts[request.submission.requester]
        draws = screening_draws(block)
        observation = None
        for plan in self.routes[request.submission.measure]:
            thoroughness = yield from self._serve(request, plan, block, traced)
            if observation is None or observation.thoroughness != thoroughness:
                observation = observe(request, context, thoroughness, draws)
            decision = rules.decide(plan.stage, observation, self.safeguards, draws, history)
            if traced:
                details = {"day": env.now, "observation": observation, "decision": decision}
                self.trace_hook(request, "decided", details)
            if decision.verdict is Verdict.POSTPONE:
                delay = self.scenario.requested_state.postponement_days.quantile(
                    block[RoundSlot.POSTPONEMENT_DAYS]
                )
                yield env.timeout(delay)
                history = attrs.evolve(history, postponed=True)
                decision = rules.decide(plan.stage, observation, self.safeguards, draws, history)
                if traced:
                    details = {"day": env.now, "delay": delay, "decision": decision}
                    self.trace_hook(request, "resumed", details)
            if decision.verdict is not Verdict.PROCEED:
                return decision
        raise AssertionError("a route ends with execution, which always decides")

    def _serve(
        self, request: Request, plan: StagePlan, block: list[float], traced: bool
    ) -> Iterator[simpy.Event]:
        """Queue for a reviewer at the stage and be reviewed; returns the review's thoroughness."""
        env = self.env
        base = plan.service.quantile(block[plan.service_slot])
        server = plan.server
        arrived = started = env.now
        queue_ahead, thoroughness = 0, 1.0
        if server is None:
            yield env.timeout(base)
        else:
            queue_ahead = len(server.queue)
            with server.request() as slot:
                yield slot
                if plan.rushed_under_load:
                    thoroughness = self.load_effect.thoroughness(len(server.queue))
                started = env.now
                self.tally.waited(request, plan.stage, started - arrived)
                yield env.timeout(base * thoroughness)
        if traced:
            details = {
                "stage": plan.stage,
                "arrived": arrived,
                "started": started,
                "queue_ahead": queue_ahead,
                "thoroughness": thoroughness,
            }
            self.trace_hook(request, "served", details)
        return thoroughness

    def _end(self, request: Request, outcome: Outcome, provision: str | None, traced: bool) -> None:
        self.tally.ended_as(request, outcome, provision, self.env.now)
        if traced:
            self.trace_hook(request, "ended", {"day": self.env.now, "outcome": outcome})


def simulate(
    scenario: Scenario,
    seed: int,
    replication: int,
    trace: tuple[int, TraceHook] | None = None,
    keep_outcomes: bool = False,
) -> Tally:
    """Run one replication of ``scenario`` and return its tally (with per-request outcomes if asked)."""
    tally = Tally(
        scenario.warmup_days,
        (s.id for s in scenario.requesting_states),
        rules.enabled_provisions(scenario.requested_state.safeguards),
        keep_outcomes=keep_outcomes,
    )
    return Pipeline(scenario, seed, replication, tally, trace).run()
