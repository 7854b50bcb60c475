"""The routes abuse takes, from the outside: run and compare tables, JSON blocks, their round trip."""

from __future__ import annotations

import json
import math

from simulator.experiments.run import result_of
from simulator.experiments.stats import Estimate
from simulator.reporting import comparison as report_comparison
from simulator.reporting import routes
from simulator.reporting.run import as_table
from tests.conftest import build, document


def section(text: str, heading: str) -> list[str]:
    """The lines of one section of a table (from its heading to the next blank line)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def row(lines: list[str], *first: str) -> list[str]:
    return next(line.split() for line in lines if line.split()[: len(first)] == list(first))


def test_flags_are_counted_in_replications_and_days_over_the_flagged_ones():
    assert routes.flagged_text(Estimate(0.5, 0.0, 1.0, 4)) == "2 of 4"
    assert routes.flagged_text(Estimate(0.0, 0.0, 0.0, 3)) == "0 of 3"
    assert routes.days_to_flag_text(Estimate(math.nan, math.nan, math.nan, 0)) == "never"
    assert routes.days_to_flag_text(Estimate(120.0, math.nan, math.nan, 1)) == "120.0 (n=1)"


def test_a_one_state_run_has_no_route_sections():
    row = {"abuse_pass_through": 0.5, "state.A.submitted": 10.0, "state.A.abusive_submitted": 1.0}
    row |= {"state.A.abuse_pass_through": 0.5, "state.A.legitimate_refusal_rate": 0.0}
    text = as_table(result_of(build(document()), 1, [row, row]))
    assert "By requesting State" in text
    for heading in ("By requested State", "By channel", "Monitoring", "Flood requests", "Rushed reviews"):
        assert heading not in text


def test_run_table_shows_requested_states_channels_monitoring_and_floods(several_result):
    text = as_table(several_result)
    states = section(text, "By requested State")
    assert [line.split()[0] for line in states[3:]] == ["us", "eu", "small"]
    us = several_result["requested.us.abuse_pass_through"]
    assert f"{100 * us.mean:.1f}%" in " ".join(row(states, "us"))
    channels = section(text, "By channel")
    assert {line.split()[0] for line in channels[3:6]} == {"emergency", "mla", "preservation"}
    assert any("false emergencies seen through, sent to MLA (Art 2(o))" in line for line in channels)
    assert any("preservations made (Art 42)" in line for line in channels)
    monitoring = section(text, "Monitoring")
    flagged = several_result["monitoring.eu.authoritarian.flagged"]
    k = round(flagged.mean * flagged.n)
    assert k >= 1  # discovered abuse comes to light within days: eu's SPRT flags the abuser
    eu = " ".join(row(monitoring, "eu", "(sprt,", "suspend)", "authoritarian"))
    assert f"{k} of 2" in eu and f"(n={k})" in eu
    partner = " ".join(row(monitoring, "us", "(cusum,", "escalate)", "partner"))
    assert "0 of 2" in partner and "never" in partner
    assert "Flood requests submitted (mean per replication):" in text


def test_json_carries_the_same_blocks_and_they_read_back(several_result, several_document):
    doc = json.loads(json.dumps(several_document, allow_nan=False))
    assert set(doc["requested_states"]) == {"us", "eu", "small"}
    assert doc["requested_states"]["small"]["abuse_pass_through"]["n"] == 0  # nothing abusive decided
    assert "false_claims_detected" in doc["channels"]["emergency"]
    assert doc["monitoring"]["eu"]["authoritarian"]["legitimate_lost_to_suspension"]["n"] == 2
    assert doc["monitoring_rules"] == {"us": "cusum, escalate", "eu": "sprt, suspend"}
    assert {"abusive_cases", "flood_submitted"} <= set(doc["counts"])
    assert "abusive_cases_reached" in doc["metrics"]
    flat = routes.flat_estimates(doc)
    assert "monitoring.eu.authoritarian.days_to_flag" in flat and "channel.mla.days_to_data" in flat
    for name, est in flat.items():
        mean = several_result[name].mean
        assert (math.isnan(mean) and math.isnan(est.mean)) or math.isclose(est.mean, mean), name


def test_compare_shows_what_forum_shopping_buys_the_abuser(several_comparison):
    text = report_comparison.as_table(several_comparison)
    differences = section(text, "B minus A: shopping minus no shopping (paired by replication)")
    reached = several_comparison.difference(1, "abusive_cases_reached")
    line = next(line for line in differences if "abusive cases that got the data anywhere" in line)
    assert report_comparison.format_difference(reached, "share") in line
    assert "  A = no shopping (the baseline)" in text and "  B = shopping" in text
    states = section(text, "By requested State (A, and each alternative's paired difference)")
    assert "B minus A" in states[1]
    shift = several_comparison.difference(1, "requested.eu.abusive_submitted")
    assert report_comparison.format_difference(shift, "count") in " ".join(row(states, "eu:", "abusive"))
    assert section(text, "By channel (A, and")
    assert "replications" in " ".join(section(text, "Monitoring (A, and"))
    assert max(len(line) for line in text.splitlines()) <= 100


def test_comparison_json_has_the_route_differences(several_comparison, several_comparison_document):
    doc = json.loads(json.dumps(several_comparison_document, allow_nan=False))
    alternative = doc["configurations"][1]
    assert "abusive_cases_reached" in alternative["difference"]
    entry = alternative["route_differences"]["requested.us.abuse_pass_through"]
    expected = several_comparison.difference(1, "requested.us.abuse_pass_through")
    assert entry["n"] == expected.n and math.isclose(entry["mean"], expected.mean)
    assert (
        "requested_states" in doc["configurations"][0] and "route_differences" not in doc["configurations"][0]
    )
