"""Safeguard configurations: defaults follow the convention, no_safeguards turns everything off."""

from __future__ import annotations

from simulator.domain.model import CONVENTION_GROUNDS, Measure
from simulator.domain.safeguards import (
    STANDARD_BAR,
    DualCriminalityMode,
    JudicialStandard,
    Safeguards,
    no_safeguards,
)


def test_defaults_are_the_convention_as_written():
    s = Safeguards()
    assert s.dual_criminality.mode is DualCriminalityMode.DISCRETIONARY
    assert s.dual_criminality.exempt_measures == {Measure.PRESERVATION}  # Art 42
    assert s.discrimination.grounds == CONVENTION_GROUNDS
    assert not s.political_offence  # no political-offence ground in UNCC Art 40
    assert s.consultation.enabled


def test_no_safeguards_switches_every_ground_off():
    s = no_safeguards()
    assert not (s.scope_test.enabled or s.discrimination.enabled or s.essential_interests.enabled)
    assert s.dual_criminality.mode is DualCriminalityMode.WAIVED
    assert all(s.judicial_order.standard(m) is JudicialStandard.NONE for m in Measure)


def test_judicial_standards_rise_in_strictness():
    bars = [STANDARD_BAR[j] for j in JudicialStandard if j is not JudicialStandard.UNAVAILABLE]
    assert bars == sorted(bars) and len(set(bars)) == len(bars)
