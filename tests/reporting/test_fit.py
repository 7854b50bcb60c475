"""The fit table as text and as a report section: within 100 columns, headline first, honest marks."""

from __future__ import annotations

import math

from simulator.experiments.fitting import fit
from simulator.files.targets import Target
from simulator.reporting.fit import fit_report, headline, record_block, record_section


def target(**fields) -> Target:
    base = dict(id="duration", metric="legitimate_days_median", quantity="MLA response times",
                source="https://example.org/a-very-long-address/" + "x" * 80, solidity="B",
                measures="MLA duration across Parties " * 6, year=2014, unit="months")  # fmt: skip
    return Target(**{**base, **fields})


FITS = [
    fit(target(low=183.0, high=730.0, sd=91.0), [118.0, 120.0, 119.0]),
    fit(
        target(
            id="share",
            metric="state.partner.granted_share",
            low=0.58,
            high=0.71,
            sd=0.02,
            use="validate",
            unit="%",
        ),
        [0.6, 0.62, 0.61],
    ),
    fit(target(id="empty", metric="backlog.growth_per_year", value=1.0, sd=1.0), [math.nan, math.nan]),
]


def test_the_headline_counts_what_is_consistent_fitted_and_held_out():
    assert headline(FITS) == (
        "1 of 3 targets consistent with the scenario (fitted 0 of 2, held out 1 of 1); not consistent: "
        "duration, empty"
    )


def test_the_text_fits_100_columns_and_marks_what_the_record_rules_out():
    text = fit_report("How X compares with the public record", "3 replications", FITS)
    lines = text.splitlines()
    assert lines[0] == "How X compares with the public record" and lines[2].startswith("1 of 3 targets")
    assert max(map(len, lines)) <= 100
    row = next(line for line in lines if line.startswith("  duration (days)"))
    assert "183-730" in row and "3.7 ✗" in row and row.endswith("fit")
    share = next(line for line in lines if line.startswith("  share (%)"))
    assert "58-71%" in share and "61.0% [" in share and share.endswith("held out")
    assert "n/a" in next(line for line in lines if line.startswith("  empty"))
    assert "https://example.org" not in text  # sources on request (--sources), not in the way
    assert "https://example.org" in fit_report("t", "s", FITS, sources=True)


def test_the_report_section_escapes_what_a_target_file_says():
    block = record_block(
        "<b>record</b>", "t.toml", [fit(target(id="<script>", low=1.0, high=2.0), [1.5, 1.6])]
    )
    html = record_section(block)
    assert "How this scenario compares with the public record" in html
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;record" in html
