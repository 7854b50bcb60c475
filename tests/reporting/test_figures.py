"""Figures: each bar, point or cell is one counted SVG group; text is escaped and never mathematics."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

from simulator.reporting.figures import bar_chart, curves, forest, heatmap

HOSTILE = "<script>alert(1)</script> $x^2$ & co"


def marks_in(svg: str, name: str) -> int:
    return len(re.findall(rf'<g id="{re.escape(name)}-mark-\d+"', svg))


def test_bar_chart_draws_one_group_per_defined_bar_with_its_whisker():
    chart = bar_chart(
        "bars",
        "title",
        "caption",
        ["a", "b", "c"],
        [("first", [(0.5, 0.4, 0.6), (None, None, None), (0.2, 0.1, 0.3)]), ("second", [(0.1, 0, 0.2)] * 3)],
        "%",
        100,
    )
    svg = chart.svg()
    assert chart.marks == 5  # the undefined bar is not drawn
    assert marks_in(svg, "bars") == 5
    ET.fromstring(svg)  # well-formed XML


def test_forest_draws_a_point_per_defined_row():
    rows = [("x", (-0.1, -0.2, 0.0)), ("y", (0.05, 0.01, 0.09)), ("z", (math.nan, math.nan, math.nan))]
    chart = forest("forest", "t", "c", rows, "points", 100)
    assert chart.marks == 2
    assert marks_in(chart.svg(), "forest") == 2


def test_curves_and_heatmap_count_points_and_cells():
    line = curves(
        "line", "t", "c", "x", [3, 1, 2], [("a", [(0.1, 0, 0.2)] * 3), ("b", [(0.2, 0.1, 0.3)] * 3)], "%"
    )
    assert line.marks == 6 and marks_in(line.svg(), "line") == 6
    cells = {(0, 0): 0.1, (1, 0): 0.2, (0, 1): math.nan, (1, 1): 0.4}
    grid = heatmap("heat", "t", "c", "x", ["1", "2"], "y", ["a", "b"], cells, "%", 100)
    assert grid.marks == 3 and marks_in(grid.svg(), "heat") == 3


def test_text_is_escaped_and_not_read_as_mathematics():
    chart = bar_chart("hostile", HOSTILE, "c", [HOSTILE], [(HOSTILE, [(0.5, 0.4, 0.6)])], HOSTILE)
    svg = chart.svg()
    assert "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "$x^2$" in svg  # shown as typed, not typeset
    ET.fromstring(svg)


def test_save_writes_svg_and_png(tmp_path):
    chart = bar_chart("saved", "t", "c", ["a"], [("s", [(1.0, 0.5, 1.5)])], "n")
    svg, png = chart.save(tmp_path / "figures")
    assert svg.read_text().startswith("<svg")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_same_chart_gives_the_same_svg():
    make = lambda: bar_chart("same", "t", "c", ["a"], [("s", [(1.0, 0.5, 1.5)])], "n").svg()  # noqa: E731
    assert make() == make()


def test_matplotlib_says_nothing_on_standard_error(tmp_path, capfd):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chart = bar_chart(
            "x", "t", "c", ["\u65e5\u672c\u8a9e \U0001f600 label"], [("s", [(0.5, 0.4, 0.6)])], "x"
        )
        chart.svg()
        chart.save(tmp_path)
    assert caught == [] and capfd.readouterr().err == ""


def test_a_label_of_any_length_stays_within_three_short_lines():
    chart = bar_chart("x", "t", "c", ["n" * 20_000, "a b " * 5_000], [("s", [(0.5, 0.4, 0.6)] * 2)], "x")
    for label in chart.figure.axes[0].get_yticklabels():
        lines = label.get_text().split("\n")
        assert len(lines) <= 3 and all(len(line) <= 40 for line in lines)
