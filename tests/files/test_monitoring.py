"""Reputation and monitoring in files: the domain's fields, well-posed rules, each mistake one line."""

from __future__ import annotations

import pytest

from simulator.domain.monitoring import Monitoring, MonitoringAction, MonitoringRule, Reputation
from tests.conftest import build, deep_update, document
from tests.files.documents import problems_of, several


def test_without_tables_both_are_off_with_the_defaults():
    state = build(document()).requested_state
    assert state.reputation == Reputation() and state.monitoring == Monitoring()


def test_a_reputation_table():
    table = {"enabled": True, "weight": 0.1, "discovery": 0.3, "discovery_days": 90}
    assert build(deep_update(document(), "reputation", table)).requested_state.reputation == Reputation(
        True, 0.1, 0.3, 90
    )


def test_an_sprt_that_escalates():
    table = {
        "enabled": True,
        "rule": "sprt",
        "p0": 0.02,
        "p1": 0.4,
        "alpha": 0.01,
        "beta": 0.2,
        "action": "escalate",
        "escalated_record": 0.8,
        "findings": ["uncc-40-22", "discovered-abuse"],
    }
    monitoring = build(deep_update(document(), "monitoring", table)).requested_state.monitoring
    assert monitoring == Monitoring(
        enabled=True,
        rule=MonitoringRule.SPRT,
        p0=0.02,
        p1=0.4,
        alpha=0.01,
        beta=0.2,
        action=MonitoringAction.ESCALATE,
        escalated_record=0.8,
        findings=frozenset({"uncc-40-22", "discovered-abuse"}),
    )


def test_a_cusum_of_one_of_several_states():
    doc = deep_update(several(), "requested_state.1.monitoring", {"enabled": True, "threshold": 6})
    states = build(doc).requested_states
    assert [s.monitoring.enabled for s in states] == [False, True, False]
    assert states[1].monitoring.threshold == 6


@pytest.mark.parametrize(
    ("dotted", "value", "expected"),
    [
        ("reputation.discovery", 1.2, "reputation.discovery: must be a probability between 0 and 1, not 1.2"),
        ("reputation.discovery_days", 0, "reputation.discovery_days: must be greater than 0 days, not 0"),
        ("reputation.weight", -0.1, "reputation.weight: must be at least 0, not -0.1"),
        ("reputation.enable", True, "reputation.enable: unknown key (did you mean 'enabled'?)"),
        (
            "monitoring.rule",
            "cusm",
            "monitoring.rule: must be one of cusum, sprt, not 'cusm' (did you mean 'cusum'?)",
        ),
        (
            "monitoring.action",
            "halt",
            "monitoring.action: must be one of escalate, suspend, not 'halt'",
        ),
        ("monitoring.threshold", 0, "monitoring.threshold: must be greater than 0, not 0"),
        (
            "monitoring.reference",
            1.0,
            "monitoring.reference: must be below 1 (else no flag could ever be raised), not 1.0",
        ),
        (
            "monitoring.p1",
            0.005,
            "monitoring.p1: must exceed p0 (0.01): an abusive requester draws findings more often",
        ),
        ("monitoring.p0", 0, "monitoring.p0: must be a probability strictly between 0 and 1, not 0"),
        ("monitoring.p1", 1, "monitoring.p1: must be a probability strictly between 0 and 1, not 1"),
        ("monitoring.alpha", 0.95, "monitoring.beta: alpha + beta must be below 1, not 1.05"),
        (
            "monitoring.escalated_record",
            2,
            "monitoring.escalated_record: must be a probability between 0 and 1, not 2",
        ),
        (
            "monitoring.findings",
            ["uncc-40-22", "discovered-abus"],
            "monitoring.findings: item 1: unknown name 'discovered-abus' (did you mean 'discovered-abuse'?)",
        ),
    ],
)
def test_each_mistake_is_one_line_with_its_path(dotted, value, expected):
    assert problems_of(deep_update(document(), dotted, value)) == [f"broken.toml: {expected}"]


def test_a_mistake_in_an_entry_names_the_entry():
    doc = deep_update(several(), "requested_state.0.monitoring.threshold", -1)
    assert problems_of(doc) == [
        "broken.toml: requested_state[0].monitoring.threshold: must be greater than 0, not -1"
    ]
