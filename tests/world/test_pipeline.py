"""The SimPy layer: queueing behaviour against theory, conservation of requests, the load effect."""

from __future__ import annotations

import math

import attrs
import numpy as np
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from simulator.checking.strategies import cases
from simulator.domain import rules
from simulator.domain.model import Outcome
from simulator.experiments.run import run
from simulator.world.pipeline import Pipeline, simulate
from simulator.world.requesters import SLOTS_PER_REQUEST
from simulator.world.tally import Tally
from tests.conftest import build, deep_update, document


def erlang_c_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean wait in queue of an M/M/c queue (Erlang C formula)."""
    load = arrival_rate / service_rate
    rho = load / servers
    top = load**servers / math.factorial(servers) / (1 - rho)
    bottom = sum(load**k / math.factorial(k) for k in range(servers)) + top
    return (top / bottom) / (servers * service_rate - arrival_rate)


@pytest.mark.parametrize(("servers", "arrivals_per_day", "mean_service"), [(2, 1.6, 1.0), (3, 1.8, 1.0)])
def test_single_stage_reproduces_the_erlang_c_mean_wait(servers, arrivals_per_day, mean_service):
    doc = document(
        scenario={
            "name": "M/M/c",
            "horizon_days": 1500.0,
            "follow_up_days": 100.0,
            "warmup_days": 150.0,
            "replications": 12,
            "seed": 3,
        },
        stages={
            "execution": {
                "staff": servers,
                "service": {"distribution": "exponential", "mean": mean_service},
            }
        },
    )
    doc = deep_update(doc, "requesting_state.0.requests_per_year", arrivals_per_day * 365)
    result = run(build(doc))
    wait = result["stage.execution.mean_wait_days"]
    theory = erlang_c_wait(arrivals_per_day, 1 / mean_service, servers)
    assert wait.ci_low <= theory <= wait.ci_high, (theory, wait)
    assert wait.half_width < 0.15 * theory  # the check has teeth: the interval is narrow


def test_every_counted_request_ends_in_exactly_one_state():
    doc = document(
        stages={
            "intake": {"staff": 1, "service": {"distribution": "exponential", "mean": 0.5}},
            "legal_review": {"staff": 1, "service": {"distribution": "exponential", "mean": 0.9}},
            "execution": {"staff": 0, "service": {"distribution": "fixed", "value": 5.0}},
        },
        routes={"default": ["intake", "legal_review", "execution"]},
        safeguards={
            "completeness": {"request_information": True, "information_rounds": 1},
            "dual_criminality": {"mode": "discretionary", "refusal_rate": 0.5},
            "consultation": {"enabled": True, "rounds": 1},
        },
    )
    doc = deep_update(doc, "requesting_state.0.documentation_complete", 0.5)
    doc = deep_update(doc, "requesting_state.0.response_rate", 0.7)
    row = simulate(build(doc), seed=1, replication=0).summary()
    for truth in ("abusive", "legitimate"):
        parts = sum(row[f"{truth}_{o}"] for o in ("granted", "refused", "withdrawn", "pending"))
        assert parts == row[f"{truth}_submitted"]
        assert row[f"{truth}_pending"] >= 0
    assert row["abusive_refused"] > 0 and row["legitimate_withdrawn"] > 0
    refusals = sum(v for k, v in row.items() if k.startswith("refusals."))
    assert refusals == row["abusive_refused"] + row["legitimate_refused"]


def test_warm_up_arrivals_are_simulated_but_not_counted():
    doc = document()
    counted = deep_update(doc, "scenario.warmup_days", 100.0)
    full = simulate(build(doc), seed=2, replication=0)
    warm = simulate(build(counted), seed=2, replication=0)
    assert full.arrivals == warm.arrivals  # same requests arrive
    submitted = warm.summary()["legitimate_submitted"] + warm.summary()["abusive_submitted"]
    assert submitted < full.arrivals
    assert submitted == pytest.approx(full.arrivals / 2, rel=0.2)  # horizon 200, warm-up 100


def test_requests_still_inside_at_the_end_are_pending_and_in_the_backlog():
    doc = document(stages={"execution": {"staff": 1, "service": {"distribution": "fixed", "value": 5.0}}})
    row = simulate(build(doc), seed=1, replication=0).summary()  # one a day arrive, five days each
    pending = row["abusive_pending"] + row["legitimate_pending"]
    assert pending > 100
    assert row["backlog_at_end"] == pending


def overloaded_reviewers(load_effect: bool) -> dict:
    doc = document(
        stages={
            "rights_scrutiny": {"staff": 1, "service": {"distribution": "exponential", "mean": 1.2}},
            "execution": {"staff": 0, "service": {"distribution": "fixed", "value": 1.0}},
        },
        routes={"default": ["rights_scrutiny", "execution"]},
        scenario={"name": "overload", "horizon_days": 200.0, "follow_up_days": 400.0, "seed": 7},
        safeguards={
            "discrimination": {"enabled": True, "evidence_threshold": 0.5},
            "consultation": {"enabled": False, "rounds": 0},
        },
        load_effect={
            "enabled": load_effect,
            "stages": ["rights_scrutiny"],
            "queue_threshold": 5,
            "slope": 0.02,
            "floor": 0.3,
        },
    )
    return deep_update(doc, "requesting_state.0.requests_per_year", 730.0)  # twice the capacity


def test_load_effect_lets_more_abuse_through_for_the_same_requests():
    rushed = run(build(overloaded_reviewers(True)), replications=4)
    careful = run(build(overloaded_reviewers(False)), replications=4)
    for fast, slow in zip(rushed.rows, careful.rows, strict=True):
        assert fast["abusive_submitted"] == slow["abusive_submitted"]
        assert fast["abusive_pending"] == slow["abusive_pending"] == 0  # all decided: comparable
        assert fast["abusive_refused"] <= slow["abusive_refused"]
    assert rushed["abuse_pass_through"].mean > careful["abuse_pass_through"].mean + 0.05
    # rushed review is also shorter, so the queue is shorter
    assert (
        rushed["stage.rights_scrutiny.mean_wait_days"].mean
        < careful["stage.rights_scrutiny.mean_wait_days"].mean
    )


def test_postponement_delays_execution_by_the_drawn_time():
    doc = document(
        stages={"execution": {"staff": 0, "service": {"distribution": "fixed", "value": 1.0}}},
        requested_state={
            "name": "requested",
            "postponement_days": {"distribution": "fixed", "value": 30.0},
        },
    )
    never = simulate(build(doc), 1, 0).summary()
    always = simulate(build(deep_update(doc, "safeguards.postponement_rate", 1.0)), 1, 0).summary()
    assert never["legitimate_days_median"] == pytest.approx(1.0)
    assert always["legitimate_days_median"] == pytest.approx(31.0)


# --- the pipeline as a state machine ---------------------------------------------------------------
BUSY = document(
    stages={
        "intake": {"staff": 1, "service": {"distribution": "exponential", "mean": 0.5}},
        "legal_review": {"staff": 1, "service": {"distribution": "exponential", "mean": 1.0}},
        "rights_scrutiny": {"staff": 1, "service": {"distribution": "exponential", "mean": 1.0}},
        "execution": {"staff": 0, "service": {"distribution": "exponential", "mean": 3.0}},
    },
    routes={"default": ["intake", "legal_review", "rights_scrutiny", "execution"]},
    safeguards={
        "postponement_rate": 0.3,
        "completeness": {"request_information": True, "information_rounds": 1},
        "dual_criminality": {"mode": "discretionary", "refusal_rate": 0.5},
        "discrimination": {"enabled": True, "evidence_threshold": 0.6},
        "consultation": {"enabled": True, "rounds": 1, "applies_to": "every_refusal"},
        "memory": "none",
    },
    load_effect={"enabled": True, "stages": ["legal_review"], "queue_threshold": 1, "slope": 0.2},
)
BUSY = deep_update(BUSY, "requesting_state.0.documentation_complete", 0.5)
BUSY = deep_update(BUSY, "requesting_state.0.response_rate", 0.8)
BUSY_SCENARIO = build(BUSY)


class AuditedTally(Tally):
    """Checks, as requests end, what must hold of every single one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.endings: dict[int, tuple[Outcome, str | None, float]] = {}

    def ended_as(self, request, outcome, provision, day):
        assert request.id not in self.endings, "a request ends once: never both granted and refused"
        assert day >= request.submitted_at
        self.endings[request.id] = (outcome, provision, day)
        super().ended_as(request, outcome, provision, day)


class PipelineMachine(RuleBasedStateMachine):
    """Requests arrive at chosen moments and the clock moves on; invariants hold at every step."""

    @initialize()
    def start(self):
        enabled = rules.enabled_provisions(BUSY_SCENARIO.requested_state.safeguards)
        self.tally = AuditedTally(0.0, ["A"], enabled)
        self.pipeline = Pipeline(BUSY_SCENARIO, seed=1, replication=0, tally=self.tally)
        self.enabled = enabled
        self.next_id = 0
        self.last_seen = 0.0

    @rule(case=cases(BUSY_SCENARIO), seed=st.integers(min_value=0, max_value=2**32 - 1))
    def a_request_arrives(self, case, seed):
        uniforms = np.random.default_rng(seed).random(SLOTS_PER_REQUEST)
        request = attrs.evolve(case.request, id=self.next_id, submitted_at=self.pipeline.env.now)
        self.next_id += 1
        self.pipeline.submit(request, uniforms)

    @rule(days=st.floats(min_value=0.01, max_value=40.0))
    def time_passes(self, days):
        env = self.pipeline.env
        env.run(until=env.now + days)

    @invariant()
    def time_never_runs_backwards(self):
        assert self.pipeline.env.now >= self.last_seen
        self.last_seen = self.pipeline.env.now

    @invariant()
    def counts_add_up(self):
        assert self.tally.arrivals == self.next_id
        assert self.tally.in_system == self.tally.arrivals - len(self.tally.endings)
        row = self.tally.summary()
        ended = sum(
            row[f"{t}_{o}"] for t in ("abusive", "legitimate") for o in ("granted", "refused", "withdrawn")
        )
        assert ended == len(self.tally.endings)

    @invariant()
    def every_refusal_cites_an_enabled_provision(self):
        for outcome, provision, _ in self.tally.endings.values():
            if outcome is Outcome.REFUSED:
                assert provision in self.enabled


TestPipelineMachine = PipelineMachine.TestCase
TestPipelineMachine.settings = settings(max_examples=40, stateful_step_count=30, deadline=None)


def test_the_machine_sees_every_kind_of_ending():
    """The state machine's scenario is busy enough to amend, postpone, refuse, grant and withdraw."""
    row = simulate(build(deep_update(BUSY, "scenario.horizon_days", 400.0)), 1, 0).summary()
    for key in ("abusive_granted", "abusive_refused", "legitimate_withdrawn", "legitimate_granted"):
        assert row[key] > 0, key


def test_littles_law_holds_from_the_outputs_of_a_multi_stage_run():
    """L = lambda W for the whole system and for each stage and its queue, from the reported outputs
    (time averages integrated event by event, independently of the waits)."""
    drained = build(deep_update(BUSY, "scenario.follow_up_days", 2000.0))  # arrivals stop; queues empty
    row = simulate(drained, 3, 0).summary()
    assert row["backlog_at_end"] == 0  # empty at both ends: Little's law holds over the run
    system = row["system.arrivals_per_day"] * row["system.mean_time_in_system_days"]
    assert row["system.time_avg_in_system"] == pytest.approx(system, rel=0.03)
    stages = [k.split(".")[1] for k in row if k.endswith(".time_avg_in_stage")]
    assert set(stages) == {"intake", "legal_review", "rights_scrutiny", "execution"}
    for stage in stages:
        prefix = f"stage.{stage}."
        rate = row[prefix + "arrivals_per_day"]
        assert row[prefix + "time_avg_in_stage"] == pytest.approx(
            rate * row[prefix + "mean_time_in_stage_days"], rel=0.03
        ), stage
        assert row[prefix + "time_avg_in_queue"] == pytest.approx(
            rate * row[prefix + "mean_time_in_queue_days"], rel=0.03, abs=1e-3
        ), stage
        assert row[prefix + "throughput_per_day"] == pytest.approx(rate, rel=0.02)
    assert row["stage.legal_review.time_avg_in_queue"] > 0.05  # a real queue, not an empty check


# --- the day hook (a progress display) -------------------------------------------------------------
def test_the_day_hook_is_told_the_day_at_regular_steps_and_changes_no_result(small_scenario):
    days: list[float] = []
    watched = simulate(small_scenario, 3, 0, keep_outcomes=True, on_day=days.append, every_days=10.0)
    plain = simulate(small_scenario, 3, 0, keep_outcomes=True)
    end = small_scenario.end_day
    assert days == pytest.approx([10.0 * k for k in range(1, math.ceil(end / 10.0))])
    assert days[-1] < end
    assert watched.summary() == plain.summary()
    assert list(watched.outcomes.outcome) == list(plain.outcomes.outcome)


def test_the_day_hook_needs_a_step_above_zero(small_scenario):
    with pytest.raises(ValueError, match="every_days"):
        simulate(small_scenario, 3, 0, on_day=lambda day: None, every_days=0.0)
