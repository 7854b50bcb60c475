"""Confidence intervals: Student-t over replication values, honest about n."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from simulator.experiments.stats import estimate, summarise


def test_matches_scipy_student_t_interval():
    values = [0.31, 0.28, 0.35, 0.30, 0.33, 0.29]
    est = estimate(values)
    low, high = scipy_stats.t.interval(
        0.95, len(values) - 1, loc=np.mean(values), scale=scipy_stats.sem(values)
    )
    assert (est.mean, est.ci_low, est.ci_high, est.n) == pytest.approx((np.mean(values), low, high, 6))


def test_undefined_values_are_left_out_and_counted_out():
    est = estimate([0.5, math.nan, 0.7])
    assert est.n == 2 and est.mean == pytest.approx(0.6)


def test_fewer_than_two_values_have_no_interval():
    assert math.isnan(estimate([0.4]).ci_low) and estimate([0.4]).n == 1
    assert estimate([]).n == 0 and math.isnan(estimate([]).mean)
    assert estimate([]).to_dict() == {"mean": None, "ci_low": None, "ci_high": None, "n": 0}


def test_intervals_are_clipped_to_the_metric_range():
    est = estimate([0.99, 1.0, 0.9], bounds=(0.0, 1.0))
    assert est.ci_high == 1.0 and est.ci_low < est.mean


@given(st.lists(st.floats(min_value=0, max_value=1), min_size=2, max_size=40))
def test_a_clipped_interval_stays_in_range_and_keeps_the_unclipped_bound_inside_it(values):
    free, clipped = estimate(values), estimate(values, bounds=(0.0, 1.0))
    assert 0.0 <= clipped.ci_low <= clipped.mean <= clipped.ci_high <= 1.0
    assert clipped.ci_low == max(0.0, free.ci_low) and clipped.ci_high == min(1.0, free.ci_high)


def test_coverage_is_close_to_95_percent():
    rng = np.random.default_rng(0)
    covered = sum(
        (e := estimate(rng.normal(10, 3, size=8).tolist())).ci_low <= 10 <= e.ci_high for _ in range(2000)
    )
    assert 0.935 <= covered / 2000 <= 0.965


def test_summarise_treats_a_metric_missing_from_a_row_as_undefined():
    summary = summarise([{"a": 1.0, "b": 2.0}, {"a": 3.0}])
    assert summary["a"].n == 2 and summary["b"].n == 1


@given(
    st.floats(min_value=1.0, max_value=1e4, allow_nan=False),
    st.sampled_from([0.8, 0.9, 0.95, 0.975, 0.99, 0.995]),
)
def test_the_t_quantile_is_scipy_stats_to_the_last_bit(df, probability):
    """The light ``scipy.special`` quantile gives exactly what ``scipy.stats.t.ppf`` gives."""
    from simulator.experiments.stats import t_quantile

    assert t_quantile(probability, df) == float(scipy_stats.t.ppf(probability, df))
