"""Screening the assumptions: the parameters with a range ranked by the share of the spread they move."""

from __future__ import annotations

import math

from simulator.experiments.execution import Execution
from simulator.experiments.screening import provisional_range, screen
from simulator.files.parameters import Parameter, scenario_parameters
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "data" / "small-uncertain.toml"
ONE = Execution(workers=1)


def test_the_parameter_that_drives_the_headline_ranks_first_and_the_rest_are_counted(tmp_path):
    found = screen(SMALL, draws=12, per_draw=2, directory=tmp_path / "s", execution=ONE)
    keys = [w.parameter.key for w in found.weights]
    assert keys[0] == "stages.legal_review.service.mean"  # it alone moves the days to decision
    assert found.weights[0].distinct["legitimate_days_median"]
    assert set(keys) == {"stages.legal_review.service.mean", "requesting_state.A.abusive_share"}
    assert len(found.unranged) == len(scenario_parameters(SMALL)) - 2
    assert found.sources == {"desk-study": "An illustrative desk study (tests only) (2024)"}


def test_listing_without_the_screening_runs_nothing(tmp_path):
    found = screen(SMALL, directory=tmp_path / "s", execution=ONE, run=False)
    assert all(math.isnan(w.importance) for w in found.weights) and not (tmp_path / "s").exists()


def test_provisional_ranges_stay_within_bounds_and_leave_declared_and_ordered_numbers_alone(tmp_path):
    share = Parameter("a.b", "a.b", 0.8, check=lambda v: None if 0 <= v <= 1 else "no")
    ranged = provisional_range(share, 0.5)
    assert ranged.low == 0.4 and ranged.high <= 1 and ranged.source.startswith("provisional")
    staff = Parameter("stages.x.staff", "p", 3, integer=True)
    assert (provisional_range(staff, 0.5).low, provisional_range(staff, 0.5).high) == (2, 4)
    assert provisional_range(Parameter("s.service.mode", "p", 2.0), 0.5) is None
    assert provisional_range(Parameter("k", "p", 0.0), 0.5) is None
    found = screen(SMALL, draws=12, per_draw=2, provisional=0.5, directory=tmp_path / "p", execution=ONE)
    provisional = [w for w in found.weights if w.provisional]
    assert provisional and not any(
        w.parameter.key == "safeguards.dual_criminality.refusal_rate" for w in provisional
    )
    assert found.left_out >= 1
