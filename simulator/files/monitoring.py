"""What a requested State learns about requesters, in a scenario file: ``[reputation]``, ``[monitoring]``.

The tables hold the fields of :class:`simulator.domain.monitoring.Reputation` and
:class:`~simulator.domain.monitoring.Monitoring` (nested in a ``[[requested_state]]`` entry when there
are several requested States). Besides types and ranges, a file must keep the rules well posed: a
discovery delay above 0; a CUSUM reference below 1 (else no flag could ever be raised) and threshold
above 0; SPRT rates ``0 < p0 < p1 < 1`` (an abusive requester draws more findings than a clean one) and
error probabilities in (0, 1) with ``alpha + beta < 1`` (else the flag level is not above 0).
"""

from __future__ import annotations

from simulator.domain.monitoring import (
    DISCOVERED_ABUSE,
    Monitoring,
    MonitoringAction,
    MonitoringRule,
    Reputation,
)
from simulator.domain.provisions import catalogue as provision_catalogue
from simulator.files.reader import Table


def read_reputation(t: Table) -> Reputation:
    d = Reputation()
    reputation = Reputation(
        enabled=t.flag("enabled", d.enabled),
        weight=t.number("weight", d.weight, minimum=0),
        discovery=t.probability("discovery", d.discovery),
        discovery_days=t.number("discovery_days", d.discovery_days, positive=True),
    )
    t.finish()
    return reputation


def _open_probability(t: Table, key: str, default: float) -> float:
    """A probability strictly between 0 and 1."""
    value = t.number(key, default)
    if not 0.0 < value < 1.0:
        t.problem(key, f"must be a probability strictly between 0 and 1, not {value:g}")
        return default
    return value


def read_monitoring(t: Table) -> Monitoring:
    d = Monitoring()
    reference = t.number("reference", d.reference)
    if not 0.0 <= reference < 1.0:
        t.problem(
            "reference", f"must be at least 0 and below 1 (a finding rate tolerated), not {reference:g}"
        )
        reference = d.reference
    p0 = _open_probability(t, "p0", d.p0)
    p1 = _open_probability(t, "p1", d.p1)
    if p1 <= p0:
        t.problem("p1", f"must exceed p0 ({p0:g}): an abusive requester draws findings more often")
    alpha = _open_probability(t, "alpha", d.alpha)
    beta = _open_probability(t, "beta", d.beta)
    if alpha + beta >= 1.0:
        t.problem("beta", f"alpha + beta must be below 1, not {alpha + beta:g}")
    allowed = sorted({*provision_catalogue(), DISCOVERED_ABUSE})
    monitoring = Monitoring(
        enabled=t.flag("enabled", d.enabled),
        rule=t.choice("rule", MonitoringRule, d.rule),
        reference=reference,
        threshold=t.number("threshold", d.threshold, positive=True),
        p0=p0,
        p1=p1,
        alpha=alpha,
        beta=beta,
        action=t.choice("action", MonitoringAction, d.action),
        escalated_record=t.probability("escalated_record", d.escalated_record),
        findings=frozenset(t.names("findings", allowed, sorted(d.findings))),
    )
    t.finish()
    return monitoring
