"""Scenario files that compose: a State or a whole file taken from another, in a few lines."""

from __future__ import annotations

import pytest
import tomli_w

from simulator.files.compose import MAX_CHAIN, laid_over
from simulator.files.document import load_scenario, read_file
from simulator.files.parameters import scenario_parameters
from simulator.files.reader import ScenarioError
from tests.conftest import BASELINE, ROOT, SCENARIOS, document


def write(path, content) -> str:
    path.write_text(content if isinstance(content, str) else tomli_w.dumps(content))
    return str(path)


def one_line(path) -> str:
    with pytest.raises(ScenarioError) as caught:
        read_file(path)
    [problem] = caught.value.problems
    return str(problem)


def test_the_baseline_state_beside_ones_own_in_a_few_lines(tmp_path):
    """Catches: renesting every table by hand to put a shipped State beside a new one."""
    path = write(
        tmp_path / "two.toml",
        'extends = "un-convention-baseline.toml"\n'
        '[[requested_state]]\nfrom = "un-convention-baseline.toml"\nid = "baseline"\n'
        '[[requested_state]]\nfrom = "un-convention-baseline.toml"\nid = "mine"\n'
        '[requested_state.safeguards.dual_criminality]\nmode = "required"\n',
    )
    scenario = load_scenario(path)
    baseline, mine = scenario.requested_states
    shipped = load_scenario(BASELINE).requested_state
    assert (baseline.id, mine.id) == ("baseline", "mine")
    assert baseline.safeguards == shipped.safeguards and baseline.stages == shipped.stages
    assert mine.safeguards.dual_criminality.mode.value == "required"
    assert mine.safeguards.discrimination == shipped.safeguards.discrimination  # the rest as shipped
    assert scenario.requesting_states == load_scenario(BASELINE).requesting_states


def test_extends_lays_tables_over_key_by_key_and_entries_by_id():
    base = {
        "scenario": {"name": "a", "seed": 1},
        "requesting_state": [{"id": "A", "x": 1}, {"id": "B", "x": 2}],
    }
    own = {"scenario": {"seed": 2}, "requesting_state": [{"id": "B", "x": 3}, {"id": "C", "x": 4}]}
    merged = laid_over(base, own)
    assert merged["scenario"] == {"name": "a", "seed": 2}
    assert merged["requesting_state"] == [{"id": "A", "x": 1}, {"id": "B", "x": 3}, {"id": "C", "x": 4}]
    assert base["requesting_state"][1]["x"] == 2  # the base is not changed


def test_a_state_is_picked_by_id_where_a_file_has_several(tmp_path):
    base = document()
    base["requesting_state"].append({**base["requesting_state"][0], "id": "B", "requests_per_year": 7.0})
    write(tmp_path / "base.toml", base)
    own = document()
    own["requesting_state"] = [{"from": "base.toml#B"}]
    assert load_scenario(write(tmp_path / "own.toml", own)).requesting_states[0].requests_per_year == 7.0
    own["requesting_state"] = [{"from": "base.toml"}]
    message = one_line(write(tmp_path / "own.toml", own))
    assert (
        "base.toml: requesting_state: holds several States (A, B): name one in requesting_state[0].from"
        in message
    )
    own["requesting_state"] = [{"from": "base.toml#Z"}]
    assert "holds no State with id 'Z'" in one_line(write(tmp_path / "own.toml", own))


def test_cycles_missing_files_and_misplaced_keys_are_one_line(tmp_path):
    write(tmp_path / "a.toml", 'extends = "b.toml"\n')
    write(tmp_path / "b.toml", 'extends = "a.toml"\n')
    assert one_line(tmp_path / "a.toml").endswith(
        "extends: forms a cycle of files: a.toml -> b.toml -> a.toml"
    )
    write(tmp_path / "c.toml", 'extends = "nowhere.toml"\n')
    assert "c.toml: extends: no file 'nowhere.toml'" in one_line(tmp_path / "c.toml")
    write(tmp_path / "d.toml", "extends = 3\n")
    assert "d.toml: extends: must name the file this one extends" in one_line(tmp_path / "d.toml")
    one_state = document()
    one_state["requested_state"]["from"] = "un-convention-baseline.toml"
    message = one_line(write(tmp_path / "e.toml", one_state))
    assert "requested_state.from: takes a State only in a [[requested_state]] entry" in message
    nested = document()
    nested["safeguards"] = {"extends": "a.toml"}  # only at the top of a file
    with pytest.raises(ScenarioError, match=r"safeguards\.extends: unknown key"):
        load_scenario(write(tmp_path / "f.toml", nested))


def test_a_chain_of_files_is_bounded(tmp_path):
    for i in range(MAX_CHAIN + 2):
        write(tmp_path / f"f{i}.toml", f'extends = "f{i + 1}.toml"\n' if i <= MAX_CHAIN else "")
    assert f"a chain of more than {MAX_CHAIN} files" in one_line(tmp_path / "f0.toml")


def test_editing_a_file_taken_from_is_seen(tmp_path):
    """Catches: a stale copy kept because only the file named on the command line was checked."""
    write(tmp_path / "base.toml", document())
    path = write(tmp_path / "own.toml", 'extends = "base.toml"\n')
    assert load_scenario(path).name == "test"
    changed = document()
    changed["scenario"]["name"] = "changed, and longer than before"
    write(tmp_path / "base.toml", changed)
    assert load_scenario(path).name == "changed, and longer than before"


def test_a_state_taken_from_another_file_brings_the_sources_its_ranges_cite(tmp_path):
    """Catches: a State whose ranges cite the other file's [sources] entries failing to load (unknown
    source) once taken with `from`."""
    (tmp_path / "small-uncertain.toml").write_text((ROOT / "tests/data/small-uncertain.toml").read_text())
    taking = (
        'extends = "un-convention-baseline.toml"\n'
        '[[requested_state]]\nfrom = "small-uncertain.toml"\nid = "small"\n'
        '[[requested_state]]\nfrom = "un-convention-baseline.toml"\nid = "baseline"\n'
    )
    path = write(tmp_path / "two.toml", taking)
    cited = {p.key: p.source for p in scenario_parameters(path) if p.ranged}
    assert cited["requested_state.small.stages.legal_review.service.mean"] == "desk-study"
    own = write(tmp_path / "own.toml", taking + '[sources.desk-study]\ntitle = "My own study"\n')
    assert read_file(own).document["sources"]["desk-study"] == {"title": "My own study"}  # its own wins


def test_a_one_state_file_gives_every_part_of_its_state_providers_and_regimes_included(tmp_path):
    """Catches: a State taken with `from` from a one-State file losing the parts nested under it
    there (its providers, regimes and direct routes), or a file extending it keeping them beside
    its own several States."""
    path = write(
        tmp_path / "two.toml",
        'extends = "regimes.toml"\n'
        '[[requested_state]]\nfrom = "regimes.toml"\nid = "doors"\n'
        '[[requested_state]]\nfrom = "provider-screening.toml"\nid = "screening"\n',
    )
    doors, screening = load_scenario(path).requested_states
    assert doors.regimes == load_scenario(SCENARIOS / "regimes.toml").requested_state.regimes
    assert (
        screening.providers == load_scenario(SCENARIOS / "provider-screening.toml").requested_state.providers
    )
    assert screening.providers and doors.regimes is not None
