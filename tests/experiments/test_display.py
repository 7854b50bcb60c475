"""Notebook display at the experiments level: escaped tables, figures only through the registry."""

from __future__ import annotations

from simulator.experiments import display
from simulator.experiments.stats import Estimate


def test_table_cells_are_escaped():
    table = display.html_table("<b>caption</b>", ["<i>h</i>"], [["<script>x</script>"]])
    assert "<script>" not in table and "&lt;script&gt;" in table and "&lt;b&gt;caption" in table


def test_figure_comes_from_the_registered_renderer_and_never_hides_the_table(monkeypatch):
    monkeypatch.setattr(display, "FIGURES", {})
    assert display.html("run", object(), "<table></table>") == "<table></table>"
    display.register_figure("run", lambda result: "<svg></svg>")
    assert display.html("run", object(), "<table></table>") == "<div><table></table><svg></svg></div>"

    def broken(result):
        raise ValueError("no")

    display.register_figure("run", broken)
    assert "figure not drawn: ValueError" in display.html("run", object(), "<table></table>")


def test_estimates_are_formatted_by_kind():
    assert display.format_estimate(Estimate(0.5, 0.4, 0.6, 3), "share") == "50.0% [40.0%, 60.0%]"
    assert display.format_estimate(Estimate(2500.0, float("nan"), float("nan"), 1), "count") == "2,500"
