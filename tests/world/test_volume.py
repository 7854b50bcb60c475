"""A replication's requests: bounded from every source before it runs, watched while it runs."""

from __future__ import annotations

import time

import attrs
import pytest

from simulator.files.document import load_configuration, load_scenario
from simulator.files.limits import Limits
from simulator.files.loader import parse_scenario
from simulator.world import volume
from simulator.world.pipeline import Pipeline, simulate
from simulator.world.tally import Tally
from simulator.world.volume import (
    RequestLimit,
    RunawayReplication,
    fresh_bound,
    request_volume,
)
from tests.conftest import ROOT, SCENARIOS, build, deep_update, document

SEVERAL = ROOT / "tests" / "data" / "small-several-states.toml"
ZERO = {"distribution": "fixed", "value": 0.0}


def refusing(attempts: int, delay: float = 0.0, probability: float = 1.0) -> dict:
    """A document where every abusive request is refused at once (dual criminality, reviews of no
    time) and its requester sends fresh requests after each refusal."""
    doc = document()
    doc["stages"] = {
        "legal_review": {"staff": 1, "service": ZERO},
        "execution": {"staff": 1, "service": ZERO},
    }
    doc["routes"] = {"default": ["legal_review", "execution"]}
    doc = deep_update(doc, "safeguards.dual_criminality", {"mode": "required", "exempt_measures": []})
    doc = deep_update(doc, "requested_state.decriminalises", ["extremism", "extortion"])
    fresh = {
        "probability": probability,
        "max_attempts": attempts,
        "delay_days": {"distribution": "fixed", "value": delay},
    }
    return deep_update(doc, "requesting_state.0.strategies.fresh_request", fresh)


def with_attempts(scenario, attempts: int):
    """``scenario`` with ``attempts`` fresh requests a case (past what a file may ask for at once)."""
    state = scenario.requesting_states[0]
    fresh = attrs.evolve(state.strategies.fresh_request, max_attempts=attempts)
    state = attrs.evolve(state, strategies=attrs.evolve(state.strategies, fresh_request=fresh))
    return attrs.evolve(scenario, requesting_states=(state,))


def made(scenario, limit: float = 1e18) -> Pipeline:
    """The pipeline of replication 0, run under ``limit`` requests."""
    pipeline = Pipeline(scenario, 0, 0, Tally.for_scenario(scenario), request_limit=RequestLimit(limit))
    pipeline.run()
    return pipeline


def test_fresh_requests_count_toward_the_bound():
    scenario = build(refusing(100))
    volume = request_volume(scenario)
    arrivals = volume.count("arrivals")
    assert arrivals == pytest.approx(200.0)  # 365 a year over 200 days
    assert volume.count("fresh") == pytest.approx(0.2 * arrivals * 100)  # every abusive case, 100 times
    assert "fresh_request.max_attempts = 100" in volume.largest_follow_up()


def test_the_bound_holds_what_a_replication_makes_from_every_source():
    for path in (
        SEVERAL,
        SCENARIOS / "forum-shopping.toml",
        SCENARIOS / "flooding.toml",
        SCENARIOS / "channels.toml",
    ):
        scenario = load_scenario(path)
        volume = request_volume(scenario)
        pipeline = made(scenario)
        follow_ups = pipeline.guard.follow_ups
        assert sum(follow_ups.values()) > 0
        for source, count in follow_ups.items():
            assert count <= 1.5 * volume.count(source) + 30, (path.name, source)
        assert pipeline.tally.arrivals <= 1.2 * volume.total + 50, path.name


def test_the_bound_of_a_fresh_request_is_its_attempts_at_most():
    assert fresh_bound(1.0, 100) == 100
    assert fresh_bound(0.5, 10**18) == pytest.approx(1.0)
    assert fresh_bound(0.5, 1) == pytest.approx(0.5)
    assert fresh_bound(0.999999, 10**9) == pytest.approx(999_999, rel=1e-3)


def test_a_replication_past_its_limit_stops_naming_what_multiplied_its_requests():
    scenario = build(refusing(1000, delay=1.0))
    with pytest.raises(RunawayReplication) as stopped:
        made(scenario, limit=2_000)
    message = str(stopped.value)
    assert "\n" not in message and "past 2,000 requests" in message
    assert "what multiplied them: fresh requests" in message
    assert "fresh_request.max_attempts = 1000, probability = 1" in message


def test_a_clock_that_stands_still_is_stopped_in_one_line(monkeypatch):
    """The hang of issue 20: zero delays, reviews of no time, every request refused, a billion
    attempts. 0.3.1 never passed day 1.6; the guard stops it once the clock has stood still for
    STALL_REQUESTS requests (fewer here, to be quick)."""
    monkeypatch.setattr(volume, "STALL_REQUESTS", 2_000)
    scenario = with_attempts(build(refusing(1000)), 10**9)
    started = time.monotonic()
    with pytest.raises(RunawayReplication) as stopped:
        made(scenario)
    message = str(stopped.value)
    assert "stayed at day 1.556 while 2,000 requests were made (fresh requests 2,000)" in message
    assert "fresh_request.delay_days draws 0 and max_attempts is 1e+09" in message
    assert "\n" not in message and time.monotonic() - started < 30


def test_the_guard_changes_nothing_it_does_not_stop():
    scenario = load_configuration(SEVERAL)
    free = simulate(scenario, 3, 1, request_limit=RequestLimit(1e18)).summary()
    watched = simulate(scenario, 3, 1).summary()
    assert repr(free) == repr(watched)  # repr: NaN == NaN


def test_the_default_limit_is_the_ceiling_or_twice_a_larger_bound():
    small = build(document())
    assert RequestLimit.default(small).requests == 1_000_000
    big = parse_scenario(refusing(10**6, delay=1.0), "big.toml", Limits(allow_large=True))
    assert RequestLimit.default(big).requests == pytest.approx(2 * request_volume(big).total)
