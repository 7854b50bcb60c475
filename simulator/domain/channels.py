"""The fast channels: what the 24/7 point of contact checks before data move (UNCC Arts 40(4)-(5), 41-43).

Besides the full MLA request screened by the central authority (Art 40), the convention opens
faster routes, each with fewer checks (the "intrusive fast channels" critics name):

- **Expedited preservation** (Art 42): the data are frozen at the provider, **nothing is handed
  over** (verdict ``PRESERVE``, citing 42(7): kept at least 60 days, then pending the decision on the
  disclosure request that follows through MLA). Dual criminality "shall not be required" (42(3));
  but a State that requires dual criminality for disclosure may reserve the right to refuse
  preservation for offences other than the convention's where it has reason to believe dual
  criminality cannot be met at disclosure (42(4)): here, when the reservation is made, the State's
  dual criminality is not waived, the offence is no convention offence and the conduct read is no
  crime in the requested State. Preservation may otherwise be refused on a few grounds only (42(5));
  its cross-reference to Art 40 is **not verified**, so a scenario lists them (default: essential
  interests, 40(21)(b), the UNCC counterpart of Budapest 29(5)(b)).
- **Expedited disclosure of preserved traffic data** (Art 43): where preservation shows that a
  provider in another State took part in a communication, enough traffic data to identify that
  provider and the path are handed over fast. Budapest 30(2) lets them be withheld only for a
  political offence or for essential interests; the UNCC grounds are listed by the scenario
  (default: 40(21)(b)).
- **Emergency** (Art 41, with the Art 2(o) definition, verified: "a situation in which there is a
  significant and imminent risk to the life or safety of any natural person"): the point of contact
  provides data to avert it after a short review. A false claim is seen for what it is with a
  probability (``detection`` x thoroughness, :func:`read_emergency`); the request then goes back to
  the MLA channel (verdict ``REDIRECT``, citing Art 2(o)). A real emergency is always read as one.
- **Spontaneous information** (Art 40(4)-(5)): the requested State sends information unasked; the
  receiver must respect the confidentiality and use conditions the sender sets (40(5)), so the
  model's verdict is a grant on conditions.

Each channel's desk applies the refusal grounds the scenario lists for it, **as the requested State's
safeguards set them**: a ground the State has switched off in MLA does not apply at its point of
contact either, and thresholds and rates are the same. Where a ground has a channel-specific
comparator the decision cites it: the political-offence ground (Budapest 27(4)(a), an opt-in) is
Budapest 29(5)(a) at the preservation desk and 30(2)(a) at the disclosure desk.

**Data protection** (Art 36(1)) binds every transfer of personal data "pursuant to this Convention",
not only MLA: on the channels that hand data over (emergency, expedited disclosure, spontaneous), a
State that refuses transfers to an inadequate regime refuses there too, and one that sets conditions
sets them there (citing Art 36). Preservation transfers nothing, so Art 36 never stops it.

Simplifications (assumptions): the desk does not consult before refusing (40(27) is an Art 40
procedure; a refused fast-channel request can still go through MLA), keeps no case file (no
``History``), and applies no scope test or judicial order (the execution stages of a channel's route
only take time). Like :mod:`simulator.domain.rules`, these are pure functions of an Observation, the
safeguards and explicit draws.
"""

from __future__ import annotations

import attrs
from attrs import frozen

from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.grounds import DESK_RULES, enabled_provisions
from simulator.domain.model import (
    Channel,
    Decision,
    History,
    Observation,
    Request,
    ScreeningDraws,
    Stage,
    Verdict,
)
from simulator.domain.safeguards import DataProtectionMode, DualCriminalityMode, Safeguards
from simulator.domain.settings import Stricter, flag, names, number, part, share

#: Grounds a channel's desk can apply: those whose records say a desk may (:mod:`simulator.domain.grounds`).
CHANNEL_GROUNDS = frozenset(DESK_RULES)

#: The provision a refusal on a listed ground cites at a channel's desk, where it differs from the
#: ground's own id: the Budapest comparators of the fast channels (29(5)(a), 30(2)(a), both verified).
CHANNEL_CITATION: dict[tuple[Channel, str], str] = {
    (Channel.PRESERVATION, "budapest-27-4-a"): "budapest-29-5",
    (Channel.EXPEDITED_DISCLOSURE, "budapest-27-4-a"): "budapest-30-2",
}

#: The provision a channel's grant rests on.
GRANT_PROVISION = {
    Channel.PRESERVATION: "uncc-42-7",
    Channel.EXPEDITED_DISCLOSURE: "uncc-43",
    Channel.EMERGENCY: "uncc-41",
    Channel.SPONTANEOUS: "uncc-40-5",
}

FAST_CHANNELS = tuple(GRANT_PROVISION)

#: Every provision each fast channel rests on (for catalogue listings and tests).
CHANNEL_BASIS: dict[Channel, tuple[str, ...]] = {
    Channel.PRESERVATION: ("uncc-42", "uncc-42-4", "uncc-42-7"),
    Channel.EXPEDITED_DISCLOSURE: ("uncc-43",),
    Channel.EMERGENCY: ("uncc-41", "uncc-2-o"),
    Channel.SPONTANEOUS: ("uncc-40-4", "uncc-40-5"),
}

#: Channels whose grant hands data over (Art 36 applies); preservation only freezes them.
HANDS_OVER = frozenset({Channel.EXPEDITED_DISCLOSURE, Channel.EMERGENCY, Channel.SPONTANEOUS})

#: Art 42(7): the least number of days preserved data are kept.
MIN_RETENTION_DAYS = 60.0

#: The provision a redirected false emergency cites.
EMERGENCY_DEFINITION = "uncc-2-o"


def _desk_grounds(default: frozenset[str], meaning: str) -> frozenset[str]:
    return names(lambda: default, meaning, lambda: CHANNEL_GROUNDS, stricter=Stricter.MORE)


@frozen
class PreservationRules:
    """Art 42 as the requested State applies it."""

    reservation: bool = flag(
        False,
        "refuse non-convention offences failing dual criminality (the 42(4) reservation)",
        stricter=True,
    )
    grounds: frozenset[str] = _desk_grounds(
        frozenset({"uncc-40-21-b"}), "grounds its desk checks (42(5); cross-reference unverified)"
    )
    retention_days: float = number(
        MIN_RETENTION_DAYS,
        "days preserved data are kept, then pending the disclosure request",
        unit="days",
        minimum=MIN_RETENTION_DAYS,
        bound_note="the minimum of Art 42(7)",
        typical=(MIN_RETENTION_DAYS, 365.0),
    )

    def lapses(self, days_to_disclosure: float) -> bool:
        """Whether the data are no longer kept when the disclosure request comes (42(7))."""
        return days_to_disclosure > self.retention_days


@frozen
class ExpeditedDisclosureRules:
    """Art 43: grounds checked before preserved traffic data showing the path are disclosed."""

    grounds: frozenset[str] = _desk_grounds(
        frozenset({"uncc-40-21-b"}), "grounds its desk checks (cf. Budapest 30(2))"
    )


@frozen
class EmergencyRules:
    """Arts 41, 2(o): the 24/7 point of contact's short review of an emergency request."""

    detection: float = share(
        0.5, "chance a false emergency is seen for what it is, at full thoroughness", unit="probability"
    )
    grounds: frozenset[str] = _desk_grounds(frozenset({"uncc-40-22"}), "grounds its desk checks")


@frozen
class SpontaneousRules:
    """Art 40(4)-(5): what the officer who decides to send information unasked checks first."""

    grounds: frozenset[str] = _desk_grounds(frozenset({"uncc-40-22"}), "grounds checked before sending")


ChannelSetting = PreservationRules | ExpeditedDisclosureRules | EmergencyRules | SpontaneousRules


@frozen
class ChannelRules:
    """A requested State's rules for its fast channels."""

    preservation: PreservationRules = part(PreservationRules, "expedited preservation (Art 42)")
    expedited_disclosure: ExpeditedDisclosureRules = part(
        ExpeditedDisclosureRules, "expedited disclosure of preserved traffic data (Art 43)"
    )
    emergency: EmergencyRules = part(EmergencyRules, "emergency requests through the 24/7 network (Art 41)")
    spontaneous: SpontaneousRules = part(SpontaneousRules, "spontaneous information (Art 40(4)-(5))")

    def of(self, channel: Channel) -> ChannelSetting:
        """The rules of one fast channel (a ValueError for the MLA channel, which has none here)."""
        if channel is Channel.MLA:
            raise ValueError("the MLA channel is screened stage by stage: simulator.domain.rules")
        return getattr(self, channel.value)


def read_emergency(
    observation: Observation, request: Request, rules_: EmergencyRules, detection_draw: float
) -> Observation:
    """Whether the point of contact, at the observation's thoroughness, reads the claim as an emergency.

    Without a claim there is nothing to read (``emergency_credible`` False). A claimed real emergency
    is always read as one; a false claim is seen through exactly when ``detection_draw`` falls below
    ``detection`` x thoroughness. This is the one place the hidden truth is read: the draw stands
    for the facts that do or do not bear the claim out.
    """
    if not request.submission.emergency_claim:
        return attrs.evolve(observation, emergency_credible=False)
    seen_through = not request.truth.emergency and (
        detection_draw < rules_.detection * observation.thoroughness
    )
    return attrs.evolve(observation, emergency_credible=not seen_through)


def cited(channel: Channel, ground: str) -> str:
    """The provision a refusal on ``ground`` cites at ``channel``'s desk."""
    return CHANNEL_CITATION.get((channel, ground), ground)


def ground_refusal(
    channel: Channel,
    grounds: frozenset[str],
    observation: Observation,
    safeguards: Safeguards,
    draws: ScreeningDraws,
) -> Decision | None:
    """The first of ``grounds`` (desk grounds, as the safeguards set them) that refuses, at the 24/7
    point of contact, citing the channel's comparator where it has one; None if none does."""
    history = History()
    for pid in sorted(grounds):
        decision = DESK_RULES[pid].check(observation, safeguards, draws, history)
        if decision is not None:
            reason = decision.reason
            if channel is Channel.PRESERVATION:
                reason += " (a 42(5) ground; its cross-reference to Art 40 is unverified)"
            return attrs.evolve(
                decision, stage=Stage.CONTACT_POINT, provision=cited(channel, pid), reason=reason
            )
    return None


def _refuse(provision: str, reason: str) -> Decision:
    return Decision(Verdict.REFUSE, Stage.CONTACT_POINT, provision, reason)


def reservation_applies(rules_: PreservationRules, safeguards: Safeguards) -> bool:
    """Art 42(4) can refuse: the reservation is made and the State requires dual criminality at all."""
    return rules_.reservation and safeguards.dual_criminality.mode is not DualCriminalityMode.WAIVED


def _reservation_refusal(
    observation: Observation, rules_: PreservationRules, safeguards: Safeguards
) -> Decision | None:
    if not reservation_applies(rules_, safeguards) or observation.dual_criminality:
        return None
    offence = observation.submission.offence
    if load_catalogue().offences[offence].convention:
        return None  # 42(4) reaches only offences other than the convention's
    return _refuse(
        "uncc-42-4",
        f"'{offence}' is no convention offence and the conduct read ('{observation.conduct_read_as}') "
        "could not meet dual criminality at disclosure (42(4) reservation)",
    )


def _data_protection(channel: Channel, observation: Observation, safeguards: Safeguards) -> Decision | None:
    """Art 36(1) on a channel that hands data over to an inadequate regime: refuse, or conditions."""
    if channel not in HANDS_OVER or observation.data_protection_adequate:
        return None
    if safeguards.data_protection is DataProtectionMode.REFUSE:
        return _refuse(
            "uncc-36", "the requesting State's data-protection regime is inadequate for a transfer"
        )
    if safeguards.data_protection is DataProtectionMode.CONDITIONS:
        return Decision(
            Verdict.CONDITIONAL_GRANT,
            Stage.CONTACT_POINT,
            "uncc-36",
            "data provided on data-protection conditions",
        )
    return None


_GRANT_REASON = {
    Channel.EMERGENCY: "data provided through the 24/7 network to avert an emergency",
    Channel.EXPEDITED_DISCLOSURE: "traffic data identifying the provider and the path disclosed",
}


def decide_channel(
    channel: Channel,
    observation: Observation,
    safeguards: Safeguards,
    channel_rules: ChannelRules,
    draws: ScreeningDraws,
) -> Decision:
    """The point of contact's decision on a fast-channel request (never ``PROCEED`` or ``CONSULT``).

    In order: a false emergency is redirected to MLA (Art 2(o)); the 42(4) reservation; the grounds
    listed for the channel, as the safeguards set them; Art 36 on channels that hand data over; then
    the channel's grant: ``PRESERVE`` (42(7)), a grant on conditions (40(5)) for spontaneous
    information, else ``GRANT`` (Arts 41, 43).
    """
    if channel is Channel.MLA:
        raise ValueError("MLA requests are decided stage by stage: simulator.domain.rules.decide")
    if channel is Channel.EMERGENCY and not observation.emergency_credible:
        return Decision(
            Verdict.REDIRECT,
            Stage.CONTACT_POINT,
            EMERGENCY_DEFINITION,
            "no significant and imminent risk to life or safety shown: no emergency within Art 2(o), "
            "sent to the MLA channel",
        )
    setting = channel_rules.of(channel)
    if channel is Channel.PRESERVATION:
        refusal = _reservation_refusal(observation, setting, safeguards)
        if refusal is not None:
            return refusal
    refusal = ground_refusal(channel, setting.grounds, observation, safeguards, draws)
    if refusal is not None:
        return refusal
    protected = _data_protection(channel, observation, safeguards)
    if protected is not None:
        return protected
    provision = GRANT_PROVISION[channel]
    if channel is Channel.PRESERVATION:
        return Decision(
            Verdict.PRESERVE,
            Stage.CONTACT_POINT,
            provision,
            f"data preserved for at least {setting.retention_days:g} days, nothing handed over",
        )
    if channel is Channel.SPONTANEOUS:
        return Decision(
            Verdict.CONDITIONAL_GRANT,
            Stage.CONTACT_POINT,
            provision,
            "information sent unasked (40(4)), under confidentiality and use conditions (40(5))",
        )
    return Decision(Verdict.GRANT, Stage.CONTACT_POINT, provision, _GRANT_REASON[channel])


def channel_provisions(channel_rules: ChannelRules, safeguards: Safeguards) -> frozenset[str]:
    """Provisions a fast-channel request can be refused or redirected on under these rules."""
    enabled = enabled_provisions(safeguards)
    found = {EMERGENCY_DEFINITION}
    if reservation_applies(channel_rules.preservation, safeguards):
        found.add("uncc-42-4")
    for channel in FAST_CHANNELS:
        found |= {cited(channel, g) for g in channel_rules.of(channel).grounds & enabled}
    if safeguards.data_protection is DataProtectionMode.REFUSE:
        found.add("uncc-36")
    return frozenset(found)
