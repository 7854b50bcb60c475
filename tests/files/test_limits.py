"""Limits: numbers that would explode, hang or end in NaN are refused with their path."""

from __future__ import annotations

import math

import attrs
import pytest

from simulator.files.limits import (
    MAX_DAYS,
    MAX_DURATION,
    PROBES,
    REQUEST_CEILING,
    Limits,
    distribution_problems,
    draw_problems,
    duration,
    estimate_line,
    expected_requests,
    normal_score,
    probe_draws,
    scenario_problems,
)
from simulator.files.loader import ScenarioError, parse_scenario
from simulator.world.distributions import Beta, Exponential, Fixed, Lognormal
from simulator.world.scenario import Surge
from tests.conftest import build, deep_update, document


@pytest.mark.parametrize(
    "cls, values, score, fragment",
    [
        (Lognormal, {"mean": 1e300, "sd": 1e300}, False, "must be at most 1e+09"),
        (Lognormal, {"mean": 1e-300, "sd": 1.0}, False, "cannot be sampled"),
        (Lognormal, {"mean": 5e-324, "sd": 1e9}, False, "not finite"),
        (Lognormal, {"mean": 20.0, "sd": 1e6}, False, "draws durations up to"),
        (Exponential, {"mean": 1e9}, False, "draws durations up to"),
        (Fixed, {"value": 1.5}, True, "a score must lie in [0, 1]"),
    ],
)
def test_unusable_distributions_are_named(cls, values, score, fragment):
    problems = distribution_problems(cls, values, score)
    assert problems and fragment in problems[0][1]


@pytest.mark.parametrize(
    "cls, values, score",
    [
        (Lognormal, {"mean": 20.0, "sd": 10.0}, False),
        (Lognormal, {"mean": 1e-3, "sd": 1e-2}, False),
        (Exponential, {"mean": 5e-324}, False),
        (Beta, {"a": 2.0, "b": 5.0}, True),
        (Fixed, {"value": 0.0}, False),
    ],
)
def test_ordinary_and_tiny_distributions_pass(cls, values, score):
    assert distribution_problems(cls, values, score) == []


def _verdicts(cls, values: dict, score: bool) -> tuple:
    """The check's verdict from the scipy-free probe, and from the simulation's own quantiles (scipy)."""

    def verdict(draws_of) -> object:
        try:
            return draw_problems(draws_of(cls(**values)), score)
        except (ArithmeticError, ValueError):
            return "cannot be sampled"

    return verdict(probe_draws), verdict(lambda d: [d.quantile(u) for u in PROBES])


def _sd_at_the_ceiling(mean: float) -> float:
    """The sd (found with the simulation's quantiles) at which a lognormal's top draw is MAX_DURATION."""
    low, high = 1.0, 1e6  # top draws of about 1e2 and 1e13 at a mean of 20
    for _ in range(200):
        middle = math.sqrt(low * high)
        top = Lognormal(mean, middle).quantile(PROBES[-1])
        low, high = (middle, high) if top <= MAX_DURATION else (low, middle)
    return low


EXTREME_LOGNORMALS = [
    {"mean": 5e-324, "sd": 1e9},  # sd / mean is inf: NaN at the median
    {"mean": 1e-300, "sd": 1.0},  # (sd / mean)^2 overflows
    {"mean": 1e-150, "sd": 1e3},  # (sd / mean)^2 just below the largest float
    {"mean": 1e9, "sd": 5e-324},  # sd / mean underflows to 0: 0 x -inf at u = 0
    {"mean": 1e9, "sd": 1e-160},  # (sd / mean)^2 underflows to 0 as well
    {"mean": 1e9, "sd": 1e-141},  # a spread of 1e-150 of the mean: its square still above 0
    {"mean": 1e9, "sd": 1e9},
    {"mean": 1e-6, "sd": 1e9},  # sigma near the extreme normal score: the largest top draws
    {"mean": 5e-324, "sd": 5e-324},
    {"mean": 20.0, "sd": 1e6},
    {"mean": 20.0, "sd": 10.0},
]


@pytest.mark.parametrize("values", EXTREME_LOGNORMALS)
def test_the_scipy_free_probe_of_a_lognormal_agrees_with_scipy(values):
    probe, simulated = _verdicts(Lognormal, values, score=False)
    assert probe == simulated
    if probe == []:  # the draws themselves differ by an ulp of the normal score at most
        exact = [Lognormal(**values).quantile(u) for u in PROBES]
        assert probe_draws(Lognormal(**values)) == pytest.approx(exact, rel=1e-13, abs=0.0)


@pytest.mark.parametrize("mean", [20.0, 1e-3, 1e3])
def test_the_probe_and_scipy_agree_on_either_side_of_the_duration_ceiling(mean):
    border = _sd_at_the_ceiling(mean)
    below, above = border * (1 - 1e-9), border * (1 + 1e-9)
    assert _verdicts(Lognormal, {"mean": mean, "sd": below}, False) == ([], [])
    probe, simulated = _verdicts(Lognormal, {"mean": mean, "sd": above}, False)
    assert probe == simulated and "above the ceiling" in probe[0][1]


@pytest.mark.parametrize("a", [5e-324, 1e-300, 1e-3, 1.0, 1e9])
@pytest.mark.parametrize("b", [5e-324, 1e-300, 1e-3, 1.0, 1e9])
def test_a_betas_draws_lie_in_its_support_whatever_the_parameters(a, b):
    beta = Beta(a, b)
    draws = [beta.quantile(u) for u in PROBES]
    assert all(beta.support[0] <= d <= beta.support[1] for d in draws)
    for score in (True, False):
        assert _verdicts(Beta, {"a": a, "b": b}, score) == ([], [])


def test_the_normal_score_is_scipys_within_an_ulp():
    from scipy.special import ndtri

    assert normal_score(0.0) == -math.inf and normal_score(1.0) == math.inf
    assert normal_score(0.5) == 0.0
    for u in (*PROBES[1:], 1e-300, 5e-324, 0.3, 0.975):
        assert normal_score(u) == pytest.approx(float(ndtri(u)), rel=4 * 2.0**-52, abs=0.0)


def test_expected_requests_integrate_the_rate_with_multiplying_surges():
    state = build(document()).requesting_states[0]  # 365 a year: one a day
    assert expected_requests(state, 100.0) == pytest.approx(100.0)
    surged = state.__class__(**{**_fields(state), "surges": (Surge(10, 20, 3.0), Surge(15, 30, 2.0))})
    # days 10-15 x3, 15-20 x6, 20-30 x2: 100 + 5*2 + 5*5 + 10*1
    assert expected_requests(surged, 100.0) == pytest.approx(145.0)


def _fields(state) -> dict:
    import attrs

    return {f.name: getattr(state, f.name) for f in attrs.fields(type(state))}


def test_times_multipliers_and_volume_are_bounded():
    states = build(document()).requesting_states
    assert scenario_problems("f.toml", MAX_DAYS, MAX_DAYS, states) == []
    [problem] = scenario_problems("f.toml", MAX_DAYS * 2, 0.0, states)
    assert problem.path == "scenario.horizon_days"
    big = deep_update(document(), "requesting_state.0.requests_per_year", REQUEST_CEILING * 365 / 100)
    with pytest.raises(ScenarioError, match="--allow-large"):
        build(deep_update(big, "scenario.horizon_days", 101.0))
    large = Limits(allow_large=True)
    assert parse_scenario(deep_update(big, "scenario.horizon_days", 101.0), "t", large).horizon_days == 101.0
    with pytest.raises(ScenarioError, match="--allow-large"):  # an explicit value: nothing left behind
        build(deep_update(big, "scenario.horizon_days", 101.0))


def test_weights_whose_sum_overflows_are_refused():
    doc = deep_update(
        document(), "requesting_state.0.offences", {"computer_fraud": 1.7e308, "extremism": 1.7e308}
    )
    with pytest.raises(ScenarioError, match=r"offences: weights are too large"):
        build(doc)
    assert math.isfinite(sum(build(document()).requesting_states[0].offences.cumulative))


FLOOD = {"requests_per_year": 36500, "windows": [{"start_day": 50, "end_day": 150}]}


def test_flood_requests_count_toward_the_volume():
    doc = deep_update(document(), "requesting_state.0.strategies.flooding", FLOOD)
    state = build(doc).requesting_states[0]
    assert expected_requests(state, 200.0) == pytest.approx(365 / 365 * 200 + 100 * 100)
    assert expected_requests(state, 100.0) == pytest.approx(100 + 50 * 100)  # clipped at the horizon


def test_a_flood_above_the_ceiling_is_refused_unless_allowed():
    flood = {"requests_per_year": 1e10, "windows": [{"start_day": 0, "end_day": 100}]}
    doc = deep_update(document(), "requesting_state.0.strategies.flooding", flood)
    with pytest.raises(ScenarioError, match="above the ceiling"):
        build(doc)
    allowed = parse_scenario(doc, "test.toml", Limits(allow_large=True))
    assert allowed.requesting_states[0].strategies.flooding.requests_per_year == 1e10


def test_a_flood_window_ends_inside_the_horizon():
    flood = {**FLOOD, "windows": [{"start_day": 50, "end_day": 150}, {"start_day": 150, "end_day": 250}]}
    doc = deep_update(document(), "requesting_state.0.strategies.flooding", flood)
    with pytest.raises(ScenarioError) as caught:
        build(doc)
    assert [str(p) for p in caught.value.problems] == [
        "test.toml: requesting_state[0].strategies.flooding.windows[1].end_day: must be at most horizon_days "
        "(200): a flood is sent during the horizon"
    ]


# --- the limits of issue 20: every source of requests, sizes, plans, an explicit Limits value ------------
FRESH = {"probability": 1.0, "max_attempts": 100, "delay_days": {"distribution": "exponential", "mean": 5.0}}


def test_follow_ups_count_toward_the_ceiling_and_the_line_names_them():
    """0.3.1 counted arrivals only: 100 fresh requests a case made 9,898 requests of about 100 cases."""
    doc = deep_update(document(), "requesting_state.0.strategies.fresh_request", FRESH)
    doc = deep_update(doc, "requesting_state.0.requests_per_year", 100_000.0)
    with pytest.raises(ScenarioError) as refused:
        build(doc)
    [problem] = refused.value.problems
    assert problem.path == "requesting_state"
    assert "(arrivals 54,795; fresh requests 1,095,890)" in problem.message
    assert "the most added by fresh requests" in problem.message
    assert "fresh_request.max_attempts = 100, probability = 1" in problem.message
    assert parse_scenario(doc, "t", Limits(allow_large=True)).requesting_states[0].requests_per_year == 1e5
    arrivals_only = deep_update(doc, "requesting_state.0.strategies.fresh_request.max_attempts", 1)
    assert build(arrivals_only).requesting_states[0].requests_per_year == 1e5  # 0.3.1's count: it passes


def test_fresh_requests_at_once_are_limited_whatever_is_allowed():
    zero = {**FRESH, "max_attempts": 1001, "delay_days": {"distribution": "fixed", "value": 0.0}}
    doc = deep_update(document(), "requesting_state.0.strategies.fresh_request", zero)
    for limits in (Limits(), Limits(allow_large=True)):
        with pytest.raises(ScenarioError, match="the clock would not advance") as refused:
            parse_scenario(doc, "t", limits)
        assert refused.value.problems[0].path == "requesting_state[0].strategies.fresh_request.max_attempts"
    ok = deep_update(doc, "requesting_state.0.strategies.fresh_request.max_attempts", 1000)
    assert build(ok).requesting_states[0].strategies.fresh_request.max_attempts == 1000


def test_numbers_of_states_and_replications_are_bounded_unless_allowed():
    doc = document()
    doc["requesting_state"] = [{**doc["requesting_state"][0], "id": f"S{i}"} for i in range(4)]
    doc = deep_update(doc, "scenario.replications", 11)
    small = Limits(requesting_states=3, replications=10)
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(doc, "t", small)
    more = ": pass --allow-large to run more (in Python: limits=Limits(allow_large=True))"
    assert [(p.path, p.message) for p in refused.value.problems] == [
        ("requesting_state", f"4 requesting States, above the limit of 3{more}"),
        ("scenario.replications", f"11 replications, above the limit of 10{more}"),
    ]
    assert len(parse_scenario(doc, "t", attrs.evolve(small, allow_large=True)).requesting_states) == 4


def test_a_plan_larger_than_the_memory_is_refused_even_when_allowed(monkeypatch):
    scenario = build(document())
    monkeypatch.setattr("simulator.files.limits.physical_memory", lambda: 8_000_000_000)
    assert Limits(allow_large=True).plan_problem(1_000, scenario) is None
    problem = Limits(allow_large=True).plan_problem(1e12, scenario)
    assert (
        problem.startswith("1e+12 replications need about") and "more than this machine's 8.0 GB" in problem
    )


def test_a_run_near_a_bound_is_announced_with_an_estimate():
    assert estimate_line(build(document()), 20, 2) is None
    line = estimate_line(build(document()), 5_000, 2)
    assert line.startswith("a large run: up to about 200 requests in each of 5,000 replications: about ")
    assert "on 2 worker(s), and up to" in line and "of memory per worker process" in line


def test_the_runtime_limit_is_the_ceiling_or_twice_the_bound_when_allowed():
    scenario = build(document())
    assert Limits().request_limit(scenario).requests == REQUEST_CEILING
    assert "--allow-large" in Limits().request_limit(scenario).advice
    assert Limits(requests=10).request_limit(scenario).requests == 10
    assert Limits(allow_large=True).request_limit(scenario).requests == REQUEST_CEILING


def test_durations_read_as_a_person_would_say_them():
    assert (duration(42), duration(600), duration(7200)) == ("42 s", "10.0 min", "2.0 h")


@pytest.mark.parametrize(("years", "refused"), [(1e-300, True), (1e-6, True), (0.5, False), (0.0, False)])
def test_a_pool_that_would_renew_past_the_ceiling_is_refused_before_anything_runs(years, refused):
    """A person who stays a target for a fraction of a second is a typo: every renewal is a person
    the run keeps, so it is refused in one line naming the setting, before the run (issue 23)."""
    from simulator.files.document import read_file
    from tests.conftest import ROOT

    key = "requesting_state.authoritarian.abuse.turnover_years"
    renewing = read_file(ROOT / "tests" / "data" / "turnover.toml")
    if not refused:
        assert renewing.configured({key: years}, "t").requester("authoritarian").abuse.turnover_years == years
        return
    with pytest.raises(ScenarioError) as caught:
        renewing.configured({key: years}, "t")
    [problem] = caught.value.problems
    assert problem.path == key and "times over the run, above the ceiling" in problem.message
