"""The headline over the assumptions as a reader sees it: both intervals, the drivers, the sources,
and a figure with one mark per draw; never a spread of zero width, never a driver lost in noise."""

from __future__ import annotations

from simulator.experiments.uncertainty import NO_RANGE, Uncertainty
from simulator.files.parameters import uncertain_parameters
from simulator.reporting.charts import spread
from simulator.reporting.uncertainty import drivers_text, html_section, spread_cell
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "data" / "small-uncertain.toml"
DRAWS = 40
ABUSE = "abuse_pass_through"


def uncertainty(driven: bool = True) -> Uncertainty:
    """The small scenario's two ranges over 40 draws; abuse pass-through follows the second
    parameter's draws when ``driven`` (else it stays at 10%), with a little replication noise."""
    parameters = uncertain_parameters(SMALL)
    keys = tuple(sorted(p.key for p in parameters))
    unit = tuple(((i * 7 % DRAWS + 0.5) / DRAWS, (i + 0.5) / DRAWS) for i in range(DRAWS))
    follows = keys.index("requesting_state.A.abusive_share")
    rows = []
    for u in unit:
        centre = 0.05 + 0.3 * u[follows] if driven else 0.1
        rows.append((centre - 0.001, centre + 0.001) if driven else (centre, centre))
    return Uncertainty(parameters, keys, unit, 2, 7, {ABUSE: tuple(rows)}, {"desk-study": "a desk study"})


def document(found: Uncertainty) -> dict:
    central = {ABUSE: {"mean": 0.2, "ci_low": 0.19, "ci_high": 0.21}}
    return {"metrics": central, "uncertainty": found.to_dict()}


def test_the_spread_cell_gives_the_ends_and_how_far_they_may_be_off():
    found = uncertainty()
    low, high = found.spread(ABUSE).low, found.spread(ABUSE).high
    assert 0.05 < low < 0.08 and 0.32 < high < 0.35
    cell = spread_cell(document(found), ABUSE)
    assert cell.startswith(f"{100 * low:.1f}% to {100 * high:.1f}% (±") and cell.endswith(")")


def test_the_driver_is_named_and_the_parameter_that_does_nothing_is_not():
    found = uncertainty().spread(ABUSE)
    assert [d.key for d in found.top()] == ["requesting_state.A.abusive_share"]
    assert drivers_text(found, DRAWS).startswith("requesting_state.A.abusive_share 100%")
    section = html_section(document(uncertainty()))
    assert "requesting_state.A.abusive_share (100%)" in section and "a desk study" in section


def test_a_metric_the_draws_do_not_move_says_no_spread_and_gets_no_figure():
    still = uncertainty(driven=False)
    assert still.spread(ABUSE).text("share") == "10.0%, no spread"
    assert drivers_text(still.spread(ABUSE), DRAWS) == f"none told apart from noise with {DRAWS} draws"
    assert spread(document(still)) is None


def test_the_figure_draws_every_draw_beside_the_noise_interval():
    chart = spread(document(uncertainty()))
    assert chart is not None and chart.marks == DRAWS and "95% interval" in chart.caption


def test_a_scenario_without_a_range_says_so_in_the_report():
    bare = Uncertainty((), (), (), 2, 7, {})
    section = html_section(document(bare))
    assert section.startswith("<h2>Over the assumptions</h2>") and NO_RANGE in section
    assert "<table" not in section and spread_cell(document(bare), ABUSE) == ""
