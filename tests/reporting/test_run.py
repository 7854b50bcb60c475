"""Presentation: every number with its interval, every refusal with its citation."""

from __future__ import annotations

import math

from simulator.experiments.run import result_of
from simulator.experiments.stats import Estimate
from simulator.reporting.run import as_csv, as_table, format_estimate
from tests.conftest import build, document

#: A sweep manifest of two configurations, as the sweep table reads it.
TWO_CONFIGURATIONS = {
    "scenario": "s",
    "configurations": [{}, {}],
    "replications": 2,
    "seed": 1,
    "backend": "serial",
}


def test_estimates_are_printed_with_their_interval():
    assert format_estimate(Estimate(0.312, 0.281, 0.343, 20), "share") == "31.2% [28.1%, 34.3%]"
    assert format_estimate(Estimate(212.04, 201.0, 223.6, 20), "days") == "212.0 [201.0, 223.6]"
    assert format_estimate(Estimate(3.0, math.nan, math.nan, 1), "count") == "3.0"
    assert format_estimate(Estimate(math.nan, math.nan, math.nan, 0), "share") == "n/a"


def rows():
    base = {
        "abuse_pass_through": 0.5,
        "legitimate_refusal_rate": 0.1,
        "refusals.uncc-40-22.abusive": 4.0,
        "refusals.uncc-40-22.legitimate": 1.0,
        "refusals.uncc-40-9.abusive": 0.0,
        "refusals.uncc-40-9.legitimate": 0.0,
        "state.A.submitted": 100.0,
        "state.A.abusive_submitted": 10.0,
        "state.A.abuse_pass_through": 0.5,
        "state.A.legitimate_refusal_rate": 0.1,
    }
    return [base, {**base, "abuse_pass_through": 0.7, "refusals.uncc-40-22.abusive": 6.0}]


def test_table_cites_the_provisions_that_refused_and_skips_silent_ones():
    text = as_table(result_of(build(document()), 1, rows()))
    assert "2 replications, seed 1" in text
    assert "60.0% [" in text  # mean of 0.5 and 0.7
    assert "UNCC Art 40(22) (unverified)  discrimination clause" in text
    assert "Art 40(9)" not in text  # no refusals under it: not listed


def test_csv_keeps_full_precision():
    text = as_csv(result_of(build(document()), 1, rows()))
    assert "abuse_pass_through,0.6," in text


def test_sweep_table_marks_configurations_with_too_many_pending():
    import pandas as pd

    from simulator.reporting.run import sweep_table

    def row(label: str, pending: float) -> dict:
        return {
            "configuration": label,
            "abusive_pending_share.mean": pending,
            "legitimate_submitted.mean": 100.0,
            "legitimate_granted.mean": 95.0,
            "legitimate_refused.mean": 0.0,
            "legitimate_withdrawn.mean": 0.0,
        }

    manifest = TWO_CONFIGURATIONS
    text = sweep_table(pd.DataFrame([row("calm", 0.05), row("swamped", 0.6)]), manifest)
    assert "swamped (!)" in text and "calm (!)" not in text
    assert "(!) warning: in 1 configuration(s) more than 20%" in text


def test_the_table_shows_the_saturation_warning_beside_the_headline():
    from simulator.experiments.run import run
    from simulator.files.document import load_scenario
    from tests.conftest import ROOT

    text = as_table(run(load_scenario(ROOT / "tests" / "data" / "saturated.toml")))
    headline, found, _ = text.partition("By requesting State")
    assert found
    assert "abuse pass-through (granted / decided) (!)" in headline
    assert "(!) warning: the requested State falls behind: the backlog grew from" in headline


def test_sweep_table_marks_a_saturated_configuration():
    import pandas as pd

    from simulator.reporting.run import sweep_table

    calm = {"configuration": "calm", "abusive_pending_share.mean": 0.05, "legitimate_submitted.mean": 0.0}
    swamped = {
        **calm,
        "configuration": "swamped",
        "backlog.at_mid_horizon.mean": 80.0,
        "backlog.at_horizon.mean": 160.0,
        "backlog.arrivals_second_half.mean": 100.0,
        "backlog_at_end.mean": 150.0,
    }
    manifest = TWO_CONFIGURATIONS
    text = sweep_table(pd.DataFrame([calm, swamped]), manifest)
    assert "swamped (!)" in text and "calm (!)" not in text
    assert "the backlog grew through the horizon without clearing" in text
