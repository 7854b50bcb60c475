"""Which figures each kind of result gets, and how many marks each draws."""

from __future__ import annotations

from simulator.reporting.charts import charts


def names(found):
    return [chart.name for chart in found]


def test_run_figures(run_document):
    found = {chart.name: chart for chart in charts("run", run_document)}
    assert list(found) == ["pass-through", "refusals", "states", "days", "stage-waits"]
    assert found["pass-through"].marks == 2  # abuse pass-through and legitimate refusals
    assert found["days"].marks == 2  # median and 90th percentile
    # State B sends no abusive request: no abuse pass-through bar for it
    assert found["states"].marks == 3


def test_comparison_figures_add_forest_plots_and_flips(comparison_document):
    found = {chart.name: chart for chart in charts("comparison", comparison_document)}
    assert {"refusals-abusive", "refusals-legitimate", "differences", "differences-days", "flips-1"} <= set(
        found
    )
    assert found["pass-through"].marks == 4  # two configurations x two metrics
    assert found["differences"].marks == 4  # one alternative x four shares
    assert found["differences-days"].marks == 2


def test_check_has_no_figures(check_document):
    assert charts("check", check_document) == []


def test_several_requested_states_add_figures_by_requested_state_and_by_channel(several_document):
    found = {chart.name: chart for chart in charts("run", several_document)}
    assert {"requested-states", "channels"} <= set(found)
    states = several_document["requested_states"]
    defined = sum(
        states[s][m]["mean"] is not None
        for s in states
        for m in ("abuse_pass_through", "legitimate_refusal_rate")
    )
    assert found["requested-states"].marks == defined == 5  # small decided no abusive request
    channels = several_document["channels"]
    assert found["channels"].marks == 2 * len(channels)


def test_a_one_state_run_has_no_figure_by_requested_state_or_channel(run_document):
    assert not {"requested-states", "channels"} & set(names(charts("run", run_document)))


def test_a_comparison_draws_pass_through_by_requested_state_per_configuration(several_comparison_document):
    found = {chart.name: chart for chart in charts("comparison", several_comparison_document)}
    configurations = several_comparison_document["configurations"]
    defined = sum(
        entry["abuse_pass_through"]["mean"] is not None
        for c in configurations
        for entry in c["requested_states"].values()
    )
    assert found["requested-states"].marks == defined
    assert found["channels"].marks == sum(len(c["channels"]) for c in configurations)
