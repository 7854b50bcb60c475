"""The catalogue of offences, protected conduct and targets."""

from __future__ import annotations

from simulator.domain.catalogue import load
from simulator.domain.model import CONVENTION_GROUNDS, PROTECTED_GROUNDS


def test_convention_offences_are_crimes_and_not_political():
    offences = load().offences
    convention = [o for o in offences.values() if o.convention]
    assert len(convention) == 11  # UNCC Arts 7-17
    assert all(o.criminal and not o.political and o.article for o in convention)


def test_protected_conduct_points_to_a_known_ground_and_target():
    catalogue = load()
    for conduct in catalogue.conducts.values():
        assert conduct.ground in PROTECTED_GROUNDS
        assert conduct.target in catalogue.targets
    assert catalogue.conducts["same_sex_relations"].ground not in CONVENTION_GROUNDS


def test_speech_offences_fail_dual_criminality_and_name_their_ground():
    offences = load().offences
    for oid in ("extremism", "false_information", "lgbt_propaganda", "blasphemy"):
        assert not offences[oid].criminal and offences[oid].ground


def test_only_ordinary_people_are_invisible():
    targets = load().targets
    assert targets["ordinary"].visibility == 0.0 and targets["ordinary"].ground is None
    assert all(0 < t.visibility <= 1 for tid, t in targets.items() if tid != "ordinary")


def test_plausible_labels_never_hide_a_listed_ground_behind_another():
    """Seeing through a disguise never turns a ground Art 40(22) lists into one it does not list."""
    catalogue = load()
    assert set(catalogue.plausible) == set(catalogue.conducts)
    for conduct, labels in catalogue.plausible.items():
        ground = catalogue.conducts[conduct].ground
        for label in labels:
            label_ground = catalogue.offences[label].ground
            # a label on a listed ground dresses only conduct on a listed ground
            assert label_ground not in CONVENTION_GROUNDS or ground in CONVENTION_GROUNDS, (
                conduct,
                label,
            )


def test_offences_abuse_uses_and_protected_conduct_criminal_in_both_have_sources():
    catalogue = load()
    for oid in ("tax_fraud", "mass_riots", "extortion", "separatism"):
        assert catalogue.offences[oid].source
    testing = catalogue.conducts["authorised_security_testing"]
    assert testing.criminal and testing.source and testing.ground == "expression"
