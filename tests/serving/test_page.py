"""The page's HTML: controls with their bounds, ranges and sources, escaped; the answer in words."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from simulator.experiments.comparison import compare
from simulator.experiments.stats import Estimate
from simulator.files.document import read_file
from simulator.serving import page
from simulator.serving.whatif import Loaded

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "un-convention-baseline.toml"
SMALL = Path(__file__).resolve().parents[1] / "data" / "small-uncertain.toml"


@pytest.fixture(scope="module")
def loaded() -> Loaded:
    return Loaded.load(read_file(BASELINE), BASELINE.read_text("utf-8"))


def _div(html: str, key: str) -> str:
    """The control's ``<div>`` for ``key``."""
    ident = "c-" + key.replace(".", "-")
    found = re.search(
        r'<div class="control[^"]*">(?:(?!<div class="control).)*id="' + ident + '"', html, re.S
    )
    assert found, key
    rest = html[found.start() :]
    return rest[: rest.index("</div>")]


def test_a_control_shows_its_bounds_and_the_files_range_and_source(loaded):
    html = page.page(loaded, loaded.controls(), {}, "")
    rate = _div(html, "safeguards.dual_criminality.refusal_rate")
    assert 'type="range"' in rate and 'min="0"' in rate and 'max="1"' in rate
    assert '<p class="range" data-low="0.25" data-high="0.75">' in rate
    assert "the scenario&#x27;s range: 0.25 - 0.75; source: an assumption" in rate
    volume = _div(html, "requesting_state.partner.requests_per_year")
    assert 'type="range"' not in volume and 'min="0"' in volume and "max=" not in volume  # open above
    assert "source: pf:oia-new-requests-2014 (" in volume
    assert 'class="range' not in _div(html, "safeguards.memory")  # no range declared: nothing shown


def test_a_value_outside_the_declared_range_is_marked(loaded):
    whatif = loaded.scenario({"safeguards.dual_criminality.refusal_rate": 0.9})
    html = page.page(loaded, loaded.controls(whatif), {}, "")
    rate = _div(html, "safeguards.dual_criminality.refusal_rate")
    assert '<p class="range outside"' in rate and 'value="0.9"' in rate
    assert 'class="control changed"' in html


def test_what_the_address_brings_is_escaped(loaded):
    html = page.page(loaded, loaded.controls(), {"scenario.name": "<b>x</b>"}, "<script>1</script>")
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<script>1" not in html and "&lt;script&gt;1" in html


@pytest.mark.parametrize(
    ("estimate", "words"),
    [
        (Estimate(0.1, math.nan, math.nan, 1), "one replication: no interval yet"),
        (Estimate(0.0, 0.0, 0.0, 5), "no difference in any replication so far"),
        (Estimate(-0.1, -0.15, -0.05, 5), "enough: the interval excludes 0"),
        (Estimate(0.1, 0.02, 0.3, 5), "enough: the interval excludes 0"),
        (Estimate(-0.01, -0.05, 0.03, 5), "no difference detectable yet"),
    ],
)
def test_an_estimate_in_words(estimate, words):
    assert page._words(estimate) == words


def test_the_answer_leads_with_the_headline_and_links_flips_to_their_traces():
    file = read_file(SMALL)
    base = file.base()
    whatif = file.configured({"safeguards.dual_criminality.mode": "required"}, "what-if")
    comparison = compare((base, whatif), ("as loaded", "what-if"), replications=2)
    headline = page.headline(comparison)
    assert re.findall(r'data-metric="(\w+)"', headline) == list(page.HEADLINE)
    assert "2 paired replications" in headline
    query = [("safeguards.dual_criminality.mode", "required")]
    flips = page.flips(comparison, query)
    flipped = comparison.flipped[0]
    assert f"{len(flipped)} in 2 replications (the first {page.FLIPS_SHOWN} shown)" in flips
    assert flips.count("<li>") == page.FLIPS_SHOWN
    first = min(flipped, key=lambda f: (f.replication, f.request))
    link = re.search(r'href="(/trace\?[^"]+)"', flips).group(1)
    assert link == (
        "/trace?safeguards.dual_criminality.mode=required&amp;_config=whatif"
        f"&amp;_replication={first.replication}&amp;_request={first.request}"
    )


def test_a_trace_page_escapes_its_text():
    html = page.trace_page("<t>", "a < b", "/?a=1&b=2")
    assert "&lt;t&gt;" in html and "a &lt; b" in html and 'href="/?a=1&amp;b=2"' in html


def test_no_flip_is_claimed_when_the_requests_differ():
    file = read_file(SMALL)
    whatif = file.configured({"requesting_state.A.abusive_share": 0.3}, "what-if")
    comparison = compare((file.base(), whatif), ("as loaded", "what-if"), replications=2)
    assert comparison.flips[0] == (None, None)
    shown = page.flips(comparison, [])
    assert "changes which requests arrive" in shown and "No request changed outcome" not in shown
