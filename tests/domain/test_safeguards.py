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


def test_non_coercive_assistance_without_dual_criminality_is_a_setting_off_by_default():
    """Mend (issue 24): UNCAC 46(9)(b)'s non-coercive assistance is unverified for UNCC 40(9): off by
    default; on, dual criminality no longer refuses the non-coercive measures, and only those."""
    from simulator.domain.grounds import check_dual_criminality
    from simulator.domain.model import History, Observation, ScreeningDraws, Submission
    from simulator.domain.provisions import provision
    from simulator.domain.safeguards import DualCriminality
    from simulator.domain.settings import Stricter, setting_of

    def observation_for(measure: Measure) -> Observation:
        submission = Submission("r", measure, "extremism", 5.0, 0)
        return Observation(submission, 0.5, True, "journalism", True, False, False, False, None, 0.9, 1.0)

    default = DualCriminality()
    assert not default.non_coercive_without_dual_criminality
    assert setting_of(DualCriminality, "non_coercive_without_dual_criminality").stricter is Stricter.LOWER
    required = DualCriminality(mode=DualCriminalityMode.REQUIRED)
    opted = DualCriminality(mode=DualCriminalityMode.REQUIRED, non_coercive_without_dual_criminality=True)
    for measure, refused_when_opted in ((Measure.SUBSCRIBER_INFO, False), (Measure.STORED_CONTENT, True)):
        seen = observation_for(measure)
        for rule, refused in ((required, True), (opted, refused_when_opted)):
            decision = check_dual_criminality(
                seen, Safeguards(dual_criminality=rule), ScreeningDraws(), History()
            )
            assert (decision is not None) is refused, (measure, rule)
    assert provision("uncc-40-9-b").confidence.value == "low" and provision("uncc-40-9-b").optional
