"""Per-replication statistics, kept as running counts while the simulation runs.

A replication does not keep its requests: each one reports when it arrives and when its life ends,
and the :class:`Tally` adds it to counts by requesting State, by hidden truth (abusive or
legitimate) and by outcome, and to refusal counts by provision. Only the days-to-decision of
legitimate requests are stored (one float each) so their median and 90th percentile are exact
(up to a few MiB of them; past that, a sketch within 0.5%: :mod:`simulator.world.sketch`).
Requests that arrive during the warm-up are simulated (they load the queues) but not counted.

At the end, :meth:`Tally.summary` gives one flat mapping of metric name to value, the row this
replication contributes to the across-replication statistics (:mod:`simulator.experiments.stats`).

Definitions:

- ``abuse_pass_through`` = abusive requests granted / abusive requests decided, where *decided*
  means granted or refused by the requested State (withdrawn and pending requests are reported
  separately: ``abusive_withdrawn_share``, ``abusive_pending_share``);
- ``legitimate_refusal_rate`` = legitimate requests refused / legitimate requests decided;
- ``legitimate_days_median`` and ``legitimate_days_p90``: days from first submission to the final
  decision (grant or refusal) of legitimate requests decided before the end of the run;
- ``backlog_at_end``: requests (warm-up arrivals included) still in the pipeline when the run stops.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable
from typing import ClassVar

from attrs import frozen

from simulator.domain.model import Outcome, Request, Stage
from simulator.world.sketch import Quantiles


@frozen
class MetricSpec:
    name: str
    label: str
    kind: str  # share | days | count


HEADLINE_METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("abuse_pass_through", "abuse pass-through (granted / decided)", "share"),
    MetricSpec("abusive_pending_share", "abusive requests still pending", "share"),
    MetricSpec("abusive_withdrawn_share", "abusive requests withdrawn", "share"),
    MetricSpec("legitimate_refusal_rate", "legitimate requests refused / decided", "share"),
    MetricSpec("legitimate_days_median", "legitimate: days to decision, median", "days"),
    MetricSpec("legitimate_days_p90", "legitimate: days to decision, 90th pct", "days"),
    MetricSpec("backlog_at_end", "backlog when the run stops", "count"),
    MetricSpec("abusive_submitted", "abusive requests submitted", "count"),
    MetricSpec("abusive_granted", "abusive requests granted", "count"),
    MetricSpec("abusive_refused", "abusive requests refused", "count"),
    MetricSpec("legitimate_submitted", "legitimate requests submitted", "count"),
    MetricSpec("legitimate_granted", "legitimate requests granted", "count"),
    MetricSpec("legitimate_refused", "legitimate requests refused", "count"),
    MetricSpec("legitimate_withdrawn", "legitimate requests withdrawn", "count"),
)


SHARE_SUFFIXES = ("pass_through", "_share", "_rate")


def metric_range(name: str) -> tuple[float, float]:
    """The values a metric can take: shares lie in [0, 1], counts and durations are non-negative."""
    if name.endswith(SHARE_SUFFIXES):
        return (0.0, 1.0)
    return (0.0, math.inf)


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, NaN when nothing was counted (left out of the interval)."""
    return numerator / denominator if denominator else math.nan


def _truth(abusive: bool) -> str:
    return "abusive" if abusive else "legitimate"


class Tally:
    """Running counts for one replication."""

    def __init__(
        self,
        warmup_days: float,
        requesters: Iterable[str],
        provisions: Iterable[str],
        keep_outcomes: bool = False,
    ) -> None:
        self.warmup_days = warmup_days
        self.requesters = tuple(requesters)
        self.provisions = tuple(sorted(provisions))
        self.submitted: Counter[tuple[str, bool]] = Counter()
        self.ended: Counter[tuple[str, bool, Outcome]] = Counter()
        self.refusals: Counter[tuple[str, bool]] = Counter()
        self.legitimate_days = Quantiles()  # exact, or a sketch past a few MiB (see sketch.py)
        self.waits: dict[Stage, list[float]] = {stage: [0.0, 0] for stage in Stage}
        self.in_system = 0
        self.arrivals = 0
        # Per request (indexed by id), only when asked for: to pair requests across configurations.
        self.outcomes = RequestOutcomes() if keep_outcomes else None

    def counts(self, request: Request) -> bool:
        return request.submitted_at >= self.warmup_days

    def arrived(self, request: Request) -> None:
        self.arrivals += 1
        self.in_system += 1
        counted = self.counts(request)
        if counted:
            self.submitted[request.submission.requester, request.truth.abusive] += 1
        if self.outcomes is not None:
            self.outcomes.arrived(request, counted)

    def waited(self, request: Request, stage: Stage, days: float) -> None:
        if self.counts(request):
            entry = self.waits[stage]
            entry[0] += days
            entry[1] += 1

    def ended_as(self, request: Request, outcome: Outcome, provision: str | None, day: float) -> None:
        self.in_system -= 1
        if not self.counts(request):
            return
        if self.outcomes is not None:
            self.outcomes.ended(request, outcome, provision)
        abusive = request.truth.abusive
        self.ended[request.submission.requester, abusive, outcome] += 1
        if outcome is Outcome.REFUSED:
            self.refusals[provision, abusive] += 1
        if not abusive and outcome is not Outcome.WITHDRAWN:
            self.legitimate_days.append(day - request.submitted_at)

    def _outcomes(self, abusive: bool, requester: str | None = None) -> dict[str, int]:
        states = self.requesters if requester is None else (requester,)
        submitted = sum(self.submitted[s, abusive] for s in states)
        granted = sum(
            self.ended[s, abusive, o]
            for s in states
            for o in (Outcome.GRANTED, Outcome.CONDITIONALLY_GRANTED)
        )
        refused = sum(self.ended[s, abusive, Outcome.REFUSED] for s in states)
        withdrawn = sum(self.ended[s, abusive, Outcome.WITHDRAWN] for s in states)
        return {
            "submitted": submitted,
            "granted": granted,
            "refused": refused,
            "withdrawn": withdrawn,
            "pending": submitted - granted - refused - withdrawn,
        }

    def summary(self) -> dict[str, float]:
        """This replication's metrics: one flat mapping of name to value."""
        abusive, legitimate = self._outcomes(True), self._outcomes(False)
        median, p90 = self.legitimate_days.quantiles(0.5, 0.9)
        row: dict[str, float] = {
            "abuse_pass_through": ratio(abusive["granted"], abusive["granted"] + abusive["refused"]),
            "abusive_pending_share": ratio(abusive["pending"], abusive["submitted"]),
            "abusive_withdrawn_share": ratio(abusive["withdrawn"], abusive["submitted"]),
            "legitimate_refusal_rate": ratio(
                legitimate["refused"], legitimate["granted"] + legitimate["refused"]
            ),
            "legitimate_days_median": median,
            "legitimate_days_p90": p90,
            "backlog_at_end": float(self.in_system),
        }
        for truth, counts in (("abusive", abusive), ("legitimate", legitimate)):
            for what, n in counts.items():
                row[f"{truth}_{what}"] = float(n)
        cited = {provision for provision, _ in self.refusals}
        for provision in sorted(set(self.provisions) | cited):
            for flag in (True, False):
                row[f"refusals.{provision}.{_truth(flag)}"] = float(self.refusals[provision, flag])
        for state in self.requesters:
            a, g = self._outcomes(True, state), self._outcomes(False, state)
            prefix = f"state.{state}."
            row[prefix + "submitted"] = float(a["submitted"] + g["submitted"])
            row[prefix + "abusive_submitted"] = float(a["submitted"])
            row[prefix + "abusive_granted"] = float(a["granted"])
            row[prefix + "abuse_pass_through"] = ratio(a["granted"], a["granted"] + a["refused"])
            row[prefix + "legitimate_refusal_rate"] = ratio(g["refused"], g["granted"] + g["refused"])
        for stage, (total, n) in self.waits.items():
            if n:
                row[f"stage.{stage.value}.mean_wait_days"] = total / n
        return row


class RequestOutcomes:
    """Each counted request's truth, outcome and cited provision, in arrival order (compact arrays)."""

    NOT_COUNTED: ClassVar[int] = -1
    OUTCOME_CODE: ClassVar[dict[Outcome, int]] = {outcome: code for code, outcome in enumerate(Outcome)}

    def __init__(self) -> None:
        self.abusive = array("b")
        self.outcome = array("b")
        self.provision: list[str | None] = []

    def arrived(self, request: Request, counted: bool) -> None:
        assert request.id == len(self.outcome), "requests are numbered in arrival order"
        self.abusive.append(request.truth.abusive)
        self.outcome.append(self.OUTCOME_CODE[Outcome.PENDING] if counted else self.NOT_COUNTED)
        self.provision.append(None)

    def ended(self, request: Request, outcome: Outcome, provision: str | None) -> None:
        self.outcome[request.id] = self.OUTCOME_CODE[outcome]
        self.provision[request.id] = provision
