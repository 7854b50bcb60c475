"""The provisions catalogue: complete, cited, flagged where unverified."""

from __future__ import annotations

from simulator.domain.model import Stage
from simulator.domain.provisions import (
    Confidence,
    Nature,
    catalogue,
    cite,
    provision,
    treaty_consultation_scope,
)


def test_every_provision_has_a_citation_a_nature_and_a_known_stage():
    stages = {s.value for s in Stage} | {"any"}
    for entry in catalogue().values():
        assert entry.citation and entry.title and entry.summary
        assert isinstance(entry.nature, Nature)
        assert entry.stage in stages
        assert entry.framework in {"uncc", "budapest", "us"}


def test_paragraphs_marked_verify_in_the_domain_reference_are_unverified():
    for pid in ("uncc-40-22", "uncc-40-9", "uncc-40-21-a", "uncc-40-27", "uncc-36"):
        assert not provision(pid).verified
        assert cite(pid).endswith("(unverified)")


def test_optional_provisions_come_from_outside_the_convention():
    assert provision("budapest-27-4-a").optional and provision("budapest-27-4-a").framework == "budapest"
    assert provision("us-2703-a").optional and "probable" in provision("us-2703-a").title
    assert not provision("uncc-40-22").optional


def test_the_convention_refusal_grounds_are_permissive():
    for pid in ("uncc-40-21-a", "uncc-40-21-b", "uncc-40-21-c", "uncc-40-22", "uncc-40-9"):
        assert provision(pid).nature is Nature.PERMISSIVE


def test_cite_of_nothing_is_empty():
    assert cite(None) == ""


def test_every_provision_carries_the_confidence_and_source_of_its_citation():
    for entry in catalogue().values():
        assert isinstance(entry.confidence, Confidence) and entry.source
        assert entry.verified is (entry.confidence is Confidence.VERIFIED)


def test_citations_follow_the_treaty_check():
    """Scope: Arts 40(1), 35(1)(c) with 2(h), not 23(2); conduct-based dual criminality: 35(2);
    interception 'to the extent permitted': Art 46; US real-time traffic: 3512(a)(2)(C), 3122/3123."""
    assert provision("uncc-35-1-c").citation == "UNCC Arts 40(1), 35(1)(c) with Art 2(h)"
    assert "23(2)" not in provision("uncc-35-1-c").citation
    assert provision("uncc-35-2").citation == "UNCC Art 35(2)"
    assert provision("uncc-46").citation == "UNCC Art 46"
    assert "3123" in provision("us-3123").citation and "3512(e)" in provision("us-3512-e").citation
    assert provision("uncc-24-4").citation == "UNCC Arts 24(4), 40(17)"


def test_the_treaty_consults_before_40_21_refusals_and_40_26_postponements_only():
    scope = treaty_consultation_scope()
    assert {"uncc-40-21-a", "uncc-40-21-b", "uncc-40-21-c", "uncc-40-21-d", "uncc-40-26"} <= scope
    assert not scope & {"uncc-40-9", "uncc-40-22", "uncc-36", "uncc-35-1-c"}
    # a failed domestic standard (Arts 24(4), 40(17)) is a 40(21)(c) refusal in treaty terms
    assert {p for p in scope if p.startswith("uncc")} == {
        "uncc-24-4",
        "uncc-40-21-a",
        "uncc-40-21-b",
        "uncc-40-21-c",
        "uncc-40-21-d",
        "uncc-40-26",
    }
