"""The fast channels: what the 24/7 point of contact checks before data move (UNCC Arts 40(4)-(5), 41-43).

Besides the full MLA request screened by the central authority (Art 40), the convention opens
faster routes, each with fewer checks (the "intrusive fast channels" critics name):

- **Expedited preservation** (Art 42): the data are frozen at the provider, **nothing is handed
  over**; dual criminality "shall not be required" (42(3)), but a State that needs it for disclosure
  may reserve refusal for offences other than convention offences where it could not be met (42(4));
  preservation may be refused on a few grounds only (42(5), whose cross-reference to Art 40 is not
  verified: a scenario lists them); data are kept at least 60 days, then pending the decision on the
  disclosure request that follows through MLA (42(7)).
- **Expedited disclosure of preserved traffic data** (Art 43): enough traffic data to identify the
  service providers and the path of a communication, handed over fast.
- **Emergency** (Art 41 with the Art 2(o) definition): the point of contact provides data to avert
  an emergency (a significant and imminent risk to life or safety) after a short review. A false
  claim of emergency is seen for what it is with a probability (``detection`` x thoroughness); the
  request then goes back to the MLA channel (verdict ``REDIRECT``, citing Art 2(o)).
- **Spontaneous information** (Art 40(4)-(5)): the requested State sends information unasked, under
  confidentiality and use conditions (40(5)): data handed over on conditions.

Each channel's desk applies the refusal grounds the scenario lists for it, **as the requested State's
safeguards set them**: a ground the State has switched off in MLA does not apply at its point of
contact either, and thresholds and rates are the same. Like :mod:`simulator.domain.rules`, these are
pure functions of an Observation, the safeguards and explicit draws.
"""

from __future__ import annotations

import attrs
from attrs import field, frozen

from simulator.domain import rules
from simulator.domain.catalogue import load as load_catalogue
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
from simulator.domain.safeguards import DataProtectionMode, Safeguards

#: Grounds a channel's desk can apply, and the check of :mod:`simulator.domain.rules` that applies each.
GROUND_CHECKS = {
    "budapest-27-4-a": rules.check_political_offence,
    "uncc-40-22": rules.check_discrimination,
    "uncc-6": rules.check_human_rights,
    "uncc-40-21-b": rules.check_essential_interests,
}
CHANNEL_GROUNDS = frozenset(GROUND_CHECKS)

#: The provision a channel's grant rests on.
GRANT_PROVISION = {
    Channel.PRESERVATION: "uncc-42-7",
    Channel.EXPEDITED_DISCLOSURE: "uncc-43",
    Channel.EMERGENCY: "uncc-41",
    Channel.SPONTANEOUS: "uncc-40-5",
}

FAST_CHANNELS = tuple(GRANT_PROVISION)


@frozen
class PreservationRules:
    """Art 42 as the requested State applies it."""

    reservation: bool = False  # 42(4): refuse for non-convention offences failing dual criminality
    grounds: frozenset[str] = frozenset({"uncc-40-21-b"})  # 42(5) (cross-reference unverified)
    retention_days: float = 60.0  # 42(7): kept at least this long, then pending the disclosure request


@frozen
class ExpeditedDisclosureRules:
    """Art 43: grounds checked before preserved traffic data showing the path are disclosed."""

    grounds: frozenset[str] = frozenset({"uncc-40-21-b"})


@frozen
class EmergencyRules:
    """Arts 41, 2(o): the 24/7 point of contact's short review of an emergency request."""

    detection: float = 0.5  # chance a false claim is seen for what it is, at full thoroughness
    grounds: frozenset[str] = frozenset({"uncc-40-22"})


@frozen
class SpontaneousRules:
    """Art 40(4)-(5): what the officer who decides to send information unasked checks first."""

    grounds: frozenset[str] = frozenset({"uncc-40-22"})


@frozen
class ChannelRules:
    """A requested State's rules for its fast channels."""

    preservation: PreservationRules = field(factory=PreservationRules)
    expedited_disclosure: ExpeditedDisclosureRules = field(factory=ExpeditedDisclosureRules)
    emergency: EmergencyRules = field(factory=EmergencyRules)
    spontaneous: SpontaneousRules = field(factory=SpontaneousRules)

    def of(self, channel: Channel):
        return getattr(self, channel.value)


def read_emergency(
    observation: Observation, request: Request, rules_: EmergencyRules, detection_draw: float
) -> Observation:
    """Whether the point of contact, at the observation's thoroughness, reads the claim as an emergency.

    A real emergency is always read as one; a false claim is seen through when ``detection_draw``
    falls below ``detection`` x thoroughness.
    """
    if not request.submission.emergency_claim:
        return attrs.evolve(observation, emergency_credible=False)
    seen_through = not request.truth.emergency and (
        detection_draw < rules_.detection * observation.thoroughness
    )
    return attrs.evolve(observation, emergency_credible=not seen_through)


def _ground_refusal(
    grounds: frozenset[str], observation: Observation, safeguards: Safeguards, draws: ScreeningDraws
) -> Decision | None:
    history = History()
    for pid in sorted(grounds):
        decision = GROUND_CHECKS[pid](observation, safeguards, draws, history)
        if decision is not None:
            return attrs.evolve(decision, stage=Stage.CONTACT_POINT)
    return None


def _refuse(provision: str, reason: str) -> Decision:
    return Decision(Verdict.REFUSE, Stage.CONTACT_POINT, provision, reason)


def decide_channel(
    channel: Channel,
    observation: Observation,
    safeguards: Safeguards,
    channel_rules: ChannelRules,
    draws: ScreeningDraws,
) -> Decision:
    """The point of contact's decision on a fast-channel request (never ``PROCEED``)."""
    if channel is Channel.MLA:
        raise ValueError("MLA requests are decided stage by stage: simulator.domain.rules.decide")
    if channel is Channel.EMERGENCY and not observation.emergency_credible:
        return Decision(
            Verdict.REDIRECT,
            Stage.CONTACT_POINT,
            "uncc-2-o",
            "no significant and imminent risk to life or safety shown: no emergency within Art 2(o), "
            "sent to the MLA channel",
        )
    setting = channel_rules.of(channel)
    if channel is Channel.PRESERVATION and setting.reservation and not observation.dual_criminality:
        offence = observation.submission.offence
        if not load_catalogue().offences[offence].convention:
            return _refuse(
                "uncc-42-4",
                f"'{offence}' is no convention offence and the conduct read "
                f"('{observation.conduct_read_as}') could not meet dual criminality at disclosure "
                "(42(4) reservation)",
            )
    refusal = _ground_refusal(setting.grounds, observation, safeguards, draws)
    if refusal is not None:
        return refusal
    provision = GRANT_PROVISION[channel]
    if channel is Channel.PRESERVATION:
        return Decision(
            Verdict.PRESERVE, Stage.CONTACT_POINT, provision, "data preserved, nothing handed over"
        )
    if channel is Channel.SPONTANEOUS:
        return Decision(
            Verdict.CONDITIONAL_GRANT,
            Stage.CONTACT_POINT,
            provision,
            "information sent unasked, under confidentiality and use conditions",
        )
    if (
        safeguards.data_protection is DataProtectionMode.CONDITIONS
        and not observation.data_protection_adequate
    ):
        return Decision(
            Verdict.CONDITIONAL_GRANT,
            Stage.CONTACT_POINT,
            "uncc-36",
            "data provided on data-protection conditions",
        )
    reason = {
        Channel.EMERGENCY: "data provided through the 24/7 network to avert an emergency",
        Channel.EXPEDITED_DISCLOSURE: "traffic data identifying the path of the communication disclosed",
    }[channel]
    return Decision(Verdict.GRANT, Stage.CONTACT_POINT, provision, reason)


def channel_provisions(channel_rules: ChannelRules, safeguards: Safeguards) -> frozenset[str]:
    """Provisions a fast-channel request can be refused or redirected on under these rules."""
    enabled = rules.enabled_provisions(safeguards)
    found = {"uncc-2-o"}
    if channel_rules.preservation.reservation:
        found.add("uncc-42-4")
    for channel in FAST_CHANNELS:
        found |= channel_rules.of(channel).grounds & enabled
    return frozenset(found)
