"""Presenting comparisons: signed differences in points and days, flips with citations."""

from __future__ import annotations

import math

from simulator.experiments.stats import Estimate
from simulator.reporting.comparison import format_difference


def test_differences_are_signed_points_or_days():
    assert format_difference(Estimate(-0.119, -0.139, -0.099, 10), "share") == "-11.9 pts [-13.9, -9.9]"
    assert format_difference(Estimate(3.1, 2.5, 3.8, 10), "days") == "+3.1 days [+2.5, +3.8]"
    assert format_difference(Estimate(1.0, math.nan, math.nan, 1), "share") == "n/a"
