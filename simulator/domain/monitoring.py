"""What a requested State learns about a requester: its record, and a sequential rule that flags abuse.

When the United States joined consensus on the convention (November 2024), anonymous senior
administration officials said the Department of Justice would "closely scrutinize" requests and
refuse any assistance inconsistent with the convention (as quoted in the press, for instance
Bloomberg, 11 November 2024), and that the administration would develop a risk
management plan. No source describes *how* abuse would be monitored: the two mechanisms below are
**model assumptions**, stated precisely as pure functions of what the requested State finds.

**Findings.** A *finding* against a requester is a refusal (or consultation) on a persecution ground
(Art 40(22), 40(21)(b), Art 6), or abuse discovered after a grant (the person was arrested for their
journalism...), which comes to light with a probability and a delay (a scenario's ``reputation``
settings). Every request of the requester that ends decided is one observation, a finding or not.

**Reputation.** The requester's record as the requested State's reviewers read it rises with each
finding: ``record = min(1, rights_record + weight x findings)``. It feeds the persecution evidence of
its later requests (:func:`simulator.domain.grounds.persecution_evidence`).

**Monitoring** (per requested State, per requester), one of two documented sequential rules:

- **CUSUM** (Page, 1954) on the Bernoulli finding indicator ``x``: ``S = max(0, S + x - k)``, so
  ``S >= 0`` always; a flag when ``S >= h``. ``k`` (``reference``, in [0, 1)) is the finding rate
  tolerated per decided request, ``h`` (``threshold``, > 0) trades delay against false alarms. A
  fresh requester needs at least ``ceil(h / (1 - k))`` findings before a flag
  (:func:`fewest_findings_to_flag`); a requester with no finding is never flagged.
- **SPRT** (Wald, 1945) between a clean finding rate ``p0`` and an abusive one ``p1``: the
  log-likelihood ratio gains ``log(p1/p0)`` per finding and ``log((1-p1)/(1-p0))`` per clean decision;
  a flag when it reaches ``log((1-beta)/alpha)``; when it falls to ``log(beta/(1-alpha))`` the
  requester is accepted as clean and the test restarts from 0 (a repeated SPRT, so a requester that
  turns abusive later is still caught). It needs ``0 < p0 < p1 < 1`` and ``alpha + beta < 1`` (both
  boundaries on the right side of 0); a fresh requester needs at least
  ``ceil(log((1-beta)/alpha) / log(p1/p0))`` findings before a flag.

A flag *escalates* scrutiny (every later request of the requester goes through the full route, at
full thoroughness, read with a record of at least ``escalated_record``) or *suspends* cooperation (later
requests are refused at once, citing ``monitoring-suspension``: a policy, not a treaty ground. It
cites no paragraph of Art 40: a refusal pursuant to 40(21) would have to be consulted on first
(40(27)), and a suspension is not). A flag is sticky: it is never lifted within a run.
"""

from __future__ import annotations

import enum
import math

from attrs import frozen

from simulator.domain.grounds import PERSECUTION_PROVISIONS
from simulator.domain.model import Decision, Stage, Verdict
from simulator.domain.provisions import catalogue
from simulator.domain.settings import choice, flag, names, number, share

#: A finding that is not a refusal: abuse discovered after the data were handed over.
DISCOVERED_ABUSE = "discovered-abuse"
#: Provisions whose refusals count as findings by default (persecution grounds), and a discovery.
FINDING_PROVISIONS = PERSECUTION_PROVISIONS | {DISCOVERED_ABUSE}
#: What counts against a requester's record where a State keeps a reputation: a finding, or a false
#: emergency its 24/7 point of contact saw through (Art 2(o)).
REPUTATION_FINDINGS = FINDING_PROVISIONS | {"uncc-2-o"}
SUSPENSION_PROVISION = "monitoring-suspension"


@frozen
class Reputation:
    """How a requester's record moves with findings, and how abuse after a grant comes to light."""

    enabled: bool = flag(False, "findings worsen the requester's record as reviewers read it")
    weight: float = number(
        0.05, "added to the requester's record per finding", unit="record (0..1)", typical=(0.0, 0.5)
    )
    discovery: float = share(0.0, "chance an abusive grant is discovered later", unit="probability")
    discovery_days: float = number(
        180.0, "mean delay before a discovery (exponential)", unit="days", above_minimum=True
    )

    def counts(self, provision: str | None) -> bool:
        """Whether a refusal (or a discovery) citing ``provision`` moves the record."""
        return self.enabled and provision in REPUTATION_FINDINGS

    def record(self, rights_record: float, findings: int) -> float:
        """The requester's record as reviewers read it after ``findings`` findings."""
        if not self.enabled:
            return rights_record
        return min(1.0, rights_record + self.weight * findings)


class MonitoringRule(enum.StrEnum):
    """The sequential test that flags a requester: a CUSUM, or Wald's sequential probability ratio test."""

    CUSUM = "cusum"
    SPRT = "sprt"


class MonitoringAction(enum.StrEnum):
    """What a flag does: escalate the requester's requests to full review, or suspend cooperation."""

    ESCALATE = "escalate"
    SUSPEND = "suspend"


@frozen
class Monitoring:
    """A requested State's sequential rule on each requester's findings."""

    enabled: bool = flag(False, "watch each requester's findings with a sequential rule")
    rule: MonitoringRule = choice(MonitoringRule.CUSUM, "the sequential rule", MonitoringRule)
    reference: float = number(
        0.05,
        "CUSUM k: the finding rate tolerated per decided request",
        unit="share",
        maximum=1.0,
        below_maximum=True,
        bound_note="else no flag could ever be raised",
    )
    threshold: float = number(4.0, "CUSUM h: the level that raises a flag", above_minimum=True)
    p0: float = share(0.01, "SPRT: finding rate of a clean requester", open_interval=True)
    p1: float = share(0.2, "SPRT: finding rate of an abusive requester", open_interval=True)
    alpha: float = share(0.001, "SPRT: false-alarm probability", unit="probability", open_interval=True)
    beta: float = share(0.1, "SPRT: missed-abuser probability", unit="probability", open_interval=True)
    action: MonitoringAction = choice(
        MonitoringAction.SUSPEND,
        "what a flag does: escalate scrutiny or suspend cooperation",
        MonitoringAction,
    )
    escalated_record: float = share(
        0.9, "an escalated requester's record, as its reviewers read it", unit="record (0..1)"
    )
    findings: frozenset[str] = names(
        lambda: FINDING_PROVISIONS,
        "refusals (and discoveries) that count as findings",
        lambda: {*catalogue(), DISCOVERED_ABUSE},
    )

    def escalated(self, record: float) -> float:
        """The record an escalated requester's reviewers read (at least ``escalated_record``)."""
        return max(record, self.escalated_record)

    def counts(self, provision: str | None) -> bool:
        """Whether a refusal (or a discovery) citing ``provision`` is a finding."""
        return provision in self.findings

    @property
    def flag_level(self) -> float:
        """The statistic's level at which the requester is flagged (the CUSUM threshold, or SPRT's upper
        bound)."""
        if self.rule is MonitoringRule.CUSUM:
            return self.threshold
        return math.log((1.0 - self.beta) / self.alpha)

    def problems(self) -> tuple[tuple[str, str], ...]:
        """(field, problem) for each relation between settings the rules above need (the bounds of each
        setting are its own declaration's)."""
        found = []
        if not self.p1 > self.p0:
            found.append(
                ("p1", f"must exceed p0 ({self.p0:g}): an abusive requester draws findings more often")
            )
        if not self.alpha + self.beta < 1:
            found.append(("beta", f"alpha + beta must be below 1, not {self.alpha + self.beta:g}"))
        return tuple(found)


@frozen
class Watch:
    """The monitoring statistic of one requester at one requested State."""

    statistic: float = 0.0
    observations: int = 0
    findings: int = 0
    flagged: bool = False


def observe(monitoring: Monitoring, watch: Watch, finding: bool) -> Watch:
    """The watch after one more decided request (``finding``: it gave a finding). A flag stays."""
    if watch.flagged:
        return Watch(watch.statistic, watch.observations + 1, watch.findings + finding, True)
    x = 1.0 if finding else 0.0
    if monitoring.rule is MonitoringRule.CUSUM:
        statistic = max(0.0, watch.statistic + x - monitoring.reference)
    else:
        p0, p1 = monitoring.p0, monitoring.p1
        step = math.log(p1 / p0) if finding else math.log((1.0 - p1) / (1.0 - p0))
        statistic = watch.statistic + step
        if statistic <= math.log(monitoring.beta / (1.0 - monitoring.alpha)):
            statistic = 0.0  # accepted as clean: the test restarts
    flagged = statistic >= monitoring.flag_level - 1e-12
    return Watch(statistic, watch.observations + 1, watch.findings + finding, flagged)


def _estimate(monitoring: Monitoring) -> int:
    """The closed form of :func:`fewest_findings_to_flag`, before floating-point rounding."""
    if monitoring.rule is MonitoringRule.CUSUM:
        per_finding = 1.0 - monitoring.reference
    else:
        per_finding = math.log(monitoring.p1 / monitoring.p0)
    return max(1, math.ceil(monitoring.flag_level / per_finding - 1e-12))


def fewest_findings_to_flag(monitoring: Monitoring) -> int:
    """The fewest findings that can raise a flag from a fresh start.

    Clean decisions only lower either statistic (and the SPRT's restart sets it back to 0, never
    above), so the fewest findings are those of an unbroken run of findings. The closed form
    (``ceil(h / (1 - k))`` for CUSUM, ``ceil(log((1-beta)/alpha) / log(p1/p0))`` for SPRT) is checked
    against :func:`observe` itself, so the answer is exact as the watch computes it (floating point
    included): that many consecutive findings flag a fresh :class:`Watch`, one fewer does not.
    """
    estimate = _estimate(monitoring)
    if estimate > 100_000:  # beyond any run a scenario simulates: the closed form
        return estimate
    watch = Watch()
    n = 0
    while not watch.flagged and n <= 2 * estimate:  # the closed form is off by at most one
        watch = observe(monitoring, watch, True)
        n += 1
    return n


def suspension_refusal() -> Decision:
    """The decision on any request of a requester whose cooperation monitoring suspended."""
    return Decision(
        Verdict.REFUSE,
        Stage.INTAKE,
        SUSPENSION_PROVISION,
        "cooperation suspended after monitoring flagged the requester",
    )
