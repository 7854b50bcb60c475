"""Properties: reading them from files and the built-in library, deciding one request against one."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from typer.testing import CliRunner

from simulator.checking.check import check_property
from simulator.checking.properties import (
    Case,
    Expect,
    Given,
    Property,
    emergency_seen_through,
    evaluate,
)
from simulator.checking.reading import library, read_properties
from simulator.cli import app
from simulator.domain.channels import decide_channel
from simulator.domain.model import Measure, Request, Submission, Truth, Verdict
from simulator.files.document import ScenarioFile, load_scenario, read_file
from simulator.files.reader import ScenarioError
from simulator.world import lifecycle
from simulator.world.requesters import ROUND_SLOTS, RoundSlot
from tests.conftest import BASELINE


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


def case_of(
    scenario, requester: str, measure: Measure, offence: str, truth: Truth, gaps: int = 0, draw: float = 0.0
):
    state = scenario.requester(requester)
    block = [draw] * ROUND_SLOTS
    block[RoundSlot.POSTPONEMENT] = 0.99  # not postponed
    submission = Submission(requester, measure, offence, 8.0, gaps)
    return Case(Request(0, 0.0, submission, truth), state, 1.0, (tuple(block),) * 4)


JOURNALIST = Truth(True, "journalism", "political_opinion", "journalist", 0.0, 0.0)
LEGITIMATE = Truth(False, "computer_fraud", None, "ordinary", 0.0, 0.9)


def test_the_library_holds_the_named_properties():
    assert set(library()) == {
        "no_refusal_on_bank_secrecy_or_fiscal_matters",
        "no_grant_on_substantial_persecution_grounds",
        "persecution_grounds_survive_consultation",
        "complete_convention_offence_requests_not_refused",
        "every_refusal_cites_an_enabled_provision",
        "safeguard_monotonicity",
        "no_data_through_a_detected_false_emergency",
        "preservation_hands_nothing_over",
        "shared_refusals_never_grant",
        "clean_requester_not_suspended_early",
        "no_content_from_a_us_provider_outside_mla_or_an_agreement",
        "no_agreement_order_on_an_excluded_person",
        "provider_refusal_is_final",
    }
    convention = library()["complete_convention_offence_requests_not_refused"].given.offence
    assert "computer_fraud" in convention and "terrorism" not in convention


def test_a_preservation_is_preserved_not_granted_as_in_the_simulation(baseline):
    """A request for preservation is checked as the simulation lives it: preserved at the desk (Art
    42), nothing handed over (it used to be checked as an MLA request and "granted")."""
    prop = library()["no_grant_on_substantial_persecution_grounds"]
    preserved = evaluate(
        prop, case_of(baseline, "authoritarian", Measure.PRESERVATION, "extremism", JOURNALIST), baseline
    )
    assert preserved.outcome == "preserved" and preserved.holds
    content = evaluate(
        prop, case_of(baseline, "authoritarian", Measure.STORED_CONTENT, "extremism", JOURNALIST), baseline
    )
    assert (
        content.outcome == "refused" and content.holds
    )  # Art 40(9) (not consulted), discretion draw 0 < 0.5


def test_a_property_ignores_requests_it_is_not_about(baseline):
    prop = library()["no_grant_on_substantial_persecution_grounds"]
    assert (
        evaluate(
            prop, case_of(baseline, "partner", Measure.STORED_CONTENT, "computer_fraud", LEGITIMATE), baseline
        )
        is None
    )
    unseen = case_of(baseline, "partner", Measure.STORED_CONTENT, "computer_fraud", JOURNALIST, draw=0.999)
    assert evaluate(prop, unseen, baseline) is None  # nothing perceived: evidence 0.03 < 0.7


def test_given_filters_on_truth_and_statement():
    request = Request(0, 0.0, Submission("A", Measure.TRAFFIC_DATA, "extremism", 6.0, 1), JOURNALIST)
    assert Given(abusive=True, protected_ground=frozenset({"political_opinion"})).matches_request(request)
    assert not Given(documentation_complete=True).matches_request(request)
    assert not Given(measure=frozenset({"stored_content"})).matches_request(request)
    assert Given(requester=frozenset({"A"}), conduct=frozenset({"journalism"})).matches_request(request)


def test_properties_in_a_file_are_read_with_the_library(baseline):
    properties = read_properties(read_file(BASELINE), baseline)
    names = [p.name for p in properties]
    # the file uses the six built-ins of a one-State scenario, bank secrecy (40(8), 40(23)) included
    assert names[:6] == list(library())[:6]
    assert "recognised-lgbt-target-not-granted" in names
    probability = properties[-1]
    assert probability.scope == "replications" and probability.expect.probability_at_most == 0.5


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"use": "no_grant_on_persecution"},
            "property[0].use: no built-in property 'no_grant_on_persecution'",
        ),
        (
            {"name": "x", "scope": "decisions", "expect": {"outcome_in": ["granted"]}},
            "property[0].scope: must be one of",
        ),
        (
            {"name": "x", "given": {"requester": ["nowhere"]}, "expect": {"outcome_in": ["granted"]}},
            "property[0].given.requester: item 0: unknown name 'nowhere'",
        ),
        (
            {"name": "x", "expect": {"outcome_in": ["grant"]}},
            "property[0].expect.outcome_in: item 0: unknown name 'grant' (did you mean 'granted'?)",
        ),
        ({"name": "x", "expect": {}}, "property[0].expect: says nothing"),
        (
            {
                "name": "x",
                "scope": "replications",
                "given": {"min_evidence": 0.5},
                "expect": {"outcome_in": ["granted"], "probability_at_most": 0.1},
            },
            "signals (min_evidence",
        ),
        (
            {"name": "x", "expect": {"outcome_in": ["granted"], "probability_at_most": 0.1}},
            "a probability bound goes with scope",
        ),
        (
            {"name": "x", "given": {"abusve": True}, "expect": {"outcome_in": ["granted"]}},
            "property[0].given.abusve: unknown key (did you mean 'abusive'?)",
        ),
        (
            {"name": "x", "given": {"channel": ["emergncy"]}, "expect": {"outcome_in": ["granted"]}},
            "property[0].given.channel: item 0: unknown name 'emergncy'",
        ),
        (
            {"name": "x", "scope": "monitoring", "expect": {"replications": 3}},
            "not_flagged_within goes with scope",
        ),
        (
            {"name": "x", "expect": {"outcome_in": ["granted"], "not_flagged_within": 5}},
            "not_flagged_within goes with scope",
        ),
    ],
)
def test_bad_property_tables_are_named_precisely(baseline, table, message):
    with pytest.raises(ScenarioError) as caught:
        read_properties(ScenarioFile.of({"property": [table]}, "f.toml"), baseline)
    assert any(message in str(p) for p in caught.value.problems), caught.value.problems


# --- fast channels ------------------------------------------------------------------------------
SEVERAL = Path(__file__).resolve().parents[1] / "data" / "small-several-states.toml"


@pytest.fixture(scope="module")
def several():
    return load_scenario(SEVERAL)


def test_a_detected_false_emergency_goes_on_through_mla_and_hands_nothing_over_there(several):
    prop = library()["no_data_through_a_detected_false_emergency"]
    result = check_property(several, prop, 10, seed=0)
    assert result.status == "held" and result.checked == ("us",)  # the only State offering it


def test_a_desk_that_grants_what_it_saw_through_is_caught(several, monkeypatch):
    """The same property on a planted fault: a point of contact that hands data over anyway."""

    def careless(channel, observation, *args):
        decision = decide_channel(channel, observation, *args)
        if decision.verdict is Verdict.REDIRECT:
            return attrs.evolve(decision, verdict=Verdict.GRANT)
        return decision

    monkeypatch.setattr(lifecycle, "decide_channel", careless)
    result = check_property(several, library()["no_data_through_a_detected_false_emergency"], 10, seed=0)
    assert result.status == "violated" and result.requested == "us"
    evaluation = result.counterexample.evaluation
    assert evaluation.channel == "emergency" and evaluation.outcome == "granted"
    assert "through the emergency channel" in evaluation.why


def test_undetected_false_emergencies_get_their_data(several):
    """Without the 'seen through' signal the claim breaks where the 24/7 desk applies no refusal
    ground: it misses some false claims (detection 0.6) and hands their data over."""
    us = several.requested_state
    rules = attrs.evolve(
        us.channel_rules, emergency=attrs.evolve(us.channel_rules.emergency, grounds=frozenset())
    )
    several = several.with_requested_state(attrs.evolve(us, channel_rules=rules))
    prop = Property(
        "every-false-emergency-stopped",
        "",
        "lifecycle",
        Given(abusive=True, channel=frozenset({"emergency"})),
        Expect(never_hands_over_through=frozenset({"emergency"})),
    )
    result = check_property(several, prop, 20, seed=0)
    assert result.status == "violated"
    assert not emergency_seen_through(result.counterexample.case, result.counterexample.evaluation.commands)


def test_preservation_hands_nothing_over_and_a_planted_grant_is_caught(several, monkeypatch):
    prop = library()["preservation_hands_nothing_over"]
    assert check_property(several, prop, 5, seed=0).status == "held"

    def handing_over(channel, *args):
        decision = decide_channel(channel, *args)
        if decision.verdict is Verdict.PRESERVE:
            return attrs.evolve(decision, verdict=Verdict.GRANT)
        return decision

    monkeypatch.setattr(lifecycle, "decide_channel", handing_over)
    result = check_property(several, prop, 5, seed=0)
    assert result.status == "violated" and result.counterexample.evaluation.outcome == "granted"


def test_a_channel_property_is_not_applicable_where_no_state_offers_the_channel(baseline):
    result = check_property(baseline, library()["no_data_through_a_detected_false_emergency"], 5)
    assert result.status == "not_applicable" and "emergency channel" in result.note


def test_cli_checks_channel_properties_at_each_state(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    names = ["no_data_through_a_detected_false_emergency", "preservation_hands_nothing_over"]
    args = ["check", str(SEVERAL), "--max-examples", "5", *(a for n in names for a in ("-p", n))]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "examples at us)" in result.output and "examples at us, eu, small)" in result.output


# --- the routes around the central authority (issue 24): each property holds, and can fail ---------

ROUTES_FILE = str(Path(__file__).resolve().parents[1] / "data" / "small-routes.toml")
ROUTE_PROPERTIES = (
    "no_content_from_a_us_provider_outside_mla_or_an_agreement",
    "no_agreement_order_on_an_excluded_person",
    "provider_refusal_is_final",
)
#: Every requester bound by an agreement, the authoritarian State sending half its abuse through it;
#: the agreement's speech and review conditions off, so that only the condition under test protects.
AGREEMENT = (
    "regimes.default=['uncc','executive_agreement']",
    "requesting_state.authoritarian.abuse.channels={mla=0.5,executive_agreement=0.5}",
    "direct_routes.executive_agreement.no_speech_orders=false",
    "direct_routes.executive_agreement.independent_review=false",
)


def checked(*settings: str, properties=ROUTE_PROPERTIES) -> tuple[int, str]:
    args = ["check", ROUTES_FILE, "--max-examples", "40"]
    for setting in (*AGREEMENT, *settings):
        args += ["--set", setting]
    for name in properties:
        args += ["--property", name]
    result = CliRunner().invoke(app, args)
    return result.exit_code, " ".join(result.output.split())


def test_the_route_properties_hold_where_the_law_and_the_agreement_are_kept():
    code, text = checked()
    assert code == 0, text
    assert "3 held, 0 violated, 0 inconclusive, 0 not applicable" in text


def test_content_leaves_a_us_provider_directly_when_its_law_is_set_to_allow_it():
    code, text = checked("provider.0.law.content_needs_order=false", properties=ROUTE_PROPERTIES[:1])
    assert code == 1 and "VIOLATED no_content_from_a_us_provider_outside_mla_or_an_agreement" in text
    assert "handed over through the direct request channel" in text or "through the emergency" in text


def test_an_agreement_without_targeting_restrictions_reaches_an_excluded_person():
    off = (
        "direct_routes.executive_agreement.targeting_restrictions=false",
        "direct_routes.executive_agreement.provider_may_object=false",
    )
    code, text = checked(*off, properties=ROUTE_PROPERTIES[1:2])
    assert code == 1 and "VIOLATED no_agreement_order_on_an_excluded_person" in text
    assert "target exile" in text


def test_an_ordering_state_that_enforces_over_objections_overrides_the_provider():
    enforce = (
        "direct_routes.executive_agreement.objections_decided_by='ordering_state'",
        "direct_routes.executive_agreement.overrule_rate=1.0",
    )
    code, text = checked(*enforce, properties=ROUTE_PROPERTIES[2:])
    assert code == 1 and "VIOLATED provider_refusal_is_final" in text
    assert "US-UK Data Access Agreement (2019): a provider's objection" in text


def test_the_route_properties_are_not_applicable_without_providers():
    sweep = str(Path(ROUTES_FILE).with_name("small-sweep.toml"))  # no provider
    result = CliRunner().invoke(app, ["check", sweep, *(f"--property={p}" for p in ROUTE_PROPERTIES)])
    assert " ".join(result.output.split()).count("n/a") == 3, result.output
