"""How far the "grounds to believe" a request persecutes can go: the score's range, and its bars.

The rights reviewer weighs what it perceives into a score in [0, 1]
(:func:`simulator.domain.grounds.persecution_evidence`):

    requester_record x record  +  target_recognised (if the person is recognised as at risk)
    +  suspect_conduct (if the facts read show no crime here, or a political offence)
    +  prior_notice x notices (politically motivated notices on record against the person)

capped at 1. A ground that refuses on that score (the discrimination clause, Art 40(22); essential
interests used against persecution, 40(21)(b); the human-rights clause, Art 6, where a scenario
enables it) is *reachable* when some combination of signals a request can produce reaches its bar.
A configuration whose weights keep the score below a bar makes that ground dead letter: the tests
check that no shipped configuration does, and ``mlasim evidence`` prints the range per requesting
State so a reader sees which signals a refusal needs.
"""

from __future__ import annotations

from attrs import frozen

from simulator.domain.grounds import RULES
from simulator.domain.safeguards import Safeguards


@frozen
class EvidenceLevels:
    """The score for one requester record, from nothing perceived to everything perceived."""

    record: float  # the requesting State's human-rights record, 0..1
    nothing_perceived: float  # the record alone
    recognised: float  # the person recognised as at risk, the disguise intact, no notices known
    recognised_with_notices: float  # ... and the notices on record against the person
    everything: float  # recognised, notices, and the disguise seen through to suspect conduct


def score(safeguards: Safeguards, record: float, recognised: bool, suspect: bool, notices: int = 0) -> float:
    """The score for these signals (the decision core's own sum, without an Observation)."""
    return safeguards.evidence_weights.score(record, recognised, suspect, notices)


def levels(safeguards: Safeguards, record: float, notices: int) -> EvidenceLevels:
    """The score at each step from nothing perceived to everything, for a requester's human-rights
    ``record`` and the ``notices`` on record against the person."""
    return EvidenceLevels(
        record=record,
        nothing_perceived=score(safeguards, record, False, False),
        recognised=score(safeguards, record, True, False),
        recognised_with_notices=score(safeguards, record, True, False, notices),
        everything=score(safeguards, record, True, True, notices),
    )


def bars(safeguards: Safeguards) -> dict[str, float]:
    """The evidence bar of each ground this configuration refuses on the persecution score."""
    found = {}
    for rule in RULES:
        bar = rule.bar(safeguards)
        if bar is not None:
            found[rule.ground] = bar
    return found


def unreachable(safeguards: Safeguards, worst_record: float, notices: int) -> dict[str, float]:
    """Grounds whose bar the score can never reach, with the best score possible (empty: all reachable)."""
    best = score(safeguards, worst_record, True, True, notices)
    return {pid: best for pid, bar in bars(safeguards).items() if best < bar}
