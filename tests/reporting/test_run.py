"""Presentation: every number with its interval, every refusal with its citation."""

from __future__ import annotations

import math

from simulator.experiments.run import result_of
from simulator.experiments.stats import Estimate
from simulator.reporting.run import as_csv, as_table, format_estimate
from tests.conftest import build, document


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
    assert "UNCC Art 40(22)\u2020: discrimination clause" in text  # the title under the table
    assert "Art 40(9)" not in text  # no refusals under it: not listed
    assert "\u2020 confidence high" in text and text.count("\u2020 confidence high") == 1  # one legend


def test_csv_keeps_full_precision_and_the_provenance_on_request():
    result = result_of(build(document()), 1, rows())
    text = as_csv(result)
    assert text.startswith("metric,mean,ci_low,ci_high,n\n") and "abuse_pass_through,0.6," in text
    commented = as_csv(result, ["mlasim", "run"], with_provenance=True)
    assert commented.startswith("# mlasim provenance") and commented.endswith(text)


def test_every_line_fits_and_brief_is_the_headline_block_only():
    result = result_of(build(document()), 1, rows())
    text = as_table(result)
    assert max(len(line) for line in text.splitlines()) <= 100
    brief = as_table(result, brief=True)
    assert "abuse pass-through (granted / decided)" in brief and text.startswith(brief)
    assert "Refusals by provision" in text and "Refusals by provision" not in brief
    assert "By requesting State" not in brief


def test_the_table_shows_the_saturation_warning_beside_the_headline():
    from simulator.experiments.run import run
    from simulator.files.document import load_scenario
    from tests.conftest import ROOT

    text = as_table(run(load_scenario(ROOT / "tests" / "data" / "saturated.toml")))
    headline, found, _ = text.partition("By requesting State")
    assert found
    assert "abuse pass-through (granted / decided) (!)" in headline
    assert "(!) warning: the requested State falls behind: the backlog grew from" in headline
