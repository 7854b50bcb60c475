"""Properties of the fast-channel desk (simulator.domain.channels): Arts 2(o), 36, 40(4)-(5), 41-43.

Each test names, in its docstring, the bug it would catch.
"""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.domain import grounds
from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.channels import (
    CHANNEL_BASIS,
    CHANNEL_CITATION,
    CHANNEL_GROUNDS,
    FAST_CHANNELS,
    GRANT_PROVISION,
    ChannelRules,
    EmergencyRules,
    PreservationRules,
    channel_provisions,
    decide_channel,
    read_emergency,
)
from simulator.domain.model import (
    Channel,
    Measure,
    Request,
    ScreeningDraws,
    Stage,
    Submission,
    Truth,
    Verdict,
)
from simulator.domain.provisions import catalogue as provision_catalogue
from simulator.domain.safeguards import (
    DataProtectionMode,
    DualCriminality,
    DualCriminalityMode,
    Safeguards,
    no_safeguards,
)
from tests.domain.conftest import observed
from tests.strategies import (
    channel_observations,
    channel_rules,
    fast_channels,
    observations,
    safeguard_pairs,
    safeguards,
    screening_draws,
    stricter_channel_rules,
    unit,
)

CONVENTION = sorted(o for o, entry in load_catalogue().offences.items() if entry.convention)
OTHER = sorted(o for o, entry in load_catalogue().offences.items() if not entry.convention)


def _request(observation, emergency: bool, claim: bool = True) -> Request:
    submission = attrs.evolve(observation.submission, channel=Channel.EMERGENCY, emergency_claim=claim)
    truth = Truth(not emergency, "fraud", None, "ordinary", 0.5, 0.5, emergency=emergency)
    return Request(0, 0.0, submission, truth)


# --- emergency (Arts 41, 2(o)) ------------------------------------------------------------------
@given(channel_observations(Channel.EMERGENCY), safeguards(), channel_rules(), screening_draws())
def test_a_false_emergency_seen_through_is_redirected_never_granted(observation, config, rules_, draws):
    """Catches: a ground, Art 36 or the grant checked before the Art 2(o) test, so that a claim
    seen through is refused (or, worse, granted) instead of sent back to MLA."""
    observation = attrs.evolve(observation, emergency_credible=False)
    decision = decide_channel(Channel.EMERGENCY, observation, config, rules_, draws)
    assert decision.verdict is Verdict.REDIRECT and decision.provision == "uncc-2-o"
    assert decision.stage is Stage.CONTACT_POINT and not decision.grants


@given(observations(), st.floats(min_value=0.0, max_value=1.0), unit, unit)
def test_a_real_emergency_is_always_read_as_one(observation, thoroughness, detection, draw):
    """Catches: the detection draw applied to real emergencies too (a rushed desk turning real
    emergencies away)."""
    observation = attrs.evolve(observation, thoroughness=thoroughness)
    read = read_emergency(observation, _request(observation, True), EmergencyRules(detection), draw)
    assert read.emergency_credible


@given(observations(), st.floats(min_value=0.0, max_value=1.0), unit, unit)
def test_a_false_emergency_is_seen_through_exactly_when_the_draw_is_below_detection_times_thoroughness(
    observation, thoroughness, detection, draw
):
    """Catches: detection not scaled by thoroughness (load would not blind the desk), an inverted
    comparison, or ``<=`` for ``<`` (a zero-detection desk would still catch a draw of 0)."""
    observation = attrs.evolve(observation, thoroughness=thoroughness)
    read = read_emergency(observation, _request(observation, False), EmergencyRules(detection), draw)
    assert read.emergency_credible is not (draw < detection * thoroughness)


@given(observations(), st.booleans(), unit)
def test_without_a_claim_nothing_is_an_emergency(observation, real, draw):
    """Catches: an unclaimed request read as an emergency (the channel would open by default)."""
    read = read_emergency(observation, _request(observation, real, claim=False), EmergencyRules(1.0), draw)
    assert not read.emergency_credible


# --- preservation (Art 42) ----------------------------------------------------------------------
@given(channel_observations(Channel.PRESERVATION), safeguards(), channel_rules(), screening_draws())
def test_preservation_hands_nothing_over_and_needs_no_dual_criminality(observation, config, rules_, draws):
    """Art 42(3), 42(4), 42(7). Catches: a preservation that grants (hands data over), a 40(9)
    dual-criminality refusal at the preservation desk, or a 42(4) refusal without the reservation,
    for a convention offence, for conduct that is a crime here, or by a State that waives dual
    criminality (and so cannot 'require' it for disclosure)."""
    decision = decide_channel(Channel.PRESERVATION, observation, config, rules_, draws)
    assert decision.verdict in (Verdict.PRESERVE, Verdict.REFUSE)
    assert decision.provision != "uncc-40-9"
    if decision.provision == "uncc-42-4":
        assert rules_.preservation.reservation and not observation.dual_criminality
        assert not load_catalogue().offences[observation.submission.offence].convention
        assert config.dual_criminality.mode is not DualCriminalityMode.WAIVED
    if decision.verdict is Verdict.PRESERVE:
        assert decision.provision == "uncc-42-7"


@pytest.mark.parametrize("mode", list(DualCriminalityMode))
@pytest.mark.parametrize("reservation", [False, True])
def test_the_42_4_reservation_refuses_only_non_convention_offences_failing_dual_criminality(
    mode, reservation
):
    """Catches: the reservation ignored, applied to convention offences, or applied by a State that
    waives dual criminality."""
    config = Safeguards(dual_criminality=DualCriminality(mode=mode))
    rules_ = ChannelRules(preservation=PreservationRules(reservation=reservation, grounds=frozenset()))
    base = _observation(OTHER[0], dual_criminality=False)
    refused = decide_channel(Channel.PRESERVATION, base, config, rules_, ScreeningDraws())
    expected = reservation and mode is not DualCriminalityMode.WAIVED
    assert (refused.verdict is Verdict.REFUSE and refused.provision == "uncc-42-4") is expected
    for observation in (
        _observation(CONVENTION[0], dual_criminality=False),
        attrs.evolve(base, dual_criminality=True),
    ):
        decision = decide_channel(Channel.PRESERVATION, observation, config, rules_, ScreeningDraws())
        assert decision.verdict is Verdict.PRESERVE


def _observation(offence: str, dual_criminality: bool, **changes):
    submission = Submission("r", Measure.PRESERVATION, offence, 5.0, 0, channel=Channel.PRESERVATION)
    return observed(submission, dual_criminality=dual_criminality, emergency_credible=True, **changes)


# --- grounds as the safeguards set them ---------------------------------------------------------
@given(fast_channels, channel_observations(), safeguards(), channel_rules(), screening_draws())
def test_every_decision_cites_a_catalogued_provision_and_refusals_an_applied_one(
    channel, observation, config, rules_, draws
):
    """Art 40(24). Catches: a refusal on a ground the State switched off in its safeguards (or one
    not listed for the channel), a citation missing from the catalogue, a refusal
    ``channel_provisions`` does not announce, or a decision outside the contact point."""
    observation = attrs.evolve(observation, submission=attrs.evolve(observation.submission, channel=channel))
    decision = decide_channel(channel, observation, config, rules_, draws)
    assert decision.stage is Stage.CONTACT_POINT and decision.reason
    assert decision.verdict not in (Verdict.PROCEED, Verdict.CONSULT)
    assert decision.provision in provision_catalogue()
    if decision.verdict in (Verdict.REFUSE, Verdict.REDIRECT):
        assert decision.provision in channel_provisions(rules_, config)
    if decision.verdict is Verdict.REFUSE and decision.provision not in ("uncc-42-4", "uncc-36"):
        ground = next(
            g for g in CHANNEL_GROUNDS if CHANNEL_CITATION.get((channel, g), g) == decision.provision
        )
        assert ground in rules_.of(channel).grounds
        assert ground in grounds.enabled_provisions(config)


@given(fast_channels, channel_observations(), channel_rules(), screening_draws())
def test_with_every_safeguard_off_no_channel_refuses(channel, observation, rules_, draws):
    """Catches: a ground listed for a channel refusing although the State switched it off (for
    example the 42(4) reservation of a State that waives dual criminality, or Art 36 with data
    protection off)."""
    all_grounds = CHANNEL_GROUNDS
    rules_ = ChannelRules(
        preservation=attrs.evolve(rules_.preservation, reservation=True, grounds=all_grounds),
        expedited_disclosure=attrs.evolve(rules_.expedited_disclosure, grounds=all_grounds),
        emergency=attrs.evolve(rules_.emergency, grounds=all_grounds),
        spontaneous=attrs.evolve(rules_.spontaneous, grounds=all_grounds),
    )
    decision = decide_channel(channel, observation, no_safeguards(), rules_, draws)
    assert decision.verdict is not Verdict.REFUSE
    assert channel_provisions(rules_, no_safeguards()) == {"uncc-2-o"}


@given(safeguard_pairs(), fast_channels, channel_observations(), screening_draws(), st.data())
def test_stricter_safeguards_or_more_grounds_never_turn_a_channel_refusal_into_a_grant(
    pair, channel, observation, draws, data
):
    """Catches: a channel check that is not monotone in the safeguards (a lower discrimination
    threshold, a higher refusal rate, dual criminality no longer waived, data protection from
    conditions to refusal) or in the grounds listed for the channel."""
    lax, strict = pair
    lax_rules = data.draw(channel_rules())
    strict_rules = data.draw(stricter_channel_rules(lax_rules))
    observation = attrs.evolve(observation, submission=attrs.evolve(observation.submission, channel=channel))
    before = decide_channel(channel, observation, lax, lax_rules, draws)
    after = decide_channel(channel, observation, strict, strict_rules, draws)
    if before.verdict in (Verdict.REFUSE, Verdict.REDIRECT):
        assert after.verdict is before.verdict, (before, after)
    if not before.grants:
        assert not after.grants


# --- data protection (Art 36) and the grants ----------------------------------------------------
@given(fast_channels, channel_observations(), screening_draws())
def test_art_36_applies_on_every_channel_that_hands_data_over(channel, observation, draws):
    """Catches: the emergency (or disclosure, or spontaneous) desk handing personal data to an
    inadequate regime that the same State refuses through MLA; or preservation refused under
    Art 36 although it transfers nothing."""
    observation = attrs.evolve(
        observation,
        submission=attrs.evolve(observation.submission, channel=channel),
        data_protection_adequate=False,
        emergency_credible=True,
    )
    rules_ = ChannelRules(
        preservation=PreservationRules(grounds=frozenset()),
        expedited_disclosure=attrs.evolve(ChannelRules().expedited_disclosure, grounds=frozenset()),
        emergency=EmergencyRules(grounds=frozenset()),
        spontaneous=attrs.evolve(ChannelRules().spontaneous, grounds=frozenset()),
    )
    refusing = attrs.evolve(no_safeguards(), data_protection=DataProtectionMode.REFUSE)
    conditions = attrs.evolve(no_safeguards(), data_protection=DataProtectionMode.CONDITIONS)
    refused = decide_channel(channel, observation, refusing, rules_, draws)
    conditional = decide_channel(channel, observation, conditions, rules_, draws)
    if channel is Channel.PRESERVATION:
        assert refused.verdict is conditional.verdict is Verdict.PRESERVE
    else:
        assert refused.verdict is Verdict.REFUSE and refused.provision == "uncc-36"
        assert conditional.verdict is Verdict.CONDITIONAL_GRANT and conditional.provision == "uncc-36"


@pytest.mark.parametrize("channel", FAST_CHANNELS)
def test_with_nothing_in_the_way_each_channel_gives_its_own_grant(channel):
    """Catches: a grant citing the wrong provision (Art 41 for emergencies, 43 for disclosure,
    42(7) for preservation, 40(5) for spontaneous information) or the wrong verdict."""
    observation = _observation(CONVENTION[0], dual_criminality=True)
    observation = attrs.evolve(observation, submission=attrs.evolve(observation.submission, channel=channel))
    decision = decide_channel(channel, observation, no_safeguards(), ChannelRules(), ScreeningDraws())
    assert decision.provision == GRANT_PROVISION[channel]
    expected = {
        Channel.PRESERVATION: Verdict.PRESERVE,
        Channel.SPONTANEOUS: Verdict.CONDITIONAL_GRANT,
    }.get(channel, Verdict.GRANT)
    assert decision.verdict is expected


@pytest.mark.parametrize(
    ("channel", "citation"),
    [
        (Channel.PRESERVATION, "budapest-29-5"),
        (Channel.EXPEDITED_DISCLOSURE, "budapest-30-2"),
        (Channel.EMERGENCY, "budapest-27-4-a"),
        (Channel.SPONTANEOUS, "budapest-27-4-a"),
    ],
)
def test_the_political_offence_ground_cites_the_channels_budapest_comparator(channel, citation):
    """Catches: a preservation or disclosure refusal citing Budapest 27(4)(a), the MLA ground, where
    the Budapest Convention's own rule for that channel is 29(5)(a) or 30(2)(a)."""
    observation = _observation(CONVENTION[0], dual_criminality=True, political_offence=True)
    observation = attrs.evolve(observation, submission=attrs.evolve(observation.submission, channel=channel))
    config = attrs.evolve(no_safeguards(), political_offence=True)
    grounds = frozenset({"budapest-27-4-a"})
    rules_ = ChannelRules(
        preservation=PreservationRules(grounds=grounds),
        expedited_disclosure=attrs.evolve(ChannelRules().expedited_disclosure, grounds=grounds),
        emergency=EmergencyRules(grounds=grounds),
        spontaneous=attrs.evolve(ChannelRules().spontaneous, grounds=grounds),
    )
    decision = decide_channel(channel, observation, config, rules_, ScreeningDraws())
    assert decision.verdict is Verdict.REFUSE and decision.provision == citation
    assert citation in channel_provisions(rules_, config)


def test_every_provision_a_channel_rests_on_is_catalogued_at_the_contact_point():
    """Catches: a channel citing an id with no catalogue entry, or one filed at an MLA stage."""
    cited = {p for basis in CHANNEL_BASIS.values() for p in basis} | set(GRANT_PROVISION.values())
    cited |= set(CHANNEL_CITATION.values()) | {"uncc-2-o"}
    for pid in cited - {"uncc-42"}:  # 42(3), applied by the MLA legal review, stays at its stage
        assert provision_catalogue()[pid].stage == Stage.CONTACT_POINT.value, pid
    assert set(CHANNEL_BASIS) == set(FAST_CHANNELS)


def test_the_mla_channel_is_not_decided_at_the_desk():
    """Catches: an MLA request silently decided by the fast-channel desk (bypassing the stages)."""
    observation = _observation(CONVENTION[0], dual_criminality=True)
    with pytest.raises(ValueError, match="stage by stage"):
        decide_channel(Channel.MLA, observation, Safeguards(), ChannelRules(), ScreeningDraws())
    with pytest.raises(ValueError):
        ChannelRules().of(Channel.MLA)


def test_preserved_data_lapse_only_after_the_retention_period():
    """Art 42(7): kept at least the retention period; a disclosure request after it finds nothing kept."""
    from simulator.domain.channels import PreservationRules

    rules = PreservationRules(retention_days=90.0)
    assert not rules.lapses(90.0) and rules.lapses(90.5)


def test_each_desk_rests_on_the_articles_the_treaty_gives_it_by_default():
    """The documented defaults, read off the convention: preservation and expedited disclosure are
    refused only on the political-offence and essential-interests ground unless the scenario lists
    more (42(5), 43 with Budapest 29(5), 30(2)); the emergency desk and spontaneous information check
    the discrimination clause; grants cite 42(7), 43, 41 and 40(5), each channel's basis its articles.
    Catches: a default ground or a channel's cited provision changed without the documentation."""
    rules_ = ChannelRules()
    assert rules_.preservation.grounds == {"uncc-40-21-b"}
    assert rules_.expedited_disclosure.grounds == {"uncc-40-21-b"}
    assert rules_.emergency.grounds == {"uncc-40-22"}
    assert rules_.spontaneous.grounds == {"uncc-40-22"}
    assert GRANT_PROVISION == {
        Channel.PRESERVATION: "uncc-42-7",
        Channel.EXPEDITED_DISCLOSURE: "uncc-43",
        Channel.EMERGENCY: "uncc-41",
        Channel.SPONTANEOUS: "uncc-40-5",
    }
    assert CHANNEL_BASIS[Channel.SPONTANEOUS] == ("uncc-40-4", "uncc-40-5")
    assert CHANNEL_BASIS[Channel.EMERGENCY] == ("uncc-41", "uncc-2-o")
    assert CHANNEL_BASIS[Channel.PRESERVATION] == ("uncc-42", "uncc-42-4", "uncc-42-7")
