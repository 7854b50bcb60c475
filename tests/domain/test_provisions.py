"""The provisions catalogue: complete, cited, flagged where unverified."""

from __future__ import annotations

from simulator.domain.model import Stage
from simulator.domain.provisions import Nature, catalogue, cite, provision


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
