"""Requested States in files: the one-State form as before, several ``[[requested_state]]`` entries."""

from __future__ import annotations

import pytest

from simulator.domain.model import Channel, Measure, Stage
from simulator.domain.monitoring import MonitoringAction, MonitoringRule
from simulator.files.document import load_scenario
from simulator.world.distributions import Fixed
from tests.conftest import build, deep_update, document
from tests.files.documents import SEVERAL, problems_of, several


def test_a_one_state_file_names_its_state_requested_unless_it_gives_an_id():
    assert build(document()).requested_state.id == "requested"
    doc = deep_update(document(), "requested_state.id", "us")
    assert build(doc).requested_state.id == "us"


def test_several_requested_states_each_with_its_own_parts():
    doc = deep_update(
        several(), "requested_state.1.stages.execution.service", {"distribution": "fixed", "value": 2}
    )
    doc = deep_update(doc, "requested_state.2.name", "Small State")
    scenario = build(doc)
    assert [s.id for s in scenario.requested_states] == ["us", "eu", "small"]
    assert [s.name for s in scenario.requested_states] == ["us", "eu", "Small State"]  # name: the id
    assert scenario.requested_states[1].stages[Stage.EXECUTION].service == Fixed(2)
    assert scenario.requested_states[0].routes[Measure.STORED_CONTENT] == (Stage.EXECUTION,)


def test_the_fixture_with_three_requested_states_loads():
    scenario = load_scenario(SEVERAL)
    us, eu, small = scenario.requested_states
    assert (us.id, eu.id, small.id) == ("us", "eu", "small")
    assert us.load_effect.queue == "authority" and eu.load_effect.queue == "stage"
    assert set(us.channels) == {Channel.EMERGENCY, Channel.PRESERVATION}
    assert us.channel_rules.preservation.retention_days == 90
    assert eu.channels[Channel.EXPEDITED_DISCLOSURE].stages == {}  # shares the MLA stages
    assert us.monitoring.rule is MonitoringRule.CUSUM and us.monitoring.action is MonitoringAction.ESCALATE
    assert eu.monitoring.rule is MonitoringRule.SPRT and eu.monitoring.p1 == 0.3
    assert us.reputation.enabled and us.reputation.discovery == 0.3
    assert "extremism" in eu.criminalised and "extremism" not in us.criminalised
    assert small.channels == {} and not small.monitoring.enabled
    assert scenario.holders("journalist") == ("us", "eu")
    assert scenario.holders("ordinary") == ("us", "eu", "small")
    assert scenario.information_sharing.enabled


@pytest.mark.parametrize("table", ["stages", "safeguards", "routes", "load_effect", "monitoring"])
def test_a_top_level_part_next_to_several_states_is_an_error_naming_it(table):
    doc = several()
    doc[table] = {}
    assert problems_of(doc) == [
        f"broken.toml: {table}: a top-level [{table}] table cannot stand next to [[requested_state]] "
        f"entries: give each entry its own (requested_state.{table})"
    ]


@pytest.mark.parametrize(
    ("dotted", "value", "expected"),
    [
        ("requested_state.1.id", "us", "broken.toml: requested_state[1].id: duplicate id 'us'"),
        (
            "requested_state.0.id",
            "u s",
            "broken.toml: requested_state[0].id: must be a non-empty identifier: letters, digits, '-' or '_' "
            "(it names the State in outputs)",
        ),
        (
            "requested_state.2.stages.execution.staff",
            -1,
            "broken.toml: requested_state[2].stages.execution.staff: must be at least 0, not -1",
        ),
        (
            "requested_state.0.routs",
            {},
            "broken.toml: requested_state[0].routs: unknown key (did you mean 'routes'?)",
        ),
        (
            "requested_state.1.load_effect.queue",
            "authorty",
            "broken.toml: requested_state[1].load_effect.queue: must be one of stage, authority, not "
            "'authorty' (did you mean 'authority'?)",
        ),
    ],
)
def test_mistakes_in_an_entry_name_the_entry(dotted, value, expected):
    assert problems_of(deep_update(several(), dotted, value)) == [expected]


def test_an_entry_needs_an_id():
    doc = several()
    del doc["requested_state"][0]["id"]
    assert problems_of(doc) == ["broken.toml: requested_state[0].id: is required"]


def test_the_contact_point_is_not_an_mla_stage():
    doc = deep_update(document(), "routes.default", ["contact_point", "execution"])
    assert problems_of(doc) == [
        "broken.toml: routes.default: item 0: unknown name 'contact_point'",
    ]
    staffed = deep_update(
        document(), "stages.contact_point", {"staff": 1, "service": {"distribution": "fixed", "value": 1}}
    )
    assert [p.split(": ")[1] for p in problems_of(staffed)] == ["stages.contact_point"]


def test_the_load_effect_counts_the_stage_queue_by_default():
    assert build(document()).requested_state.load_effect.queue == "stage"
    doc = deep_update(document(), "load_effect.queue", "authority")
    assert build(doc).requested_state.load_effect.queue == "authority"


def test_an_empty_array_of_requested_states_is_an_error():
    doc = several()
    doc["requested_state"] = []
    assert problems_of(doc) == ["broken.toml: requested_state: needs at least one entry"]


def test_a_part_nested_in_a_one_state_requested_state_table_is_an_error_naming_it():
    doc = deep_update(document(), "requested_state.monitoring", {"enabled": True})
    assert problems_of(doc) == [
        "broken.toml: requested_state.monitoring: with one requested State [monitoring] is a top-level table "
        "(or write [[requested_state]] entries, each with its own)"
    ]
