"""The catalogue and evidence reports: which scenario applies which provision, the score's range."""

from __future__ import annotations

import json

from simulator.files.document import load_scenario
from simulator.reporting.provisions import (
    applied_by,
    evidence_table,
    provisions_json,
    provisions_table,
    scenario_provisions,
)
from tests.conftest import BASELINE, SCENARIOS


def test_every_provision_is_listed_with_confidence_source_and_users():
    scenarios = [load_scenario(p) for p in sorted(SCENARIOS.glob("*.toml"))]
    doc = json.loads(provisions_json(scenarios))["provisions"]
    by_id = {p["id"]: p for p in doc}
    assert all(p["confidence"] in ("verified", "high", "medium", "low") and p["source"] for p in doc)
    assert "un-convention-baseline" in by_id["uncc-40-22"]["applied_by"]
    assert "budapest-style" in by_id["budapest-27-4-a"]["applied_by"]
    assert "un-convention-baseline" not in by_id["budapest-27-4-a"]["applied_by"]
    assert by_id["uncc-40-21-b"]["consult"] and not by_id["uncc-40-9"]["consult"]
    text = provisions_table(scenarios)
    assert by_id["uncc-35-1-c"]["citation"] == "UNCC Arts 40(1), 35(1)(c) with Art 2(h)"
    assert "UNCC Arts 40(1), 35(1)(c)" in text and "23(2)" not in text  # the cell may wrap


def test_applied_by_follows_the_configuration():
    baseline = load_scenario(BASELINE)
    users = applied_by([baseline])
    assert users["uncc-40-27"] == ["un-convention-baseline"] and users["budapest-27-4-a"] == []


def test_the_evidence_table_shows_the_range_and_the_bars():
    text = evidence_table([load_scenario(BASELINE)])
    assert "bars uncc-40-22 at 0.70" in text and "every ground reachable" in text
    authoritarian = next(line for line in text.splitlines() if line.strip().startswith("authoritarian"))
    assert authoritarian.split()[1:] == ["0.85", "0.38", "0.73", "1.00", "1.00"]


def test_applied_by_counts_the_channels_offered_and_used_and_monitoring_that_suspends():
    from tests.reporting.conftest import SEVERAL, several

    users = applied_by([load_scenario(SEVERAL), load_scenario(BASELINE)])
    short = "small-several-states"
    # us offers an emergency desk and the partner and the abuser use it: Arts 41 and 2(o)
    assert short in users["uncc-41"] and short in users["uncc-2-o"]
    # us makes the 42(4) reservation at its preservation desk
    assert short in users["uncc-42-4"] and short in users["uncc-42-7"]
    # eu's monitoring suspends cooperation
    assert users["monitoring-suspension"] == [short]
    # eu offers expedited disclosure (Art 43) but no requesting State sends through it
    assert users["uncc-43"] == []
    # the baseline has one requested State, no emergency desk, no monitoring
    assert "un-convention-baseline" not in users["uncc-41"] + users["monitoring-suspension"]
    # preservation requests of the baseline go to the (default) preservation desk
    assert "un-convention-baseline" in users["uncc-42-7"]
    # monitoring that only escalates applies no suspension
    escalating = several("requested_state.eu.monitoring.action=escalate")
    assert "monitoring-suspension" not in scenario_provisions(escalating)
    without_reservation = several("requested_state.us.channels.preservation.reservation=false")
    assert "uncc-42-4" not in scenario_provisions(without_reservation)


def test_a_ground_configured_where_no_route_applies_it_is_said_so():
    """Catches: `provisions` listing Art 40(22) as applied by a file whose routes skip rights scrutiny."""
    from simulator.reporting.provisions import applied_by, configured_not_applied, provisions_table
    from tests.conftest import build, deep_update, document

    doc = deep_update(document(), "safeguards.discrimination.enabled", True)
    doc = deep_update(doc, "safeguards.unused", ["discrimination"])
    scenario = build(doc)
    assert "uncc-40-22" not in {pid for pid, users in applied_by([scenario]).items() if users}
    assert configured_not_applied([scenario]) == {"uncc-40-22": ["test"]}
    table = provisions_table([scenario])
    assert "test (not applied)" in table and "(not applied): configured, but no route" in table
