"""Service-time and score distributions: right moments, monotone in the uniform."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from scipy import stats as scipy_stats

from simulator.world.distributions import Beta, Exponential, Fixed, Lognormal, Triangular, Uniform
from tests.strategies import unit

CASES = [
    (Exponential(3.0), scipy_stats.expon(scale=3.0)),
    (Uniform(2.0, 5.0), scipy_stats.uniform(2.0, 3.0)),
    (Triangular(1.0, 2.0, 6.0), scipy_stats.triang(0.2, loc=1.0, scale=5.0)),
    (Lognormal(10.0, 4.0), None),
    (Beta(2.0, 5.0), scipy_stats.beta(2.0, 5.0)),
]


@pytest.mark.parametrize(("dist", "reference"), CASES, ids=lambda c: type(c).__name__)
def test_quantiles_match_the_reference_distribution(dist, reference):
    u = np.random.default_rng(0).random(20000)
    sample = np.array([dist.quantile(v) for v in u])
    assert sample.mean() == pytest.approx(dist.mean, rel=0.03)
    if reference is not None:
        assert scipy_stats.kstest(sample, reference.cdf).pvalue > 0.01
        for q in (0.1, 0.5, 0.9):
            assert dist.quantile(q) == pytest.approx(reference.ppf(q))


def test_lognormal_is_parametrised_by_the_duration_mean_and_sd():
    sample = np.array([Lognormal(10.0, 4.0).quantile(v) for v in np.random.default_rng(1).random(40000)])
    assert sample.std() == pytest.approx(4.0, rel=0.05)


@given(unit, unit)
def test_quantiles_are_monotone_in_the_uniform(a, b):
    a, b = sorted((a, b))
    for dist, _ in CASES:
        assert dist.quantile(a) <= dist.quantile(b) + 1e-12


def test_fixed_ignores_the_draw():
    assert Fixed(4.0).quantile(0.0) == Fixed(4.0).quantile(0.99) == 4.0


@pytest.mark.parametrize("dist", [d for d, _ in CASES])
def test_quantiles_at_once_are_the_quantiles_one_by_one_to_the_bit(dist):
    """A batch of requests' scores is drawn in one call (``quantiles``): the same numbers, bit for
    bit, as one ``quantile`` per request, including at the extreme uniforms the streams can give."""
    from simulator.world.distributions import quantiles

    us = np.concatenate([[0.0, 2.0**-53, 0.5, 1.0 - 2.0**-53], np.random.default_rng(4).random(300)])
    assert quantiles(dist, us) == [dist.quantile(u) for u in us.tolist()]
    assert quantiles(dist, us[:0]) == []
