"""Quantiles in bounded memory: exact below the limit, within the documented relative error above."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.files.document import load_scenario
from simulator.world.pipeline import simulate
from simulator.world.sketch import ALPHA, Quantiles, RelativeErrorSketch, exact_quantile
from simulator.world.tally import Tally
from tests.conftest import BASELINE

#: The documented bound, with room for the rounding of one logarithm at a bucket's edge.
SLACK = 1 + 1e-9

days = st.floats(min_value=0.0, max_value=1e5, allow_nan=False)
levels = st.floats(min_value=0.0, max_value=1.0)


def test_exact_quantiles_are_numpys_linear_interpolation():
    values = np.random.default_rng(3).lognormal(4.0, 0.8, 2001)
    ordered = sorted(values.tolist())
    for q in (0.0, 0.1, 0.5, 0.9, 0.999, 1.0):
        assert exact_quantile(ordered, q) == pytest.approx(np.quantile(values, q), rel=1e-12)
    assert math.isnan(exact_quantile([], 0.5))


@given(st.lists(days, min_size=1, max_size=300), levels, st.sampled_from([0.001, ALPHA, 0.05]))
def test_every_sketched_quantile_lies_within_alpha_of_the_exact_one(values, q, alpha):
    sketch = RelativeErrorSketch(alpha)
    for value in values:
        sketch.add(value)
    exact = exact_quantile(sorted(values), q)
    assert abs(sketch.quantile(q) - exact) <= alpha * exact * SLACK + 1e-9


def test_the_bound_is_not_loose_and_the_check_has_teeth():
    """Values spread over a bucket are reported with errors close to alpha, never beyond."""
    values = np.random.default_rng(5).uniform(10.0, 20.0, 5000).tolist()
    sketch = RelativeErrorSketch(0.01)
    for value in values:
        sketch.add(value)
    ordered = sorted(values)
    errors = [
        abs(sketch.quantile(q) - exact_quantile(ordered, q)) / exact_quantile(ordered, q)
        for q in np.linspace(0, 1, 201)
    ]
    assert 0.005 < max(errors) <= 0.01 * SLACK


def test_an_empty_sketch_has_no_quantile():
    assert math.isnan(RelativeErrorSketch().quantile(0.5))
    with pytest.raises(ValueError, match="alpha"):
        RelativeErrorSketch(1.5)


def test_quantiles_stay_exact_below_the_limit_and_bounded_above_it():
    values = np.random.default_rng(7).lognormal(4.7, 0.5, 50_000).tolist()
    exact, bounded = Quantiles(exact_limit=None), Quantiles(exact_limit=1_000)
    for value in values:
        exact.append(value)
        bounded.append(value)
    assert not exact.sketched and len(exact) == len(values)
    assert bounded.sketched and len(bounded) == len(values)
    assert len(bounded.sketch.buckets) < 1_000  # memory: a few hundred counts, not 50,000 floats
    for truth, estimate in zip(exact.quantiles(0.5, 0.9), bounded.quantiles(0.5, 0.9), strict=True):
        assert abs(estimate - truth) <= ALPHA * truth * SLACK


def test_a_replication_past_the_limit_reports_sketched_days_and_the_same_counts():
    scenario = load_scenario(BASELINE)
    exact = simulate(scenario, 1, 0).summary()
    tally = Tally.for_scenario(scenario)
    tally.legitimate_days = Quantiles(exact_limit=500)
    sketched = simulate(scenario, 1, 0, tally=tally).summary()
    assert tally.legitimate_days.sketched
    for name in ("legitimate_days_median", "legitimate_days_p90"):
        assert abs(sketched[name] - exact[name]) <= ALPHA * exact[name] * SLACK
        assert sketched[name] != exact[name]  # it really is the sketch answering
    rest = {k: v for k, v in exact.items() if not k.startswith("legitimate_days_")}
    assert rest == {k: v for k, v in sketched.items() if not k.startswith("legitimate_days_")}
