"""Provenance: fingerprints that tell scenarios apart, and the versions a result rests on."""

from __future__ import annotations

import re

from simulator.experiments.provenance import canonical, environment, provenance, scenario_sha256
from simulator.files.document import load_scenario
from tests.conftest import BASELINE


def test_a_one_value_change_changes_the_fingerprint(tmp_path):
    text = BASELINE.read_text()
    changed = tmp_path / "changed.toml"
    changed.write_text(text.replace("seed = 20241224", "seed = 20241225", 1))
    assert changed.read_text() != text
    assert scenario_sha256(load_scenario(BASELINE)) != scenario_sha256(load_scenario(changed))


def test_comments_and_the_path_do_not_change_the_fingerprint(tmp_path):
    copy = tmp_path / "elsewhere.toml"
    copy.write_text("# a comment a colleague added\n" + BASELINE.read_text())
    assert scenario_sha256(load_scenario(BASELINE)) == scenario_sha256(load_scenario(copy))
    assert str(tmp_path) not in canonical(load_scenario(copy))


def test_provenance_records_text_seed_and_versions():
    scenario = load_scenario(BASELINE)
    block = provenance(scenario, seed=7, replications=3, command=["mlasim", "run", str(BASELINE)])
    assert block["scenario_text"] == BASELINE.read_text()
    assert re.fullmatch(r"[0-9a-f]{64}", block["scenario_sha256"])
    assert (block["seed"], block["replications"]) == (7, 3)
    assert set(environment()) <= set(block)
    assert block["numpy"] and block["simpy"] and block["python"]
