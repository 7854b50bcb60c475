"""Regimes as data: which treaty governs MLA between a pair, which routes it opens, what a grant cites."""

from __future__ import annotations

import pytest

from simulator.domain import provisions
from simulator.domain.model import DIRECT_CHANNELS, Channel, Measure
from simulator.domain.regimes import Treaty, catalogue, grant_provisions, problems, regime_of

UNCC = regime_of(["uncc"])
BUDAPEST = regime_of(["uncc", "budapest"])
PROTOCOL = regime_of(["uncc", "budapest", "budapest_second_protocol"])
AGREEMENT = regime_of(["uncc", "executive_agreement"])
NONE = regime_of([])


def test_the_governing_treaty_and_what_an_mla_grant_rests_on():
    assert UNCC.basis(Channel.MLA) == "uncc-40-1"
    assert BUDAPEST.basis(Channel.MLA) == "budapest-25"  # Budapest Art 27(1): where no other applies
    assert regime_of(["uncc", "bilateral_mlat"]).basis(Channel.MLA) == "bilateral-mlat"  # UNCC 40(7)
    assert NONE.basis(Channel.MLA) == "no-treaty" and NONE.describe() == "no treaty"


def test_a_decision_is_cited_under_the_governing_treaty():
    assert BUDAPEST.cite("uncc-40-21-b") == "budapest-27-4-b"
    assert UNCC.cite("uncc-40-21-b") == "uncc-40-21-b"
    assert BUDAPEST.cite("provider-no-data") == "provider-no-data"


@pytest.mark.parametrize(
    ("regime", "sent", "measure", "taken"),
    [
        (UNCC, Channel.DIRECT_ORDER, Measure.SUBSCRIBER_INFO, Channel.DIRECT_REQUEST),
        (PROTOCOL, Channel.DIRECT_ORDER, Measure.SUBSCRIBER_INFO, Channel.DIRECT_ORDER),
        (PROTOCOL, Channel.DIRECT_ORDER, Measure.STORED_CONTENT, Channel.DIRECT_REQUEST),
        (UNCC, Channel.EXECUTIVE_AGREEMENT, Measure.STORED_CONTENT, Channel.MLA),
        (AGREEMENT, Channel.EXECUTIVE_AGREEMENT, Measure.STORED_CONTENT, Channel.EXECUTIVE_AGREEMENT),
        (UNCC, Channel.GIVING_EFFECT, Measure.TRAFFIC_DATA, Channel.MLA),
        (NONE, Channel.EMERGENCY_DISCLOSURE, Measure.STORED_CONTENT, Channel.EMERGENCY_DISCLOSURE),
        (UNCC, Channel.MLA, Measure.STORED_CONTENT, Channel.MLA),
    ],
)
def test_a_route_is_taken_only_where_the_regime_opens_it_for_the_measure(regime, sent, measure, taken):
    assert regime.route_for(sent, measure) is taken


def test_the_basis_of_a_grant_by_route():
    assert UNCC.basis(Channel.DIRECT_REQUEST, us_provider=True) == "us-2702-c-6"
    assert UNCC.basis(Channel.DIRECT_REQUEST) == "provider-voluntary"
    assert PROTOCOL.basis(Channel.EMERGENCY_DISCLOSURE) == "2ap-9"
    assert UNCC.basis(Channel.EMERGENCY_DISCLOSURE) == "provider-emergency"
    assert AGREEMENT.basis(Channel.EXECUTIVE_AGREEMENT) == "us-2702-b-9"


def test_a_protocol_without_its_convention_and_none_with_a_treaty_are_problems():
    assert problems(["uncc", "budapest_second_protocol"]) == [
        "'budapest_second_protocol' binds only Parties to budapest: add budapest"
    ]
    assert problems(["none", "uncc"]) == ["'none' cannot stand with a treaty"]
    assert problems(["uncc", "budapest", "budapest_second_protocol"]) == []


def test_every_route_is_in_the_data_and_every_treaty_too():
    assert set(catalogue().routes) == set(DIRECT_CHANNELS)
    assert set(catalogue().treaties) == set(Treaty)


def test_every_provision_the_regimes_name_is_in_the_catalogue_with_its_confidence_and_source():
    named = set(grant_provisions(["uncc-40-21-b", "uncc-42"]))
    for entry in catalogue().treaties.values():
        named |= set(entry.citations) | set(entry.citations.values())
    known = provisions.catalogue()
    missing = sorted(pid for pid in named if pid not in known)
    assert not missing
    for pid in named:
        entry = known[pid]
        assert entry.confidence and (entry.url or entry.document), pid
