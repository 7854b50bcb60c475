"""Results in a notebook: a short repr, and a compact table with the headline figure as HTML."""

from __future__ import annotations

# The public names, as a notebook uses them: their first use loads the notebook figures (a bare
# ``import simulator`` no longer does, so that workers start fast).
from simulator import SweepResult, load_scenario, run
from simulator.checking.check import check
from simulator.checking.reading import read_properties
from simulator.files.document import read_file
from tests.reporting.conftest import SMALL


def short(text: str) -> bool:
    return len(text.splitlines()) <= 6 and len(text) < 600


def test_run_result_repr_and_html():
    result = run(load_scenario(SMALL), replications=2)
    assert short(repr(result)) and "abuse pass-through" in repr(result) and "2 replications" in repr(result)
    shown = result._repr_html_()
    assert "<table>" in shown and "abuse pass-through (granted / decided)" in shown
    assert 'id="figure-pass-through" data-marks="2"' in shown and "<svg" in shown


def test_comparison_repr_and_html(comparison):
    assert short(repr(comparison)) and "baseline 'base'" in repr(comparison)
    shown = comparison._repr_html_()
    assert "required - base" in shown and 'id="figure-differences" data-marks="4"' in shown


def test_sweep_repr_and_html(sweep_directory):
    result = SweepResult(sweep_directory)
    assert short(repr(result)) and "3 configurations x 2 replications" in repr(result)
    assert 'id="figure-response" data-marks="6"' in result._repr_html_()


def test_check_results_repr_and_html():
    scenario = load_scenario(SMALL)
    properties = read_properties(read_file(SMALL), scenario)[:2]
    results = check(scenario, properties, 3, 0)
    assert short(repr(results)) and "small sweep" in repr(results)
    shown = results._repr_html_()
    assert all(p.name in shown for p in properties) and "<table>" in shown


# --- progress bars on the public API's long calls ---------------------------------------------------
def test_compare_sweep_resume_and_check_draw_a_bar_in_a_notebook(monkeypatch, tmp_path):
    import simulator
    from simulator.files.document import load_variant
    from tests.experiments.test_run import FakeNotebook

    notebook = FakeNotebook(monkeypatch)
    base, strict = load_variant(SMALL, None), load_variant(SMALL, "required")
    comparison = simulator.compare([base, strict], ["base", "required"], replications=2)
    assert comparison.replications == 2
    design = simulator.Design({"safeguards.dual_criminality.refusal_rate": [0.1, 0.9]}, 0, {}, [])
    simulator.sweep(SMALL, tmp_path / "sweep", design, replications=2, batch=1)
    simulator.resume(tmp_path / "sweep")  # everything on disk already: the bar starts full
    scenario = load_scenario(SMALL)
    properties = read_properties(read_file(SMALL), scenario)[:2]
    results = simulator.check(scenario, properties, 3, 0)
    finals = [bar[-1] for bar in notebook.displays]
    assert len(finals) == 4
    assert "2/2 replications" in finals[0]
    assert "4/4 tasks" in finals[1] and "4/4 tasks" in finals[2]
    assert "2/2 properties" in finals[3]
    assert [r.status for r in results] == [r.status for r in check(scenario, properties, 3, 0)]


def test_progress_false_draws_nothing_and_a_callable_is_told(monkeypatch, tmp_path):
    import simulator
    from simulator.files.document import load_variant
    from tests.experiments.test_run import FakeNotebook

    notebook = FakeNotebook(monkeypatch)
    compared: list[int] = []
    scenarios = [load_variant(SMALL, None), load_variant(SMALL, "required")]
    simulator.compare(scenarios, replications=2, progress=False)
    simulator.compare(scenarios, replications=2, progress=compared.append)
    assert sum(compared) == 2
    told: list[int] = []
    scenario = load_scenario(SMALL)
    properties = read_properties(read_file(SMALL), scenario)[:2]
    simulator.check(scenario, properties, 3, 0, progress=False)
    simulator.check(scenario, properties, 3, 0, progress=told.append)
    assert notebook.displays == []
    assert told == [1, 1]  # one per property


def test_a_run_over_the_assumptions_shows_its_spread_in_the_repr_and_the_html(tmp_path):
    uncertain = SMALL.parent / "small-uncertain.toml"
    result = run(uncertain, replications=2, uncertainty=4, per_draw=1, study_dir=tmp_path / "s", workers=1)
    assert "over the assumptions (5th-95th percentile of 4 draws" in repr(result)
    shown = result._repr_html_()
    assert "over the assumptions</th>" in shown and 'id="figure-spread"' in shown
