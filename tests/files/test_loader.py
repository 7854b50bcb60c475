"""Scenario files: valid ones become Scenario objects, every problem is named with its field path."""

from __future__ import annotations

import pytest

from simulator.domain.model import Measure, Stage
from simulator.domain.provisions import treaty_consultation_scope
from simulator.domain.safeguards import DualCriminalityMode, JudicialStandard, Memory
from simulator.files.loader import ScenarioError, load_scenario, parse_scenario
from simulator.world.distributions import Beta, Lognormal
from tests.conftest import BASELINE, build, deep_update, document


def problems_of(doc: dict) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(doc, "broken.toml")
    return [str(p) for p in caught.value.problems]


def test_the_baseline_file_becomes_a_frozen_scenario():
    scenario = load_scenario(BASELINE)
    assert scenario.name == "UN convention baseline"
    assert [s.id for s in scenario.requesting_states] == ["partner", "hybrid", "authoritarian"]
    requested = scenario.requested_state
    assert requested.stages[Stage.LEGAL_REVIEW].staff == 10
    assert requested.stages[Stage.LEGAL_REVIEW].service == Lognormal(1.0, 0.6)
    assert requested.routes[Measure.PRESERVATION] == (Stage.INTAKE, Stage.EXECUTION)
    assert requested.routes[Measure.STORED_CONTENT][-1] is Stage.EXECUTION
    assert requested.safeguards.dual_criminality.mode is DualCriminalityMode.DISCRETIONARY
    # the baseline assumes domestic judicial orders (Arts 24(4), 40(17)): stored content needs a warrant
    assert requested.safeguards.judicial_order.stored_content is JudicialStandard.PROBABLE_CAUSE
    assert requested.safeguards.judicial_order.subscriber_info is JudicialStandard.NONE
    assert scenario.requester("authoritarian").abuse.disguise == Beta(2, 2)
    assert "extremism" not in requested.criminalised and "computer_fraud" in requested.criminalised


def test_shares_of_a_mix_are_normalised():
    doc = deep_update(document(), "requesting_state.0.measures", {"subscriber_info": 3, "traffic_data": 1})
    shares = build(doc).requesting_states[0].measures.shares()
    assert shares == pytest.approx({"subscriber_info": 0.75, "traffic_data": 0.25})


@pytest.mark.parametrize(
    ("dotted", "value", "expected"),
    [
        (
            "safeguards.dual_criminallity",
            {},
            "broken.toml: safeguards.dual_criminallity: unknown key (did you mean 'dual_criminality'?)",
        ),
        (
            "requesting_state.0.abusive_share",
            1.5,
            "broken.toml: requesting_state[0].abusive_share: must be a probability between 0 and 1, not 1.5",
        ),
        (
            "requesting_state.0.requests_per_year",
            -5,
            "broken.toml: requesting_state[0].requests_per_year: must be at least 0, not -5",
        ),
        (
            "requesting_state.0.rights_record",
            "high",
            "broken.toml: requesting_state[0].rights_record: must be a number, not a string",
        ),
        ("scenario.replications", 2.5, "broken.toml: scenario.replications: must be an integer, not 2.5"),
        (
            "safeguards.dual_criminality",
            {"mode": "mandatory"},
            "broken.toml: safeguards.dual_criminality.mode: must be one of required, discretionary, waived, not 'mandatory'",
        ),
        (
            "safeguards.judicial_order",
            {"stored_content": "probable"},
            "broken.toml: safeguards.judicial_order.stored_content: must be one of none, certification, subpoena, articulable_facts, probable_cause, unavailable, not 'probable' (did you mean 'probable_cause'?)",
        ),
        (
            "requesting_state.0.offences",
            {"computer_frad": 1},
            "broken.toml: requesting_state[0].offences.computer_frad: unknown name (did you mean 'computer_fraud'?)",
        ),
        (
            "requesting_state.0.abuse.disguise",
            {"distribution": "beta", "a": 0, "b": 1},
            "broken.toml: requesting_state[0].abuse.disguise.a: must be greater than 0",
        ),
        (
            "requesting_state.0.abuse.disguise",
            {"distribution": "exponential", "mean": 1},
            "broken.toml: requesting_state[0].abuse.disguise.distribution: exponential is unbounded; a score needs values in [0, 1]",
        ),
        (
            "requesting_state.0.response_days",
            {"distribution": "lognormall", "mean": 1},
            "broken.toml: requesting_state[0].response_days.distribution: unknown distribution 'lognormall' (did you mean 'lognormal'?); one of fixed, exponential, uniform, triangular, lognormal, beta",
        ),
        (
            "stages.execution.service",
            {"distribution": "triangular", "low": 5, "mode": 1, "high": 9},
            "broken.toml: stages.execution.service.mode: must lie between low and high",
        ),
        (
            "routes.default",
            ["execution", "intake"],
            "broken.toml: routes.default: a route must end with 'execution'",
        ),
        (
            "routes.default",
            ["legal_review", "execution"],
            "broken.toml: routes.default: uses stage(s) with no [stages.*] table: legal_review",
        ),
        (
            "safeguards.discrimination",
            {"grounds": ["political_opinoin"]},
            "broken.toml: safeguards.discrimination.grounds: item 0: unknown name 'political_opinoin' (did you mean 'political_opinion'?)",
        ),
        (
            "scenario.warmup_days",
            500,
            "broken.toml: scenario.warmup_days: must be shorter than horizon_days (200)",
        ),
        (
            "safeguards.completeness",
            {"information_rounds": 9},
            "broken.toml: safeguards: completeness.information_rounds + consultation.rounds must be at most 7, not 9",
        ),
        (
            "requesting_state.0.surge",
            [{"start_day": 50, "end_day": 20, "multiplier": 3}],
            "broken.toml: requesting_state[0].surge[0].end_day: must come after start_day (50)",
        ),
    ],
)
def test_each_problem_names_the_file_the_field_and_what_is_wrong(dotted, value, expected):
    assert expected in problems_of(deep_update(document(), dotted, value))


def test_every_problem_is_reported_at_once():
    doc = deep_update(document(), "scenario.seed", -1)
    doc = deep_update(doc, "requesting_state.0.abusive_share", 2)
    doc = deep_update(doc, "safeguards.politcal_offence", True)
    found = problems_of(doc)
    assert len(found) == 3
    assert any("scenario.seed: must be at least 0" in p for p in found)


def test_missing_required_sections_are_named():
    doc = document()
    del doc["requesting_state"]
    del doc["stages"]
    found = problems_of(doc)
    assert "broken.toml: stages: is required" in found
    assert "broken.toml: requesting_state: is required" in found


def test_an_abusive_share_needs_an_abuse_profile():
    doc = document()
    del doc["requesting_state"][0]["abuse"]
    assert "broken.toml: requesting_state[0].abuse: is required" in problems_of(doc)


def test_duplicate_requesting_state_ids_are_refused():
    doc = document()
    doc["requesting_state"].append(dict(doc["requesting_state"][0]))
    assert "broken.toml: requesting_state[1].id: duplicate id 'A'" in problems_of(doc)


def test_files_that_cannot_be_read_give_one_problem(tmp_path):
    missing = tmp_path / "missing.toml"
    with pytest.raises(ScenarioError, match=r"missing\.toml: no such file"):
        load_scenario(missing)
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario\nname = 1\n")
    with pytest.raises(ScenarioError, match=r"bad.toml: is not valid TOML: .*line 1"):
        load_scenario(bad)
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ScenarioError, match="is not UTF-8 text"):
        load_scenario(binary)
    with pytest.raises(ScenarioError, match="is a directory"):
        load_scenario(tmp_path)


def test_one_line_summarises_the_rest():
    doc = deep_update(document(), "scenario.seed", -1)
    doc = deep_update(doc, "scenario.replications", 0)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(doc, "x.toml")
    line = caught.value.one_line()
    assert "\n" not in line
    assert line.endswith("(and 1 more problem: see 'mlasim validate')")


def test_consultation_scope_memory_and_person_history_are_read():
    baseline = load_scenario(BASELINE).requested_state.safeguards
    assert baseline.consultation.applies_to == treaty_consultation_scope()
    assert baseline.memory is Memory.SAME_TARGET
    doc = deep_update(
        document(), "safeguards.consultation", {"applies_to": "every_refusal", "conditions": False}
    )
    doc = deep_update(doc, "safeguards.memory", "same_request")
    doc = deep_update(doc, "requested_state.target_visibility", {"journalist": 0.9})
    doc = deep_update(doc, "requesting_state.0.abuse.documented_history", 0.3)
    scenario = build(doc)
    safeguards = scenario.requested_state.safeguards
    assert "uncc-40-9" in safeguards.consultation.applies_to and not safeguards.consultation.conditions
    assert safeguards.memory is Memory.SAME_REQUEST
    assert scenario.requested_state.target_visibility == {"journalist": 0.9}
    assert scenario.requesting_states[0].abuse.documented_history == 0.3
    listed = build(deep_update(document(), "safeguards.consultation", {"applies_to": ["uncc-40-9"]}))
    assert listed.requested_state.safeguards.consultation.applies_to == frozenset({"uncc-40-9"})


@pytest.mark.parametrize(
    ("dotted", "value", "expected"),
    [
        (
            "safeguards.consultation",
            {"applies_to": "every_refusals"},
            "safeguards.consultation.applies_to: must be 'treaty', 'every_refusal' or a list of provision ids, not 'every_refusals' (did you mean 'every_refusal'?)",
        ),
        (
            "safeguards.consultation",
            {"applies_to": ["uncc-40-99"]},
            "safeguards.consultation.applies_to: item 0: unknown name 'uncc-40-99'",
        ),
        ("safeguards.memory", "forever", "safeguards.memory: must be one of none, same_request, same_target"),
        (
            "requested_state.target_visibility",
            {"journalst": 0.5},
            "requested_state.target_visibility.journalst: unknown target profile (did you mean 'journalist'?)",
        ),
    ],
)
def test_new_settings_name_the_field_when_wrong(dotted, value, expected):
    assert any(expected in p for p in problems_of(deep_update(document(), dotted, value)))


# --- what ties several requested States together ------------------------------------------------
def test_data_location_and_information_sharing():
    from tests.files.documents import several

    doc = deep_update(several(), "data_location", {"journalist": ["us", "eu"], "activist": ["small"]})
    doc = deep_update(doc, "information_sharing", {"mode": "refusals", "delay_days": 10})
    scenario = build(doc)
    assert scenario.data_location == {"journalist": ("us", "eu"), "activist": ("small",)}
    assert scenario.holders("exile") == ("us", "eu", "small")  # unlisted: every requested State
    assert scenario.information_sharing.enabled and scenario.information_sharing.delay_days == 10
    assert not build(several()).information_sharing.enabled


@pytest.mark.parametrize(
    ("dotted", "value", "expected"),
    [
        ("data_location.journalist", ["us", "uk"], "data_location.journalist: item 1: unknown name 'uk'"),
        (
            "data_location.journalst",
            ["us"],
            "data_location.journalst: unknown target profile (did you mean 'journalist'?)",
        ),
        (
            "data_location.journalist",
            [],
            "data_location.journalist: must name at least one requested State (leave the target out: every State)",
        ),
        ("data_location.journalist", ["us", "us"], "data_location.journalist: names a requested State twice"),
        (
            "information_sharing.mode",
            "refusal",
            "information_sharing.mode: must be one of none, refusals, not 'refusal' (did you mean 'refusals'?)",
        ),
        (
            "information_sharing.delay_days",
            -1,
            "information_sharing.delay_days: must be at least 0 days, not -1",
        ),
        ("data_locaton", {}, "data_locaton: unknown key (did you mean 'data_location'?)"),
    ],
)
def test_each_mistake_in_data_location_or_sharing_is_one_line(dotted, value, expected):
    from tests.files.documents import several

    assert problems_of(deep_update(several(), dotted, value)) == [f"broken.toml: {expected}"]


def test_data_location_in_a_one_state_file_names_its_state():
    doc = deep_update(document(), "data_location.journalist", ["requested"])
    assert build(doc).holders("journalist") == ("requested",)
