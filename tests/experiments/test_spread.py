"""Statistics over draws: the spread's ends and their precision, shares of draws, drivers, noise."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.experiments import spread


def test_a_percentile_interval_from_order_statistics_covers_the_true_percentile_as_often_as_asked():
    rng = np.random.default_rng(1)
    true = 0.05  # the 5th percentile of a uniform on [0, 1]
    hits = 0
    for _ in range(400):
        low, high = spread.percentile_interval(rng.random(64), 5.0, 0.90)
        hits += low <= true <= high
    assert 0.85 <= hits / 400 <= 0.99


def test_the_interval_is_made_of_order_statistics_and_widens_with_fewer_values():
    values = list(range(100))
    low, high = spread.percentile_interval(values, 50.0)
    assert low in values and high in values and low < 50 < high
    narrow = spread.percentile_interval(np.linspace(0, 1, 400), 95.0)
    wide = spread.percentile_interval(np.linspace(0, 1, 40), 95.0)
    assert wide[1] - wide[0] > narrow[1] - narrow[0]
    assert all(math.isnan(v) for v in spread.percentile_interval([math.nan], 5.0))


def test_wilson_intervals():
    low, high = spread.wilson(64, 64)
    assert high == 1.0 and 0.9 < low < 1.0
    assert spread.wilson(0, 10)[0] == 0.0
    low, high = spread.wilson(5, 10, 0.95)
    assert low == pytest.approx(0.2366, abs=1e-3) and high == pytest.approx(0.7634, abs=1e-3)


def test_rank_correlation_and_shares_explained():
    x = np.arange(50.0)
    assert spread.rank_correlation(x, x**3) == pytest.approx(1.0)
    assert spread.rank_correlation(x, -x) == pytest.approx(-1.0)
    assert spread.rank_correlation(x, np.ones(50)) == 0.0
    rng = np.random.default_rng(2)
    a, b = rng.random(200), rng.random(200)
    y = 3 * a + 0.3 * b
    shares = spread.explained([a, b], y)
    assert shares[0] > 0.8 > 0.1 > shares[1] >= 0
    y[:5] = math.nan  # an undefined draw is left out
    assert spread.explained([a, b], y)[0] > 0.8


def test_the_noise_floor_falls_with_the_number_of_draws():
    assert spread.noise_floor(64) == pytest.approx(1.96**2 / 63, rel=1e-3)
    assert spread.noise_floor(16) > spread.noise_floor(64)
    assert spread.noise_floor(2) == math.inf


def test_noise_share_sees_only_the_noise_draws_do_not_share():
    rng = np.random.default_rng(3)
    effects = np.linspace(0, 10, 32)[:, None]
    shared = rng.normal(0, 5, size=(1, 4))  # the same luck in every draw: it spreads nothing
    assert spread.noise_share(effects + shared) == pytest.approx(0.0, abs=1e-12)
    alone = spread.noise_share(rng.normal(0, 5, size=(400, 4)))  # nothing but noise
    assert 0.85 < alone <= 1.0
    own = rng.normal(0, 5, size=(32, 4))
    mixed = spread.noise_share(effects + own * 0.5)
    assert 0.0 < mixed < 0.2
    assert math.isnan(spread.noise_share([[1.0], [2.0]]))  # one replication: no way to tell
