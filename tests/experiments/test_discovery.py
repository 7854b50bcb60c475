"""Scenario discovery: PRIM boxes recover a condition planted in synthetic cases, and in a real sweep."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.experiments.conditions import parse_condition
from simulator.experiments.designs import Design
from simulator.experiments.discovery import discover, find_boxes, settings_frame
from simulator.experiments.sweeps import sweep
from simulator.files.overrides import OverrideError
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "data" / "small-sweep.toml"


def planted(seed: int, n: int = 600):
    rng = np.random.default_rng(seed)
    settings = pd.DataFrame(
        {
            "threshold": rng.uniform(0, 1, n),
            "rate": rng.uniform(0, 1, n),
            "staff": rng.integers(1, 6, n),
            "mode": pd.Series(rng.choice(["waived", "discretionary", "required"], n), dtype=object),
        }
    )
    interesting = (settings.threshold < 0.5) & (settings.rate > 0.5) & (settings["mode"] == "required")
    return settings, interesting.to_numpy()


@pytest.mark.parametrize("seed", [1, 2])
def test_the_box_matches_the_planted_condition(seed):
    settings, interesting = planted(seed)
    [box, *_] = find_boxes(settings, interesting)
    limits = {r.setting: r for r in box.restrictions}
    assert set(limits) == {"threshold", "rate", "mode"}  # staff plays no part
    assert limits["threshold"].low is None and 0.45 <= limits["threshold"].high <= 0.55
    assert limits["rate"].high is None and 0.45 <= limits["rate"].low <= 0.55
    assert limits["mode"].values == ("required",)
    assert box.chosen.coverage >= 0.9 and box.chosen.density >= 0.95
    inside = (
        (settings.threshold <= limits["threshold"].high)
        & (settings.rate >= limits["rate"].low)
        & (settings["mode"] == "required")
    )
    assert box.inside == inside.sum() and box.interesting_inside == interesting[inside].sum()
    # the trajectory starts from the whole space and trades coverage for density
    first = box.trajectory[0]
    assert (first.coverage, first.mass, first.restricted) == (1.0, 1.0, 0)
    assert first.density == pytest.approx(interesting.mean())


def test_no_box_when_nothing_or_everything_is_of_interest():
    settings, _ = planted(3, 50)
    assert find_boxes(settings, np.zeros(50, bool)) == [] and find_boxes(settings, np.ones(50, bool)) == []


def test_discovery_in_a_real_sweep_finds_the_modes_and_rates_that_stop_abuse(tmp_path):
    design = Design(
        grid={
            "safeguards.dual_criminality.mode": ["discretionary", "required"],
            "safeguards.dual_criminality.refusal_rate": [0.1, 0.5, 0.9],
        }
    )
    sweep(SMALL, tmp_path / "run", design, replications=2)
    condition = parse_condition("abuse_pass_through < 0.5")
    assert discover(tmp_path / "run", condition).boxes == ()  # "required" covers 3 of 4: below 80%
    found = discover(tmp_path / "run", condition, min_coverage=0.7)
    assert found.cases == 6 and found.settings == (
        "safeguards.dual_criminality.mode",
        "safeguards.dual_criminality.refusal_rate",
    )
    summary = pd.read_parquet(tmp_path / "run" / "summary.parquet")
    assert found.of_interest == int((summary["abuse_pass_through.mean"] < 0.5).sum())
    first = found.boxes[0]
    assert [r.to_dict() for r in first.restrictions] == [
        {"setting": "safeguards.dual_criminality.mode", "values": ["required"]}
    ]
    assert found.to_dict()["boxes"][0]["density"] == 1.0
    assert list(settings_frame(tmp_path / "run").columns) == list(found.settings)
    with pytest.raises(OverrideError, match="did you mean 'abuse_pass_through'"):
        discover(tmp_path / "run", parse_condition("abuse_passthrough < 0.5"))
