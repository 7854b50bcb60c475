"""The page's controls come from the settings' declarations, valued as the what-if says, with the
ranges and sources the scenario file declares; requesting States' settings are controls too."""

from __future__ import annotations

import copy
from pathlib import Path

from simulator.domain.figures import figure
from simulator.domain.safeguards import Safeguards
from simulator.domain.settings import paths, walk
from simulator.files.document import ScenarioFile, read_file
from simulator.serving.controls import GROUPS, SHOWN, controls
from simulator.serving.whatif import Loaded

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
        "requesting States",
    ]  # fmt: skip
    share = found["safeguards.discrimination.evidence_threshold"]
    assert share.bounds() == (0.0, 1.0)


def test_channels_offered_are_controls():
    base = read_file(SCENARIOS / "channels.toml").base()
    keys = {c.key for c in controls(base) if c.group == "channels"}
    assert "channels.emergency.detection" in keys
    assert not any(c.group == "channels" for c in controls(read_file(SCENARIOS / "flooding.toml").base()))


def _loaded(path: Path) -> Loaded:
    return Loaded.load(read_file(path), path.read_text("utf-8"))


def test_a_control_shows_the_range_and_source_the_file_declares():
    found = {c.key: c for c in _loaded(SCENARIOS / "un-convention-baseline.toml").controls()}
    rate = found["safeguards.dual_criminality.refusal_rate"]
    assert (rate.parameter.low, rate.parameter.high, rate.parameter.source) == (0.25, 0.75, "assumption")
    assert rate.ranged and rate.source == "" and not rate.outside()
    volume = found["requesting_state.partner.requests_per_year"]
    assert volume.parameter.source == "pf:oia-new-requests-2014"
    assert volume.source == figure("pf:oia-new-requests-2014").describe()
    assert found["safeguards.memory"].parameter is None and not found["safeguards.memory"].ranged


def test_a_source_of_the_files_own_sources_table_is_described():
    document = copy.deepcopy(dict(read_file(SCENARIOS / "un-convention-baseline.toml").document))
    document["sources"] = {"survey": {"title": "A survey of central authorities", "year": 2024}}
    threshold = {"value": 0.7, "low": 0.5, "high": 0.9, "source": "survey"}
    document["safeguards"]["discrimination"]["evidence_threshold"] = threshold
    loaded = Loaded.load(ScenarioFile.of(document, "survey.toml"), "")
    whatif = loaded.scenario({"safeguards.discrimination.evidence_threshold": 0.95})
    found = {c.key: c for c in loaded.controls(whatif)}
    control = found["safeguards.discrimination.evidence_threshold"]
    assert control.source == "A survey of central authorities (2024)"
    assert (control.value, control.base) == (0.95, 0.7) and control.outside()


def test_every_requesting_states_declared_setting_is_a_control_valued_as_the_what_if():
    loaded = _loaded(SCENARIOS / "un-convention-baseline.toml")
    keys = [c.key for c in loaded.controls() if c.group == "requesting States"]
    expected = []
    for state in loaded.base.requesting_states:
        for part, value in (("", state), ("abuse.", state.abuse)):
            if value is not None:
                expected += [
                    f"requesting_state.{state.id}.{part}{path}"
                    for path, setting, _ in walk(value)
                    if setting.kind in SHOWN
                ]
    assert sorted(keys) == sorted(expected) and len(set(keys)) == len(keys)
    assert "requesting_state.authoritarian.abuse.relabel_rate" in keys
    whatif = loaded.scenario({"requesting_state.authoritarian.abusive_share": 0.1})
    found = {c.key: c for c in loaded.controls(whatif)}
    share = found["requesting_state.authoritarian.abusive_share"]
    assert (share.value, share.base, share.section) == (0.1, 0.25, "Authoritarian State")
    assert (share.parameter.low, share.parameter.high) == (0.1, 0.4)
    assert found["requesting_state.authoritarian.abuse.relabel_rate"].section == (
        "Authoritarian State: its abusive requests"
    )
    assert not found["requesting_state.partner.abusive_share"].changed


def test_several_requested_states_each_have_their_controls():
    loaded = _loaded(Path(__file__).resolve().parents[1] / "data" / "small-several-states.toml")
    whatif = loaded.scenario({"requested_state.eu.safeguards.dual_criminality.mode": "required"})
    found = {c.key: c for c in loaded.controls(whatif)}
    for state in loaded.base.requested_states:
        mode = found[f"requested_state.{state.id}.safeguards.dual_criminality.mode"]
        assert mode.group == f"grounds for refusal ({state.name})"
        assert mode.changed == (state.id == "eu")


def test_a_what_if_with_other_states_than_the_file_keeps_the_controls_as_loaded():
    loaded = _loaded(SCENARIOS / "un-convention-baseline.toml")
    other = {**copy.deepcopy(loaded.file.document["requesting_state"][0]), "id": "other"}
    whatif = loaded.scenario({"requesting_state": [other]})
    assert [s.id for s in whatif.requesting_states] == ["other"]
    found = {c.key: c for c in loaded.controls(whatif)}
    assert found.keys() == {c.key for c in loaded.controls()}
    assert not any(c.changed for c in found.values())
