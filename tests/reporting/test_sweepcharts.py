"""A sweep's figures stay legible however many settings it varies."""

from __future__ import annotations

import copy
import itertools

from simulator.reporting.sweepcharts import TOP, sweep_charts


def names(found):
    return [chart.name for chart in found]


def entry(mean: float) -> dict:
    return {"mean": mean, "ci_low": max(mean - 0.05, 0.0), "ci_high": mean + 0.05, "n": 3}


def document(grid: dict[str, list], fixed: dict | None = None) -> dict:
    """A sweep document over the full grid of ``grid`` (every configuration's means made up)."""
    keys = list(grid)
    configurations = []
    for i, values in enumerate(itertools.product(*grid.values())):
        parameters = {**(fixed or {}), **dict(zip(keys, values, strict=True))}
        configurations.append(
            {
                "index": i,
                "label": ", ".join(f"{k}={v}" for k, v in parameters.items()),
                "parameters": parameters,
                "metrics": {
                    "abuse_pass_through": entry(0.05 + 0.01 * (i % 17)),
                    "legitimate_refusal_rate": entry(0.02 + 0.001 * i),
                },
            }
        )
    return {"sweep": {"scenario": "s", "replications": 3, "seed": 1}, "configurations": configurations}


FOUR = {
    "safeguards.dual_criminality.mode": ["waived", "discretionary", "required"],
    "safeguards.discrimination.evidence_threshold": [0.3, 0.5, 0.7],
    "safeguards.consultation.applies_to": ["treaty", "every_refusal"],
    "safeguards.judicial_order.stored_content": ["none", "probable_cause"],
}


def test_sweep_over_one_number_gives_response_curves(sweep_document):
    (chart,) = sweep_charts(sweep_document)
    assert chart.name == "response" and chart.marks == 6  # 3 configurations x 2 metrics


def test_four_settings_give_heatmap_panels_effects_and_the_best_configurations():
    swept = document(FOUR, {"requesting_state.partner.requests_per_year": 0})
    found = {chart.name: chart for chart in sweep_charts(swept)}
    assert list(found) == [
        "response",
        "effects-abuse-pass-through",
        "effects-legitimate-refusal-rate",
        "pass-through",
    ]
    heat = found["response"]
    assert heat.marks == 36  # every configuration a cell, in 2 x 2 panels of the two 3-value settings
    assert "mode and evidence_threshold" in heat.title
    assert len([ax for ax in heat.figure.axes if ax.get_visible()]) == 4 + 1  # and the colour bar
    assert found["effects-abuse-pass-through"].marks == 3 + 3 + 2 + 2  # a point per value of each setting
    assert found["pass-through"].marks == 2 * TOP  # the best configurations only, both rates
    labels = [t.get_text() for t in found["pass-through"].figure.axes[0].get_yticklabels()]
    assert labels[0].startswith("#1: waived / 0.3 / treaty / none")
    assert all(len(line) <= 40 for label in labels for line in label.split("\n"))
    assert "requests_per_year" not in " ".join(labels)  # the constant setting is left out


def test_panels_that_would_be_too_many_become_one_heatmap_of_means():
    grid = {f"s.k{i}": [0, 1] for i in range(6)}  # 2 axes x 16 combinations of the other four
    heat = sweep_charts(document(grid))[0]
    assert heat.name == "response" and heat.marks == 4 and "averaged over" in heat.caption


def test_a_latin_hypercube_gives_scatter_panels_and_no_heatmap():
    swept = document({"s.a": [0.1 * i for i in range(12)]})
    for i, c in enumerate(swept["configurations"]):
        c["parameters"]["s.b"] = 0.05 * ((7 * i) % 12)
    found = {chart.name: chart for chart in sweep_charts(swept)}
    assert "response" not in found
    assert found["effects-abuse-pass-through"].marks == 2 * 12  # every configuration, in each panel


def test_variants_give_the_best_configurations_as_bars(sweep_document):
    variants = copy.deepcopy(sweep_document)
    for i, configuration in enumerate(variants["configurations"]):
        configuration["parameters"] = {"variant": f"v{i}"}
    assert names(sweep_charts(variants)) == ["pass-through"]
