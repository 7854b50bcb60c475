"""Numbers with a range and a source: read in one place, checked like the plain number, recorded by key."""

from __future__ import annotations

import math
import tomllib

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.files.document import ScenarioFile
from simulator.files.loader import ScenarioError, parse_scenario, read_scenario
from simulator.files.parameters import Parameter, scenario_parameters, uncertain_parameters
from simulator.files.schema import scenario_schema
from tests.conftest import BASELINE, deep_update, document

RANGED = {"value": 0.2, "low": 0.1, "high": 0.4, "source": "assumption"}


def problems_of(doc: dict) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(doc, "broken.toml")
    return [str(p) for p in caught.value.problems]


def parameters_of(doc: dict) -> dict[str, Parameter]:
    return {p.key: p for p in read_scenario(doc, "test.toml").parameters}


def test_a_number_with_a_range_reads_as_its_plain_value():
    plain = parse_scenario(document(), "test.toml")
    doc = deep_update(document(), "requesting_state.0.abusive_share", RANGED)
    assert parse_scenario(doc, "test.toml") == plain


def test_the_range_is_recorded_under_the_key_an_override_uses():
    doc = deep_update(document(), "requesting_state.0.abusive_share", RANGED)
    found = parameters_of(doc)["requesting_state.A.abusive_share"]
    assert (found.value, found.low, found.high, found.source) == (0.2, 0.1, 0.4, "assumption")
    assert found.path == "requesting_state[0].abusive_share" and found.ranged and found.written
    assert found.meaning  # a declared setting's meaning comes with it


def test_every_kind_of_number_takes_the_table_form_stage_staff_distribution_mean_and_weight():
    doc = deep_update(document(), "stages.execution.staff", {"value": 2, "low": 1, "high": 4})
    doc = deep_update(doc, "stages.execution.service.mean", {"value": 1.0, "low": 0.5, "high": 3.0})
    weight = {"value": 0.5, "low": 0.2, "high": 0.8}
    doc = deep_update(doc, "requesting_state.0.abuse.labels.extremism", weight)
    assert parse_scenario(doc, "test.toml") == parse_scenario(document(), "test.toml")
    found = parameters_of(doc)
    assert found["stages.execution.staff"].integer
    assert {"stages.execution.service.mean", "requesting_state.A.abuse.labels.extremism"} <= {
        key for key, p in found.items() if p.ranged
    }


def test_a_plain_number_is_an_assumption_with_no_range():
    found = parameters_of(document())["requesting_state.A.abusive_share"]
    assert (found.low, found.high, found.source, found.ranged) == (None, None, "assumption", False)


@pytest.mark.parametrize(
    ("spec", "part", "message"),
    [
        ({"value": 0.2, "low": 0.3, "high": 0.4}, "low", "must not be above value (0.2), not 0.3"),
        ({"value": 0.2, "low": 0.1, "high": 0.15}, "high", "must not be below value (0.2), not 0.15"),
        ({**RANGED, "high": 1.4}, "high", "must be a probability between 0 and 1, not 1.4"),
        ({"value": 0.2, "low": 0.1}, "high", "is required with low"),
        ({**RANGED, "source": "pf:nope"}, "source", "unknown source 'pf:nope'"),
        ({**RANGED, "source": "survey"}, "source", "unknown source 'survey'"),
        ({**RANGED, "distribution": "normal"}, "distribution", "must be one of uniform, triangular"),
        ({**RANGED, "low": 0.0, "distribution": "loguniform"}, "low", "must be greater than 0 for a"),
        ({"value": 0.2, "lo": 0.1}, "lo", "unknown key (did you mean 'low'?)"),
        ({"low": 0.1, "high": 0.3}, "value", "is required"),
    ],
)
def test_a_malformed_range_is_one_line_naming_the_field(spec, part, message):
    found = problems_of(deep_update(document(), "requesting_state.0.abusive_share", spec))
    where = f"broken.toml: requesting_state[0].abusive_share.{part}"
    assert len(found) == 1 and found[0].startswith(f"{where}: {message}")


def test_a_range_outside_a_number_s_own_bounds_is_refused_for_undeclared_numbers_too():
    doc = deep_update(document(), "stages.execution.staff", {"value": 2, "low": -1, "high": 4})
    assert problems_of(doc) == ["broken.toml: stages.execution.staff.low: must be at least 0, not -1"]
    doc = deep_update(document(), "stages.execution.staff", {"value": 2, "low": 1, "high": 4.5})
    assert problems_of(doc) == ["broken.toml: stages.execution.staff.high: must be an integer, not 4.5"]


def test_a_source_may_be_a_public_figure_or_an_entry_of_the_file_s_sources():
    doc = deep_update(document(), "requesting_state.0.abusive_share", {**RANGED, "source": "my-survey"})
    doc["sources"] = {"my-survey": {"title": "A survey of central authorities", "year": 2020}}
    assert parameters_of(doc)["requesting_state.A.abusive_share"].source == "my-survey"
    cited = {**RANGED, "source": "pf:interpol-refused-share-2017-2021"}
    doc = deep_update(document(), "requesting_state.0.abusive_share", cited)
    assert parameters_of(doc)["requesting_state.A.abusive_share"].source.startswith("pf:")


def test_a_source_entry_needs_a_title_and_reserved_ids_are_refused():
    doc = {**document(), "sources": {"pf:x": {"title": "t"}, "mine": {"url": "https://example.org"}}}
    assert problems_of(doc) == [
        'broken.toml: sources.pf:x: is reserved ("assumption" and "pf:<id>" name no entry of [sources])',
        "broken.toml: sources.mine.title: is required",
    ]


def test_the_run_settings_take_no_range():
    doc = deep_update(document(), "scenario.horizon_days", {"value": 200.0, "low": 100.0, "high": 300.0})
    assert problems_of(doc) == ["broken.toml: scenario.horizon_days: must be a number, not a table"]


def test_an_override_replaces_a_ranged_number_with_a_plain_one_and_its_range_goes():
    doc = deep_update(document(), "requesting_state.0.abusive_share", RANGED)
    file = ScenarioFile.of(doc, "test.toml")
    assert [p.key for p in file.parameters() if p.ranged] == ["requesting_state.A.abusive_share"]
    changed = file.parameters({"requesting_state.A.abusive_share": 0.3})
    assert not any(p.ranged for p in changed)
    assert file.configured({"requesting_state.A.abusive_share": 0.3}, "").requester("A").abusive_share == 0.3


def test_the_baseline_lists_every_number_it_holds_by_dotted_key():
    found = {p.key: p for p in scenario_parameters(BASELINE)}
    assert found["requesting_state.authoritarian.abusive_share"].value == pytest.approx(0.25)
    assert "stages.legal_review.service.mean" in found
    assert not any(key.startswith("scenario.") for key in found)
    ranged = uncertain_parameters(BASELINE)
    assert ranged and all(p.low < p.high for p in ranged)


def test_the_schema_accepts_the_table_form_and_rejects_a_bad_one():
    validator = jsonschema.Draft202012Validator(scenario_schema())
    doc = deep_update(document(), "requesting_state.0.abusive_share", RANGED)
    doc = deep_update(doc, "stages.execution.service.mean", {"value": 1.0, "low": 0.5, "high": 2.0})
    doc["sources"] = {"s": {"title": "t"}}
    assert [e.message for e in validator.iter_errors(doc)] == []
    bad = deep_update(document(), "requesting_state.0.abusive_share", {"value": 0.2, "low": 0.1})
    assert [tuple(e.absolute_path) for e in validator.iter_errors(bad)] == [
        ("requesting_state", 0, "abusive_share")
    ]
    assert not validator.is_valid(deep_update(document(), "scenario.seed", {"value": 1}))


def test_a_variant_may_set_a_range_written_as_nested_tables():
    text = BASELINE.read_text() + (
        '\n[[variant]]\nname = "ranged"\n[variant.set]\n'
        "safeguards.discrimination.evidence_threshold = { value = 0.6, low = 0.5, high = 0.8 }\n"
    )
    file = ScenarioFile.of(tomllib.loads(text), "x.toml")
    overrides = next(v for v in file.variants() if v.name == "ranged").overrides
    found = {p.key: p for p in file.parameters(overrides)}
    assert found["safeguards.discrimination.evidence_threshold"].high == 0.8


@given(
    value=st.floats(0.0, 1.0),
    below=st.floats(0.0, 1.0),
    above=st.floats(0.0, 1.0),
    u=st.floats(0.0, 1.0),
    spread=st.sampled_from(["uniform", "triangular", "loguniform"]),
)
def test_a_draw_stays_within_the_range(value, below, above, u, spread):
    low, high = value * below, value + (1 - value) * above
    if spread == "loguniform":
        low = max(low, 1e-6)
        value = max(value, low)
    parameter = Parameter("k", "k", value, low, high, distribution=spread)
    drawn = parameter.at(u)
    assert low - 1e-12 <= drawn <= high + 1e-12 and math.isfinite(drawn)


def test_integer_draws_are_whole_and_each_value_equally_likely():
    staff = Parameter("k", "k", 3, 2, 5, integer=True)
    drawn = [staff.at((i + 0.5) / 400) for i in range(400)]
    assert {v: drawn.count(v) for v in set(drawn)} == {2: 100, 3: 100, 4: 100, 5: 100}
    assert Parameter("k", "k", 3, 3, 3, integer=True).at(0.9) == 3 and not Parameter("k", "k", 3, 3, 3).ranged
