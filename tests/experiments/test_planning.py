"""A sweep's plan: its configurations, validated, and an estimate of its duration."""

from __future__ import annotations

import pytest

from simulator.experiments.designs import Design
from simulator.experiments.planning import describe, plan
from simulator.files.loader import ScenarioError
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "data" / "small-sweep.toml"


def test_a_plan_lists_every_configuration_and_scales_one_timed_replication():
    design = Design(grid={"safeguards.dual_criminality.refusal_rate": [0.2, 0.5, 0.8]}, variants=["required"])
    the_plan = plan(SMALL, design, replications=4, batch=2, workers=2)
    assert len(the_plan.points) == 3 and the_plan.tasks == 6 and the_plan.seed == 11
    assert the_plan.labels[0] == "variant=required, safeguards.dual_criminality.refusal_rate=0.2"
    assert the_plan.seconds_per_replication > 0
    assert the_plan.estimated_seconds == pytest.approx(3 * 4 * the_plan.seconds_per_replication / 2)
    text = "\n".join(describe(the_plan))
    assert "3 configurations x 4 replications = 12 replications in 6 tasks, seed 11" in text
    assert the_plan.to_dict()["configurations"][2]["parameters"]["variant"] == "required"


def test_a_plan_validates_the_configurations_like_the_sweep():
    with pytest.raises(ScenarioError, match="unknown key"):
        plan(SMALL, Design(grid={"safeguards.dual_criminality.mdoe": ["required"]}))
