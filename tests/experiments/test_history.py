"""History matching's pieces: the parameter space, the emulators, the region and the designs."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.experiments import history
from simulator.files.targets import Range, Target


def test_points_map_to_the_unit_cube_and_back_integers_included():
    space = history.Space((Range("a", 0.5, 4.0), Range("b", 1, 6)))
    point = space.values([0.5, 0.99])
    assert point == {"a": 2.25, "b": 6}
    assert space.values(space.unit(point)) == point
    assert {space.values([0.0, u])["b"] for u in np.linspace(0, 1, 600)} == {1, 2, 3, 4, 5, 6}


def _goal(value: float, sd: float) -> Target:
    return Target(id="y", metric="legitimate_days_median", quantity="q", source="s", solidity="A",
                  measures="m", year=2020, unit="days", value=value, sd=sd)  # fmt: skip


def test_an_emulator_learns_a_noisy_function_and_the_region_keeps_the_truth():
    rng = np.random.default_rng(1)
    unit = history.first_design(history.Space((Range("x", 0.0, 1.0), Range("z", 0.0, 1.0))), 40, 7)
    x = np.asarray(unit)
    means = 10 * x[:, 0] + 2 * x[:, 1] + rng.normal(0, 0.1, len(x))  # y barely depends on z
    emulator = history.emulate(_goal(7.0, 0.2), unit, means, [0.04] * len(x), seed=0)
    predicted, emulated, spread = emulator.predict(np.asarray([[0.6, 0.5]]))
    assert (
        predicted[0] == pytest.approx(7.0, abs=0.3)
        and emulated[0] < 0.1
        and spread[0] == pytest.approx(0.04, rel=0.5)
    )
    region = history.region([[emulator]], [], seed=3)
    assert 0.05 < region.share < 0.3  # a band of x around 0.5-0.7, all of z
    kept = np.asarray(region.sample)
    assert kept[:, 0].min() > 0.4 and kept[:, 0].max() < 0.85
    assert kept[:, 1].min() < 0.05 and kept[:, 1].max() > 0.95
    assert history.non_implausible([[emulator]], np.asarray([[0.62, 0.3], [0.1, 0.3]])).tolist() == [
        True,
        False,
    ]


def test_spread_out_picks_far_apart_points():
    sample = np.random.default_rng(0).random((500, 2)).tolist()
    chosen = np.asarray(history.spread_out(sample, 10, seed=1))
    distances = np.linalg.norm(chosen[:, None] - chosen[None], axis=2) + np.eye(10)
    assert distances.min() > 0.15  # ten random points of the square are usually closer than that
    assert history.spread_out(sample[:3], 10, seed=1) == sample[:3]


def test_the_mean_is_emulated_on_the_scale_the_data_favour():
    unit = history.first_design(history.Space((Range("x", 0.0, 1.0),)), 30, 2)
    x = np.asarray(unit)[:, 0]
    noise = np.random.default_rng(4).normal(0, 0.01, len(x))
    growing = history.emulate(_goal(50.0, 1.0), unit, np.exp(6 * x + noise), [0.1] * len(x), seed=0)
    straight = history.emulate(_goal(7.0, 0.2), unit, 10 * x + 0.1 + noise, [0.1] * len(x), seed=0)
    assert growing.logged and not straight.logged


def test_the_emulators_share_of_the_variance_falls_as_they_learn():
    space = history.Space((Range("x", 0.0, 1.0),))
    shares = []
    for points in (4, 40):
        unit = history.first_design(space, points, 3)
        x = np.asarray(unit)[:, 0]
        emulator = history.emulate(_goal(5.0, 0.1), unit, 10 * np.sin(6 * x) + 20, [0.01] * points, seed=0)
        shares.append(history.emulator_share([emulator], np.random.default_rng(0).random((200, 1))))
    assert shares[0] > 0.5 > 0.05 > shares[1]
