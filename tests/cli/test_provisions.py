"""mlasim provisions and mlasim evidence, from the outside."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from simulator.cli import app
from tests.conftest import BASELINE, ROOT

runner = CliRunner()


def test_provisions_lists_the_catalogue_as_a_table_and_as_json(monkeypatch):
    monkeypatch.chdir(ROOT)
    table = runner.invoke(app, ["provisions"])
    assert table.exit_code == 0 and "UNCC Art 46" in table.output and "confidence" in table.output
    doc = json.loads(runner.invoke(app, ["provisions", str(BASELINE), "--format", "json"]).output)
    interception = next(p for p in doc["provisions"] if p["id"] == "uncc-46")
    assert interception["confidence"] == "high" and interception["source"]


def test_evidence_fails_when_a_ground_is_unreachable(tmp_path):
    text = BASELINE.read_text("utf-8")
    for old, new in [
        ("evidence_threshold = { value = 0.7, low = 0.6, high = 0.8,", "evidence_threshold = { value = 1.0,"),
        ("target_recognised = { value = 0.35, low = 0.2, high = 0.5,", "target_recognised = { value = 0.0,"),
        ("suspect_conduct = { value = 0.5, low = 0.3, high = 0.7,", "suspect_conduct = { value = 0.0,"),
    ]:
        assert old in text, old
        text = text.replace(old, new, 1)
    bad = tmp_path / "dead-letter.toml"
    bad.write_text(text, "utf-8")
    assert runner.invoke(app, ["evidence", str(BASELINE)]).exit_code == 0
    result = runner.invoke(app, ["evidence", str(bad)])
    assert result.exit_code == 1 and "UNREACHABLE: uncc-40-22" in result.output


def test_a_bad_file_is_one_line_and_status_2(tmp_path):
    result = runner.invoke(app, ["provisions", str(tmp_path / "missing.toml")])
    assert result.exit_code == 2 and "no such file" in result.output


def test_provisions_names_a_scenario_that_offers_and_uses_the_fast_channels():
    several = ROOT / "tests" / "data" / "small-several-states.toml"
    table = runner.invoke(app, ["provisions", str(several), str(BASELINE)]).output
    assert table.startswith("applied by: a = small-several-states, b = un-convention-baseline")
    lines = {
        line.split("  ")[1].strip(): line for line in table.splitlines()[2:] if line.startswith("  UNCC")
    }
    assert lines["UNCC Art 2(o)"].rstrip().endswith("  a")
    assert lines["UNCC Art 43\u2020"].rstrip().endswith("-")
    suspension = next(line for line in table.splitlines() if line.startswith("  Policy: suspension"))
    assert suspension.rstrip().endswith("  a")
    assert max(len(line) for line in table.splitlines()) <= 100


def test_provisions_and_evidence_use_the_shipped_examples_anywhere(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no scenarios/ here
    table = runner.invoke(app, ["provisions"])
    assert table.exit_code == 0, table.output
    assert "un-convention-baseline" in table.output and "https://undocs.org/A/RES/79/243" in table.output
    evidence = runner.invoke(app, ["evidence"])
    assert evidence.exit_code == 0 and "un-convention-baseline: bars" in evidence.output


def test_provisions_lists_each_citation_with_its_mark_and_the_public_document_it_cites():
    table = runner.invoke(app, ["provisions", str(BASELINE)]).output
    assert "(unverified)" not in table and "UNCC Art 40(22)\u2020" in table
    assert (
        "[1] UN Convention against Cybercrime, annex to UN General Assembly resolution A/RES/79/243" in table
    )
    assert "https://www.law.cornell.edu/uscode/text/18/2703" in table
    assert table.count("\u2020 confidence high") == 1
    doc = json.loads(runner.invoke(app, ["provisions", str(BASELINE), "--format", "json"]).output)
    entry = next(p for p in doc["provisions"] if p["id"] == "us-2703-d")
    assert entry["url"] == "https://www.law.cornell.edu/uscode/text/18/2703" and "2703" in entry["document"]
