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
from simulator.domain import grounds
from simulator.domain.model import Channel, Outcome
from simulator.experiments.run import run
from simulator.world.pipeline import Pipeline, simulate
from simulator.world.requesters import SLOTS_PER_REQUEST
from simulator.world.tally import Tally
from tests.conftest import build as build_document
from tests.conftest import deep_update, document, skipping_stages


def build(doc):
    """The scenario of ``doc``: these pipelines skip stages on purpose, so the grounds there are unused."""
    return build_document(skipping_stages(doc))


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

    def ended_as(self, request, outcome, provision, day, channel=Channel.MLA):
        assert request.id not in self.endings, "a request ends once: never both granted and refused"
        assert day >= request.submitted_at
        self.endings[request.id] = (outcome, provision, day)
        super().ended_as(request, outcome, provision, day, channel)


class PipelineMachine(RuleBasedStateMachine):
    """Requests arrive at chosen moments and the clock moves on; invariants hold at every step."""

    @initialize()
    def start(self):
        enabled = grounds.enabled_provisions(BUSY_SCENARIO.requested_state.safeguards)
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


# --- several requested States, fast channels, adversaries (issue 9) ------------------------------
class RecordingTally(Tally):
    """A tally that also keeps every request's end: (case, id, requested State, channel, outcome)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.endings: list[tuple] = []
        self.requests: dict[int, object] = {}

    def arrived(self, request) -> None:
        super().arrived(request)
        self.requests[request.id] = request

    def ended_as(self, request, outcome, provision, day, channel=Channel.MLA) -> None:
        super().ended_as(request, outcome, provision, day, channel)
        self.endings.append((request.case_id, request.id, request.submission.requested, channel, outcome))


def recorded(scenario, seed=3, replication=0) -> RecordingTally:
    tally = RecordingTally.for_scenario(scenario)
    return simulate(scenario, seed, replication, tally=tally)


def _switched(what: str):
    from simulator.domain.monitoring import Monitoring
    from simulator.world.scenario import ForumShopping, FreshRequest, Mix, Splitting, Strategies
    from tests.world.several import several, with_requested

    if what == "strategies":
        return several(
            Strategies(forum_shopping=ForumShopping(), splitting=Splitting(), fresh_request=FreshRequest())
        )
    if what == "channel":
        return several(abusive_channels=Mix.of({"mla": 0.5, "emergency": 0.5}))
    return with_requested(several(), "us", monitoring=Monitoring(enabled=True, threshold=2.0))


@pytest.mark.parametrize("what", ["strategies", "channel", "monitoring"])
def test_switching_a_strategy_channel_or_monitoring_leaves_every_first_request_unchanged(what):
    """Common random numbers: the requests drawn do not depend on strategies, channels or monitoring."""
    from simulator.world.requesters import FOLLOW_UP_BASE
    from tests.world.several import several

    fixed = recorded(several())
    switched = recorded(_switched(what))
    first = {i: r for i, r in fixed.requests.items() if i < FOLLOW_UP_BASE}
    again = {i: r for i, r in switched.requests.items() if i < FOLLOW_UP_BASE}
    assert first.keys() == again.keys()
    changed = 0
    for i, request in first.items():
        other = again[i]
        assert other.truth == request.truth and other.submitted_at == request.submitted_at
        if not request.truth.abusive:  # strategies and channels only route abusive requests
            assert other.submission == request.submission
        changed += other.submission != request.submission
    assert (changed > 0) == (what != "monitoring")


def test_requests_go_only_where_the_data_are():
    from tests.world.several import several

    tally = recorded(several(data_location={"journalist": ("eu",), "ordinary": ("us", "lax")}))
    places = {}
    for request in tally.requests.values():
        places.setdefault(request.truth.target, set()).add(request.submission.requested)
    assert places["journalist"] == {"eu"}
    assert places["ordinary"] == {"us", "lax"}
    assert places["activist"] == {"us", "eu", "lax"}  # unlisted: every requested State


@pytest.mark.parametrize("detection", [0.0, 1.0])
def test_a_detected_false_emergency_never_gets_data_through_the_emergency_channel(detection):
    """With detection certain, no abusive data through the emergency channel; with none, some."""
    from simulator.world.scenario import Mix
    from tests.world.several import several

    scenario = several(abusive_channels=Mix.of({"mla": 0.5, "emergency": 0.5}), detection=detection)
    row = simulate(scenario, 5, 0).summary()
    if detection == 1.0:
        assert row["channel.emergency.abusive_handed_over"] == 0
        assert row["channel.emergency.false_claims_detected"] > 10
    else:
        assert row["channel.emergency.abusive_handed_over"] > 10
        assert row["channel.emergency.false_claims_detected"] == 0
        assert row["channel.emergency.days_to_data"] < 10  # hours to days, not months


def test_a_preservation_hands_nothing_over_and_its_disclosure_request_follows_through_mla():
    from simulator.domain.model import Channel
    from tests.world.several import several

    tally = recorded(several())
    row = tally.summary()
    assert row["channel.preservation.abusive_handed_over"] == 0
    assert row["channel.preservation.legitimate_handed_over"] == 0
    preserved = [(c, i, where) for c, i, where, _, o in tally.endings if o is Outcome.PRESERVED]
    assert preserved
    followers = {r.parent: r for r in tally.requests.values() if r.parent is not None}
    for case, request_id, where in preserved:
        follower = followers.get(request_id)
        if follower is None:  # its disclosure request was still to come when the run stopped
            continue
        assert follower.case_id == case and follower.submission.requested == where
        assert follower.submission.channel is Channel.MLA


def test_forum_shopping_finds_the_permissive_state_and_buys_the_abuser_data():
    """Paired on the same seeds: shopping raises the share of abusive cases that got the data."""
    from simulator.world.scenario import ForumShopping, Strategies
    from tests.world.several import several

    shopping = several(Strategies(forum_shopping=ForumShopping(exploration=0.1)))
    plain, shopped = several(), shopping
    gains = []
    for replication in range(2):
        a = simulate(plain, 11, replication).summary()
        b = simulate(shopped, 11, replication).summary()
        gains.append(b["abusive_cases_reached"] - a["abusive_cases_reached"])
        assert b["requested.lax.abusive_submitted"] > a["requested.lax.abusive_submitted"]
    assert min(gains) > 0.05


def test_one_request_refused_in_one_state_is_granted_in_another():
    from simulator.world.scenario import ForumShopping, Strategies
    from tests.world.several import several

    tally = recorded(several(Strategies(forum_shopping=ForumShopping())))
    by_case = {}
    for case, _, where, _, outcome in tally.endings:
        by_case.setdefault(case, []).append((where, outcome))
    crossed = [
        case
        for case, ends in by_case.items()
        if any(o is Outcome.REFUSED for _, o in ends)
        and any(o.data_handed_over and w != ends[0][0] for w, o in ends)
    ]
    assert crossed


def test_a_flood_timed_with_the_abuse_rushes_the_reviews_at_the_bottleneck():
    """Junk requests at intake make an authority-wide load effect rush legal and rights review."""
    from simulator.world.scenario import Flooding, Strategies, Surge
    from tests.world.several import several

    flood = Flooding(requests_per_year=20_000.0, windows=(Surge(90.0, 150.0, 1.0),))
    quiet = several()
    flooded = several(Strategies(flooding=flood))

    def authority_wide(scenario):
        for state in scenario.requested_states:
            effect = attrs.evolve(state.load_effect, queue="authority")
            scenario = scenario.with_requested_state(attrs.evolve(state, load_effect=effect))
        return scenario

    calm = simulate(authority_wide(quiet), 2, 0).summary()
    rushed = simulate(authority_wide(flooded), 2, 0).summary()
    assert rushed["flood_submitted"] > 2000
    assert rushed["stage.legal_review.rushed_share"] > 0.1
    assert calm.get("stage.legal_review.rushed_share", 0.0) < 0.01
    # the flood's own requests are not counted as legitimate or abusive ones
    assert rushed["legitimate_submitted"] == calm["legitimate_submitted"]


def test_monitoring_flags_the_abuser_and_spares_a_clean_requester():
    from simulator.domain.monitoring import Monitoring
    from tests.world.several import several, with_requested

    scenario = several()
    partner = attrs.evolve(scenario.requester("partner"), abusive_share=0.0)
    scenario = attrs.evolve(
        scenario,
        requesting_states=tuple(partner if s.id == "partner" else s for s in scenario.requesting_states),
    )
    scenario = with_requested(scenario, "us", monitoring=Monitoring(enabled=True))
    row = simulate(scenario, 4, 0).summary()
    assert row["monitoring.us.authoritarian.flagged"] == 1.0
    assert 0 < row["monitoring.us.authoritarian.days_to_flag"] < 365
    assert row["monitoring.us.partner.flagged"] == 0.0
    assert math.isnan(row["monitoring.us.partner.days_to_flag"])
    assert row["monitoring.us.partner.legitimate_lost_to_suspension"] == 0
    assert row["monitoring.us.authoritarian.legitimate_lost_to_suspension"] > 0
    assert row["refusals.monitoring-suspension.legitimate"] > 0
    assert "monitoring.eu.authoritarian.flagged" not in row  # eu does not monitor


def test_sharing_refusals_lowers_pass_through_where_shopping_leads():
    """Paired: refusals shared between the States make the permissive one refuse known persons."""
    from simulator.world.scenario import ForumShopping, InformationSharing, Strategies
    from tests.world.several import several

    strategies = Strategies(forum_shopping=ForumShopping())
    alone = several(strategies)
    shared = several(strategies, information_sharing=InformationSharing("refusals", 10.0))
    a = simulate(alone, 8, 0).summary()
    b = simulate(shared, 8, 0).summary()
    assert b["requested.lax.abuse_pass_through"] < a["requested.lax.abuse_pass_through"]
    assert b["abusive_cases_reached"] <= a["abusive_cases_reached"]


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


def test_tracing_a_redirected_false_emergency_changes_nothing():
    """The tally counts a request as submitted (a false emergency), traced or not."""
    from simulator.world.scenario import Mix
    from tests.world.several import several

    scenario = several(abusive_channels=Mix.of({"mla": 0.5, "emergency": 0.5}), detection=1.0)
    tally = recorded(scenario, seed=5)
    redirected = next(
        i
        for c, i, _, channel, _ in tally.endings
        if channel is Channel.MLA and tally.requests[i].submission.emergency_claim
    )
    events = []
    traced = simulate(scenario, 5, 0, trace=(redirected, lambda r, kind, d: events.append(kind))).summary()
    plain = simulate(scenario, 5, 0).summary()
    assert "decided" in events and "resubmitted" in events
    assert traced.keys() == plain.keys()
    assert all(traced[k] == plain[k] or (math.isnan(traced[k]) and math.isnan(plain[k])) for k in plain)


def test_a_run_leaves_no_cyclic_garbage_that_grows_with_its_requests():
    """The cyclic collector is off while a replication runs (see the module docstring): that is safe
    only if a request's life makes no reference cycles. Collected while the run's pipeline is still
    held (its case files, cases and pending requests are then alive, not garbage), what the run left
    in unreachable cycles must not grow with the number of requests it simulated."""
    import gc

    from simulator.files.document import load_scenario
    from tests.conftest import BASELINE

    base = load_scenario(BASELINE)
    left, requests = [], []
    collecting = gc.isenabled()
    try:
        for horizon in (150.0, 600.0):
            scenario = attrs.evolve(base, horizon_days=horizon, follow_up_days=0.0, warmup_days=0.0)
            gc.collect()
            gc.enable()
            pipeline = Pipeline(scenario, 1, 0, Tally.for_scenario(scenario))
            gc.disable()  # as the run itself does; it leaves the collector as it found it
            tally = pipeline.run()
            assert not gc.isenabled()
            left.append(gc.collect())  # the pipeline still held: only garbage made during the run
            requests.append(tally.arrivals)
            del pipeline, tally
    finally:
        if collecting:
            gc.enable()
        else:
            gc.disable()
    assert requests[1] > 3.5 * requests[0]  # four times the requests
    assert (left[1] - left[0]) / (requests[1] - requests[0]) < 0.05, (left, requests)
