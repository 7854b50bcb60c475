"""Service providers as actors: what binds a provider asked directly, and its own review of the request.

A requested State's data are held by providers (a webmail service, a social network, a domain
registrar). A request that goes around the central authority (:data:`~simulator.domain.model.DIRECT_CHANNELS`)
reaches a provider, which decides itself. Two things decide, and the model keeps them apart:

- **the law that binds it** (:class:`ProviderLaw`, cited where it binds): a US provider may disclose
  non-content records to a foreign authority that asks (18 U.S.C. 2702(c)(6): a foreign government
  is no "governmental entity", 2711(4)), but not the contents of communications, nor collect in real
  time, without an order the law recognises: a US court's order after MLA (2703, 3512) or an
  executive agreement's order (2702(b)(9), 2523). Such a request is sent back to MLA (verdict
  ``REDIRECT``, citing 2702(a)). A provider under another State's law says which of these binds it;
- **its own policy** (:class:`ProviderPolicy`), which is **no treaty ground** and is cited as the
  provider's policy (``framework = "provider"`` in the catalogue): whether the legal process is valid
  (a complete request), how it treats requests from a State with a poor human-rights record (declined
  with a probability rising from ``record_floor`` to certainty at ``record_limit``), a human-rights
  review in the spirit of the Global Network Initiative's Principles (the grounds to believe the
  request persecutes, weighed from what the provider sees, against a bar), and whether what it
  declines is refused or pointed to MLA.

What the provider produces: **some data** (``GRANT``, or ``PARTIAL_GRANT`` for part of it: transparency
reports count both as "some data produced"), **nothing** (``REFUSE``: declined on policy, or no data
held on the account named, ``provider-no-data``), or **"use MLA"** (``REDIRECT``). A provider
**compelled** by its own State (an order given effect under Second Protocol Art 8) applies no policy:
only whether it holds the data.

Like the rest of the decision core these are pure functions of an
:class:`~simulator.domain.model.Observation` (never the hidden truth) and explicit uniform draws.
"""

from __future__ import annotations

import enum

import attrs
from attrs import frozen

from simulator.domain.model import Channel, Decision, Measure, Observation, Stage, Verdict
from simulator.domain.safeguards import EvidenceWeights
from simulator.domain.settings import choice, flag, part, share


class Jurisdiction(enum.StrEnum):
    """Whose law binds the provider when a foreign authority asks it directly."""

    US = "us"  # 18 U.S.C. 2701-2713 (the Stored Communications Act) and 2523
    OTHER = "other"  # another State's law: the scenario says what it permits


#: Measures a provider under an order-only law gives no foreign authority without an order: stored
#: content (18 U.S.C. 2702(a)), real-time collection (2511, 3121).
ORDER_MEASURES = frozenset({Measure.STORED_CONTENT, Measure.REAL_TIME_TRAFFIC, Measure.INTERCEPTION})


@frozen
class ProviderLaw:
    """What the provider's own State's law lets it give a foreign authority that asks it directly."""

    jurisdiction: Jurisdiction = choice(
        Jurisdiction.US,
        "whose law binds it: the United States' (18 U.S.C. 2702, 2523) or another State's",
        Jurisdiction,
    )
    voluntary_non_content: bool = flag(
        True, "its law lets it answer a foreign authority's request for non-content records (2702(c)(6))"
    )
    content_needs_order: bool = flag(
        True,
        "content and real-time collection leave it only on an order its law recognises: MLA or an "
        "executive agreement's (2702(a), (b)(9))",
    )


@frozen
class ProviderPolicy:
    """A provider's own review of a request sent to it directly: a policy, not a treaty ground."""

    valid_process: bool = flag(True, "decline a request that is not complete, valid legal process")
    record_floor: float = share(
        1.0,
        "requester's record above which it declines some requests (the share rising to all at record_limit)",
        unit="record (0..1)",
    )
    record_limit: float = share(
        1.0, "requester's record from which it declines every request (1: none)", unit="record (0..1)"
    )
    human_rights: bool = flag(False, "review requests for their risk to rights (GNI Principles)")
    evidence_threshold: float = share(
        0.6, "grounds to believe the request persecutes, from which it declines", unit="score (0..1)"
    )
    evidence_weights: EvidenceWeights = part(EvidenceWeights, "how it weighs what it sees")
    data_held: float = share(
        0.8, "chance it holds data on the account named, the request specific enough", unit="probability"
    )
    emergency_data_held: float = share(
        0.9, "the same for an emergency request (specific by nature)", unit="probability"
    )
    partial: float = share(0.2, "share of its productions that are partial (some data, not all)")
    emergency_detection: float = share(
        0.5, "chance it sees a false emergency claim for what it is, at full attention", unit="probability"
    )
    redirect: bool = flag(True, "what it declines on policy it points to MLA rather than refuses outright")

    def declines_record(self, record: float, draw: float) -> bool:
        """Whether its policy on the requester's record declines this request (``draw``: uniform)."""
        if record >= self.record_limit:
            return self.record_limit < 1.0 or record > 1.0
        if record <= self.record_floor:
            return False
        return draw < (record - self.record_floor) / (self.record_limit - self.record_floor)


@frozen
class ProviderRules:
    """One provider's law and policy."""

    law: ProviderLaw = part(ProviderLaw, "the law that binds it when asked directly")
    policy: ProviderPolicy = part(ProviderPolicy, "its own review of requests sent to it directly")


@frozen
class ProviderDraws:
    """Uniform draws for one review by a provider (explicit randomness for the pure core)."""

    data_held: float = 0.5
    partial: float = 0.5
    record: float = 0.5  # its policy on the requester's record
    detection: float = 0.5  # it sees through a false emergency claim
    overrule: float = 0.5  # an agreement's ordering State overrules its objection


_PROVIDER = Stage.PROVIDER


def _decision(verdict: Verdict, provision: str, reason: str) -> Decision:
    return Decision(verdict, _PROVIDER, provision, reason)


def read_claim(observation: Observation, policy: ProviderPolicy, real: bool, draw: float) -> Observation:
    """Whether the provider reads an emergency claim as credible: a real emergency always, a false one
    unless ``draw`` falls below ``emergency_detection`` x thoroughness (``real`` is the one fact of
    the hidden truth read here: the facts that do or do not bear the claim out)."""
    if not observation.submission.emergency_claim:
        return attrs.evolve(observation, emergency_credible=False)
    seen_through = not real and draw < policy.emergency_detection * observation.thoroughness
    return attrs.evolve(observation, emergency_credible=not seen_through)


def persecution_score(observation: Observation, policy: ProviderPolicy) -> float:
    """The grounds to believe the request persecutes, as the provider weighs what it sees (0..1)."""
    return policy.evidence_weights.weigh(observation)


def law_bars(channel: Channel, measure: Measure, law: ProviderLaw) -> Decision | None:
    """The provider's law sends the request back to MLA (None: the law lets it answer)."""
    if channel is Channel.EXECUTIVE_AGREEMENT:
        return None  # an agreement's order is one the law recognises (2702(b)(9), (c)(7))
    us = law.jurisdiction is Jurisdiction.US
    if measure in ORDER_MEASURES:
        if not law.content_needs_order:
            return None
        return _decision(
            Verdict.REDIRECT,
            "us-2702-a" if us else "provider-own-law",
            f"{measure.value.replace('_', ' ')} leaves the provider only on an order its law recognises: "
            "sent back to MLA",
        )
    if law.voluntary_non_content:
        return None
    return _decision(
        Verdict.REDIRECT, "provider-own-law", "its law does not let it answer a foreign authority directly"
    )


def policy_declines(
    observation: Observation, policy: ProviderPolicy, draws: ProviderDraws
) -> Decision | None:
    """The provider's own policy declines the request (refused, or pointed to MLA), or None."""
    verdict = Verdict.REDIRECT if policy.redirect else Verdict.REFUSE
    gaps = observation.submission.documentation_gaps
    if policy.valid_process and gaps:
        return _decision(
            verdict, "provider-valid-process", f"not valid legal process ({gaps} element(s) missing)"
        )
    if policy.declines_record(observation.requester_record, draws.record):
        return _decision(
            verdict,
            "provider-requester-policy",
            f"the provider does not answer this State directly (record {observation.requester_record:.2f})",
        )
    if policy.human_rights:
        score = persecution_score(observation, policy)
        if score >= policy.evidence_threshold:
            ground = (observation.apparent_ground or "unidentified ground").replace("_", " ")
            return _decision(
                verdict,
                "provider-human-rights",
                f"its human-rights review finds grounds ({score:.2f} >= {policy.evidence_threshold:.2f}, "
                f"{ground}) to believe the request persecutes",
            )
    return None


def produce(
    observation: Observation, policy: ProviderPolicy, draws: ProviderDraws, basis: str, emergency: bool
) -> Decision:
    """What the provider produces once nothing bars it: some data, part of it, or none held."""
    held = policy.emergency_data_held if emergency else policy.data_held
    if draws.data_held >= held:
        return _decision(
            Verdict.REFUSE, "provider-no-data", "no data produced: none held on the account named"
        )
    if draws.partial < policy.partial:
        return _decision(Verdict.PARTIAL_GRANT, basis, "some of the data produced (the request narrowed)")
    return _decision(Verdict.GRANT, basis, "data produced")


def review(
    channel: Channel,
    observation: Observation,
    rules: ProviderRules,
    draws: ProviderDraws,
    basis: str,
    compelled: bool = False,
) -> Decision:
    """The provider's decision on a request that reached it on ``channel``, a grant citing ``basis``.

    In order: a false emergency seen through is sent to MLA (its emergency policy); the law that binds
    it (content only on an order); its policy (unless ``compelled`` by its own State); then what it
    holds and produces.
    """
    emergency = observation.submission.emergency_claim
    if emergency and not observation.emergency_credible:
        return _decision(
            Verdict.REDIRECT,
            "provider-emergency",
            "no danger of death or serious injury shown: no emergency disclosure, sent to MLA",
        )
    barred = None if compelled else law_bars(channel, observation.submission.measure, rules.law)
    if barred is not None:
        return barred
    if not compelled:
        declined = policy_declines(observation, rules.policy, draws)
        if declined is not None:
            return declined
    return produce(observation, rules.policy, draws, basis, emergency)


def held_at_execution(policy: ProviderPolicy, draw: float) -> Decision | None:
    """A mutual legal assistance request executed at the provider finds no data on the account named
    (None: it holds some). The same draw as its review of a direct request (``data_held``), so a
    request finds the same account empty by every route."""
    if draw < policy.data_held:
        return None
    return Decision(
        Verdict.REFUSE,
        Stage.EXECUTION,
        "provider-no-data",
        "executed at the provider: no data held on the account",
    )
