"""A safeguard switched on where no route meets its stage is caught, and a study varying one is told."""

from __future__ import annotations

import pytest

from simulator.domain.grounds import RULES
from simulator.domain.model import MLA_STAGES, Stage
from simulator.files.loader import ScenarioError, parse_scenario
from simulator.world.coverage import applies, inert, stages_passed, unapplied
from tests.conftest import build, deep_update, document

SWITCHES = {  # a dotted key that switches each ground's rule on in the test document
    "completeness": ("safeguards.completeness.refuse_nonconforming", True),
    "scope_test": ("safeguards.scope_test.enabled", True),
    "political_offence": ("safeguards.political_offence", True),
    "dual_criminality": ("safeguards.dual_criminality.mode", "required"),
    "data_protection": ("safeguards.data_protection", "refuse"),
    "discrimination": ("safeguards.discrimination.enabled", True),
    "human_rights": ("safeguards.human_rights.enabled", True),
    "essential_interests": ("safeguards.essential_interests.enabled", True),
    "judicial_order": ("safeguards.judicial_order.stored_content", "probable_cause"),
}
REFUSING = [rule for rule in RULES if rule.setting in SWITCHES]


def test_every_refusing_ground_has_a_switch_here():
    """Catches: a new ground this test would not cover."""
    assert {rule.setting for rule in RULES if rule.setting != "postponement_rate"} == set(SWITCHES)


def switched_on(rule, route: list[str]) -> dict:
    key, value = SWITCHES[rule.setting]
    doc = deep_update(document(), key, value)
    stages = {stage: {"staff": 1, "service": {"distribution": "fixed", "value": 1.0}} for stage in route}
    doc = deep_update(doc, "stages", stages)
    return deep_update(doc, "routes", {"default": route})


@pytest.mark.parametrize("rule", REFUSING, ids=lambda r: r.setting)
def test_a_ground_switched_on_where_no_route_meets_its_stage_is_refused_in_one_line(rule):
    """Catches: Art 40(22) on, routes without rights scrutiny, and validate saying ok (100% abuse)."""
    route = [s.value for s in MLA_STAGES if s is not rule.stage]
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(switched_on(rule, route), "mine.toml")
    [line] = [str(p) for p in caught.value.problems]
    assert line.startswith(f"mine.toml: safeguards.{rule.setting}: ")
    assert f"no route of requested State 'requested' passes {rule.stage.value}" in line
    assert f"list '{rule.setting}' in safeguards.unused" in line


@pytest.mark.parametrize("rule", REFUSING, ids=lambda r: r.setting)
def test_on_a_route_that_has_its_stage_or_listed_as_unused_it_is_accepted(rule):
    full = [s.value for s in MLA_STAGES]
    assert unapplied(build(switched_on(rule, full)).requested_state) == []
    route = [s.value for s in MLA_STAGES if s is not rule.stage]
    listed = deep_update(switched_on(rule, route), "safeguards.unused", [rule.setting])
    state = build(listed).requested_state
    assert unapplied(state) == [] and not applies(rule, state)


def test_a_desk_that_lists_a_ground_applies_it_without_an_mla_stage():
    doc = deep_update(document(), "safeguards.discrimination.enabled", True)
    desk = {"staff": 1, "service": {"distribution": "fixed", "value": 1.0}}
    emergency = {
        "route": ["contact_point", "execution"],
        "grounds": ["uncc-40-22"],
        "stages": {"contact_point": desk},
    }
    doc = deep_update(doc, "channels.emergency", emergency)
    state = build(doc).requested_state
    assert stages_passed(state) == (Stage.EXECUTION,)
    assert unapplied(state) == []


def test_the_reviewer_of_notified_direct_orders_applies_its_grounds_without_an_mla_stage():
    """Second Protocol Art 7(5): the notified authority checks 40(22) (its desk grounds); a provider's
    own review is no treaty ground and counts for nothing here."""
    doc = deep_update(document(), "safeguards.discrimination.enabled", True)
    doc["provider"] = [{"id": "mail", "policy": {"human_rights": True}}]
    doc["stages"]["legal_review"] = {"staff": 1, "service": {"distribution": "fixed", "value": 1.0}}
    doc["regimes"] = {"default": ["uncc", "budapest", "budapest_second_protocol"]}
    doc["direct_routes"] = {"giving_effect": {"grounds": []}}
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(doc, "mine.toml")
    assert "safeguards.discrimination" in str(caught.value.problems[0])
    notified = deep_update(
        doc, "direct_routes.direct_order", {"notification": True, "grounds": ["uncc-40-22"]}
    )
    assert unapplied(build(notified).requested_state) == []


def test_a_study_is_told_which_varied_settings_can_change_nothing():
    """Catches: a sensitivity study reporting indices of 0.00 for a safeguard that is switched off."""
    full = [s.value for s in MLA_STAGES]
    scenario = build(switched_on(next(r for r in RULES if r.setting == "scope_test"), full))
    assert inert(scenario, "safeguards.discrimination.evidence_threshold") == (
        "discrimination.enabled leaves it off at 'requested'"
    )
    varied = ["safeguards.discrimination.evidence_threshold", "safeguards.discrimination.enabled"]
    assert inert(scenario, varied[0], varied) is None  # the study switches it on too
    assert inert(scenario, "safeguards.scope_test.serious_crime_years") is None
    assert inert(scenario, "requesting_state.A.abusive_share") is None  # not a safeguard: not judged
    short = build(deep_update(switched_on(RULES[1], ["execution"]), "safeguards.unused", ["scope_test"]))
    assert (
        inert(short, "safeguards.scope_test.serious_crime_years")
        == "no route of 'requested' passes legal_review"
    )
