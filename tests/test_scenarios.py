"""The shipped scenario files: valid, runnable, and ordered as their safeguards say they should be."""

from __future__ import annotations

import attrs
import pytest

from simulator.experiments.run import run
from simulator.files.document import load_scenario
from simulator.world.distributions import Exponential
from simulator.world.scenario import MLA_ONLY, Strategies
from tests.conftest import SCENARIOS

FILES = sorted(SCENARIOS.glob("*.toml"))
REPLICATIONS = 6
#: The scenarios of issue 9: fast channels, several requested States, adaptive requesters, monitoring.
ISSUE_9 = {"channels", "forum-shopping", "flooding", "monitoring"}
#: Issue 24's: the baseline's requesters by the doors around the central authority (channels and
#: route shopping only), and requester types held against providers' transparency reports (their own).
ROUTES = {"regimes"}
OWN_REQUESTERS = {"provider-screening"}


@pytest.fixture(scope="module")
def results():
    return {path.stem: run(load_scenario(path), replications=REPLICATIONS) for path in FILES}


def test_the_issue_names_five_scenarios():
    assert {p.stem for p in FILES} >= {
        "un-convention-baseline",
        "us-doj-scrutiny",
        "budapest-style",
        "no-safeguards",
        "strict-rights-review",
    }


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_file_says_what_it_represents_and_what_it_rests_on(path):
    header = path.read_text().split("[scenario]")[0]
    assert header.startswith("# ")
    assert "What it represents" in header
    assert "ASSUMPTION" in header or "rest on" in header  # calibrated on a source, or said to be assumed


def requesters(scenario):
    """A scenario's requesting States without what issue 9 lets them choose: channels and strategies."""
    chosen = {"channels": MLA_ONLY, "abusive_channels": MLA_ONLY, "strategies": Strategies()}
    return tuple(
        attrs.evolve(s, **chosen, disclosure_after=Exponential(20.0)) for s in scenario.requesting_states
    )


#: Files fitted to the public record (``mlasim calibrate``): their volumes, run and pools differ by design.
CALIBRATED = {"us-calibrated"}


def test_shipped_scenarios_differ_only_in_safeguards_and_staffing():
    """Their requesting States are identical (volumes, requests, abuse), so comparing two files
    compares the requested side; issue 9's files add only channels and strategies to them."""
    scenarios = {p.stem: load_scenario(p) for p in FILES if p.stem not in CALIBRATED}
    first = scenarios.pop(FILES[0].stem)
    for stem, other in scenarios.items():
        if stem in OWN_REQUESTERS:
            continue
        assert requesters(other) == requesters(first), stem
        if stem not in ISSUE_9 | ROUTES:
            assert other.requesting_states == first.requesting_states, stem
        assert (other.horizon_days, other.follow_up_days, other.seed) == (
            first.horizon_days,
            first.follow_up_days,
            first.seed,
        )


def test_every_metric_has_an_interval(results):
    for stem, result in results.items():
        names = ("abuse_pass_through", "legitimate_days_median", "legitimate_refusal_rate")
        if stem == "provider-screening":  # its requesters send no abuse: no pass-through to estimate
            assert result["abuse_pass_through"].n == 0
            names = names[1:]
        for name in names:
            est = result[name]
            assert est.n == REPLICATIONS
            assert est.ci_low <= est.mean <= est.ci_high


def test_no_safeguards_lets_all_decided_abuse_through(results):
    est = results["no-safeguards"]["abuse_pass_through"]
    assert est.mean > 0.99


def test_strict_review_stops_far_more_abuse_than_the_convention_as_written(results):
    strict = results["strict-rights-review"]["abuse_pass_through"]
    baseline = results["un-convention-baseline"]["abuse_pass_through"]
    none = results["no-safeguards"]["abuse_pass_through"]
    assert strict.ci_high < baseline.ci_low < baseline.ci_high < none.ci_low
    assert strict.mean < 0.5 * baseline.mean


def test_stricter_safeguards_cost_legitimate_requests(results):
    strict = results["strict-rights-review"]["legitimate_refusal_rate"]
    baseline = results["un-convention-baseline"]["legitimate_refusal_rate"]
    assert strict.ci_low > baseline.ci_high


def test_every_refusal_in_every_scenario_cites_an_enabled_provision(results):
    from simulator.world.direct import route_provisions
    from simulator.world.tally import enabled_provisions

    for path in FILES:
        scenario = load_scenario(path)
        enabled = enabled_provisions(scenario)  # in any of its requested States
        enabled |= route_provisions(scenario)  # what providers and the provider's State refuse on
        refusals = results[path.stem].section("refusals.")
        cited = {name.split(".")[1] for name, est in refusals.items() if est.mean > 0}
        assert cited <= enabled


# --- issue 9: fast channels, several requested States, adaptive requesters, monitoring ----------


def test_issue_9_scenarios_are_shipped_with_the_variants_that_answer_its_questions():
    from simulator.files.document import load_variant

    variants = {
        "channels": ["no-false-emergencies", "sharper-desk", "preservation-reservation"],
        "forum-shopping": ["no-forum-shopping", "sharing", "permissive-strict"],
        "flooding": ["no-flood", "stage-queues", "more-clerks"],
        "monitoring": ["no-monitoring", "suspend", "sprt", "hair-trigger", "clean-partner"],
    }
    assert {p.stem for p in FILES} >= set(variants) == ISSUE_9
    for stem, names in variants.items():
        for name in names:
            assert load_variant(SCENARIOS / f"{stem}.toml", name).name.endswith(name)


def test_forum_shopping_has_three_requested_states_and_abuse_reaches_data_across_them(results):
    result = results["forum-shopping"]
    scenario = load_scenario(SCENARIOS / "forum-shopping.toml")
    assert [s.id for s in scenario.requested_states] == ["us", "eu", "permissive"]
    permissive = result["requested.permissive.abuse_pass_through"]
    eu = result["requested.eu.abuse_pass_through"]
    assert eu.ci_high < permissive.ci_low  # the lenient forum is worth shopping for
    # a case refused in one State can still get the data in another
    assert result["abusive_cases_reached"].ci_low > result["abuse_pass_through"].ci_high


def test_the_flood_rushes_reviews_at_the_bottleneck(results):
    result = results["flooding"]
    assert result["flood_submitted"].ci_low > 400  # about 490 junk requests in days 90-150
    for stage in ("intake", "legal_review", "rights_scrutiny"):
        assert result[f"stage.{stage}.rushed_share"].ci_low > 0.3, stage


def calm_replications(results) -> int:
    return results["un-convention-baseline"]["abuse_pass_through"].n


def test_the_baselines_flooded_variant_shows_rushed_reviews_and_the_baseline_none(results):
    from simulator.files.document import load_variant

    flooded = run(load_variant(SCENARIOS / "un-convention-baseline.toml", "flooded"), replications=2)
    assert flooded["stage.legal_review.rushed_share"].mean > 0.3
    calm = results["un-convention-baseline"]["stage.legal_review.rushed_share"]
    assert calm.n == calm_replications(results) and calm.ci_high < 0.05  # reported, and (almost) never


def test_monitoring_flags_the_authoritarian_requester_and_not_the_partner(results):
    result = results["monitoring"]
    assert result["monitoring.requested.authoritarian.flagged"].mean == 1.0
    days = result["monitoring.requested.authoritarian.days_to_flag"]
    assert days.n == REPLICATIONS and 0 < days.mean < 365
    assert result["monitoring.requested.partner.flagged"].mean == 0.0


def test_fast_channels_hand_over_fast_and_preservation_hands_nothing(results):
    result = results["channels"]
    assert result["channel.emergency.days_to_data"].ci_high < 5
    assert result["channel.mla.days_to_data"].ci_low > 60
    assert result["channel.emergency.false_claims_detected"].ci_low > 0
    assert result["channel.preservation.preserved"].ci_low > 100
    assert result["channel.preservation.abusive_handed_over"].mean == 0.0
    assert result["channel.preservation.legitimate_handed_over"].mean == 0.0


def test_the_calibrated_us_scenario_decides_in_the_months_of_the_record_and_falls_behind(results):
    """us-calibrated.toml against the shipped US record: every fitted figure consistent (legitimate
    requests decided within the 6-24 months Budapest Parties report, more than 3,000 new requests a
    year, a backlog that grows), where the reference scenario decides in about four months."""
    from simulator.experiments.fitting import fits
    from simulator.files.targets import read_targets, shipped

    record = read_targets(shipped()["us-record"])
    found = {f.target.id: f for f in fits(record, results["us-calibrated"].rows)}
    fitted = [f for f in found.values() if f.target.use == "fit"]
    assert fitted and all(f.consistent for f in fitted), {f.target.id: f.implausibility for f in fitted}
    months = found["tcy-mla-duration"].simulated.mean / (365.25 / 12)
    assert 6 <= months <= 24, months
    assert found["oia-new-requests"].simulated.mean > 3000 - 300  # "more than 3,000", sd 300
    assert found["oia-backlog-growth"].simulated.ci_low > 0  # the queue grows, as the record's did
    reference = fits(record, results["un-convention-baseline"].rows, record.fitting)
    assert not all(f.consistent for f in reference)  # the well-staffed reference does not (by design)


# --- issue 24: regimes and providers ----------------------------------------------------------------

#: Google H1 2018, "some data produced" (scenarios/provider-screening.toml's header): the range of the
#: figures of each requester type, and how far outside it the model's mean may fall (its own noise
#: and a model of types, not countries: 3 points).
TRANSPARENCY = {
    "worst_record.some_data_share": (0.00, 0.00),  # Turkey 0%, Hungary 0%
    "poor_record.some_data_share": (0.08, 0.11),  # Russia 11% (8% in H2 2017)
    "democratic_partner.some_data_share": (0.58, 0.62),  # India, Germany, Brazil, France
    "close_partner.some_data_share": (0.71, 0.71),  # United Kingdom
    "close_partner.emergency_some_data_share": (0.74, 0.87),  # US, UK emergencies
}
SLACK = 0.03


def test_provider_screening_holds_the_transparency_spread(results):
    result = results["provider-screening"]
    for name, (low, high) in TRANSPARENCY.items():
        est = result[f"provider.google_like.{name}"]
        assert low - SLACK <= est.mean <= high + SLACK, (name, est.mean)
    worst, poor, partner = (
        result[f"provider.google_like.{n}.some_data_share"].mean
        for n in ("worst_record", "poor_record", "democratic_partner")
    )
    assert worst < poor < partner


def test_regimes_ship_the_variants_that_put_the_same_requesters_under_each_regime():
    from simulator.domain.regimes import Treaty
    from simulator.files.document import load_variant

    expected = {
        "budapest": {Treaty.UNCC, Treaty.BUDAPEST},
        "budapest-second-protocol": {Treaty.UNCC, Treaty.BUDAPEST, Treaty.SECOND_PROTOCOL},
        "executive-agreement": {Treaty.UNCC, Treaty.EXECUTIVE_AGREEMENT},
    }
    base = load_scenario(SCENARIOS / "regimes.toml")
    assert base.requested_state.regimes.of("authoritarian").treaties == {Treaty.UNCC}
    for name, treaties in expected.items():
        variant = load_variant(SCENARIOS / "regimes.toml", name)
        assert variant.requesting_states == base.requesting_states
        assert variant.requested_state.regimes.of("authoritarian").treaties == treaties
