"""Per-replication statistics: definitions of the headline metrics."""

from __future__ import annotations

import math

import pytest

from simulator.domain.model import Measure, Outcome, Request, Stage, Submission, Truth
from simulator.world.tally import Tally


def request(rid: int, abusive: bool, day: float = 10.0, state: str = "A") -> Request:
    return Request(
        rid,
        day,
        Submission(state, Measure.SUBSCRIBER_INFO, "computer_fraud", 8.0, 0),
        Truth(abusive, "computer_fraud", None, "ordinary", 0.0, 0.5),
    )


def test_pass_through_is_granted_over_decided_and_pending_is_reported_apart():
    tally = Tally(0.0, ["A"], ["uncc-40-22"])
    requests = [request(i, abusive=True) for i in range(6)]
    for r in requests:
        tally.arrived(r)
    tally.ended_as(requests[0], Outcome.GRANTED, None, 20.0)
    tally.ended_as(requests[1], Outcome.CONDITIONALLY_GRANTED, "uncc-36", 20.0)
    tally.ended_as(requests[2], Outcome.REFUSED, "uncc-40-22", 20.0)
    tally.ended_as(requests[3], Outcome.WITHDRAWN, "uncc-40-16", 20.0)
    row = tally.summary()
    assert row["abuse_pass_through"] == pytest.approx(2 / 3)
    assert row["abusive_pending_share"] == pytest.approx(2 / 6)
    assert row["abusive_withdrawn_share"] == pytest.approx(1 / 6)
    assert row["refusals.uncc-40-22.abusive"] == 1 and row["refusals.uncc-40-22.legitimate"] == 0
    assert row["backlog_at_end"] == 2
    assert math.isnan(row["legitimate_refusal_rate"])  # no legitimate request decided


def test_days_to_decision_count_legitimate_grants_and_refusals_only():
    tally = Tally(0.0, ["A"], [])
    for i, (outcome, end) in enumerate(
        [(Outcome.GRANTED, 20.0), (Outcome.REFUSED, 40.0), (Outcome.WITHDRAWN, 99.0), (Outcome.GRANTED, 60.0)]
    ):
        r = request(i, abusive=False)
        tally.arrived(r)
        tally.ended_as(r, outcome, "uncc-40-9" if outcome is Outcome.REFUSED else None, end)
    row = tally.summary()
    assert row["legitimate_days_median"] == pytest.approx(30.0)  # 10, 30, 50 days
    assert row["legitimate_days_p90"] == pytest.approx(46.0)
    assert row["legitimate_refusal_rate"] == pytest.approx(1 / 3)


def test_warm_up_requests_are_not_counted_but_occupy_the_pipeline():
    tally = Tally(50.0, ["A"], [])
    early = request(1, abusive=True, day=10.0)
    tally.arrived(early)
    tally.waited(early, Stage.INTAKE, 3.0)
    row = tally.summary()
    assert row["abusive_submitted"] == 0 and row["backlog_at_end"] == 1
    assert "stage.intake.mean_wait_days" not in row


def test_per_state_breakdown():
    tally = Tally(0.0, ["A", "B"], [])
    a, b = request(1, True, state="A"), request(2, True, state="B")
    for r in (a, b):
        tally.arrived(r)
    tally.ended_as(a, Outcome.GRANTED, None, 11.0)
    tally.ended_as(b, Outcome.REFUSED, "uncc-40-22", 11.0)
    row = tally.summary()
    assert row["state.A.abuse_pass_through"] == 1.0 and row["state.B.abuse_pass_through"] == 0.0
    assert row["refusals.uncc-40-22.abusive"] == 1  # cited though not declared: never hidden


def test_surveillance_is_counted_in_person_days_and_states_get_delays_and_refusals_by_provision():
    days = {Measure.REAL_TIME_TRAFFIC: 60.0, Measure.INTERCEPTION: 30.0}
    tally = Tally(0.0, ["A", "B"], ["uncc-40-9"], surveillance_days=days)

    def of(rid, measure, abusive, state="A"):
        r = request(rid, abusive, state=state)
        return Request(r.id, r.submitted_at, Submission(state, measure, "computer_fraud", 8.0, 0), r.truth)

    granted = [of(0, Measure.REAL_TIME_TRAFFIC, True), of(1, Measure.INTERCEPTION, False)]
    refused = of(2, Measure.INTERCEPTION, True)
    legit = [of(3, Measure.SUBSCRIBER_INFO, False, "B"), of(4, Measure.SUBSCRIBER_INFO, False, "B")]
    for r in [*granted, refused, *legit]:
        tally.arrived(r)
    tally.ended_as(granted[0], Outcome.GRANTED, None, 20.0)
    tally.ended_as(granted[1], Outcome.CONDITIONALLY_GRANTED, "uncc-40-27", 20.0)
    tally.ended_as(refused, Outcome.REFUSED, "uncc-40-9", 20.0)
    tally.ended_as(legit[0], Outcome.GRANTED, None, 30.0)
    tally.ended_as(legit[1], Outcome.REFUSED, "uncc-40-9", 50.0)
    row = tally.summary()
    assert row["surveillance_person_days.abusive"] == 60 and row["surveillance_person_days.legitimate"] == 30
    assert row["state.A.refusals.uncc-40-9"] == 1 and row["state.B.refusals.uncc-40-9"] == 1
    assert row["state.B.legitimate_days_mean"] == pytest.approx(30.0)  # (20 + 40) / 2


def test_time_averages_integrate_the_counts_event_by_event():
    tally = Tally(0.0, ["A"], [])
    first, second = request(0, False, day=0.0), request(1, False, day=2.0)
    tally.arrived(first)
    tally.stage_event(Stage.INTAKE, "join", 0.0)
    tally.stage_event(Stage.INTAKE, "start", 0.0, 0.0)
    tally.arrived(second)
    tally.stage_event(Stage.INTAKE, "join", 2.0)
    tally.stage_event(Stage.INTAKE, "leave", 4.0, 0.0)
    tally.stage_event(Stage.INTAKE, "start", 4.0, 2.0)
    tally.stage_event(Stage.INTAKE, "leave", 6.0, 2.0)
    tally.ended_as(first, Outcome.GRANTED, None, 4.0)
    tally.ended_as(second, Outcome.GRANTED, None, 6.0)
    tally.close(8.0)
    row = tally.summary()
    assert row["system.time_avg_in_system"] == pytest.approx((4 + 4) / 8)
    assert row["stage.intake.time_avg_in_queue"] == pytest.approx(2 / 8)
    assert row["stage.intake.time_avg_in_stage"] == pytest.approx(8 / 8)
    assert row["stage.intake.mean_time_in_queue_days"] == pytest.approx(1.0)
    assert row["stage.intake.throughput_per_day"] == pytest.approx(2 / 8)
    assert row["system.mean_time_in_system_days"] == pytest.approx(4.0)


def test_the_backlog_is_sampled_mid_window_and_at_the_horizon():
    from simulator.files.document import load_scenario
    from simulator.world.pipeline import simulate
    from tests.conftest import ROOT

    tally = Tally(100.0, ["A"], [])
    assert tally.backlog_days(300.0) == (200.0, 300.0)  # half-way from the end of the warm-up
    assert tally.backlog() == {}  # not sampled yet
    swamped = load_scenario(ROOT / "tests" / "data" / "saturated.toml")  # 1 request a day, 0.2 decided
    backlog = simulate(swamped, swamped.seed, 0).backlog()
    assert 80 <= backlog["backlog.arrivals_second_half"] <= 120  # 100 days at one a day
    growth = backlog["backlog.at_horizon"] - backlog["backlog.at_mid_horizon"]
    assert growth == pytest.approx(0.8 * backlog["backlog.arrivals_second_half"], abs=10)


def test_backlog_samples_count_arrivals_and_requests_in_the_system():
    tally = Tally(0.0, ["A"], [])
    first, second = request(0, abusive=False, day=1.0), request(1, abusive=False, day=2.0)
    tally.arrived(first)
    tally.sample_backlog(1.5)
    tally.arrived(second)
    tally.ended_as(first, Outcome.GRANTED, None, 3.0)
    tally.arrived(request(2, abusive=True, day=4.0))
    tally.sample_backlog(5.0)
    per_year = 365.0 / (5.0 - 1.5)
    assert tally.backlog() == {
        "backlog.at_mid_horizon": 1.0,
        "backlog.at_horizon": 2.0,
        "backlog.arrivals_second_half": 2.0,
        "backlog.growth_per_year": pytest.approx(1.0 * per_year),
        "backlog.arrivals_per_year": pytest.approx(2.0 * per_year),
    }


def test_without_follow_up_the_horizon_sample_is_the_end_of_the_run():
    tally = Tally(0.0, ["A"], [])
    tally.arrived(request(0, abusive=False, day=1.0))
    tally.sample_backlog(50.0)
    tally.arrived(request(1, abusive=False, day=60.0))
    assert tally.backlog() == {}  # still running
    tally.close(100.0)  # the horizon: its sample event never fires
    assert tally.backlog()["backlog.at_horizon"] == 2.0
    assert tally.backlog()["backlog.growth_per_year"] == pytest.approx(1.0 * 365.0 / 50.0)


def test_the_backlog_trend_is_a_growth_a_year_and_declared():
    from simulator.world.metrics import catalogue

    swamped = _saturated()
    from simulator.world.pipeline import simulate

    backlog = simulate(swamped, swamped.seed, 0).backlog()
    # 1 request a day arrives and 0.2 a day are decided: the backlog grows by about 0.8 x 365 a year
    assert backlog["backlog.growth_per_year"] == pytest.approx(0.8 * 365, rel=0.25)
    assert backlog["backlog.arrivals_per_year"] == pytest.approx(365, rel=0.25)
    for name in ("backlog.growth_per_year", "backlog.arrivals_per_year", "state.A.granted_share"):
        assert name in catalogue()
    assert catalogue().bounds("backlog.growth_per_year")[0] < 0  # a backlog can shrink


def _saturated():
    from simulator.files.document import load_scenario
    from tests.conftest import ROOT

    return load_scenario(ROOT / "tests" / "data" / "saturated.toml")


def test_abusive_requests_decided_are_counted_by_year_of_submission():
    tally = Tally(400.0, ["A"], [])  # a warm-up of 400 days: years are counted from day 0 all the same
    tally.horizon_days = 3 * 365.0
    for i, (day, outcome) in enumerate(
        [
            (10.0, Outcome.GRANTED),
            (20.0, Outcome.REFUSED),
            (400.0, Outcome.REFUSED),
            (800.0, Outcome.WITHDRAWN),
        ]
    ):
        tally.arrived(request(i, abusive=True, day=day))
        tally.ended_as(request(i, abusive=True, day=day), outcome, None, day + 5)
    tally.arrived(request(9, abusive=False, day=30.0))
    tally.ended_as(request(9, abusive=False, day=30.0), Outcome.GRANTED, None, 40.0)
    row = tally.by_year_metrics()
    assert row["year.1.abuse_pass_through"] == 0.5
    assert row["year.2.abuse_pass_through"] == 0.0
    assert math.isnan(row["year.3.abuse_pass_through"])  # one withdrawn: nothing decided
    assert [row[f"year.{y}.abusive_decided"] for y in (1, 2, 3)] == [2.0, 1.0, 0.0]


def test_granted_share_counts_both_truths_of_a_requester():
    tally = Tally(0.0, ["A", "B"], [])
    outcomes = [
        (True, Outcome.GRANTED),
        (False, Outcome.GRANTED),
        (False, Outcome.REFUSED),
        (False, Outcome.WITHDRAWN),
    ]
    for i, (abusive, outcome) in enumerate(outcomes):
        tally.arrived(request(i, abusive=abusive, day=1.0))
        tally.ended_as(request(i, abusive=abusive, day=1.0), outcome, None, 2.0)
    shares = tally.granted_shares()
    assert shares["state.A.granted_share"] == pytest.approx(2 / 3)
    assert math.isnan(shares["state.B.granted_share"])
