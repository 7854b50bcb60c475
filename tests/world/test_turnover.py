"""The targeted pool's turnover: persons enter and leave it, so the case files' learning levels off."""

from __future__ import annotations

import itertools

import pytest

from simulator.experiments.run import run
from simulator.experiments.stats import welch_half_width
from simulator.files.document import read_file
from simulator.world.requesters import draw_request
from simulator.world.turnover import Turnover
from tests.conftest import ROOT

LEARNING = ROOT / "tests" / "data" / "turnover.toml"
KEY = "requesting_state.authoritarian.abuse.turnover_years"


def test_a_place_renews_at_its_mean_rate_whatever_the_order_of_questions():
    one, other = Turnover(3, 0), Turnover(3, 0)
    days = [10.0 * d for d in range(0, 3650, 7)]
    forwards = [one.generation("s/journalist/1", 2.0, day) for day in days]
    backwards = [other.generation("s/journalist/1", 2.0, day) for day in reversed(days)][::-1]
    assert forwards == backwards  # who holds a place does not depend on when it was asked
    assert forwards == sorted(forwards)  # a place is renewed, never un-renewed
    places = [Turnover(3, r).generation(f"s/j/{k}", 2.0, 36500.0) for r in range(4) for k in range(50)]
    assert sum(places) / len(places) == pytest.approx(36500.0 / (2.0 * 365.0), rel=0.05)  # 50 renewals
    assert Turnover(3, 0).person("s/j/1", 2.0, 0.0) == "s/j/1"  # the first holder keeps the place's id
    assert Turnover(3, 0).person("s/j/1", 2.0, 36500.0).startswith("s/j/1~")


def test_without_turnover_the_persons_named_are_the_fixed_pool():
    import numpy as np

    scenario = read_file(LEARNING).base()
    state = scenario.requester("authoritarian")
    uniforms = np.zeros(200)  # abusive (u < share), first place of the pool
    pooled = draw_request(state, 1, 9000.0, uniforms, turnover=Turnover(1, 0))
    assert pooled.truth.person == "authoritarian/journalist/0"  # turnover_years = 0: never renewed
    renewing = read_file(LEARNING).configured({KEY: 0.5}, "t").requester("authoritarian")
    renewed = draw_request(renewing, 1, 9000.0, uniforms, turnover=Turnover(1, 0))
    assert renewed.truth.person.startswith("authoritarian/journalist/0~")


def _headline(years: int, turnover: float, warmup_years: int) -> list[float]:
    """The abuse pass-through of each replication over ``years`` of arrivals."""
    overrides = {
        "scenario.horizon_days": 365 * years,
        "scenario.warmup_days": 365 * warmup_years,
        KEY: turnover,
    }
    scenario = read_file(LEARNING).configured(overrides, f"{years} years")
    return [row["abuse_pass_through"] for row in run(scenario, replications=8, seed=1).rows]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def test_with_turnover_the_headline_is_the_same_over_5_10_and_20_years():
    """Once learning has levelled off (a warm-up of 3 years, persons staying a year on average), the
    pass-through over 5, 10 and 20 years of arrivals agrees within noise; without turnover the case
    files end up knowing the whole pool, and the longer run's figure is far lower."""
    renewing = {years: _headline(years, 1.0, 3) for years in (5, 10, 20)}
    for a, b in itertools.combinations(renewing, 2):
        gap = abs(_mean(renewing[a]) - _mean(renewing[b]))
        assert gap < welch_half_width(renewing[a], renewing[b], confidence=0.99), (a, b, gap)
    fixed = {years: _headline(years, 0.0, 0) for years in (5, 20)}
    gap = _mean(fixed[5]) - _mean(fixed[20])
    assert gap > 2 * welch_half_width(fixed[5], fixed[20], confidence=0.99)
    assert _mean(renewing[20]) > 2 * _mean(fixed[20])


def test_the_headline_by_year_shows_learning_as_a_curve():
    scenario = read_file(LEARNING).configured({"scenario.horizon_days": 365 * 6}, "6 years")
    result = run(scenario, replications=4, seed=1)
    curve = [result[f"year.{year}.abuse_pass_through"].mean for year in range(1, 7)]
    assert curve[0] > 2 * curve[-1]  # the fixed pool: the files come to know it, year after year
    assert "year.7.abuse_pass_through" not in result.estimates
    one_year = run(read_file(LEARNING).configured({"scenario.horizon_days": 365}, "1"), replications=2)
    assert not any(name.startswith("year.") for name in one_year.estimates)  # one year: no curve
