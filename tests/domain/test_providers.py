"""A provider's review of a request sent to it directly: the law that binds it, then its own policy."""

from __future__ import annotations

import attrs
import pytest

from simulator.domain.model import Channel, Measure, Observation, Stage, Submission, Verdict
from simulator.domain.providers import (
    Jurisdiction,
    ProviderDraws,
    ProviderLaw,
    ProviderPolicy,
    ProviderRules,
    held_at_execution,
    read_claim,
    review,
)
from tests.domain.conftest import observed

BASIS = "us-2702-c-6"


def seen(
    measure: Measure = Measure.SUBSCRIBER_INFO,
    record: float = 0.1,
    gaps: int = 0,
    emergency: bool = False,
    **fields,
) -> Observation:
    submission = Submission(
        requester="A",
        measure=measure,
        offence="computer_fraud",
        penalty_years=8,
        documentation_gaps=gaps,
        channel=Channel.DIRECT_REQUEST,
        emergency_claim=emergency,
    )
    return observed(submission, **{"requester_record": record, "factual_basis": 0.8, **fields})


HOLDS = ProviderDraws(data_held=0.0, partial=0.9, record=0.5, detection=0.9)


def test_content_leaves_a_us_provider_only_on_an_order_it_is_sent_back_to_mla():
    decision = review(Channel.DIRECT_REQUEST, seen(Measure.STORED_CONTENT), ProviderRules(), HOLDS, BASIS)
    assert (decision.verdict, decision.provision, decision.stage) == (
        Verdict.REDIRECT,
        "us-2702-a",
        Stage.PROVIDER,
    )


def test_an_executive_agreement_order_for_content_is_one_the_law_recognises():
    decision = review(
        Channel.EXECUTIVE_AGREEMENT, seen(Measure.STORED_CONTENT), ProviderRules(), HOLDS, "us-2702-b-9"
    )
    assert (decision.verdict, decision.provision) == (Verdict.GRANT, "us-2702-b-9")


def test_non_content_is_produced_voluntarily_citing_the_basis():
    assert review(Channel.DIRECT_REQUEST, seen(), ProviderRules(), HOLDS, BASIS).provision == BASIS


def test_a_law_without_voluntary_disclosure_sends_everything_to_mla():
    law = ProviderLaw(jurisdiction=Jurisdiction.OTHER, voluntary_non_content=False)
    decision = review(Channel.DIRECT_REQUEST, seen(), ProviderRules(law=law), HOLDS, BASIS)
    assert (decision.verdict, decision.provision) == (Verdict.REDIRECT, "provider-own-law")


def test_invalid_process_is_declined_on_policy():
    decision = review(Channel.DIRECT_REQUEST, seen(gaps=2), ProviderRules(), HOLDS, BASIS)
    assert (decision.verdict, decision.provision) == (Verdict.REDIRECT, "provider-valid-process")
    refusing = ProviderRules(policy=ProviderPolicy(redirect=False))
    assert review(Channel.DIRECT_REQUEST, seen(gaps=2), refusing, HOLDS, BASIS).verdict is Verdict.REFUSE


@pytest.mark.parametrize(
    ("record", "draw", "declined"),
    [(0.5, 0.0, False), (0.7, 0.4, True), (0.7, 0.6, False), (0.95, 0.99, True)],
)
def test_the_requester_record_policy_rises_from_floor_to_limit(record, draw, declined):
    policy = ProviderPolicy(record_floor=0.5, record_limit=0.9)
    assert policy.declines_record(record, draw) is declined


def test_the_human_rights_review_declines_on_the_grounds_it_sees():
    rules = ProviderRules(policy=ProviderPolicy(human_rights=True, evidence_threshold=0.5))
    risky = seen(record=0.9, target_recognised=True, apparent_ground="political_opinion")
    decision = review(Channel.DIRECT_REQUEST, risky, rules, HOLDS, BASIS)
    assert decision.provision == "provider-human-rights"
    without = ProviderRules(policy=ProviderPolicy(human_rights=False))
    assert review(Channel.DIRECT_REQUEST, risky, without, HOLDS, BASIS).verdict is Verdict.GRANT


def test_a_compelled_provider_applies_no_policy_only_what_it_holds():
    rules = ProviderRules(policy=ProviderPolicy(record_floor=0.0, record_limit=0.1))
    compelled = review(Channel.GIVING_EFFECT, seen(record=0.9), rules, HOLDS, "2ap-8", compelled=True)
    assert (compelled.verdict, compelled.provision) == (Verdict.GRANT, "2ap-8")
    declined = review(Channel.GIVING_EFFECT, seen(record=0.9), rules, HOLDS, "2ap-8")
    assert declined.provision == "provider-requester-policy"


def test_no_data_held_and_partial_productions():
    empty = attrs.evolve(HOLDS, data_held=0.95)
    assert (
        review(Channel.DIRECT_REQUEST, seen(), ProviderRules(), empty, BASIS).provision == "provider-no-data"
    )
    part = attrs.evolve(HOLDS, partial=0.1)
    assert (
        review(Channel.DIRECT_REQUEST, seen(), ProviderRules(), part, BASIS).verdict is Verdict.PARTIAL_GRANT
    )


def test_a_false_emergency_seen_through_goes_to_mla_a_real_one_is_credible():
    policy = ProviderPolicy(emergency_detection=1.0)
    claim = seen(emergency=True)
    assert read_claim(claim, policy, real=True, draw=0.0).emergency_credible
    false = read_claim(claim, policy, real=False, draw=0.5)
    assert not false.emergency_credible
    decision = review(
        Channel.EMERGENCY_DISCLOSURE, false, ProviderRules(policy=policy), HOLDS, "provider-emergency"
    )
    assert (decision.verdict, decision.provision) == (Verdict.REDIRECT, "provider-emergency")


def test_mla_executed_at_the_provider_finds_the_same_account_empty():
    policy = ProviderPolicy(data_held=0.8)
    assert held_at_execution(policy, 0.79) is None
    empty = held_at_execution(policy, 0.8)
    assert (empty.verdict, empty.provision, empty.stage) == (
        Verdict.REFUSE,
        "provider-no-data",
        Stage.EXECUTION,
    )
