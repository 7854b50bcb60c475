"""Per-replication statistics, kept as running counts while the simulation runs.

A replication does not keep its requests: each one reports when it arrives and when its life ends,
and the :class:`Tally` adds it to counts by requesting State, by hidden truth (abusive or
legitimate) and by outcome, and to refusal counts by provision. Only the days-to-decision of
legitimate requests are stored (one float each) so their median and 90th percentile are exact
(up to a few MiB of them; past that, a sketch within 0.5%: :mod:`simulator.world.sketch`).
Requests that arrive during the warm-up are simulated (they load the queues) but not counted.

At the end, :meth:`Tally.summary` gives one flat mapping of metric name to value, the row this
replication contributes to the across-replication statistics (:mod:`simulator.experiments.stats`):
:mod:`simulator.world.summary` computes it, and declares each metric (its label, meaning, kind and
bounds: :mod:`simulator.world.metrics`).

Definitions:

- ``abuse_pass_through`` = abusive requests granted / abusive requests decided, where *decided*
  means granted or refused by the requested State (withdrawn and pending requests are reported
  separately: ``abusive_withdrawn_share``, ``abusive_pending_share``);
- ``abusive_cases_reached`` = abusive cases whose data were handed over, through any channel and in
  any requested State / abusive cases. A *case* is an abuser's objective: its first request and every
  request that follows it (the disclosure after a preservation, the pieces of a split request, a
  retry in another State, a fresh request after a refusal). Where requests are never followed up it
  differs from the pass-through only by its denominator (every case, pending and withdrawn ones
  included: "did the abuser get the data anywhere?"); where the abuser adapts, it is the figure that
  says what adapting bought it. Preserved requests (Art 42) hand nothing over and are neither granted
  nor refused (``abusive_preserved``, ``legitimate_preserved``);
- ``legitimate_refusal_rate`` = legitimate requests refused / legitimate requests decided;
- ``legitimate_days_median`` and ``legitimate_days_p90``: days from first submission to the final
  decision (grant or refusal) of legitimate requests decided before the end of the run;
- ``backlog_at_end``: requests (warm-up arrivals included) still in the pipeline when the run stops;
- ``surveillance_person_days.abusive`` / ``.legitimate``: days of real-time collection (traffic data,
  interception) granted, each granted request counting the period its measure runs;
- per requesting State: the mean days to decision of its legitimate requests, and its refusals by
  provision (``state.<id>.refusals.<provision>``).

**Queueing outputs** (``system.*`` and ``stage.<name>.*``) cover the whole run, from day 0 to the end,
and every request, warm-up arrivals included, so a modeller can check Little's law (L = lambda W) from
them: the time-average number in the system and, per stage, in the stage and in its queue (areas
under the count curves, integrated event by event), arrival and completion rates per day, and the
mean time in the system, in each stage and in its queue.

**Backlog samples** (:meth:`Tally.backlog`, kept apart from :meth:`Tally.summary`): the number of
requests in the system (warm-up arrivals included) at two fixed days, the middle of the counted
arrival window (half-way from the end of the warm-up to the end of the horizon) and the end of the
horizon, when arrivals stop, with the arrivals between them: ``backlog.at_mid_horizon``,
``backlog.at_horizon``, ``backlog.arrivals_second_half``. Beside ``backlog_at_end`` (the end of the
follow-up) they show whether the requested State kept up with the requests or fell ever further
behind (:mod:`simulator.experiments.run` turns that into a warning).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from simulator.domain.model import (
    DIRECT_CHANNELS,
    HANDED_OVER,
    Channel,
    Measure,
    Outcome,
    Request,
    Stage,
    Verdict,
)
from simulator.world import summary
from simulator.world.records import Occupancy, RequestOutcomes, StageOccupancy
from simulator.world.sketch import Quantiles
from simulator.world.summary import ratio

__all__ = ["Occupancy", "RequestOutcomes", "StageOccupancy", "Tally", "ratio"]

if TYPE_CHECKING:
    from simulator.world.authority import Authority
    from simulator.world.commands import Ending
    from simulator.world.scenario import Scenario


# bound once (the hot path: see simulator.world)
_MLA = Channel.MLA
_DIRECT = frozenset(DIRECT_CHANNELS)
#: How a provider's decision on a direct request is counted (a refusal: "refused" or "no_data").
_PROVIDER_KIND = {
    Verdict.GRANT: "produced",
    Verdict.PARTIAL_GRANT: "partial",
    Verdict.REDIRECT: "redirected",
}
_REFUSED = Outcome.REFUSED
_WITHDRAWN = Outcome.WITHDRAWN
DAYS_PER_YEAR = 365.0


def enabled_provisions(scenario: Scenario) -> set[str]:
    """The provisions a refusal at any of the scenario's requested States can cite through the central
    authority or a fast channel: its grounds switched on, its channels' own, and monitoring's suspension."""
    from simulator.domain import grounds
    from simulator.domain.channels import channel_provisions
    from simulator.domain.monitoring import SUSPENSION_PROVISION

    provisions: set[str] = set()
    for state in scenario.requested_states:
        provisions |= grounds.enabled_provisions(state.safeguards)
        if state.channels:
            provisions |= channel_provisions(state.channel_rules, state.safeguards)
        if state.monitoring.enabled and state.monitoring.action.value == "suspend":
            provisions.add(SUSPENSION_PROVISION)
    return provisions


class Tally:
    """Running counts for one replication."""

    def __init__(
        self,
        warmup_days: float,
        requesters: Iterable[str],
        provisions: Iterable[str],
        keep_outcomes: bool = False,
        surveillance_days: Mapping[Measure, float] | None = None,
        requested: Iterable[str] = (),
        load_effect: bool = False,
    ) -> None:
        self.warmup_days = warmup_days
        self.surveillance_days = dict(surveillance_days or {})
        self.surveillance: Counter[bool] = Counter()
        self.state_refusals: Counter[tuple[str, str | None]] = Counter()
        self.state_days: dict[str, list[float]] = {}
        self.system = Occupancy()
        self.sojourn = [0.0, 0]
        self.stages: dict[Stage, StageOccupancy] = {}
        self.closed_at: float | None = None
        self.requesters = tuple(requesters)
        self.provisions = tuple(sorted(provisions))
        self.submitted: Counter[tuple[str, bool]] = Counter()
        self.ended: Counter[tuple[str, bool, Outcome]] = Counter()
        self.refusals: Counter[tuple[str, bool]] = Counter()
        self.legitimate_days = Quantiles()  # exact, or a sketch past a few MiB (see sketch.py)
        self.waits: dict[Stage, list[float]] = {stage: [0.0, 0] for stage in Stage}
        self.in_system = 0
        self.arrivals = 0
        self.requested = tuple(requested)  # requested State ids, reported one by one when several
        self.by_requested: Counter[tuple[str, bool, Outcome]] = Counter()
        self.submitted_to: Counter[tuple[str, bool]] = Counter()
        self.channels: Counter[tuple[Channel, bool]] = Counter()  # data handed over, by channel and truth
        self.channel_days: dict[Channel, list[float]] = {}
        self.channel_used: set[Channel] = set()
        self.redirected = 0
        self.preservation = Counter()  # preserved, lapsed
        self.flood = Counter()  # submitted, and by outcome
        self.abusive_cases: set[int] = set()
        self.reached: set[int] = set()
        self.rushed: Counter[Stage] = Counter()
        self.load_effect = load_effect  # reviews can be rushed: report the rushed share, 0 included
        self.monitoring: dict[tuple[str, str], dict[str, float]] = {}
        # Per request (indexed by id), only when asked for: to pair requests across configurations.
        self.outcomes = RequestOutcomes() if keep_outcomes else None
        self.backlog_sampled: list[tuple[int, int]] = []  # (in system, arrivals so far) per sample day
        self.backlog_sample_days: list[float] = []
        # abusive requests decided, by year of the run they were submitted in (1, 2...) and granted
        self.by_year: Counter[tuple[int, bool]] = Counter()
        self.horizon_days: float | None = None  # set by for_scenario: the years by_year reports
        # routes around the central authority (scenarios with providers or regimes): what each provider
        # handed over, what its direct reviews decided, and the provision data left under
        self.routes_modelled = False
        self.providers: tuple[str, ...] = ()
        self.by_provider: Counter[tuple[str, bool]] = Counter()  # (provider, abusive): data handed over
        self.provider_reviews: Counter[tuple[str, str, bool, str]] = Counter()  # see ``routed``
        self.granted_under: Counter[tuple[str, bool]] = Counter()  # (provision, abusive)
        self.bases: frozenset[str] = frozenset()  # provisions data can leave under (reported, 0 included)

    @classmethod
    def for_scenario(cls, scenario: Scenario, keep_outcomes: bool = False) -> Tally:
        """A fresh tally for one replication of ``scenario``."""
        tally = cls(
            scenario.warmup_days,
            (s.id for s in scenario.requesting_states),
            enabled_provisions(scenario),
            keep_outcomes=keep_outcomes,
            surveillance_days=scenario.requested_state.surveillance_days,
            requested=(s.id for s in scenario.requested_states) if scenario.several else (),
            load_effect=any(s.load_effect.enabled for s in scenario.requested_states),
        )
        tally.horizon_days = scenario.horizon_days
        if scenario.routes_modelled:
            from simulator.world.direct import grant_bases

            tally.routes_modelled = True
            tally.providers = tuple(p.id for s in scenario.requested_states for p in s.providers)
            tally.bases = grant_bases(scenario)
        return tally

    def counts(self, request: Request) -> bool:
        """Whether ``request`` counts in the metrics (submitted after the warm-up)."""
        return request.submitted_at >= self.warmup_days

    def arrived(self, request: Request) -> None:
        """Count a request submitted."""
        self.arrivals += 1
        self.in_system += 1
        self.system.change(request.submitted_at, +1)
        counted = request.submitted_at >= self.warmup_days  # self.counts, inline: the hot path
        truth = request.truth
        if counted:
            if truth.flood:
                self.flood["submitted"] += 1
            else:
                self.submitted[request.submission.requester, truth.abusive] += 1
                if self.requested:
                    self.submitted_to[request.submission.requested, truth.abusive] += 1
                if truth.abusive and request.parent is None:
                    self.abusive_cases.add(request.case_id)
        if self.outcomes is not None:
            self.outcomes.arrived(request, counted)

    def waited(self, request: Request, stage: Stage, days: float, thoroughness: float = 1.0) -> None:
        """Count a request's wait for a reviewer at ``stage`` and whether the review was rushed."""
        if request.submitted_at >= self.warmup_days:
            entry = self.waits[stage]
            entry[0] += days
            entry[1] += 1
            if thoroughness < 1.0:
                self.rushed[stage] += 1

    def preserved(self, request: Request, lapsed: bool) -> None:
        """A preservation ended (Art 42); ``lapsed``: its disclosure request comes after the retention."""
        if self.counts(request):
            self.preservation["preserved"] += 1
            self.preservation["lapsed"] += lapsed

    def monitored(self, authority: Authority) -> None:
        """What one requested State's monitoring found about each requester (at the end of the run)."""
        for requester in self.requesters:
            flagged = requester in authority.flagged_at
            self.monitoring[authority.id, requester] = {
                "flagged": float(flagged),
                "days_to_flag": authority.flagged_at.get(requester, math.nan),
                "requests_before_flag": float(authority.flag_observations.get(requester, math.nan)),
                "abusive_granted_before_flag": float(authority.granted_before_flag[requester]),
                "legitimate_lost_to_suspension": float(authority.lost[requester]),
            }

    def occupancy(self, stage: Stage) -> StageOccupancy:
        """The stage's occupancy record (created when a request first joins it)."""
        occupancy = self.stages.get(stage)
        if occupancy is None:
            occupancy = self.stages[stage] = StageOccupancy()
        return occupancy

    def stage_event(self, stage: Stage, event: str, now: float, joined: float = 0.0) -> None:
        """A request joins a stage's queue (``join``), starts service (``start``) or leaves the stage
        (``leave``) at ``now``; ``joined`` is when it joined that stage's queue."""
        self.occupancy(stage).event(event, now, joined)

    def close(self, now: float) -> None:
        """The run stops at ``now``: the time-average counts are taken over [0, now]."""
        self.closed_at = now

    def ended_as(
        self,
        request: Request,
        outcome: Outcome,
        provision: str | None,
        day: float,
        channel: Channel = Channel.MLA,
    ) -> None:
        """Count how a request ended: its outcome, the provision cited, the day, the channel."""
        self.in_system -= 1
        self.system.change(day, -1)
        submitted_at = request.submitted_at
        days = day - submitted_at
        self.sojourn[0] += days
        self.sojourn[1] += 1
        truth = request.truth
        if truth.abusive and (outcome is _REFUSED or outcome in HANDED_OVER) and not truth.flood:
            self.by_year[int(submitted_at // DAYS_PER_YEAR) + 1, outcome is not _REFUSED] += 1
        if submitted_at < self.warmup_days:  # not counted
            return
        submission = request.submission
        if truth.flood:
            self.flood[outcome.value] += 1
            return
        abusive, requester = truth.abusive, submission.requester
        handed_over = outcome in HANDED_OVER  # outcome.data_handed_over, read once
        if submission.channel is not _MLA:
            self.channel_used.add(submission.channel)
            if channel is _MLA and submission.channel not in _DIRECT:  # a false emergency
                self.redirected += 1
        if handed_over:
            self.channels[channel, abusive] += 1
            entry = self.channel_days.setdefault(channel, [0.0, 0])
            entry[0] += days
            entry[1] += 1
            if abusive:
                self.reached.add(request.case_id)
        if self.requested:
            self.by_requested[submission.requested, abusive, outcome] += 1
        if handed_over and submission.measure in self.surveillance_days:
            self.surveillance[abusive] += self.surveillance_days[submission.measure]
        if outcome is _REFUSED:
            self.state_refusals[requester, provision] += 1
            self.refusals[provision, abusive] += 1
        legitimate_decided = not abusive and outcome is not _WITHDRAWN  # its days to decision count
        if legitimate_decided:
            entry = self.state_days.setdefault(requester, [0.0, 0])
            entry[0] += days
            entry[1] += 1
        if self.outcomes is not None:
            self.outcomes.ended(request, outcome, provision)
        self.ended[requester, abusive, outcome] += 1
        if legitimate_decided:
            self.legitimate_days.append(days)

    def routed(self, request: Request, ending: Ending) -> None:
        """Where a counted request's data went, in a scenario with providers or regimes: the provider
        that held them, what that provider decided when asked directly (``produced``, ``partial``,
        ``refused``, ``no_data``, ``redirected``: by provider, requester and whether it claimed an
        emergency), and the provision the data were handed over under."""
        if request.submitted_at < self.warmup_days or request.truth.flood:
            return
        abusive = request.truth.abusive
        handed_over = ending.outcome in HANDED_OVER
        if ending.provider and handed_over:
            self.by_provider[ending.provider, abusive] += 1
        if handed_over and ending.basis:
            self.granted_under[ending.basis, abusive] += 1
        verdict = ending.provider_verdict
        if ending.provider and verdict is not None:
            kind = _PROVIDER_KIND.get(verdict, "refused")
            if kind == "refused" and ending.provision == "provider-no-data":
                kind = "no_data"
            submission = request.submission
            self.provider_reviews[
                ending.provider, submission.requester, submission.emergency_claim, kind
            ] += 1

    def summary(self) -> dict[str, float]:
        """This replication's metrics: one flat mapping of name to value (:mod:`simulator.world.summary`)."""
        return summary.summary(self)

    # --- backlog samples (see the module docstring) ---------------------------------------------
    def backlog_days(self, horizon_days: float) -> tuple[float, float]:
        """The days the backlog is sampled: the middle of the counted arrival window, and its end."""
        start = min(max(self.warmup_days, 0.0), horizon_days)
        return (start + (horizon_days - start) / 2, horizon_days)

    def sample_backlog(self, day: float) -> None:
        """Note the requests in the system and the arrivals so far on a sample day."""
        self.backlog_sampled.append((self.in_system, self.arrivals))
        self.backlog_sample_days.append(day)

    def backlog(self) -> dict[str, float]:
        """The backlog samples as metrics (empty if the run stopped before the sample days)."""
        return summary.backlog(self)

    @property
    def years(self) -> int:
        """The years of the run in which requests arrive (the horizon's, or those seen)."""
        if self.horizon_days is not None:
            return max(1, math.ceil(self.horizon_days / DAYS_PER_YEAR))
        return max((year for year, _ in self.by_year), default=0)

    def granted_shares(self) -> dict[str, float]:
        """Per requesting State, the share of its decided requests granted (what providers report)."""
        return summary.granted_shares(self)

    def by_year_metrics(self) -> dict[str, float]:
        """The abuse pass-through by year of the run (:func:`simulator.world.summary.by_year`)."""
        return summary.by_year(self)
