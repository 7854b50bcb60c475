"""Dotted-key overrides and named variants."""

from __future__ import annotations

import pytest

from simulator.domain.model import Stage
from simulator.domain.safeguards import DualCriminalityMode
from simulator.files.document import check_file, load_configuration, load_variant
from simulator.files.loader import ScenarioError, parse_scenario
from simulator.files.overrides import (
    OverrideError,
    apply_override,
    flatten,
    parse_assignments,
    parse_value,
    with_overrides,
)
from simulator.world.distributions import Fixed
from simulator.world.scenario import Splitting
from tests.conftest import BASELINE, SCENARIOS, document


def test_values_from_the_command_line_are_read_as_toml():
    assert parse_value("0.5") == 0.5 and parse_value("3") == 3 and parse_value("true") is True
    assert parse_value("required") == "required" and parse_value("[1, 2]") == [1, 2]


def test_dotted_keys_reach_tables_and_requesting_states_by_id_or_index():
    doc = document()
    apply_override(doc, "safeguards.dual_criminality.mode", "required")
    apply_override(doc, "requesting_state.A.abusive_share", 0.5)
    apply_override(doc, "requesting_state.0.rights_record", 0.1)
    assert doc["safeguards"]["dual_criminality"]["mode"] == "required"
    assert doc["requesting_state"][0]["abusive_share"] == 0.5
    assert doc["requesting_state"][0]["rights_record"] == 0.1


def test_bad_paths_say_where_they_stop():
    doc = document()
    with pytest.raises(OverrideError, match=r"'requesting_state' has no entry 'B'; entries: A"):
        apply_override(doc, "requesting_state.B.abusive_share", 0.5)
    with pytest.raises(OverrideError, match=r"'scenario\.name' is a value, not a table"):
        apply_override(doc, "scenario.name.x", 1)


def test_overrides_leave_the_original_alone_and_drop_experiment_tables():
    doc = {**document(), "variant": [{"name": "x", "set": {}}]}
    changed = with_overrides(doc, {"scenario.seed": 99})
    assert changed["scenario"]["seed"] == 99 and doc["scenario"]["seed"] == 7
    assert "variant" not in changed


def test_the_baseline_file_declares_variants():
    from simulator.files.document import read_file

    names = [v.name for v in read_file(BASELINE).variants()]
    assert "dual-criminality-required" in names and "flooded" in names
    strict = load_variant(BASELINE, "dual-criminality-required")
    assert strict.requested_state.safeguards.dual_criminality.mode is DualCriminalityMode.REQUIRED
    assert strict.name == "UN convention baseline / dual-criminality-required"
    assert load_variant(BASELINE, None).requested_state.safeguards.dual_criminality.mode is (
        DualCriminalityMode.DISCRETIONARY
    )


def test_an_unknown_variant_is_named_with_a_suggestion():
    with pytest.raises(ScenarioError, match="no variant named 'flood' \\(did you mean 'flooded'\\?\\)"):
        load_variant(BASELINE, "flood")


def test_a_variant_that_breaks_the_scenario_is_reported_with_its_name(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        BASELINE.read_text()
        + '\n[[variant]]\nname = "broken"\n[variant.set]\n"safeguards.dual_criminality.mode" = "always"\n'
    )
    with pytest.raises(ScenarioError) as caught:
        check_file(path)
    assert str(caught.value.problems[0]).startswith(
        f"{path} (variant 'broken'): safeguards.dual_criminality.mode: must be one of"
    )


def test_unquoted_dotted_keys_change_one_value_not_the_whole_table(tmp_path):
    """TOML reads `a.b.c = 1` in [variant.set] as nested tables: only that value may change."""
    path = tmp_path / "s.toml"
    path.write_text(
        (SCENARIOS / "no-safeguards.toml").read_text()
        + '\n[[variant]]\nname = "dc"\n[variant.set]\nsafeguards.dual_criminality.mode = "required"\n'
        + '"stages.intake.service" = { distribution = "fixed", value = 1.0 }\n'
    )
    base, variant = load_variant(path, None), load_variant(path, "dc")
    assert variant.requested_state.safeguards.dual_criminality.mode is DualCriminalityMode.REQUIRED
    assert variant.requested_state.safeguards.discrimination == base.requested_state.safeguards.discrimination
    assert not variant.requested_state.safeguards.scope_test.enabled  # untouched, still off
    assert variant.requested_state.stages[Stage.INTAKE].service == Fixed(1.0)  # a distribution is a value


def test_flatten_follows_nested_tables_down_to_values():
    assert flatten({"a": {"b": {"c": 1}}, "x.y": {"k": 2}, "d": {"distribution": "fixed", "value": 1}}) == {
        "a.b.c": 1,
        "x.y": {"k": 2},
        "d": {"distribution": "fixed", "value": 1},
    }


# --- what-ifs from the command line: --set KEY=VALUE and --variant a+b ---------------------------


def test_split_values_keeps_lists_and_quoted_commas_whole():
    from simulator.files.overrides import split_values

    assert split_values("0.2,0.8") == ["0.2", "0.8"]
    assert split_values('["sex","race"],["sex"]') == ['["sex","race"]', '["sex"]']
    assert split_values('"a,b",c') == ['"a,b"', "c"]
    assert [parse_value(v) for v in split_values("[1, 2], 3")] == [[1, 2], 3]


def test_assignments_are_read_as_toml_and_malformed_ones_refused():
    from simulator.files.overrides import parse_assignments

    assert parse_assignments(["a.b=0.5", "c=[1, 2]", "d = required"]) == {
        "a.b": 0.5,
        "c": [1, 2],
        "d": "required",
    }
    with pytest.raises(OverrideError, match=r"--set a\.b: give KEY=VALUE"):
        parse_assignments(["a.b"])


def test_variants_combine_left_to_right_and_set_goes_on_top():
    from simulator.files.document import load_configuration

    both = load_configuration(BASELINE, "dual-criminality-required+discrimination-lower-bar")
    safeguards = both.requested_state.safeguards
    assert safeguards.dual_criminality.mode is DualCriminalityMode.REQUIRED
    assert safeguards.discrimination.evidence_threshold == 0.5
    assert both.name.endswith("/ dual-criminality-required+discrimination-lower-bar")
    changed = load_configuration(
        BASELINE, "discrimination-lower-bar", {"safeguards.discrimination.evidence_threshold": 0.4}
    )
    assert changed.requested_state.safeguards.discrimination.evidence_threshold == 0.4
    assert load_configuration(BASELINE) == load_variant(BASELINE, None)
    with pytest.raises(ScenarioError, match=r"no variant named 'flood' \(did you mean 'flooded'\?\)"):
        load_configuration(BASELINE, "all-grounds+flood")


def test_a_misspelt_set_key_is_one_problem_with_a_suggestion():
    from simulator.files.document import load_configuration

    with pytest.raises(ScenarioError) as error:
        load_configuration(BASELINE, None, {"safeguards.dual_criminality.mdoe": "required"})
    assert error.value.one_line() == (
        f"{BASELINE} (--set): safeguards.dual_criminality.mdoe: unknown key (did you mean 'mode'?)"
    )


# --- several requested States, fast channels, monitoring, strategies (issue 9) ------------------
def test_requested_states_are_addressed_by_id_in_the_several_state_form():
    from tests.files.documents import SEVERAL

    scenario = load_configuration(
        SEVERAL,
        overrides={
            "requested_state.eu.stages.execution.staff": 4,
            "requested_state.us.channels.emergency.detection": 0.9,
            "requested_state.eu.monitoring.p1": 0.5,
        },
    )
    us, eu, _ = scenario.requested_states
    assert eu.stages[Stage.EXECUTION].staff == 4 and us.channel_rules.emergency.detection == 0.9
    assert eu.monitoring.p1 == 0.5


def test_an_unknown_requested_state_is_named_with_the_ids():
    from tests.files.documents import SEVERAL

    with pytest.raises(ScenarioError, match=r"'requested_state' has no entry 'uk'.*entries: us, eu, small"):
        load_configuration(SEVERAL, overrides={"requested_state.uk.monitoring.enabled": True})


def test_a_one_state_part_set_in_a_several_state_file_names_the_table():
    from tests.files.documents import SEVERAL

    with pytest.raises(
        ScenarioError, match=r"monitoring: a top-level \[monitoring\] table cannot stand next"
    ):
        load_configuration(SEVERAL, overrides={"monitoring.threshold": 3})


def test_one_state_paths_reach_channels_and_monitoring():
    from tests.files.documents import EMERGENCY

    doc = {**document(), "channels": {"emergency": dict(EMERGENCY)}}
    scenario = parse_scenario(
        with_overrides(doc, {"channels.emergency.detection": 0.2, "monitoring.threshold": 7}), "t.toml"
    )
    assert scenario.requested_state.channel_rules.emergency.detection == 0.2
    assert scenario.requested_state.monitoring.threshold == 7


def test_a_strategy_is_switched_on_and_tuned_from_the_command_line():
    from tests.files.documents import SEVERAL

    scenario = load_configuration(
        BASELINE, overrides=parse_assignments(["requesting_state.authoritarian.strategies.splitting.share=1"])
    )
    assert scenario.requester("authoritarian").strategies.splitting == Splitting(1.0)
    tuned = load_configuration(
        SEVERAL, overrides={"requesting_state.authoritarian.strategies.fresh_request.probability": 0.9}
    )
    assert tuned.requester("authoritarian").strategies.fresh_request.probability == 0.9


def test_a_strategy_switched_on_for_a_requester_without_abuse_is_refused():
    doc = document()
    doc["requesting_state"][0]["abusive_share"] = 0.0
    del doc["requesting_state"][0]["abuse"]
    changed = with_overrides(doc, {"requesting_state.A.strategies.splitting.share": 1})
    with pytest.raises(ScenarioError, match=r"requesting_state\[0\]\.strategies: strategies are an abusive"):
        parse_scenario(changed, "t.toml")
