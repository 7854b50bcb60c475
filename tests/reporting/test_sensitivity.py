"""Presenting a sensitivity study: ranked settings with bootstrap intervals, as a table and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from simulator.experiments import sensitivity as sa
from simulator.reporting.sensitivity import as_json, as_table


def result(method: str, second_order: bool = False) -> sa.StudyResult:
    study = sa.Study(
        (sa.parse_parameter("a=0,1"), sa.parse_parameter("b=x|y"), sa.parse_parameter("c=1,3")),
        method,
        64,
        second_order,
    )
    points = study.points(seed=1)
    outputs = [p["a"] * 2 + (p["b"] == "y") * 0.5 + 0 * p["c"] for p in points]
    indices = study.analyse(outputs, seed=1)
    return sa.StudyResult(study, "m", 1, 3, tuple(outputs), indices, Path("runs/x"))


def test_the_table_ranks_settings_and_prints_intervals():
    text = as_table(result("sobol", second_order=True))
    lines = text.splitlines()
    assert lines[0] == "Sensitivity of m: Sobol (Saltelli design), 64 base samples"
    assert "512 configurations x 3 replications on common random numbers, seed 1" in lines[1]
    assert lines[5].split() == ["setting", "values", "first-order", "S1", "total-order", "ST"]
    assert [line.split()[0] for line in lines[7:10]] == ["a", "b", "c"]  # ranked by total-order index
    assert "x | y" in text and "0 .. 1" in text and "a x b" in text


def test_morris_table_and_json():
    res = result("morris")
    assert "mu* (mean |effect|)" in as_table(res)
    doc = json.loads(as_json(res))
    assert doc["method"] == "morris" and doc["ranking"][0] == "a"
    assert doc["parameters"][1] == {"key": "b", "values": ["x", "y"]}
    assert set(doc["indices"]["a"]) == {"mu_star", "sigma"}
