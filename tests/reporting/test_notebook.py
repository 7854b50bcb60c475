"""Results in a notebook: a short repr, and a compact table with the headline figure as HTML."""

from __future__ import annotations

# The public names, as a notebook uses them: their first use loads the notebook figures (a bare
# ``import simulator`` no longer does, so that workers start fast).
from simulator import SweepResult, load_scenario, run
from simulator.checking.check import check
from simulator.checking.properties import read_properties
from simulator.files.loader import read_toml
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
    properties = read_properties(read_toml(SMALL), str(SMALL), scenario)[:2]
    results = check(scenario, properties, 3, 0)
    assert short(repr(results)) and "small sweep" in repr(results)
    shown = results._repr_html_()
    assert all(p.name in shown for p in properties) and "<table>" in shown
