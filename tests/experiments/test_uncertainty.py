"""The headline over the assumptions: two intervals, a spread that follows the ranges, its drivers.

These are the checks issue 22 names: where ranges are declared the spread is wider than the noise
interval; a zero-width range contributes nothing; widening the top driver's range widens the spread,
widening the last one's barely moves it; a scenario without a range says so; the same seed gives the
same numbers whatever the workers, and an interrupted study resumes to the same result.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.experiments.execution import Execution
from simulator.experiments.uncertainty import run_uncertain
from simulator.files.limits import Limits
from simulator.files.reader import ScenarioError
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "data" / "small-uncertain.toml"
ONE = Execution(workers=1)
ZERO_WIDTH = "refusal_rate = { value = 0.5, low = 0.5, high = 0.5 }"


def variant_file(tmp_path: Path, name: str, *changes: tuple[str, str]) -> Path:
    """The small scenario with text replaced (each replacement must apply)."""
    text = SMALL.read_text()
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path


def driven(tmp_path: Path, low: float = 0.2, high: float = 0.8, name: str = "driven") -> Path:
    """The small scenario with the discretionary refusal rate (a strong driver) given a range."""
    return variant_file(
        tmp_path, name, (ZERO_WIDTH, f"refusal_rate = {{ value = 0.5, low = {low}, high = {high} }}")
    )


def spread_of(path: Path, tmp_path: Path, metric: str = "abuse_pass_through", draws: int = 8, **kwargs):
    where = tmp_path / f"study-{path.stem}"
    result = run_uncertain(path, draws=draws, per_draw=2, directory=where, execution=ONE, **kwargs)
    return result, result.uncertainty.spread(metric)


def widened(parameter, factor: float = 2.0) -> dict:
    """``parameter``'s range widened about its value (within its own bounds), as an override."""
    low = parameter.value - factor * (parameter.value - parameter.low)
    high = parameter.value + factor * (parameter.high - parameter.value)
    while parameter.check(low):
        low = (low + parameter.value) / 2
    while parameter.check(high):
        high = (high + parameter.value) / 2
    return {"value": parameter.value, "low": low, "high": high}


def test_the_spread_over_the_ranges_is_wider_than_the_noise_interval_and_names_its_driver(tmp_path):
    result, found = spread_of(driven(tmp_path), tmp_path, draws=12, replications=12)
    noise = result["abuse_pass_through"]
    assert found.high - found.low > noise.ci_high - noise.ci_low
    assert found.top()[0].key == "safeguards.dual_criminality.refusal_rate"
    assert found.low_interval[0] <= found.low <= found.low_interval[1]
    assert found.high_interval[0] <= found.high <= found.high_interval[1]
    assert result.replications == 12 and result.uncertainty.draws == 12


def test_a_zero_width_range_contributes_nothing(tmp_path):
    with_zero, _ = spread_of(SMALL, tmp_path)
    plain = variant_file(tmp_path, "plain", (ZERO_WIDTH, "refusal_rate = 0.5"))
    without, _ = spread_of(plain, tmp_path)
    assert "safeguards.dual_criminality.refusal_rate" not in with_zero.uncertainty.keys
    assert with_zero.uncertainty.values == without.uncertainty.values


def test_widening_the_top_driver_widens_the_spread_and_widening_the_last_barely_moves_it(tmp_path):
    path = driven(tmp_path, 0.35, 0.65)
    base, found = spread_of(path, tmp_path, draws=12)
    top, last = found.drivers[0].key, found.drivers[-1].key
    assert top == "safeguards.dual_criminality.refusal_rate"
    parameters = {p.key: p for p in base.uncertainty.parameters}
    width = found.high - found.low
    for key, check in ((top, lambda w: w > 1.5 * width), (last, lambda w: abs(w - width) < 0.25 * width)):
        where = tmp_path / key
        result = run_uncertain(
            path,
            overrides={key: widened(parameters[key])},
            draws=12,
            per_draw=2,
            directory=where,
            execution=ONE,
        )
        moved = result.uncertainty.spread("abuse_pass_through")
        assert check(moved.high - moved.low), (key, width, moved.high - moved.low)


def test_a_scenario_without_a_declared_range_gets_no_spread_and_no_draw(tmp_path):
    bare = variant_file(
        tmp_path, "bare", ("{ value = 0.6, low = 0.4, high = 0.9, source = \"desk-study\" }", "0.6"),
        ("{ value = 0.2, low = 0.05, high = 0.4, source = \"assumption\" }", "0.2"),
    )  # fmt: skip
    result = run_uncertain(bare, draws=16, directory=tmp_path / "nothing", execution=ONE)
    assert not result.uncertainty.declared and "no spread" in result.uncertainty.to_dict()["note"]
    assert not (tmp_path / "nothing").exists()


def test_the_same_seed_gives_the_same_draws_on_one_and_two_workers(tmp_path):
    one, _ = spread_of(SMALL, tmp_path / "a")
    two = run_uncertain(SMALL, draws=8, per_draw=2, directory=tmp_path / "b", execution=Execution(workers=2))
    assert json.dumps(one.to_dict()) == json.dumps(two.to_dict())


def test_an_interrupted_study_resumes_to_the_same_numbers(tmp_path):
    first, _ = spread_of(SMALL, tmp_path)
    directory = Path(first.uncertainty.directory)
    tasks = sorted((directory / "draws-1" / "tasks").glob("*.parquet"))
    for task in tasks[::2]:
        task.unlink()  # as if the run had stopped before these finished
    (directory / "draws-1" / "summary.parquet").unlink()
    again, _ = spread_of(SMALL, tmp_path)
    assert again.to_dict() == first.to_dict()
    with pytest.raises(ScenarioError, match="holds the draws of another question"):
        run_uncertain(SMALL, draws=4, per_draw=2, directory=directory, execution=ONE)


def test_draws_that_break_a_rule_of_the_file_are_refused_before_anything_runs(tmp_path):
    low = "low = { value = 1.0, low = 0.5, high = 4.0 }"  # may pass the mode (2.0): some draws break
    new = f'service = {{ distribution = "triangular", {low}, mode = 2.0, high = 3.0 }}'
    crossing = variant_file(tmp_path, "crossing", ('service = { distribution = "fixed", value = 3.0 }', new))
    with pytest.raises(ScenarioError) as caught:
        run_uncertain(crossing, draws=16, per_draw=2, directory=tmp_path / "x", execution=ONE)
    message = caught.value.one_line()
    assert "stages.execution.service" in message and "the declared ranges allow this combination" in message
    assert not (tmp_path / "x").exists()


def test_too_many_draws_are_refused_before_anything_is_made(tmp_path):
    with pytest.raises(ScenarioError, match="--uncertainty: 20,000 draws, above the limit of 10,000"):
        run_uncertain(SMALL, draws=20_000, directory=tmp_path / "x", execution=ONE)
    with pytest.raises(ScenarioError, match="--per-draw: 20,001 replications, above the limit"):
        run_uncertain(SMALL, draws=4, per_draw=20_001, directory=tmp_path / "x", execution=ONE)
    assert not (tmp_path / "x").exists()
    allowed = Execution(workers=1, limits=Limits(configurations=3, allow_large=True))
    assert run_uncertain(SMALL, draws=4, per_draw=1, directory=tmp_path / "y", execution=allowed).uncertainty


def test_a_study_near_the_bounds_says_what_it_will_take_before_it_runs(tmp_path):
    told: list[str] = []
    near = Execution(workers=1, note=told.append, limits=Limits(replications=40))
    run_uncertain(driven(tmp_path), draws=8, per_draw=2, directory=tmp_path / "x", execution=near)
    large = [line for line in told if line.startswith("a large run:")]
    assert len(large) == 1 and "in each of 16 replications" in large[0], told  # the 8 draws x 2


def test_a_configuration_keeps_its_own_value_of_a_parameter_it_sets(tmp_path):
    from simulator.experiments.draws import arm
    from simulator.files.limits import DEFAULT_LIMITS

    path = driven(tmp_path)
    key = "safeguards.dual_criminality.refusal_rate"
    assert key in [p.key for p in arm("a", path, {}, DEFAULT_LIMITS).parameters]
    fixed = arm("b", path, {key: 0.9}, DEFAULT_LIMITS)
    assert key not in [p.key for p in fixed.parameters]
    assert fixed.point({key: 0.0, "requesting_state.A.abusive_share": 0.5})[key] == 0.9
