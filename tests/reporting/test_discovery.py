"""Presenting scenario discovery: box limits, coverage, density, and a readable trajectory."""

from __future__ import annotations

import json

from simulator.experiments.discovery import Discovery, find_boxes
from simulator.reporting.discovery import as_json, as_table
from tests.experiments.test_discovery import planted


def discovery(boxes) -> Discovery:
    return Discovery("m < 1", ("threshold", "rate", "staff", "mode"), 600, 75, tuple(boxes), "runs/x")


def test_the_table_names_each_restriction_and_shows_the_chosen_step():
    settings, interesting = planted(1)
    boxes = find_boxes(settings, interesting)
    text = as_table(discovery(boxes))
    assert "Scenario discovery in runs/x: where m < 1" in text
    assert "600 configurations (each the mean of its replications), 75 of interest (12%)" in text
    assert "threshold" in text and "<= 0.5" in text and "required" in text
    chosen = [line for line in text.splitlines() if line.strip().startswith(f"{boxes[0].step} *")]
    assert len(chosen) == 1
    steps = [line for line in text.splitlines() if line.startswith("    ") and line.split()[0].isdigit()]
    assert len(steps) <= 9 < len(boxes[0].trajectory)  # a long trajectory is shown in a few steps
    doc = json.loads(as_json(discovery(boxes)))
    assert len(doc["boxes"][0]["peeling_trajectory"]) == len(boxes[0].trajectory)


def test_no_box_says_why():
    assert "no box: no configuration meets the condition" in as_table(
        Discovery("m < 1", ("a",), 10, 0, (), "runs/x")
    )
    text = as_table(Discovery("m < 1", ("a",), 10, 4, (), "runs/x"))
    assert "try a lower --min-coverage" in " ".join(text.split())
    assert max(len(line) for line in text.splitlines()) <= 100


def test_the_condition_says_what_each_metric_is():
    text = as_table(Discovery("abuse_pass_through < 0.2 and legitimate_days_median < 90", ("a",), 10, 0, ()))
    assert "  abuse_pass_through: abuse pass-through (granted / decided), a share (0.2 is 20%)" in text
    assert "  legitimate_days_median: legitimate: days to decision, median, days" in text
