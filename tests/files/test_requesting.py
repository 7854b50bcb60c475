"""Requesting States in files: channel mixes, disclosure after preservation, adversary strategies."""

from __future__ import annotations

import pytest

from simulator.files.document import load_scenario
from simulator.world.distributions import Beta, Exponential, Fixed
from simulator.world.scenario import (
    MLA_ONLY,
    Flooding,
    ForumShopping,
    FreshRequest,
    Splitting,
    Strategies,
    Surge,
)
from tests.conftest import build, deep_update, document
from tests.files.documents import EMERGENCY, SEVERAL, problems_of

FLOODING = {
    "requests_per_year": 3000,
    "windows": [{"start_day": 90, "end_day": 150}],
    "documentation_complete": 0.1,
    "factual_basis": {"distribution": "beta", "a": 1, "b": 3},
    "hold_abusive": False,
}


def with_emergency() -> dict:
    return deep_update(document(), "channels.emergency", dict(EMERGENCY))


def test_a_requester_uses_mla_only_unless_it_says_otherwise():
    state = build(document()).requesting_states[0]
    assert state.channels == MLA_ONLY and state.abusive_channels == MLA_ONLY
    assert state.disclosure_after == Exponential(20.0) and state.strategies == Strategies()


def test_channel_mixes_and_the_delay_before_the_disclosure_request():
    doc = deep_update(with_emergency(), "requesting_state.0.channels", {"mla": 3, "preservation": 1})
    doc = deep_update(doc, "requesting_state.0.abuse.channels", {"mla": 0.8, "emergency": 0.2})
    doc = deep_update(doc, "requesting_state.0.disclosure_after", {"distribution": "fixed", "value": 5})
    state = build(doc).requesting_states[0]
    assert state.channels.shares() == pytest.approx({"mla": 0.75, "preservation": 0.25})
    assert state.abusive_channels.shares() == pytest.approx({"mla": 0.8, "emergency": 0.2})
    assert state.disclosure_after == Fixed(5)


def test_every_strategy():
    strategies = {
        "forum_shopping": {"exploration": 0.2, "max_states": 2},
        "flooding": FLOODING,
        "splitting": {"share": 0.5},
        "fresh_request": {"probability": 0.9, "delay_days": {"distribution": "fixed", "value": 30}},
    }
    state = build(deep_update(document(), "requesting_state.0.strategies", strategies)).requesting_states[0]
    assert state.strategies == Strategies(
        forum_shopping=ForumShopping(exploration=0.2, retry_days=Exponential(30.0), max_states=2),
        flooding=Flooding(3000, (Surge(90, 150, 1.0),), 0.1, Beta(1, 3), False),
        splitting=Splitting(0.5),
        fresh_request=FreshRequest(0.9, Fixed(30), 2),
    )


def test_an_empty_strategy_table_switches_the_strategy_on_with_its_defaults():
    doc = deep_update(document(), "requesting_state.0.strategies.splitting", {})
    assert build(doc).requesting_states[0].strategies == Strategies(splitting=Splitting())


def test_the_fixture_s_abusive_requester_follows_every_strategy():
    scenario = load_scenario(SEVERAL)
    authoritarian = scenario.requester("authoritarian")
    assert authoritarian.strategies.any and authoritarian.strategies.flooding.windows[1] == Surge(
        250, 280, 1.0
    )
    assert scenario.requester("partner").channels.shares() == pytest.approx(
        {"mla": 0.8, "preservation": 0.1, "emergency": 0.1}
    )


def test_strategies_belong_to_a_requester_with_an_abuse_table():
    doc = deep_update(document(), "requesting_state.0.abusive_share", 0.0)
    del doc["requesting_state"][0]["abuse"]
    doc = deep_update(doc, "requesting_state.0.strategies.splitting", {"share": 1})
    assert problems_of(doc) == [
        "broken.toml: requesting_state[0].strategies: strategies are an abusive requester's: this State has "
        "no [abuse] table"
    ]


@pytest.mark.parametrize(
    ("dotted", "value", "expected"),
    [
        (
            "channels",
            {"mla": 1, "emergancy": 1},
            "channels.emergancy: unknown name (did you mean 'emergency'?)",
        ),
        (
            "channels",
            {"mla": 1, "emergency": 1},
            "channels.emergency: no requested State offers this channel (add a [channels.emergency] table)",
        ),
        (
            "abuse.channels",
            {"spontaneous": 1},
            "abuse.channels.spontaneous: no requested State offers this channel "
            "(add a [channels.spontaneous] table)",
        ),
        (
            "disclosure_after",
            {"distribution": "exponential", "mean": 0},
            "disclosure_after.mean: must be greater than 0",
        ),
        (
            "strategies.forum_shoping",
            {},
            "strategies.forum_shoping: unknown strategy (did you mean 'forum_shopping'?); "
            "one of forum_shopping, flooding, splitting, fresh_request, route_shopping",
        ),
        (
            "strategies.forum_shopping.max_states",
            0,
            "strategies.forum_shopping.max_states: must be at least 1, not 0",
        ),
        (
            "strategies.forum_shopping.exploration",
            2,
            "strategies.forum_shopping.exploration: must be a probability between 0 and 1, not 2",
        ),
        (
            "strategies.fresh_request.max_attempts",
            1.5,
            "strategies.fresh_request.max_attempts: must be an integer, not 1.5",
        ),
        (
            "strategies.splitting.share",
            -1,
            "strategies.splitting.share: must be a probability between 0 and 1, not -1",
        ),
        ("strategies.flooding", {"requests_per_year": 10}, "strategies.flooding.windows: is required"),
        (
            "strategies.flooding",
            {**FLOODING, "windows": [{"start_day": 90, "end_day": 80}]},
            "strategies.flooding.windows[0].end_day: must come after start_day (90)",
        ),
        (
            "strategies.flooding",
            {**FLOODING, "factual_basis": {"distribution": "exponential", "mean": 0.5}},
            "strategies.flooding.factual_basis.distribution: exponential is unbounded; "
            "a score needs values in [0, 1]",
        ),
        (
            "strategies.flooding",
            {**FLOODING, "requests_per_year": -1},
            "strategies.flooding.requests_per_year: must be at least 0, not -1",
        ),
        (
            "strategies.fresh_request",
            {"probability": 0.5, "delay_days": {"distribution": "lognormal", "mean": 1e300, "sd": 1}},
            "strategies.fresh_request.delay_days.mean: must be at most 1e+09, not 1e+300",
        ),
    ],
)
def test_each_mistake_is_one_line_with_its_path(dotted, value, expected):
    doc = deep_update(document(), f"requesting_state.0.{dotted}", value)
    assert problems_of(doc) == [f"broken.toml: requesting_state[0].{expected}"]
