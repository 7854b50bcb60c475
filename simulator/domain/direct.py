"""The direct routes: what the provider's State and an agreement's conditions decide around the provider.

A request sent straight to a provider abroad (:data:`~simulator.domain.model.DIRECT_CHANNELS`) is
decided by the provider (:mod:`simulator.domain.providers`); on some routes the provider's State, or
the conditions of an agreement, decide too. This module holds those rules, as a requested State
sets them (``[direct_routes.*]`` in a scenario file), and the pure decisions they make:

- **direct order** (Budapest Second Protocol, CETS No. 224, Art 7): the provider's State may require
  that an order to a provider in its territory be **notified** to its authority, which may instruct
  the provider not to disclose if disclosure may prejudice its own investigations (the requested
  State's ``postponement_rate``, the share of executions that would disturb a domestic case) or if a
  ground of Budapest Arts 25(4) and 27(4) would apply (the ``grounds`` its reviewer checks, as its
  safeguards set them) (:func:`decide_notification`, citing 7(5));
- **giving effect** (Art 8): the order goes to the provider's State, which refuses on the same grounds
  or gives it effect by compelling the provider (:func:`decide_giving_effect`, citing Art 8);
- **executive agreement** (18 U.S.C. 2523): an order for content straight to the provider, under the
  agreement's conditions (:class:`AgreementConditions`, :func:`agreement_check`): it may not target a
  person the agreement excludes (a US person or a person in the US, 2523(b)(4)(A)-(B); which target
  profiles that is, is the scenario's ``excluded_targets``), may not be used for speech offences
  (2523(b)(4)(E)), must pass independent review in the ordering State (2523(b)(4)(D)); the provider
  may object (its own policy, :mod:`simulator.domain.providers`), and an objection stands or, where
  ``objections_decided_by = "ordering_state"``, the ordering State's designated authority may enforce
  the order over it (:func:`overrules_objection`);
- a voluntary **direct request**, a **domain registration** request (Art 6) and a provider's
  **emergency disclosure** involve no State: the provider alone decides.

The reviewer of the provider's State is the requested State's MLA stage named ``reviewer`` (its staff
and service times). Whether a route is open at all between two States is their regime's
(:mod:`simulator.domain.regimes`).
"""

from __future__ import annotations

from collections.abc import Iterable

from attrs import frozen

from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.channels import CHANNEL_GROUNDS, ground_refusal
from simulator.domain.model import MLA_STAGES, Channel, Decision, Observation, ScreeningDraws, Stage, Verdict
from simulator.domain.providers import ProviderRules
from simulator.domain.regimes import OVERRULED
from simulator.domain.safeguards import Safeguards
from simulator.domain.settings import Stricter, choice, flag, names, part, share


def _grounds(default: frozenset[str], meaning: str) -> frozenset[str]:
    return names(lambda: default, meaning, lambda: CHANNEL_GROUNDS, stricter=Stricter.MORE)


def _reviewer(meaning: str) -> Stage:
    return choice(Stage.LEGAL_REVIEW, meaning, MLA_STAGES)


def _targets() -> list[str]:
    return [name for name in load_catalogue().targets if name != "ordinary"]


@frozen
class DirectOrderRules:
    """Second Protocol Art 7(5): whether orders to providers in the State's territory are notified."""

    notification: bool = flag(False, "orders to its providers are notified to its authority (7(5)(a))")
    grounds: frozenset[str] = _grounds(
        frozenset({"uncc-40-21-b"}), "grounds its authority checks when notified (Budapest 25(4), 27(4))"
    )
    reviewer: Stage = _reviewer("the MLA stage whose reviewers read the notifications")


@frozen
class GivingEffectRules:
    """Second Protocol Art 8: the grounds on which the State refuses to give effect to an order."""

    grounds: frozenset[str] = _grounds(
        frozenset({"uncc-40-21-b", "uncc-40-22"}), "grounds it checks before giving effect (25(4), 27(4))"
    )
    reviewer: Stage = _reviewer("the MLA stage whose reviewers decide")


@frozen
class AgreementConditions:
    """An executive agreement's conditions on orders to the State's providers (18 U.S.C. 2523(b)(4))."""

    targeting_restrictions: bool = flag(
        True, "orders may not target a person the agreement excludes (2523(b)(4)(A)-(B))"
    )
    excluded_targets: frozenset[str] = names(
        lambda: frozenset({"exile"}),
        "target profiles the agreement excludes: persons in the provider's State (an assumption)",
        _targets,
    )
    no_speech_orders: bool = flag(
        True, "orders may not be used to infringe freedom of speech (2523(b)(4)(E))"
    )
    independent_review: bool = flag(
        True, "orders pass review by an independent authority of the ordering State (2523(b)(4)(D))"
    )
    review_bar: float = share(
        0.3, "strength of the facts that review asks (articulable and credible facts)", unit="score (0..1)"
    )
    provider_may_object: bool = flag(True, "the provider reviews the order and may object (its policy)")
    objections_decided_by: str = choice(
        "provider_state",
        "who settles an objection: it stands (provider_state) or the ordering State may enforce",
        ("provider_state", "ordering_state"),
    )
    overrule_rate: float = share(
        0.5, "with ordering_state: share of objections its designated authority overrules", unit="probability"
    )


@frozen
class DirectRules:
    """A requested State's rules for the routes around its central authority."""

    direct_order: DirectOrderRules = part(
        DirectOrderRules, "direct orders for subscriber information (2AP Art 7)"
    )
    giving_effect: GivingEffectRules = part(GivingEffectRules, "orders given effect (2AP Art 8)")
    executive_agreement: AgreementConditions = part(
        AgreementConditions, "an executive agreement's conditions (18 U.S.C. 2523)"
    )


_CONTACT = Stage.CONTACT_POINT


def _refuse(stage: Stage, provision: str, reason: str) -> Decision:
    return Decision(Verdict.REFUSE, stage, provision, reason)


def decide_notification(
    observation: Observation, safeguards: Safeguards, rules: DirectOrderRules, draws: ScreeningDraws
) -> Decision | None:
    """The notified authority's instruction not to disclose (7(5)), or None: it lets the order stand."""
    if not rules.notification:
        return None
    if draws.postponement < safeguards.postponement_rate:
        return _refuse(
            _CONTACT,
            "2ap-7-5",
            "the notified authority instructs the provider not to disclose: disclosure "
            "may prejudice its own investigation",
        )
    found = ground_refusal(Channel.DIRECT_ORDER, rules.grounds, observation, safeguards, draws)
    if found is None:
        return None
    return _refuse(
        _CONTACT,
        "2ap-7-5",
        f"the notified authority instructs the provider not to disclose ({found.provision}: {found.reason})",
    )


def decide_giving_effect(
    observation: Observation, safeguards: Safeguards, rules: GivingEffectRules, draws: ScreeningDraws
) -> Decision:
    """The provider's State refuses to give effect to the order (Art 8), or gives it effect."""
    found = ground_refusal(Channel.GIVING_EFFECT, rules.grounds, observation, safeguards, draws)
    if found is not None:
        return _refuse(_CONTACT, "2ap-8", f"effect refused ({found.provision}: {found.reason})")
    return Decision(
        Verdict.PROCEED, _CONTACT, "2ap-8", "the order is given effect: the provider is compelled"
    )


def speech_order(observation: Observation) -> bool:
    """The order is labelled as a speech or identity offence, or its facts read as a political one."""
    offence = load_catalogue().offences[observation.submission.offence]
    return offence.ground is not None or offence.political or observation.political_offence


def agreement_check(
    observation: Observation, conditions: AgreementConditions, target_excluded: bool
) -> Decision | None:
    """An agreement's conditions refuse the order (None: it may go to the provider).

    ``target_excluded``: the person is one the agreement excludes (the account's location, which the
    provider holds: read from the world, as the one fact of the truth this check needs)."""
    if conditions.targeting_restrictions and target_excluded:
        return _refuse(
            Stage.PROVIDER,
            "us-2523-b-4-a",
            "the order targets a person the agreement excludes (a person in the provider's State)",
        )
    if conditions.no_speech_orders and speech_order(observation):
        return _refuse(
            Stage.PROVIDER,
            "us-2523-b-4-e",
            f"an order for '{observation.submission.offence}' may not be "
            "used under the agreement (freedom of speech)",
        )
    # the facts as the order presents them, read by the provider (a disguise it sees through: none)
    if conditions.independent_review and observation.factual_basis < conditions.review_bar:
        return _refuse(
            Stage.INTAKE,
            "us-2523-b-4-d",
            f"the ordering State's independent review finds the facts "
            f"({observation.factual_basis:.2f}) short of its bar ({conditions.review_bar:.2f})",
        )
    return None


def overrules_objection(conditions: AgreementConditions, declined: Decision, draw: float) -> Decision | None:
    """The ordering State's designated authority enforces the order over the provider's objection
    (``objections_decided_by = "ordering_state"``), or None: the objection stands."""
    if conditions.objections_decided_by != "ordering_state" or declined.provision == "provider-no-data":
        return None
    if draw >= conditions.overrule_rate:
        return None
    return Decision(
        Verdict.GRANT,
        Stage.EXECUTION,
        OVERRULED,
        f"the ordering State enforces the order over the provider's objection ({declined.provision})",
    )


def refusal_provisions(rules: DirectRules, providers: Iterable[ProviderRules]) -> frozenset[str]:
    """The provisions a refusal on a route around the central authority can cite, as ``rules`` and
    the providers' law and policies are set (no provider: none)."""
    providers = tuple(providers)
    if not providers:
        return frozenset()
    found = {"provider-no-data", "provider-emergency", "provider-own-law", "us-2702-a", "2ap-8"}
    for provider in providers:
        policy = provider.policy
        found |= {"provider-valid-process"} if policy.valid_process else set()
        found |= {"provider-requester-policy"} if policy.record_floor < 1.0 else set()
        found |= {"provider-human-rights"} if policy.human_rights else set()
    conditions = rules.executive_agreement
    chosen = (
        (rules.direct_order.notification, "2ap-7-5"),
        (conditions.targeting_restrictions, "us-2523-b-4-a"),
        (conditions.independent_review, "us-2523-b-4-d"),
        (conditions.no_speech_orders, "us-2523-b-4-e"),
    )
    return frozenset(found | {pid for on, pid in chosen if on})
