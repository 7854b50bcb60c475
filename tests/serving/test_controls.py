"""The page's controls come from the settings' declarations, valued as the what-if says."""

from __future__ import annotations

from pathlib import Path

from simulator.domain.safeguards import Safeguards
from simulator.domain.settings import paths
from simulator.files.document import read_file
from simulator.serving.controls import GROUPS, SHOWN, controls

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_every_declared_safeguard_is_a_control_once():
    base = read_file(SCENARIOS / "un-convention-baseline.toml").base()
    keys = [c.key for c in controls(base) if c.key.startswith("safeguards.")]
    declared = [f"safeguards.{path}" for path, setting in paths(Safeguards) if setting.kind in SHOWN]
    assert sorted(keys) == sorted(declared) and len(set(keys)) == len(keys)


def test_groups_provisions_and_values_follow_the_what_if():
    file = read_file(SCENARIOS / "un-convention-baseline.toml")
    whatif = file.configured({"safeguards.dual_criminality.mode": "required"}, "what-if")
    found = {c.key: c for c in controls(file.base(), whatif)}
    mode = found["safeguards.dual_criminality.mode"]
    assert (mode.value, mode.base, mode.changed) == ("required", "discretionary", True)
    assert mode.group == "grounds for refusal" and mode.provision.startswith("UNCC Art 40(9)")
    assert found["safeguards.judicial_order.stored_content"].group == "judicial standards"
    assert found["safeguards.consultation.enabled"].provision == "Art 40(27)"
    assert not found["safeguards.memory"].changed
    assert [g for g in GROUPS if any(c.group == g for c in found.values())] == [
        "grounds for refusal", "judicial standards", "consultation", "memory and evidence", "monitoring",
    ]  # fmt: skip
    share = found["safeguards.discrimination.evidence_threshold"]
    assert share.bounds() == (0.0, 1.0)


def test_channels_offered_are_controls():
    base = read_file(SCENARIOS / "channels.toml").base()
    keys = {c.key for c in controls(base) if c.group == "channels"}
    assert "channels.emergency.detection" in keys
    assert not any(c.group == "channels" for c in controls(read_file(SCENARIOS / "flooding.toml").base()))
