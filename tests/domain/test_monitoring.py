"""Properties of reputation and monitoring (simulator.domain.monitoring): CUSUM, SPRT, records.

Each test names, in its docstring, the bug it would catch.
"""

from __future__ import annotations

import math

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.domain.model import Verdict
from simulator.domain.monitoring import (
    DISCOVERED_ABUSE,
    FINDING_PROVISIONS,
    SUSPENSION_PROVISION,
    Monitoring,
    MonitoringRule,
    Reputation,
    Watch,
    fewest_findings_to_flag,
    observe,
    suspension_refusal,
)
from simulator.domain.provisions import catalogue as provision_catalogue
from tests.strategies import monitorings, unit

runs = st.lists(st.booleans(), max_size=300)


def _watch(monitoring: Monitoring, findings) -> list[Watch]:
    watches, watch = [], Watch()
    for finding in findings:
        watch = observe(monitoring, watch, finding)
        watches.append(watch)
    return watches


@given(monitorings(MonitoringRule.CUSUM), runs)
def test_the_cusum_statistic_is_never_negative(monitoring, findings):
    """Catches: a CUSUM without its floor at 0 (``S + x - k`` unclamped), which would bank credit
    from clean decisions and delay the flag of a requester that turns abusive."""
    assert all(w.statistic >= 0 for w in _watch(monitoring, findings))


@given(monitorings())
def test_fewest_findings_to_flag_is_exact(monitoring):
    """That many consecutive findings flag a fresh watch; one fewer does not. Catches: an
    off-by-one in the closed form (ceil vs floor, the reference k forgotten, the SPRT's step
    log(p1/p0) mistaken) or a disagreement with what ``observe`` computes."""
    n = fewest_findings_to_flag(monitoring)
    watches = _watch(monitoring, [True] * n)
    assert watches[-1].flagged
    assert n == 1 or not watches[-2].flagged


@given(monitorings(), runs)
def test_no_sequence_flags_with_fewer_findings_than_the_fewest(monitoring, findings):
    """Catches: clean decisions (or the SPRT restart) raising the statistic, so that a flag could
    come with fewer findings than ``fewest_findings_to_flag`` says."""
    fewest = fewest_findings_to_flag(monitoring)
    for watch in _watch(monitoring, findings):
        if watch.flagged:
            assert watch.findings >= fewest
            break


@given(monitorings(), st.integers(min_value=0, max_value=2000))
def test_a_requester_with_no_findings_is_never_flagged(monitoring, observations):
    """Catches: a flag from observations alone (a negative reference, an SPRT whose boundaries
    sit on the wrong side of 0), which would suspend a clean requester for sending many requests."""
    watches = _watch(monitoring, [False] * observations)
    assert not any(w.flagged for w in watches)
    assert all(w.findings == 0 for w in watches)


@given(monitorings(), runs, runs)
def test_a_flag_is_sticky(monitoring, before, after):
    """Catches: a flag lifted by clean decisions (or by the SPRT restart) within a run, or a flagged
    watch that stops counting observations and findings."""
    watch = Watch()
    for finding in before:
        watch = observe(monitoring, watch, finding)
    raised = 0
    while not watch.flagged:  # findings until the flag (a bounded number: each raises the statistic)
        watch = observe(monitoring, watch, True)
        raised += 1
        assert raised <= 10_000
    for finding in after:
        watch = observe(monitoring, watch, finding)
        assert watch.flagged
    assert watch.observations == len(before) + raised + len(after)
    assert watch.findings == sum(before) + raised + sum(after)


@given(monitorings(MonitoringRule.SPRT), st.floats(min_value=-50.0, max_value=50.0))
def test_the_sprt_restarts_at_0_when_it_crosses_the_lower_boundary(monitoring, statistic):
    """Catches: an SPRT that stays below its lower boundary (a clean history then hides later
    abuse for ever) or restarts elsewhere than 0."""
    lower = math.log(monitoring.beta / (1 - monitoring.alpha))
    upper = monitoring.flag_level
    statistic = max(lower + 1e-9, min(statistic, upper - 1e-6))
    watch = observe(monitoring, Watch(statistic=statistic), False)
    step = math.log((1 - monitoring.p1) / (1 - monitoring.p0))
    if statistic + step <= lower:
        assert watch.statistic == 0.0
    else:
        assert watch.statistic == statistic + step
    assert not watch.flagged


@given(monitorings(MonitoringRule.SPRT))
def test_a_long_clean_run_keeps_the_sprt_between_its_boundaries(monitoring):
    """Catches: the restart missing, so the statistic drifts without bound below the lower boundary."""
    lower = math.log(monitoring.beta / (1 - monitoring.alpha))
    for watch in _watch(monitoring, [False] * 500):
        assert lower < watch.statistic <= 0.0


@given(unit, st.floats(min_value=0.0, max_value=1.0), st.integers(min_value=0, max_value=200))
def test_the_record_rises_with_findings_up_to_1_and_stays_put_when_disabled(rights_record, weight, findings):
    """Catches: a record that falls with a finding, exceeds 1 (evidence weights assume 0..1), or
    moves although reputation is disabled (results of scenarios without it would change)."""
    on = Reputation(enabled=True, weight=weight)
    assert on.record(rights_record, findings) <= on.record(rights_record, findings + 1) <= 1.0
    assert on.record(rights_record, 0) == rights_record
    off = attrs.evolve(on, enabled=False)
    assert off.record(rights_record, findings) == rights_record


def test_findings_are_persecution_grounds_or_discovered_abuse_and_the_suspension_is_a_policy():
    """Catches: a finding provision (or the suspension) cited without a catalogue entry, or the
    suspension presented as a treaty ground."""
    assert FINDING_PROVISIONS - {DISCOVERED_ABUSE} <= set(provision_catalogue())
    suspension = provision_catalogue()[SUSPENSION_PROVISION]
    assert suspension.framework == "policy" and suspension.optional and not suspension.verified
    assert suspension.stage == "intake" and "not a treaty ground" in suspension.summary
    monitoring = Monitoring()
    assert monitoring.counts("uncc-40-22") and monitoring.counts(DISCOVERED_ABUSE)
    assert not monitoring.counts("uncc-40-9") and not monitoring.counts(None)


def test_settings_outside_their_meaning_are_named():
    """Catches: invalid settings (p1 <= p0, alpha + beta >= 1, a negative weight) going unnoticed,
    under which a clean requester could be flagged or a record could fall. A bound of one setting is
    its declaration's (refused on construction); a relation between two is named by ``problems``."""
    assert Monitoring().problems() == ()
    assert [f for f, _ in Monitoring(p0=0.2, p1=0.1).problems()] == ["p1"]
    assert [f for f, _ in Monitoring(alpha=0.6, beta=0.5).problems()] == ["beta"]
    for bad in ({"reference": 1.0}, {"threshold": 0}, {"p0": 0.0}, {"alpha": 1.0}, {"escalated_record": 2}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            Monitoring(**bad)
    with pytest.raises(ValueError, match="weight"):
        Reputation(weight=-0.1)


def test_the_documented_defaults_flag_after_the_documented_number_of_findings():
    """ceil(4 / 0.95) = 5 for the default CUSUM; ceil(log(0.9/0.001) / log(20)) = 3 for the SPRT.
    Catches: a change in a default or in the arithmetic of either rule."""
    assert fewest_findings_to_flag(Monitoring()) == 5
    assert fewest_findings_to_flag(Monitoring(rule=MonitoringRule.SPRT)) == 3


def test_what_moves_a_record_and_what_an_escalated_reviewer_reads():
    """Persecution refusals, discoveries and false emergencies count; other refusals do not."""
    from simulator.domain.monitoring import Monitoring, Reputation

    kept = Reputation(enabled=True)
    assert kept.counts("uncc-40-22") and kept.counts("discovered-abuse") and kept.counts("uncc-2-o")
    assert not kept.counts("uncc-40-9") and not kept.counts(None)
    assert not Reputation(enabled=False).counts("uncc-40-22")
    watch = Monitoring(escalated_record=0.9)
    assert watch.escalated(0.5) == 0.9 and watch.escalated(0.95) == 0.95


def test_a_suspended_requesters_request_is_refused_citing_the_policy():
    from simulator.domain.model import Stage, Verdict
    from simulator.domain.monitoring import SUSPENSION_PROVISION, suspension_refusal

    refusal = suspension_refusal()
    assert (refusal.verdict, refusal.stage, refusal.provision) == (
        Verdict.REFUSE,
        Stage.INTAKE,
        SUSPENSION_PROVISION,
    )


def test_the_suspension_cites_no_treaty_paragraph_because_it_is_not_consulted_on():
    """Mend (issue 24): a suspension refuses at once, without the consultation Art 40(27) requires
    before a refusal pursuant to 40(21), so it may not cite 40(21)(b): it is a policy, said as such."""
    import simulator.domain.monitoring as monitoring_module

    suspension = provision_catalogue()[SUSPENSION_PROVISION]
    assert "40(21)" not in suspension.citation and "40(21)(b)" not in suspension.source
    assert "no treaty ground" in suspension.citation and not suspension.consult
    assert "ASSUMED to be Art 40(21)(b)" not in monitoring_module.__doc__
    refusal = suspension_refusal()
    assert refusal.verdict is Verdict.REFUSE and refusal.provision == SUSPENSION_PROVISION


def test_a_threshold_no_run_can_reach_is_answered_by_the_closed_form(monkeypatch):
    """A threshold of a billion would take a billion steps of the watch: beyond 100,000 findings the
    closed form answers. Catches: the cut-off deleted or moved (the watch stepped at all here)."""
    from simulator.domain import monitoring as module

    def no_stepping(*_):
        raise AssertionError("the watch was stepped for a threshold no run reaches")

    monkeypatch.setattr(module, "observe", no_stepping)
    assert fewest_findings_to_flag(Monitoring(threshold=1e9, reference=0.5)) == 2_000_000_000
    assert fewest_findings_to_flag(Monitoring(threshold=100_001)) == math.ceil(100_001 / 0.95)


def test_the_sprt_restarts_when_it_reaches_its_lower_boundary_exactly():
    """Wald's test accepts "clean" when the ratio falls to log(beta / (1 - alpha)), the boundary
    included: here one clean decision lands on it exactly ((1 - p1) / (1 - p0) = beta / (1 - alpha))."""
    sprt = Monitoring(enabled=True, rule=MonitoringRule.SPRT, p0=0.5, p1=0.75, alpha=0.5, beta=0.25)
    assert math.log((1 - sprt.p1) / (1 - sprt.p0)) == math.log(sprt.beta / (1 - sprt.alpha))
    assert observe(sprt, Watch(), finding=False) == Watch(0.0, 1, 0, False)
