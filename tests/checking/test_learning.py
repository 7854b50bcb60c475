"""What requested States learn, as properties: shared refusals (sharing) and monitoring."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from typer.testing import CliRunner

from simulator.checking.check import check_property
from simulator.checking.learning import clean_requesters, monitoring_states, sharing_not_applicable
from simulator.checking.reading import library
from simulator.cli import app
from simulator.domain.model import Stage
from simulator.files.document import load_scenario
from tests.conftest import BASELINE

DATA = Path(__file__).parent / "data"
SEVERAL = Path(__file__).resolve().parents[1] / "data" / "small-several-states.toml"
OPENS = DATA / "shared-refusal-opens-conditions.toml"
HAIR_TRIGGER = DATA / "hair-trigger-monitoring.toml"
runner = CliRunner()


@pytest.fixture(scope="module")
def several():
    return load_scenario(SEVERAL)


def test_sharing_refusals_holds_in_the_small_several_state_world(several):
    result = check_property(several, library()["shared_refusals_never_grant"], 5, seed=0)
    assert result.status == "held" and result.checked == ("us", "eu", "small")
    assert result.examples > 0


def test_the_shortcut_past_the_judge_it_found_is_closed(monkeypatch):
    """A counterexample this property found in the model, since fixed. When accepting conditions at a
    consultation ended a life at once, a shared recognition opened a way past the judge: without the
    shared refusal the judge refuses the request (weak facts); with it, the person is recalled as at
    risk, 40(21)(b) is consulted at rights scrutiny, the requester takes the data on conditions
    (40(27)) and never meets the judge. Conditions now answer only the ground consulted on."""
    from simulator.world import lifecycle

    scenario = load_scenario(OPENS)
    prop = library()["shared_refusals_never_grant"]
    assert check_property(scenario, prop, 30, seed=0).status == "held"
    monkeypatch.setattr(lifecycle, "route_after", lambda route, stage: ())  # the old shortcut
    result = check_property(scenario, prop, 30, seed=0)
    assert result.status == "violated" and result.requested == "cautious"
    example = result.counterexample
    assert example.case.request.truth.abusive and example.shared.origin == "other"
    base = [c.decision for c in example.evaluation.commands if hasattr(c, "decision")]
    informed = [c.decision for c in example.shared_evaluation.commands if hasattr(c, "decision")]
    assert example.evaluation.outcome == "refused" and base[-1].stage is Stage.JUDICIAL_ORDER
    assert example.shared_evaluation.outcome == "conditionally_granted"
    assert [d.provision for d in informed][:2] == ["uncc-40-21-b", "uncc-40-27"]
    assert all(d.stage is Stage.RIGHTS_SCRUTINY for d in informed)


def test_sharing_is_not_applicable_without_several_states_or_sharing(several):
    prop = library()["shared_refusals_never_grant"]
    baseline = load_scenario(BASELINE)
    assert "one requested State" in sharing_not_applicable(baseline)
    one = check_property(baseline, prop, 5)
    assert one.status == "not_applicable" and "one requested State" in one.note
    silent = attrs.evolve(several, information_sharing=attrs.evolve(several.information_sharing, mode="none"))
    assert check_property(silent, prop, 5).status == "not_applicable"


def test_monitoring_never_flags_the_clean_partner_of_the_small_world(several):
    assert monitoring_states(several) == ["us", "eu"]
    prop = attrs.evolve(
        library()["clean_requester_not_suspended_early"],
        expect=attrs.evolve(library()["clean_requester_not_suspended_early"].expect, replications=2),
    )
    assert clean_requesters(several, prop) == ["partner"]
    result = check_property(several, prop, seed=0)
    assert result.status == "held" and result.examples == 2 * 2  # us, eu x 2 replications


def test_a_hair_trigger_threshold_suspends_a_clean_requester_at_once():
    scenario = load_scenario(HAIR_TRIGGER)
    prop = library()["clean_requester_not_suspended_early"]
    result = check_property(scenario, prop, seed=0)
    assert result.status == "violated" and result.requested == "watchful"
    assert "flagged 'clean'" in result.detail and "replication 0" in result.detail
    relaxed = scenario.with_requested_state(
        attrs.evolve(
            scenario.requested_state,
            monitoring=attrs.evolve(scenario.requested_state.monitoring, threshold=50.0),
        )
    )
    assert check_property(relaxed, prop, seed=0).status == "held"


def test_monitoring_is_not_applicable_where_no_state_monitors():
    result = check_property(load_scenario(BASELINE), library()["clean_requester_not_suspended_early"])
    assert result.status == "not_applicable" and "monitors" in result.note


def test_cli_reports_the_state_and_the_false_alarm(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    flagged = runner.invoke(app, ["check", str(HAIR_TRIGGER)])
    assert flagged.exit_code == 1, flagged.output
    assert "VIOLATED     clean_requester_not_suspended_early" in flagged.output
    assert "found: replication 0: requested State 'watchful' flagged 'clean'" in flagged.output
    calm = runner.invoke(app, ["check", str(HAIR_TRIGGER), "--set", "monitoring.threshold=50"])
    assert calm.exit_code == 0 and "held         clean_requester_not_suspended_early" in calm.output
    shared = runner.invoke(app, ["check", str(OPENS), "--max-examples", "30"])
    assert shared.exit_code == 0, shared.output
    assert "held         shared_refusals_never_grant  (sharing; " in shared.output
    assert "at cautious, other" in shared.output
    from simulator.world import lifecycle

    monkeypatch.setattr(lifecycle, "route_after", lambda route, stage: ())  # the old shortcut
    shortcut = runner.invoke(app, ["check", str(OPENS), "--max-examples", "30"])
    assert shortcut.exit_code == 1
    assert "at requested State 'cautious'" in " ".join(shortcut.output.split())
    assert "once requested State 'other' shared a refusal citing" in shortcut.output
