"""The public figures shipped with mlasim: each with a public source, a year, a solidity, a citation."""

from __future__ import annotations

import pytest

from simulator.domain.figures import PREFIX, SOLIDITY, citations, figure, public_figures


def test_every_figure_names_its_public_source_and_how_solid_it_is():
    found = public_figures()
    assert len(found) >= 20
    for entry in found.values():
        assert entry.url.startswith("https://"), entry.id
        assert entry.solidity in SOLIDITY and entry.year >= 2000 and entry.measures, entry.id
        assert (
            entry.value is not None
            or (entry.low is not None and entry.high is not None)
            or (entry.unit == "qualitative")
        ), entry.id


def test_a_figure_is_cited_as_pf_id_and_found_with_or_without_the_prefix():
    duration = figure("pf:tcy-mla-duration-2014")
    assert duration is figure("tcy-mla-duration-2014")
    assert duration.citation == "pf:tcy-mla-duration-2014" and duration.citation in citations()
    assert (duration.low, duration.high) == (6, 24)
    assert "6 to 24 months" in duration.describe()
    assert figure("pf:oia-new-requests-2014").figure_text().startswith("more than 3000")
    assert all(c.startswith(PREFIX) for c in citations())
    with pytest.raises(KeyError):
        figure("pf:no-such-figure")
