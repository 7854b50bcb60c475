"""Presenting check results: status lines, counterexample traces with citations, JSON."""

from __future__ import annotations

import json

import pytest

from simulator.checking.check import check_property
from simulator.checking.reading import library, read_properties
from simulator.files.loader import read_toml
from simulator.reporting.check import as_json, as_table
from tests.conftest import BASELINE, practice_before


@pytest.fixture(scope="module")
def results():
    scenario = practice_before()  # the relabelling loophole of consulting before every refusal
    properties = {p.name: p for p in read_properties(read_toml(BASELINE), str(BASELINE), scenario)}
    chosen = [properties["political-persecution-survives-consultation"], library()["safeguard_monotonicity"]]
    return scenario, [check_property(scenario, p, 30, seed=0) for p in chosen]


def test_table_shows_status_trace_and_totals(results):
    scenario, found = results
    text = as_table(found, scenario, 0, 30)
    assert "VIOLATED     political-persecution-survives-consultation" in text
    assert "held         safeguard_monotonicity" in text
    assert "smallest counterexample found:" in text
    assert "hidden truth: abusive:" in text and "grounds to believe persecution" in text
    assert "CONSULT [UNCC Art" in text and "requester amended the request" in text
    assert text.splitlines()[-1] == "1 held, 1 violated, 0 inconclusive, 0 not applicable"


def test_json_lists_provisions_cited(results):
    scenario, found = results
    doc = json.loads(as_json(found, scenario, 0, 30))
    violated = doc["properties"][0]
    assert violated["status"] == "violated"
    example = violated["counterexample"]
    assert example["truth"]["abusive"] is True and example["outcome"] in ("granted", "conditionally_granted")
    assert example["provisions_cited"] and all(isinstance(p, str) for p in example["provisions_cited"])
    assert doc["properties"][1]["counterexample"] is None


def test_a_stricter_configuration_is_described_by_every_setting_it_changed():
    """Catches: a changed setting left out of the description (Art 6 and memory were, when the list of
    settings was kept by hand)."""
    import attrs

    from simulator.domain.safeguards import DualCriminalityMode, Memory, Safeguards
    from simulator.reporting.check import _stricter_lines

    base = Safeguards()
    strict = attrs.evolve(
        base,
        human_rights=attrs.evolve(base.human_rights, enabled=True),
        memory=Memory.NONE,
        dual_criminality=attrs.evolve(base.dual_criminality, mode=DualCriminalityMode.REQUIRED),
        discrimination=attrs.evolve(base.discrimination, evidence_threshold=0.5),
    )
    assert _stricter_lines(base, strict) == [
        "dual_criminality.mode: discretionary -> required",
        "discrimination.evidence_threshold: 0.70 -> 0.50",
        "human_rights.enabled: False -> True",
        "memory: same_target -> none",
    ]
    assert _stricter_lines(base, base) == []
