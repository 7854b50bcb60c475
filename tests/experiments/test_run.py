"""Replications: reproducible for a seed, different across seeds, independent of how many are run."""

from __future__ import annotations

import json
import sys
import types

import pytest

from simulator.experiments.run import replicate, run
from simulator.files.document import load_scenario, load_variant
from simulator.reporting import run as report
from tests.conftest import BASELINE, ROOT, build, document


def test_same_scenario_and_seed_give_identical_json(small_scenario):
    first = report.as_json(run(small_scenario, replications=3, seed=11))
    second = report.as_json(run(small_scenario, replications=3, seed=11))
    assert first == second


def test_different_seeds_give_different_numbers(small_scenario):
    a = json.loads(report.as_json(run(small_scenario, replications=3, seed=11)))
    b = json.loads(report.as_json(run(small_scenario, replications=3, seed=12)))
    assert a["metrics"] != b["metrics"]


def test_replication_r_does_not_depend_on_how_many_are_run(small_scenario):
    three = run(small_scenario, replications=3, seed=4)
    assert replicate(small_scenario, 4, 2) == three.rows[2]
    assert run(small_scenario, replications=5, seed=4).rows[:3] == three.rows


def test_defaults_come_from_the_file():
    scenario = build(document())
    result = run(scenario)
    assert (result.seed, result.replications) == (7, 4)


def test_result_document_separates_headline_refusals_states_and_stages(small_scenario):
    doc = run(small_scenario, replications=2).to_dict()
    assert {"abuse_pass_through", "legitimate_days_median"} <= set(doc["metrics"])
    assert set(doc["requesting_states"]) == {"A"}
    assert "abuse_pass_through" in doc["requesting_states"]["A"]
    assert set(doc["stages"]) == {"execution"}
    assert doc["refusals"] == {}  # every safeguard off: nothing can be refused


def test_progress_is_told_every_replication_once(small_scenario):
    told: list[int] = []
    run(small_scenario, replications=5, progress=told.append)
    assert sum(told) == 5 and all(steps > 0 for steps in told)


def test_a_saturated_run_warns_that_its_figures_rest_on_few_decided_requests():
    saturated = build(
        document(stages={"execution": {"staff": 1, "service": {"distribution": "fixed", "value": 5.0}}})
    )
    result = run(saturated, replications=2)
    assert result["abusive_pending_share"].mean > 0.5
    [abusive, legitimate, saturation] = result.warnings
    assert "of abusive requests are still pending" in abusive and "legitimate" in legitimate
    assert "the backlog grew" in saturation
    assert result.to_dict()["warnings"] == result.warnings
    assert run(build(document()), replications=2).warnings == []


def test_expected_requests_counts_rates_over_the_horizon_with_surges():
    from simulator.experiments.run import expected_requests

    doc = document()  # 365 requests a year over a 200-day horizon
    assert expected_requests(build(doc)) == pytest.approx(200.0)
    doc["requesting_state"][0]["surge"] = [{"start_day": 100.0, "end_day": 300.0, "multiplier": 3.0}]
    assert expected_requests(build(doc)) == pytest.approx(200.0 + 100.0 * 2)  # 100 surge days in the horizon


def test_the_backend_is_announced_and_changes_nothing(small_scenario):
    said = []
    serial = run(small_scenario, replications=6, seed=3, workers=1, announce=said.append)
    pooled = run(small_scenario, replications=6, seed=3, workers=2, announce=said.append)
    assert said == ["serial", "process pool, 2 workers"]
    assert serial.rows == pooled.rows and serial.estimates == pooled.estimates


# --- saturation: a backlog that grows through the horizon and is not cleared -----------------------
SATURATED = ROOT / "tests" / "data" / "saturated.toml"


def test_the_saturated_fixture_warns_that_the_backlog_grew_and_was_not_cleared():
    result = run(load_scenario(SATURATED))
    saturation = [w for w in result.warnings if "falls behind" in w]
    assert len(saturation) == 1
    assert "still there when the run stops" in saturation[0]
    assert set(result.to_dict()["backlog"]) == {
        "at_mid_horizon",
        "at_horizon",
        "arrivals_second_half",
        "growth_per_year",
        "arrivals_per_year",
    }


def test_the_baseline_carries_no_warning():
    result = run(load_scenario(BASELINE), replications=2)
    assert result.warnings == []
    assert result["backlog.at_horizon"].mean > 0  # sampled, and there is a queue: it just keeps up


@pytest.mark.parametrize(
    ("middle", "horizon", "end", "warned"),
    [
        (80.0, 160.0, 150.0, True),  # grew by 80% of 100 arrivals, 94% left: saturated
        (80.0, 160.0, 10.0, False),  # grew, but the follow-up cleared it (a late surge, say)
        (80.0, 85.0, 84.0, False),  # grew by 5% of arrivals: keeps up, slowly
        (80.0, 91.0, 91.0, True),  # just above SATURATION_GROWTH
        (80.0, 160.0, 80.0, False),  # exactly SATURATION_LEFT left: not more than half
    ],
)
def test_the_saturation_rule_and_its_thresholds(middle, horizon, end, warned):
    from simulator.experiments.run import SATURATION_GROWTH, SATURATION_LEFT, saturation_warnings

    assert (SATURATION_GROWTH, SATURATION_LEFT) == (0.10, 0.50)
    means = {
        "backlog.at_mid_horizon": middle,
        "backlog.at_horizon": horizon,
        "backlog.arrivals_second_half": 100.0,
        "backlog_at_end": end,
    }
    assert bool(saturation_warnings(means)) is warned
    assert saturation_warnings({}) == []  # no samples (an older result): no warning


# --- progress over simulated days, and in a notebook ------------------------------------------------
def test_one_replication_tells_the_simulated_days_as_they_pass(small_scenario):
    told: list[tuple[float, float]] = []
    counted: list[int] = []
    result = run(
        small_scenario,
        replications=1,
        workers=None,
        progress=counted.append,
        days=lambda d, t: told.append((d, t)),
    )
    total = small_scenario.end_day
    done = [d for d, _ in told]
    assert len(told) >= 100 and {t for _, t in told} == {total}
    assert done == sorted(done) and done[-1] == total and done[0] < total / 50
    assert counted == [1]
    assert result.rows == run(small_scenario, replications=1).rows  # watching changes nothing


def test_days_run_on_across_replications_in_this_process(small_scenario):
    told: list[float] = []
    run(small_scenario, replications=3, workers=1, days=lambda d, t: told.append(d / t))
    assert told == sorted(told) and told[-1] == 1.0
    assert any(1 / 3 < f < 2 / 3 for f in told)  # the second replication's days count on from the first's


def test_replications_in_worker_processes_report_no_days(small_scenario):
    told: list[float] = []
    run(small_scenario, replications=2, workers=2, days=lambda d, t: told.append(d))
    assert told == []  # honest: workers do not send their simulated days back


class FakeNotebook:
    """IPython as a Jupyter kernel has it: ``get_ipython()`` and an updatable ``display``."""

    def __init__(self, monkeypatch, shell: str = "ZMQInteractiveShell") -> None:
        self.displays: list[list[str]] = []
        kernel = type(shell, (), {})()
        ipython = types.ModuleType("IPython")
        ipython.get_ipython = lambda: kernel
        shown = types.ModuleType("IPython.display")

        class HTML:
            def __init__(self, data: str) -> None:
                self.data = data

        notebook = self

        class Handle:
            def __init__(self, first: str) -> None:
                self.shown = [first]
                notebook.displays.append(self.shown)

            def update(self, obj: HTML) -> None:
                self.shown.append(obj.data)

        def display(obj: HTML, display_id: bool = False) -> Handle:
            assert display_id is True
            return Handle(obj.data)

        shown.HTML, shown.display = HTML, display
        ipython.display = shown
        monkeypatch.setitem(sys.modules, "IPython", ipython)
        monkeypatch.setitem(sys.modules, "IPython.display", shown)


def test_in_a_notebook_run_shows_a_bar_by_default_and_not_with_progress_false(monkeypatch, small_scenario):
    import simulator
    from simulator.experiments.progress import NotebookProgress

    notebook = FakeNotebook(monkeypatch)
    monkeypatch.setattr(NotebookProgress, "EVERY", 0.0)  # draw every update
    simulator.run(small_scenario, replications=3)
    [bar] = notebook.displays
    assert "<progress" in bar[0] and "0/3 replications" in bar[0]
    assert any("simulated days 300 of 600 (" in shown for shown in bar)  # days run on in between
    assert "3/3 replications" in bar[-1] and "so far" not in bar[-1]  # finished
    simulator.run(small_scenario, replications=3, progress=False)
    assert len(notebook.displays) == 1


def test_outside_a_notebook_the_api_draws_nothing(monkeypatch, small_scenario):
    terminal = FakeNotebook(monkeypatch, shell="TerminalInteractiveShell")  # IPython in a terminal
    run(small_scenario, replications=2)
    run(small_scenario, replications=2, progress=True)
    assert terminal.displays == []


def test_uncertainty_from_a_file_s_scenario_or_its_path_alike_and_never_from_a_made_one(tmp_path):
    import attrs

    from simulator.files.reader import ScenarioError

    path = ROOT / "tests" / "data" / "small-uncertain.toml"
    asked = {"replications": 2, "uncertainty": 4, "per_draw": 1, "workers": 1}
    read = run(load_scenario(path), study_dir=tmp_path / "read", **asked)
    named = run(path, study_dir=tmp_path / "named", **asked)
    assert read.uncertainty.draws == 4 and read.uncertainty.to_dict() == named.uncertainty.to_dict()
    assert read.to_dict()["metrics"] == named.to_dict()["metrics"]
    variant = run(load_variant(path, "required"), study_dir=tmp_path / "variant", **asked)
    assert variant.uncertainty.means != read.uncertainty.means  # the draws are of the variant
    made = attrs.evolve(load_scenario(path), name="made in Python")
    with pytest.raises(ScenarioError, match="uncertainty= needs a scenario read from a file"):
        run(made, **asked)


def test_a_run_whose_replication_cannot_fit_in_memory_is_refused_even_when_allowed(monkeypatch):
    """A relative of issue 20's hang let through with --allow-large: fresh requests a billionth of a
    day apart, a billion a case. Its clock moves, so no watch stops it; its plan is refused first."""
    from simulator.experiments.execution import Execution
    from simulator.files.limits import Limits
    from simulator.files.loader import ScenarioError, parse_scenario
    from tests.conftest import deep_update, document

    monkeypatch.setattr("simulator.files.limits.physical_memory", lambda: 16_000_000_000)
    fresh = {
        "probability": 1.0,
        "max_attempts": 10**9,
        "delay_days": {"distribution": "fixed", "value": 1e-9},
    }
    doc = deep_update(document(), "requesting_state.0.strategies.fresh_request", fresh)
    allowed = Limits(allow_large=True)
    scenario = parse_scenario(doc, "relative.toml", allowed)
    with pytest.raises(ScenarioError, match=r"relative.toml: 1 replication needs about 180.0 TB of memory"):
        run(scenario, replications=1, execution=Execution(limits=allowed))
