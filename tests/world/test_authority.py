"""A requested State in a run: its channels, its reading of requesters, its monitoring."""

from __future__ import annotations

import attrs
import simpy

from simulator.domain.model import Channel, Stage
from simulator.domain.monitoring import Monitoring, MonitoringAction, Reputation
from simulator.world.authority import Authority, Reviewers, offered_channels
from tests.world.several import several, with_requested


def authority(**changes) -> Authority:
    scenario = with_requested(several(), "us", **changes)
    return Authority(simpy.Environment(), scenario.requested_states[0], scenario)


def test_preservation_is_always_offered_by_default_along_the_mla_route():
    """A one-State file that never declares channels preserves along routes.preservation."""
    baseline = several().requested_states[0]
    legacy = attrs.evolve(baseline, channels={})
    assert offered_channels(legacy)[Channel.PRESERVATION].route == (Stage.INTAKE, Stage.EXECUTION)
    assert Channel.EMERGENCY not in offered_channels(legacy)
    assert offered_channels(baseline)[Channel.EMERGENCY].route == (Stage.CONTACT_POINT, Stage.EXECUTION)


def test_a_channel_stage_without_its_own_staff_shares_the_mla_reviewers():
    state = authority()
    assert state.plans[Channel.EMERGENCY, Stage.CONTACT_POINT].server is not None
    assert state.plans[Channel.EMERGENCY, Stage.CONTACT_POINT] is not state.plans.get(
        (Channel.MLA, Stage.INTAKE)
    )
    shared = attrs.evolve(several().requested_states[0].channels[Channel.EMERGENCY], stages={})
    state = authority(
        channels={Channel.EMERGENCY: attrs.evolve(shared, route=(Stage.INTAKE, Stage.EXECUTION))}
    )
    assert state.plans[Channel.EMERGENCY, Stage.INTAKE] is state.plans[Channel.MLA, Stage.INTAKE]


def test_reputation_raises_the_record_reviewers_read_only_when_kept():
    kept = authority(reputation=Reputation(enabled=True, weight=0.1))
    before = kept.standings["hybrid"].context.requester_record
    kept.record_finding("hybrid", "uncc-40-22")
    kept.record_finding("hybrid", "uncc-40-9")  # not a persecution finding: no change
    assert kept.standings["hybrid"].context.requester_record == before + 0.1
    forgetful = authority()
    forgetful.record_finding("hybrid", "uncc-40-22")
    assert forgetful.standings["hybrid"].context.requester_record == before


def test_monitoring_suspends_after_enough_findings_and_counts_grants_before_the_flag():
    watcher = authority(monitoring=Monitoring(enabled=True, reference=0.0, threshold=2.0))
    watcher.granted_abusive("authoritarian", counted=True)
    assert not watcher.monitor("authoritarian", "uncc-40-22")
    assert watcher.monitor("authoritarian", "uncc-40-22")
    assert "authoritarian" in watcher.suspended
    assert watcher.flag_observations["authoritarian"] == 2
    watcher.granted_abusive("authoritarian", counted=True)  # after the flag: not counted
    assert watcher.granted_before_flag["authoritarian"] == 1
    assert not watcher.monitor("authoritarian", "uncc-40-22")  # a flag is raised once


def test_escalation_reads_the_requester_as_high_risk_and_never_suspends():
    monitoring = Monitoring(enabled=True, reference=0.0, threshold=1.0, action=MonitoringAction.ESCALATE)
    watcher = authority(monitoring=monitoring)
    assert watcher.monitor("partner", "uncc-40-22")
    standing = watcher.standings["partner"]
    assert standing.escalated and standing.context.requester_record == monitoring.escalated_record
    assert not watcher.suspended


def test_disabled_monitoring_never_flags():
    watcher = authority()
    assert not any(watcher.monitor("authoritarian", "uncc-40-22") for _ in range(100))


def test_the_authority_wide_load_counts_every_staffed_queue():
    env = simpy.Environment()
    scenario = several()
    requested = scenario.requested_states[0]
    wide = attrs.evolve(requested, load_effect=attrs.evolve(requested.load_effect, queue="authority"))
    state = Authority(env, wide, scenario)
    intake = state.plans[Channel.MLA, Stage.INTAKE].server
    legal = state.plans[Channel.MLA, Stage.LEGAL_REVIEW].server
    for server, n in ((intake, intake.staff + 4), (legal, legal.staff + 2)):
        for _ in range(n):
            server.take()
    assert state.waiting(legal) == 6
    narrow = Authority(env, requested, scenario)
    assert narrow.waiting(legal) == 2  # the stage's own queue only


def test_reviewers_hand_over_first_come_first_served():
    env = simpy.Environment()
    reviewers = Reviewers(env, 1)
    assert reviewers.take() is None
    first, second = reviewers.take(), reviewers.take()
    reviewers.done()
    assert first.triggered and not second.triggered
