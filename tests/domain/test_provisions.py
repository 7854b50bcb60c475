"""The provisions catalogue: complete, cited, flagged where unverified."""

from __future__ import annotations

from simulator.domain.model import Stage
from simulator.domain.provisions import (
    CONDITIONS,
    Confidence,
    Nature,
    catalogue,
    cite,
    conditions_text,
    legend,
    provision,
    treaty_consultation_scope,
)


def test_every_provision_has_a_citation_a_nature_and_a_known_stage():
    stages = {s.value for s in Stage} | {"any"}
    for entry in catalogue().values():
        assert entry.citation and entry.title and entry.summary
        assert isinstance(entry.nature, Nature)
        assert entry.stage in stages
        assert entry.framework in {"uncc", "budapest", "us", "agreement", "policy", "provider"}
        # a policy is no treaty ground: a scenario opts in, and its citation is never "verified"
        assert entry.framework not in ("policy", "provider") or (entry.optional and not entry.verified)


def test_unverified_paragraphs_carry_their_confidence_mark_not_a_word():
    for pid in ("uncc-40-22", "uncc-40-9", "uncc-40-21-a", "uncc-36"):
        assert not provision(pid).verified
        assert cite(pid) == provision(pid).citation + "\u2020"  # high confidence: a dagger
    assert cite("uncc-40-27") == "UNCC Art 40(27)\u2021"  # medium: a double dagger
    assert cite("budapest-27-4-a") == "Budapest Art 27(4)(a)"  # verified: no mark
    assert all("unverified" not in cite(pid) for pid in catalogue())


def test_the_legend_explains_each_mark_shown_once():
    text = f"{cite('uncc-40-22')} and {cite('uncc-40-9')} and {cite('budapest-27-4-a')}"
    lines = legend(text)
    assert len(lines) == 2 and lines[0].startswith("\u2020 confidence high")
    assert "template treaty" in lines[0] and "not checked" in lines[0]
    assert any("\u2021" in line for line in legend(cite("uncc-40-27")))
    assert legend(cite("budapest-27-4-a")) == []


def test_every_citation_names_a_public_document():
    for entry in catalogue().values():
        assert entry.document, entry.id
        assert "shared" not in entry.source and "treaty-check" not in entry.source, entry.id
        assert "seed" not in entry.source.split(), entry.id
        if entry.framework == "uncc":
            assert "A/RES/79/243" in entry.document and entry.url.startswith("https://")
        if entry.framework == "us":
            assert entry.url.startswith("https://www.law.cornell.edu/uscode/text/18/")


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


def test_the_fast_channels_and_monitoring_are_cited_as_the_treaty_check_rates_them():
    """Arts 41, 2(o), 42(4), 42(7), 43, 40(4)-(5) at the 24/7 point of contact, with the confidence
    treaty-check.md gives each (2(o) read in the official Arabic text; 41's emergency item and 42(4)
    medium); the Budapest comparators 29(5) and 30(2) verified; the monitoring suspension a policy
    with no treaty ground (it is not consulted on, so it cannot be a 40(21) refusal). Catches: a
    confidence raised past the check, a channel provision filed at an MLA stage, or the suspension
    presented as a treaty ground."""
    expected = {
        "uncc-41": ("UNCC Art 41", Confidence.MEDIUM),
        "uncc-2-o": ("UNCC Art 2(o)", Confidence.VERIFIED),
        "uncc-42-4": ("UNCC Art 42(4)", Confidence.MEDIUM),
        "uncc-42-7": ("UNCC Art 42(7)", Confidence.HIGH),
        "uncc-43": ("UNCC Art 43", Confidence.HIGH),
        "uncc-40-4": ("UNCC Art 40(4)", Confidence.HIGH),
        "uncc-40-5": ("UNCC Art 40(5)", Confidence.HIGH),
        "budapest-29-5": ("Budapest Art 29(5)", Confidence.VERIFIED),
        "budapest-30-2": ("Budapest Art 30(2)", Confidence.VERIFIED),
    }
    for pid, (citation, confidence) in expected.items():
        entry = provision(pid)
        assert (entry.citation, entry.confidence, entry.stage) == (citation, confidence, "contact_point"), pid
    assert provision("uncc-42").citation == "UNCC Art 42(3)"
    suspension = provision("monitoring-suspension")
    assert suspension.framework == "policy" and suspension.stage == "intake"
    assert suspension.confidence is Confidence.LOW and "no treaty ground" in suspension.citation
    assert "closely scrutinize" in suspension.source and not suspension.consult


def test_a_consultation_offers_the_requested_states_own_terms_not_the_use_limitation():
    """Mend (issue 24): 40(19) binds every grant, so offering it at consultation added nothing; the
    terms are those the requested State deems necessary (40(27)), each a known kind, and only on
    grounds 40(27) asks to be consulted on."""
    offering = {pid: p.conditions for pid, p in catalogue().items() if p.conditions}
    assert offering and set(offering) <= treaty_consultation_scope()
    assert all(set(kinds) <= set(CONDITIONS) for kinds in offering.values())
    assert "use_assurances" in provision("uncc-40-21-b").conditions
    assert conditions_text("uncc-40-21-b").startswith("assurances on the use of the data")
    assert not provision("uncc-40-19").conditions and "every grant" in provision("uncc-40-19").summary
    assert "terms and conditions as it deems necessary" in provision("uncc-40-27").summary


def test_40_21_a_covers_any_nonconformity_with_the_article_not_only_its_contents():
    """Mend (issue 24): 40(21)(a) reads "not made in conformity with the provisions of this article"."""
    summary = provision("uncc-40-21-a").summary
    assert "Art 40 as a whole" in summary and "40(14)-(15)" in summary


def test_the_scope_test_cites_40_1_and_35_1_never_the_domestic_powers_of_23_2():
    """Mend (issue 24): Art 23(2) is the scope of domestic procedural powers, not of MLA."""
    from simulator.domain.safeguards import ScopeTest
    from tests.conftest import SCENARIOS

    assert "40(1)" in ScopeTest.__doc__ and "23(2)" not in ScopeTest.__doc__
    assert provision("uncc-35-1-c").citation == "UNCC Arts 40(1), 35(1)(c) with Art 2(h)"
    for path in SCENARIOS.glob("*.toml"):
        assert "23(2)" not in path.read_text(encoding="utf-8"), path.name
