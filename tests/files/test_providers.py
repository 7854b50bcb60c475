"""Providers, regimes and direct routes in a scenario file, and the one-line problems of bad ones."""

from __future__ import annotations

import copy

import pytest
import tomli_w
from typer.testing import CliRunner

from simulator.cli import app
from simulator.domain.model import Channel, Stage
from simulator.domain.providers import Jurisdiction
from simulator.domain.regimes import Treaty
from tests.conftest import build, deep_update, document
from tests.files.documents import problems_of, several

PROVIDERS = [
    {"id": "mail", "share": 0.7, "staff": 2, "policy": {"record_floor": 0.5, "record_limit": 0.9}},
    {"id": "social", "share": 0.3, "law": {"jurisdiction": "other", "voluntary_non_content": False}},
]


def routed(**parts) -> dict:
    doc = document()
    doc["provider"] = copy.deepcopy(PROVIDERS)
    doc["requesting_state"][0]["channels"] = {"mla": 0.5, "direct_request": 0.5}
    doc["stages"]["legal_review"] = {"staff": 1, "service": {"distribution": "fixed", "value": 0.5}}
    doc["routes"] = {"default": ["legal_review", "execution"]}
    doc.update(copy.deepcopy(parts))
    return doc


def test_providers_regimes_and_direct_rules_are_read():
    doc = routed(
        regimes={"default": ["uncc"], "A": ["uncc", "budapest", "budapest_second_protocol"]},
        direct_routes={"executive_agreement": {"excluded_targets": ["exile", "journalist"]}},
    )
    state = build(doc).requested_state
    mail, social = state.providers
    assert (mail.id, mail.share, mail.staff, mail.rules.policy.record_limit) == ("mail", 0.7, 2, 0.9)
    assert social.rules.law.jurisdiction is Jurisdiction.OTHER
    assert state.regimes.of("A").treaties == {Treaty.UNCC, Treaty.BUDAPEST, Treaty.SECOND_PROTOCOL}
    assert state.regimes.of("B").treaties == {Treaty.UNCC} and state.regimes.declared
    assert state.direct_rules.executive_agreement.excluded_targets == {"exile", "journalist"}


def test_a_file_without_them_has_no_provider_and_the_convention_alone():
    state = build(document()).requested_state
    assert state.providers == () and not state.regimes.declared
    assert build(document()).routes_modelled is False


def test_an_empty_list_is_no_treaty():
    state = build(routed(regimes={"A": []})).requested_state
    assert state.regimes.of("A").treaties == {Treaty.NONE}


def test_several_states_each_with_its_own_providers():
    doc = several(("us", "eu"))
    doc["requested_state"][0]["provider"] = copy.deepcopy(PROVIDERS)
    doc["requested_state"][1]["regimes"] = {"default": ["uncc", "budapest"]}
    us, eu = build(doc).requested_states
    assert [p.id for p in us.providers] == ["mail", "social"] and eu.providers == ()
    assert eu.regimes.of("A").treaties == {Treaty.UNCC, Treaty.BUDAPEST}


@pytest.mark.parametrize(
    ("dotted", "value", "expected"),
    [
        (
            "regimes.default",
            ["uncc", "budapest_second_protocol"],
            "regimes.default: 'budapest_second_protocol' binds only Parties to budapest: add budapest",
        ),
        ("regimes.default", ["uncc", "cloud"], "regimes.default"),
        ("regimes.nobody", ["uncc"], "regimes.nobody: no requesting State has this id"),
        ("provider.0.policy.record_floor", 0.95, "provider[0].policy.record_floor: must not exceed"),
        ("provider.1.id", "mail", "provider"),
        ("provider.0.share", -1, "provider[0].share"),
        ("provider.0.policy.bogus", 1, "provider[0].policy.bogus"),
        ("direct_routes.executive_agreement.excluded_targets", ["martian"], "excluded_targets"),
        ("direct_routes.direct_order.notification", True, "direct_routes.direct_order.reviewer"),
    ],
)
def test_bad_input_is_one_problem_naming_its_field_path(dotted, value, expected):
    doc = deep_update(routed(), dotted, value)
    if dotted.startswith("direct_routes.direct_order"):
        del doc["stages"]["legal_review"]  # no legal review stage to read the notifications
        doc["routes"] = {"default": ["execution"]}
    found = problems_of(doc)
    assert len(found) == 1, found
    assert expected in found[0]


def test_a_direct_route_needs_a_provider_somewhere():
    doc = routed()
    del doc["provider"]
    found = problems_of(doc)
    assert any("requesting_state[0].channels.direct_request" in p and "[[provider]]" in p for p in found)


def test_the_cli_refuses_a_bad_regime_in_one_line_with_exit_status_2(tmp_path):
    path = tmp_path / "bad.toml"

    path.write_text(tomli_w.dumps(deep_update(routed(), "regimes.A", ["budapest_second_protocol"])))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and str(path) in lines[0] and "regimes.A" in lines[0], result.output


def test_route_names_are_the_channels():
    assert {c.value for c in Channel} >= {"direct_request", "executive_agreement"}
    assert Stage.PROVIDER.value == "provider"
