"""The provider's State and an agreement's conditions on the routes around the central authority."""

from __future__ import annotations

from simulator.domain.direct import (
    AgreementConditions,
    DirectOrderRules,
    DirectRules,
    GivingEffectRules,
    agreement_check,
    decide_giving_effect,
    decide_notification,
    overrules_objection,
    refusal_provisions,
)
from simulator.domain.model import Decision, ScreeningDraws, Stage, Verdict
from simulator.domain.providers import ProviderRules
from simulator.domain.safeguards import Safeguards
from tests.domain.test_providers import seen

CALM = ScreeningDraws(0.5, 0.5, 0.5, 0.5, 0.99)
RISKY = dict(record=0.9, target_recognised=True, apparent_ground="political_opinion")


def test_an_agreement_order_never_targets_a_person_it_excludes():
    decision = agreement_check(seen(), AgreementConditions(), target_excluded=True)
    assert (decision.verdict, decision.provision) == (Verdict.REFUSE, "us-2523-b-4-a")
    off = AgreementConditions(targeting_restrictions=False)
    assert agreement_check(seen(), off, target_excluded=True) is None


def test_no_order_for_a_speech_offence_and_review_of_the_facts():
    speech = seen(political_offence=True)
    assert agreement_check(speech, AgreementConditions(), False).provision == "us-2523-b-4-e"
    thin = seen(factual_basis=0.1)
    assert agreement_check(thin, AgreementConditions(), False).provision == "us-2523-b-4-d"
    assert agreement_check(thin, AgreementConditions(independent_review=False), False) is None
    assert agreement_check(seen(), AgreementConditions(), False) is None


def test_an_objection_stands_unless_the_ordering_state_settles_it():
    objection = Decision(Verdict.REFUSE, Stage.PROVIDER, "provider-human-rights", "its review")
    assert overrules_objection(AgreementConditions(), objection, 0.0) is None
    ordering = AgreementConditions(objections_decided_by="ordering_state", overrule_rate=0.5)
    enforced = overrules_objection(ordering, objection, 0.4)
    assert (enforced.verdict, enforced.provision) == (Verdict.GRANT, "us-uk-agreement-objection")
    assert overrules_objection(ordering, objection, 0.6) is None
    empty = Decision(Verdict.REFUSE, Stage.PROVIDER, "provider-no-data", "none held")
    assert overrules_objection(ordering, empty, 0.0) is None  # no order makes data appear


def test_the_notified_authority_may_instruct_the_provider_not_to_disclose():
    rules = DirectOrderRules(notification=True, grounds=frozenset({"uncc-40-22"}))
    assert decide_notification(seen(**RISKY), Safeguards(), rules, CALM).provision == "2ap-7-5"
    assert decide_notification(seen(), Safeguards(), rules, CALM) is None
    assert decide_notification(seen(**RISKY), Safeguards(), DirectOrderRules(), CALM) is None


def test_giving_effect_refused_on_a_ground_or_given():
    rules = GivingEffectRules()
    refused = decide_giving_effect(seen(**RISKY), Safeguards(), rules, CALM)
    assert (refused.verdict, refused.provision) == (Verdict.REFUSE, "2ap-8")
    assert decide_giving_effect(seen(), Safeguards(), rules, CALM).verdict is Verdict.PROCEED


def test_what_an_agreement_order_is_refused_on_is_listed_while_its_condition_holds():
    """Catches: a condition's refusal missing from (or named otherwise in) the provisions a route can
    cite, which the coverage checks and ``mlasim provisions`` read."""
    refused = {
        "targeting_restrictions": agreement_check(seen(), AgreementConditions(), target_excluded=True),
        "independent_review": agreement_check(seen(factual_basis=0.1), AgreementConditions(), False),
        "no_speech_orders": agreement_check(seen(political_offence=True), AgreementConditions(), False),
    }
    for condition, decision in refused.items():
        off = DirectRules(executive_agreement=AgreementConditions(**{condition: False}))
        assert decision.provision in refusal_provisions(DirectRules(), [ProviderRules()]), condition
        assert decision.provision not in refusal_provisions(off, [ProviderRules()]), condition
    assert refusal_provisions(DirectRules(), []) == frozenset()
