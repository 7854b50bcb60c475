"""The JSON Schema of scenario files accepts every shipped scenario and rejects the broken fixture."""

from __future__ import annotations

import tomllib

import jsonschema
import pytest

from simulator.files.schema import scenario_schema
from tests.conftest import ROOT, SCENARIOS, document

VALIDATOR = jsonschema.Draft202012Validator(scenario_schema())
SHIPPED = sorted(SCENARIOS.glob("*.toml")) + sorted((ROOT / "tests" / "data").glob("small-*.toml"))


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(scenario_schema())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_scenario_is_valid(path):
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in VALIDATOR.iter_errors(tomllib.loads(path.read_text()))
    ]
    assert errors == []


def test_the_broken_fixture_is_rejected_where_validate_rejects_it():
    broken = tomllib.loads((ROOT / "tests" / "data" / "broken-scenario.toml").read_text())
    where = sorted(tuple(e.absolute_path) for e in VALIDATOR.iter_errors(broken))
    assert where == [
        ("requesting_state", 2, "abusive_share"),
        ("safeguards", "discrimination"),  # the misspelt evidence_treshold
        ("safeguards", "dual_criminality", "mode"),
    ]


def test_the_test_document_is_valid_and_an_unknown_table_is_not():
    assert VALIDATOR.is_valid(document())
    assert not VALIDATOR.is_valid({**document(), "safeguard": {}})


def test_the_several_state_fixture_is_among_the_shipped_files():
    assert "small-several-states.toml" in [p.name for p in SHIPPED]


def several_document() -> dict:
    """A several-State document built in code, every new table used once."""
    from tests.conftest import deep_update
    from tests.files.documents import EMERGENCY, several

    doc = deep_update(several(), "requested_state.0.channels.emergency", dict(EMERGENCY))
    doc = deep_update(
        doc, "requested_state.0.channels.preservation", {"route": ["execution"], "retention_days": 60}
    )
    doc = deep_update(doc, "requested_state.1.monitoring", {"enabled": True, "rule": "sprt", "p1": 0.3})
    doc = deep_update(doc, "requested_state.1.reputation", {"enabled": True, "discovery_days": 90})
    doc = deep_update(doc, "requested_state.2.load_effect", {"enabled": True, "queue": "authority"})
    doc = deep_update(doc, "data_location", {"journalist": ["us", "eu"]})
    doc = deep_update(doc, "information_sharing", {"mode": "refusals", "delay_days": 10})
    doc = deep_update(doc, "requesting_state.0.channels", {"mla": 0.9, "emergency": 0.1})
    doc = deep_update(doc, "requesting_state.0.abuse.channels", {"emergency": 1})
    doc = deep_update(doc, "requesting_state.0.disclosure_after", {"distribution": "fixed", "value": 3})
    strategies = {
        "forum_shopping": {"exploration": 0.1},
        "flooding": {"requests_per_year": 100, "windows": [{"start_day": 1, "end_day": 20}]},
        "splitting": {"share": 1},
        "fresh_request": {"max_attempts": 3},
    }
    return deep_update(doc, "requesting_state.0.strategies", strategies)


def test_a_several_state_document_is_valid_and_loads():
    from tests.conftest import build

    doc = several_document()
    assert [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(doc)] == []
    assert len(build(doc).requested_states) == 3  # the loader agrees


def test_a_one_state_document_with_channels_and_monitoring_is_valid():
    from tests.files.documents import EMERGENCY

    doc = {**document(), "channels": {"emergency": EMERGENCY}, "monitoring": {"enabled": True}}
    assert VALIDATOR.is_valid(doc)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.update(stages={}), ()),  # a top-level part next to [[requested_state]]
        (lambda d: d["requested_state"][0].pop("id"), ("requested_state",)),
        (
            lambda d: d["requested_state"][0]["channels"].update(emergncy={"route": ["execution"]}),
            ("requested_state",),
        ),
        (
            lambda d: d["requested_state"][0]["channels"]["preservation"].update(retention_days=30),
            ("requested_state",),
        ),
        (lambda d: d["requested_state"][1]["monitoring"].update(p0=0), ("requested_state",)),
        (lambda d: d["requested_state"][1]["monitoring"].update(rule="cusm"), ("requested_state",)),
        (
            lambda d: d["requested_state"][0]["routes"].update(default=["contact_point", "execution"]),
            ("requested_state",),
        ),
        (lambda d: d["information_sharing"].update(mode="all"), ("information_sharing", "mode")),
        (lambda d: d["data_location"].update(journalst=["us"]), ("data_location",)),
        (
            lambda d: d["requesting_state"][0]["strategies"].update(flood={}),
            ("requesting_state", 0, "strategies"),
        ),
        (
            lambda d: d["requesting_state"][0]["strategies"]["flooding"].pop("windows"),
            ("requesting_state", 0, "strategies", "flooding"),
        ),
        (
            lambda d: d["requesting_state"][0]["channels"].update(courier=1),
            ("requesting_state", 0, "channels"),
        ),
    ],
)
def test_bad_several_state_documents_are_rejected(change, where):
    doc = several_document()
    change(doc)
    errors = list(VALIDATOR.iter_errors(doc))
    assert errors and any(tuple(e.absolute_path)[: len(where)] == where for e in errors)


def test_a_one_state_document_needs_its_stages():
    doc = document()
    del doc["stages"]
    assert not VALIDATOR.is_valid(doc)


def test_the_schema_covers_every_declared_setting():
    """Catches: a setting the loader reads (it is declared) that an editor would flag as unknown."""
    from simulator.domain.channels import FAST_CHANNELS, ChannelRules
    from simulator.domain.monitoring import Monitoring, Reputation
    from simulator.domain.safeguards import Safeguards
    from simulator.domain.settings import paths
    from simulator.world.scenario import LoadEffect

    schema = scenario_schema()["properties"]
    tables = {"safeguards": Safeguards, "monitoring": Monitoring, "reputation": Reputation}
    for key, cls in {**tables, "load_effect": LoadEffect}.items():
        for path, setting in paths(cls):
            node = schema[key]
            for part in path.split("."):
                node = node["properties"][part]
            assert node["description"].startswith(setting.meaning), path
    for channel in FAST_CHANNELS:
        declared = {path for path, _ in paths(type(ChannelRules().of(channel)))}
        assert declared <= set(schema["channels"]["properties"][channel.value]["properties"])
