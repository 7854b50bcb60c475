"""Fast channels in files (Arts 40(4)-(5), 41-43): routes, own staff, grounds and rules, and mistakes."""

from __future__ import annotations

import copy

import pytest

from simulator.domain.channels import ChannelRules, EmergencyRules, PreservationRules
from simulator.domain.model import Channel, Stage
from simulator.world.distributions import Fixed
from simulator.world.scenario import ChannelRoute, StageConfig
from tests.conftest import build, deep_update, document
from tests.files.documents import EMERGENCY, problems_of, several


def with_channel(name: str, table: dict, doc: dict | None = None) -> dict:
    return deep_update(doc or document(), f"channels.{name}", copy.deepcopy(table))


def test_a_file_without_channels_offers_none_with_the_default_rules():
    state = build(document()).requested_state
    assert state.channels == {} and state.channel_rules == ChannelRules()


def test_an_emergency_channel_with_its_own_desk():
    state = build(with_channel("emergency", EMERGENCY)).requested_state
    assert state.channels == {
        Channel.EMERGENCY: ChannelRoute(
            route=(Stage.CONTACT_POINT, Stage.EXECUTION),
            stages={Stage.CONTACT_POINT: StageConfig(1, Fixed(0.1))},
        )
    }
    assert state.channel_rules.emergency == EmergencyRules(detection=0.6, grounds=frozenset({"uncc-40-22"}))


def test_a_route_stage_without_a_table_shares_the_mla_stage():
    state = build(with_channel("spontaneous", {"route": ["execution"]})).requested_state
    assert state.channels[Channel.SPONTANEOUS] == ChannelRoute(route=(Stage.EXECUTION,), stages={})


def test_preservation_rules():
    table = {"route": ["execution"], "reservation": True, "grounds": ["uncc-40-22"], "retention_days": 90}
    rules = build(with_channel("preservation", table)).requested_state.channel_rules
    assert rules.preservation == PreservationRules(True, frozenset({"uncc-40-22"}), 90)


def test_channels_of_one_of_several_requested_states():
    doc = deep_update(several(), "requested_state.1.channels.emergency", EMERGENCY)
    states = build(doc).requested_states
    assert [set(s.channels) for s in states] == [set(), {Channel.EMERGENCY}, set()]


@pytest.mark.parametrize(
    ("dotted", "value", "expected"),
    [
        (
            "channels.emergncy",
            {"route": ["execution"]},
            "channels.emergncy: unknown channel (did you mean 'emergency'?); one of preservation, "
            "expedited_disclosure, emergency, spontaneous",
        ),
        (
            "channels.mla",
            {},
            "channels.mla: MLA is not a fast channel: its stages are [stages.*] and its routes [routes]",
        ),
        ("channels.emergency.route", None, "channels.emergency.route: is required"),
        (
            "channels.emergency.route",
            ["contact_piont", "execution"],
            "channels.emergency.route: item 0: unknown name 'contact_piont' (did you mean 'contact_point'?)",
        ),
        (
            "channels.emergency.route",
            [],
            "channels.emergency.route: must name at least one stage (the first is the desk that decides)",
        ),
        (
            "channels.emergency.route",
            ["contact_point", "contact_point"],
            "channels.emergency.route: must not visit a stage twice",
        ),
        (
            "channels.emergency.route",
            ["contact_point", "legal_review", "execution"],
            "channels.emergency.route: stage(s) with neither a table under channels.emergency.stages nor an "
            "MLA stage to share: legal_review",
        ),
        (
            "channels.emergency.stages.intake",
            {"staff": 1, "service": {"distribution": "fixed", "value": 1}},
            "channels.emergency.stages.intake: is not on the channel's route (contact_point, execution)",
        ),
        (
            "channels.emergency.grounds",
            ["uncc-40-23"],
            "channels.emergency.grounds: item 0: unknown name 'uncc-40-23' (did you mean 'uncc-40-22'?)",
        ),
        (
            "channels.emergency.detection",
            1.5,
            "channels.emergency.detection: must be a probability between 0 and 1, not 1.5",
        ),
        (
            "channels.emergency.detction",
            0.5,
            "channels.emergency.detction: unknown key (did you mean 'detection'?)",
        ),
        (
            "channels.emergency.stages.contact_point.staff",
            -2,
            "channels.emergency.stages.contact_point.staff: must be at least 0, not -2",
        ),
        ("channels.emergency", 3, "channels.emergency: must be a table, not an integer"),
    ],
)
def test_each_mistake_in_a_channel_is_one_line_with_its_path(dotted, value, expected):
    doc = with_channel("emergency", EMERGENCY)
    if value is None:
        del doc["channels"]["emergency"]["route"]
    else:
        doc = deep_update(doc, dotted, value)
    assert problems_of(doc) == [f"broken.toml: {expected}"]


def test_preservation_data_are_kept_at_least_the_treaty_s_60_days():
    doc = with_channel("preservation", {"route": ["execution"], "retention_days": 30})
    assert problems_of(doc) == [
        "broken.toml: channels.preservation.retention_days: must be at least 60 days (the minimum of "
        "Art 42(7)), not 30"
    ]


def test_a_channel_mistake_in_an_entry_names_the_entry():
    doc = deep_update(several(), "requested_state.2.channels.emergency", {**EMERGENCY, "detection": -1})
    assert problems_of(doc) == [
        "broken.toml: requested_state[2].channels.emergency.detection: must be a probability between "
        "0 and 1, not -1"
    ]
