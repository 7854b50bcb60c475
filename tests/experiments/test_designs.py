"""Sweep designs: full-factorial grids, Latin hypercubes, variants, and the [sweep] table."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from simulator.experiments.designs import Design, design_from_file, latin_hypercube
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "data" / "small-sweep.toml"


def test_a_grid_is_full_factorial_and_variants_multiply_it():
    design = Design(grid={"a.b": [1, 2, 3], "c.d": ["x", "y"]}, variants=["v1", "v2"])
    points = design.points(seed=1)
    assert len(points) == 12
    assert points[0] == {"variant": "v1", "a.b": 1, "c.d": "x"}
    assert len({tuple(sorted(p.items())) for p in points}) == 12


def test_latin_hypercube_stratifies_each_range_and_keeps_integers_whole():
    points = latin_hypercube({"x": (0.0, 1.0), "n": (1, 4)}, 8, seed=3)
    xs = sorted(p["x"] for p in points)
    assert all(i / 8 <= x < (i + 1) / 8 for i, x in enumerate(xs))  # one point per stratum
    assert {p["n"] for p in points} <= {1, 2, 3, 4} and all(isinstance(p["n"], int) for p in points)
    assert latin_hypercube({"x": (0.0, 1.0)}, 5, seed=3) == latin_hypercube({"x": (0.0, 1.0)}, 5, seed=3)


def test_the_file_can_declare_its_sweep():
    design, problems = design_from_file(SMALL)
    assert problems == []
    assert design.grid == {"safeguards.dual_criminality.refusal_rate": [0.2, 0.8]}
    assert design.ranges["stages.legal_review.staff"] == (1, 4)


def test_a_malformed_sweep_table_is_reported(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SMALL.read_text().replace("ranges = {", "lhs = -1\nrange = {"))
    _, problems = design_from_file(path)
    assert [str(p) for p in problems] == [
        f"{path}: sweep.range: unknown key",
        f"{path}: sweep.lhs: must be a whole number of points",
    ]


def test_run_settings_are_not_design_factors():
    from simulator.experiments.designs import run_setting_problems

    design = Design(grid={"scenario.seed": [1, 2]}, ranges={"scenario.replications": (2, 8)})
    problems = run_setting_problems(design, "f.toml")
    assert [(p.path, p.message.split(":")[0]) for p in problems] == [
        ("sweep.grid", "scenario.seed is not a design factor"),
        ("sweep.ranges", "scenario.replications is not a design factor"),
    ]
    assert run_setting_problems(Design(grid={"scenario.horizon_days": [100, 200]}), "f.toml") == []


def test_the_file_sweep_is_used_only_when_the_command_line_asks_for_nothing_or_for_it():
    from simulator.experiments.designs import select_design

    file_design, _ = design_from_file(SMALL)
    asked = Design(grid={"safeguards.consultation.rounds": [0, 1]})
    assert select_design(file_design, Design()) == file_design
    only = select_design(file_design, asked)
    assert only.grid == {"safeguards.consultation.rounds": [0, 1]} and len(only.points(1)) == 2
    both = select_design(file_design, asked, use_file=True)
    assert len(both.points(1)) == 4  # the file's two refusal rates x the two asked values
    assert select_design(file_design, Design(), use_file=False).points(1) == [{}]
    # --lhs without --range samples the file's ranges (ranges alone add no configuration)
    lhs = select_design(file_design, Design(lhs=3))
    assert lhs.ranges == file_design.ranges and lhs.grid == {} and len(lhs.points(1)) == 3


@given(
    st.dictionaries(st.sampled_from(["a.b", "c.d", "e.f"]), st.lists(st.integers(), min_size=1, max_size=3)),
    st.integers(0, 4),
    st.lists(st.sampled_from(["v1", "v2", "v3"]), unique=True),
)
def test_the_size_of_a_design_is_counted_without_making_it(grid, lhs, variants):
    design = Design(grid, lhs, {"x.y": (0.0, 1.0)} if lhs else {}, variants)
    assert design.size == len(design.points(0))
