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
