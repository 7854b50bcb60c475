"""What-ifs read from an address, built like any configuration, and written back as a scenario file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from simulator.files.document import ScenarioFile, read_file
from simulator.serving.whatif import Loaded, WhatIfError, address, read_changes, scenario_text

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "un-convention-baseline.toml"


@pytest.fixture(scope="module")
def loaded() -> Loaded:
    return Loaded.load(read_file(BASELINE), BASELINE.read_text("utf-8"))


def test_values_are_read_as_toml_else_as_words():
    changes = read_changes([("a.b", "required"), ("a.c", "0.5"), ("a.d", '["sex","race"]'), ("a.e", "true")])
    assert changes == {"a.b": "required", "a.c": 0.5, "a.d": ["sex", "race"], "a.e": True}
    assert read_changes(address(changes)) == changes


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([("a..b", "1")], "is not a dotted key"),
        ([("<script>", "1")], "is not a dotted key"),
        ([("a.b", "x" * 2001)], "longer than 2,000 characters"),
        ([("a.b", " ")], "give a value"),
        ([(f"k{i}", "1") for i in range(65)], "more than 64 settings"),
    ],
)
def test_an_address_is_bounded_before_it_is_read(items, expected):
    with pytest.raises(WhatIfError, match=expected):
        read_changes(items)


def test_a_bad_value_is_one_line_naming_the_setting(loaded):
    with pytest.raises(WhatIfError) as error:
        loaded.scenario({"safeguards.discrimination.evidence_threshold": 1.5})
    assert "safeguards.discrimination.evidence_threshold" in str(error.value)
    assert "\n" not in str(error.value)
    with pytest.raises(WhatIfError, match="has no entry 'nobody'"):
        loaded.scenario({"requesting_state.nobody.abusive_share": 0.1})


def test_the_scenario_file_keeps_comments_and_reads_as_the_what_if(loaded):
    changes = {"safeguards.dual_criminality.mode": "required", "monitoring.enabled": True}
    text = scenario_text(loaded, changes, {"safeguards.dual_criminality.mode": "discretionary"})
    assert 'mode = "required"   # what-if: was discretionary' in text
    assert "# date of UNGA resolution 79/243" in text  # the file's own comments are kept
    written = ScenarioFile.of(tomllib.loads(text), "what-if.toml").base()
    assert written.requested_state.safeguards == loaded.scenario(changes).requested_state.safeguards
    assert written.requested_state.monitoring.enabled


def test_a_change_without_a_line_of_its_own_rewrites_the_file(loaded):
    changes = {"requesting_state.authoritarian.abusive_share": 0.5}
    text = scenario_text(loaded, changes, {})
    assert "written anew" in text
    written = ScenarioFile.of(tomllib.loads(text), "what-if.toml").base()
    assert written.requester("authoritarian").abusive_share == 0.5
