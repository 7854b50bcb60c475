"""A replication's metrics: each one declared once (what it is) beside the lines that compute it.

:class:`~simulator.world.tally.Tally` counts while the simulation runs; at the end, :func:`summary`
turns the counts into one flat mapping of metric name to value (the row a replication contributes
to the statistics over replications) and :func:`backlog` adds the backlog samples. Every name
either gives resolves to exactly one declaration of :data:`METRICS` (or of the route metrics,
:mod:`simulator.world.reach`): :mod:`simulator.world.metrics` explains the declarations.
The definitions, in words, are the declarations' ``meaning``; see also the tally's docstring.

Adding a metric computed from the tally's counts touches this file only: a declaration and the
line that computes it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from simulator.domain.model import HANDED_OVER, Outcome
from simulator.world.metrics import Better, Kind, Metric

if TYPE_CHECKING:
    from simulator.world.tally import Tally

SHARE, DAYS, COUNT = Kind.SHARE, Kind.DAYS, Kind.COUNT
DAYS_PER_YEAR = 365.0
LOWER, HIGHER, NEITHER = Better.LOWER, Better.HIGHER, Better.NEITHER


def _headline(name: str, label: str, short: str, kind: Kind, better: Better, meaning: str, **extra) -> Metric:
    section = "headline" if kind is not COUNT or name == "backlog_at_end" else "requests"
    return Metric(name, label, short, kind, better, meaning, section, **extra)


#: The headline metrics (section ``headline``: the shares, durations and the backlog), in the order
#: tables show them, and the requests by how they ended (section ``requests``).
HEADLINE = (
    _headline("abuse_pass_through", "abuse pass-through (granted / decided)", "abuse pass-through", SHARE,
              LOWER, "Of the abusive requests the requested State decided, the share it granted: data "
              "handed over for persecution."),
    _headline("abusive_cases_reached", "abusive cases that got the data anywhere", "cases reached", SHARE,
              LOWER, "Of the abusive cases (an abuser's objective: the first request and every request "
              "that follows it), the share whose data were handed over anywhere, through any channel."),
    _headline("abusive_pending_share", "abusive requests still pending", "abusive pending", SHARE, NEITHER,
              "Abusive requests still undecided when the run stopped, as a share of those submitted."),
    _headline("abusive_withdrawn_share", "abusive requests withdrawn", "abusive withdrawn", SHARE, NEITHER,
              "Abusive requests the requester gave up (no answer to a query or a consultation), as a "
              "share of those submitted."),
    _headline("legitimate_refusal_rate", "legitimate requests refused / decided", "legitimate refused",
              SHARE, LOWER, "Of the legitimate requests decided, the share refused: the cost of the "
              "safeguards to ordinary criminal justice."),
    _headline("legitimate_days_median", "legitimate: days to decision, median", "legitimate days (median)",
              DAYS, LOWER, "Half of the legitimate requests decided waited at most this many days from "
              "submission to decision."),
    _headline("legitimate_days_p90", "legitimate: days to decision, 90th pct", "legitimate days (p90)",
              DAYS, LOWER, "One legitimate request in ten decided waited longer than this."),
    _headline("backlog_at_end", "backlog when the run stops", "backlog at end", COUNT, LOWER,
              "Requests still in the pipeline when the run stopped: whether the staff keep up."),
    _headline("abusive_submitted", "abusive requests submitted", "abusive submitted", COUNT, NEITHER,
              "Abusive requests sent in one replication (mean)."),
    _headline("abusive_granted", "abusive requests granted", "abusive granted", COUNT, LOWER,
              "Abusive requests granted in one replication (mean)."),
    _headline("abusive_refused", "abusive requests refused", "abusive refused", COUNT, NEITHER,
              "Abusive requests refused in one replication (mean)."),
    _headline("legitimate_submitted", "legitimate requests submitted", "legitimate submitted", COUNT,
              NEITHER, "Legitimate requests sent in one replication (mean)."),
    _headline("legitimate_granted", "legitimate requests granted", "legitimate granted", COUNT, HIGHER,
              "Legitimate requests granted in one replication (mean)."),
    _headline("legitimate_refused", "legitimate requests refused", "legitimate refused (count)", COUNT,
              LOWER, "Legitimate requests refused in one replication (mean)."),
    _headline("legitimate_withdrawn", "legitimate requests withdrawn", "legitimate withdrawn", COUNT, LOWER,
              "Legitimate requests withdrawn by the requester in one replication (mean)."),
    _headline("surveillance_person_days.abusive", "real-time surveillance granted, abusive (person-days)",
              "surveillance, abusive", COUNT, LOWER, "Days of real-time collection (traffic data, "
              "interception) granted on abusive requests, each grant counting the period its measure runs.",
              unit="person-days"),
    _headline("surveillance_person_days.legitimate",
              "real-time surveillance granted, legitimate (person-days)", "surveillance, legitimate",
              COUNT, NEITHER, "Days of real-time collection granted on legitimate requests.",
              unit="person-days"),
)  # fmt: skip


def _counted(truth: str, what: str, meaning: str, better: Better = NEITHER) -> Metric:
    return Metric(f"{truth}_{what}", f"{truth} requests {what}", f"{truth} {what}", COUNT, better,
                  meaning, "counts")  # fmt: skip


#: Counts beside the headline: cases, and requests neither granted nor refused.
COUNTS = (
    Metric("abusive_cases", "abusive cases", "abusive cases", COUNT, NEITHER, "Abusive cases (an abuser's "
           "objective: its first request and every request that follows it) in one replication (mean).",
           "counts"),
    _counted("abusive", "pending", "Abusive requests still undecided when the run stopped (mean)."),
    _counted("abusive", "withdrawn", "Abusive requests the requester gave up (mean)."),
    _counted("legitimate", "pending", "Legitimate requests still undecided when the run stopped (mean).",
             LOWER),
    _counted("abusive", "preserved", "Abusive requests that ended preserved (Art 42: nothing handed over "
             "yet), in one replication (mean)."),
    _counted("legitimate", "preserved", "Legitimate requests that ended preserved (Art 42), in one "
             "replication (mean)."),
)  # fmt: skip

#: Refusals by provision, and what each requesting State met.
BY_PROVISION_AND_STATE = (
    Metric("refusals.{provision}.abusive", "abusive requests refused citing {provision}",
           "{provision}, abusive", COUNT, NEITHER, "Abusive requests refused citing this provision, "
           "in one replication (mean).", "refusals"),
    Metric("refusals.{provision}.legitimate", "legitimate requests refused citing {provision}",
           "{provision}, legitimate", COUNT, LOWER, "Legitimate requests refused citing this provision, "
           "in one replication (mean).", "refusals"),
    Metric("state.{requester}.submitted", "{requester}: requests submitted", "submitted", COUNT, NEITHER,
           "Requests the requesting State sent in one replication (mean).", "state"),
    Metric("state.{requester}.abusive_submitted", "{requester}: abusive requests submitted", "abusive",
           COUNT, NEITHER, "Abusive requests the requesting State sent in one replication (mean).",
           "state"),
    Metric("state.{requester}.abusive_granted", "{requester}: abusive requests granted", "abusive granted",
           COUNT, LOWER, "Abusive requests of the requesting State granted in one replication (mean).",
           "state"),
    Metric("state.{requester}.abuse_pass_through", "{requester}: abuse pass-through",
           "abuse pass-through", SHARE, LOWER, "Of the requesting State's abusive requests decided, the "
           "share granted.", "state"),
    Metric("state.{requester}.legitimate_refusal_rate", "{requester}: legitimate requests refused",
           "legitimate refused", SHARE, LOWER, "Of the requesting State's legitimate requests decided, "
           "the share refused.", "state"),
    Metric("state.{requester}.legitimate_days_mean", "{requester}: legitimate days to decision (mean)",
           "legitimate days", DAYS, LOWER, "Mean days from submission to decision of the requesting "
           "State's legitimate requests decided.", "state"),
    Metric("state.{requester}.refusals.{provision}", "{requester}: refusals citing {provision}",
           "refusals", COUNT, NEITHER, "The requesting State's requests (abusive and legitimate) refused "
           "citing this provision, in one replication (mean).", "state"),
)  # fmt: skip


def _stage(suffix: str, label: str, short: str, kind: Kind, meaning: str, unit: str = "") -> Metric:
    return Metric(f"stage.{{stage}}.{suffix}", "{stage}: " + label, short, kind, LOWER, meaning, "stage",
                  unit=unit)  # fmt: skip


#: Queueing outputs over the whole run, per stage and for the whole system, and the backlog samples.
QUEUEING = (
    _stage("mean_wait_days", "mean wait for a reviewer (counted requests)", "wait (counted)", DAYS,
           "Mean days a counted request waited in the stage's queue before a reviewer took it up."),
    _stage("time_avg_in_stage", "time-average number in the stage", "L stage", COUNT,
           "Time-average number of requests in the stage (queue and service) over the whole run."),
    _stage("time_avg_in_queue", "time-average number in the queue", "L queue", COUNT,
           "Time-average number of requests waiting in the stage's queue over the whole run."),
    _stage("arrivals_per_day", "arrivals a day", "arrivals/day", COUNT,
           "Requests joining the stage per day over the whole run.", "requests a day"),
    _stage("throughput_per_day", "completions a day", "done/day", COUNT,
           "Requests leaving the stage per day over the whole run.", "requests a day"),
    _stage("mean_time_in_stage_days", "mean days in the stage", "W stage", DAYS,
           "Mean days a request spent in the stage, queue and service, over the whole run."),
    _stage("mean_time_in_queue_days", "mean days in the queue", "W queue", DAYS,
           "Mean days a request waited in the stage's queue over the whole run."),
    Metric("system.time_avg_in_system", "time-average number in the system", "L system", COUNT, LOWER,
           "Time-average number of requests in the pipeline over the whole run.", "system"),
    Metric("system.arrivals_per_day", "arrivals a day", "arrivals/day", COUNT, NEITHER,
           "Requests arriving per day over the whole run, warm-up included.", "system",
           unit="requests a day"),
    Metric("system.mean_time_in_system_days", "mean days in the system", "W system", DAYS, LOWER,
           "Mean days from arrival to the end of a request's life, over every request that ended.",
           "system"),
    Metric("backlog.at_mid_horizon", "backlog in the middle of the arrival window", "backlog, middle",
           COUNT, LOWER, "Requests in the system half-way from the end of the warm-up to the horizon.",
           "backlog"),
    Metric("backlog.at_horizon", "backlog when arrivals stop", "backlog, horizon", COUNT, LOWER,
           "Requests in the system on the horizon's last day, when arrivals stop.", "backlog"),
    Metric("backlog.arrivals_second_half", "arrivals in the second half of the arrival window",
           "arrivals, 2nd half", COUNT, NEITHER, "Requests that arrived between the two backlog samples: "
           "the backlog's growth is measured against them.", "backlog"),
    Metric("backlog.growth_per_year", "backlog growth a year (second half of the arrival window)",
           "backlog growth/year", COUNT, LOWER, "How much the backlog grew between the two samples, "
           "per year (negative: it shrank): a requested State that falls behind shows a positive "
           "trend.", "backlog", unit="requests a year", range=(-math.inf, math.inf)),
    Metric("backlog.arrivals_per_year", "requests arriving a year (second half of the arrival window)",
           "arrivals/year", COUNT, NEITHER, "Requests the requested States received per year between "
           "the two backlog samples, every kind counted (follow-ups and floods included): what a "
           "central authority counts as new requests a year.", "backlog", unit="requests a year"),
)  # fmt: skip

#: The headline by year of the run: learning (case files that know a person) shows as a curve; and
#: what a provider's transparency report counts, per requesting State.
BY_YEAR = (
    Metric("state.{requester}.granted_share", "{requester}: requests granted / decided", "granted",
           SHARE, NEITHER, "Of the requesting State's requests decided (abusive and legitimate), the "
           "share granted: what a provider's transparency report calls 'some data produced'.", "state"),
    Metric("year.{year}.abuse_pass_through", "abuse pass-through, requests of year {year}",
           "year {year}", SHARE, LOWER, "Of the abusive requests submitted in this year of the run "
           "(warm-up years included) and decided, the share granted.", "year"),
    Metric("year.{year}.abusive_decided", "abusive requests of year {year} decided",
           "decided, year {year}", COUNT, NEITHER, "Abusive requests submitted in this year of the run "
           "and decided (granted or refused) before it stopped, in one replication (mean).", "year"),
)  # fmt: skip

METRICS: tuple[Metric, ...] = (*HEADLINE, *COUNTS, *BY_PROVISION_AND_STATE, *QUEUEING, *BY_YEAR)


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, NaN when nothing was counted (left out of the interval)."""
    return numerator / denominator if denominator else math.nan


def truth_name(abusive: bool) -> str:
    """How metric names say a request's hidden truth."""
    return "abusive" if abusive else "legitimate"


def outcomes(tally: Tally, abusive: bool, requester: str | None = None) -> dict[str, int]:
    """Counted requests of one hidden truth (of one requesting State, or all) by how they ended."""
    states = tally.requesters if requester is None else (requester,)
    submitted = sum(tally.submitted[s, abusive] for s in states)
    granted = sum(tally.ended[s, abusive, o] for s in states for o in HANDED_OVER)
    refused = sum(tally.ended[s, abusive, Outcome.REFUSED] for s in states)
    withdrawn = sum(tally.ended[s, abusive, Outcome.WITHDRAWN] for s in states)
    preserved = sum(tally.ended[s, abusive, Outcome.PRESERVED] for s in states)
    return {
        "submitted": submitted,
        "granted": granted,
        "refused": refused,
        "withdrawn": withdrawn,
        "preserved": preserved,
        "pending": submitted - granted - refused - withdrawn - preserved,
    }


def summary(tally: Tally) -> dict[str, float]:
    """A replication's metrics: one flat mapping of name to value."""
    abusive, legitimate = outcomes(tally, True), outcomes(tally, False)
    median, p90 = tally.legitimate_days.quantiles(0.5, 0.9)
    row: dict[str, float] = {
        "abuse_pass_through": ratio(abusive["granted"], abusive["granted"] + abusive["refused"]),
        "abusive_cases_reached": ratio(len(tally.reached & tally.abusive_cases), len(tally.abusive_cases)),
        "abusive_cases": float(len(tally.abusive_cases)),
        "abusive_pending_share": ratio(abusive["pending"], abusive["submitted"]),
        "abusive_withdrawn_share": ratio(abusive["withdrawn"], abusive["submitted"]),
        "legitimate_refusal_rate": ratio(
            legitimate["refused"], legitimate["granted"] + legitimate["refused"]
        ),
        "legitimate_days_median": median,
        "legitimate_days_p90": p90,
        "backlog_at_end": float(tally.in_system),
    }
    for truth, counts in (("abusive", abusive), ("legitimate", legitimate)):
        for what, n in counts.items():
            row[f"{truth}_{what}"] = float(n)
    cited = {provision for provision, _ in tally.refusals}
    for provision in sorted(set(tally.provisions) | cited):
        for flag in (True, False):
            row[f"refusals.{provision}.{truth_name(flag)}"] = float(tally.refusals[provision, flag])
    for state in tally.requesters:
        a, g = outcomes(tally, True, state), outcomes(tally, False, state)
        prefix = f"state.{state}."
        row[prefix + "submitted"] = float(a["submitted"] + g["submitted"])
        row[prefix + "abusive_submitted"] = float(a["submitted"])
        row[prefix + "abusive_granted"] = float(a["granted"])
        row[prefix + "abuse_pass_through"] = ratio(a["granted"], a["granted"] + a["refused"])
        row[prefix + "legitimate_refusal_rate"] = ratio(g["refused"], g["granted"] + g["refused"])
    for stage, (total, n) in tally.waits.items():
        if n:
            row[f"stage.{stage.value}.mean_wait_days"] = total / n
    row["surveillance_person_days.abusive"] = float(tally.surveillance[True])
    row["surveillance_person_days.legitimate"] = float(tally.surveillance[False])
    for state in tally.requesters:
        total, n = tally.state_days.get(state, (0.0, 0))
        row[f"state.{state}.legitimate_days_mean"] = ratio(total, n)
        for provision in tally.provisions:
            row[f"state.{state}.refusals.{provision}"] = float(tally.state_refusals[state, provision])
    row.update(queueing(tally))
    from simulator.world.reach import route_metrics  # reach declares its metrics from the headline

    row.update(route_metrics(tally))
    return row


def backlog(tally: Tally) -> dict[str, float]:
    """The backlog samples as metrics (empty if the run stopped before the sample days)."""
    samples = list(tally.backlog_sampled)
    if len(samples) == 1 and tally.closed_at is not None:  # no follow-up: it stopped at the horizon
        samples.append((tally.in_system, tally.arrivals))
    if len(samples) < 2:
        return {}
    (middle, arrived_middle), (horizon, arrived_horizon) = samples[:2]
    row = {
        "backlog.at_mid_horizon": float(middle),
        "backlog.at_horizon": float(horizon),
        "backlog.arrivals_second_half": float(arrived_horizon - arrived_middle),
    }
    first, last = ([*tally.backlog_sample_days, tally.closed_at or 0.0, tally.closed_at or 0.0])[:2]
    years = (last - first) / DAYS_PER_YEAR if last > first else 0.0
    if years > 0:
        row["backlog.growth_per_year"] = (horizon - middle) / years
        row["backlog.arrivals_per_year"] = (arrived_horizon - arrived_middle) / years
    return row


def granted_shares(tally: Tally) -> dict[str, float]:
    """Per requesting State, the share of its decided requests (of both truths) that were granted."""
    row: dict[str, float] = {}
    for state in tally.requesters:
        a, g = outcomes(tally, True, state), outcomes(tally, False, state)
        granted = a["granted"] + g["granted"]
        row[f"state.{state}.granted_share"] = ratio(granted, granted + a["refused"] + g["refused"])
    return row


def by_year(tally: Tally) -> dict[str, float]:
    """The abuse pass-through of the requests submitted in each year of the run (1, 2, ...)."""
    row: dict[str, float] = {}
    for year in range(1, tally.years + 1):
        granted, refused = tally.by_year[year, True], tally.by_year[year, False]
        row[f"year.{year}.abuse_pass_through"] = ratio(granted, granted + refused)
        row[f"year.{year}.abusive_decided"] = float(granted + refused)
    return row


def queueing(tally: Tally) -> dict[str, float]:
    """Little's-law outputs over the whole run (see the tally's docstring)."""
    if tally.closed_at is None or tally.closed_at <= 0:
        return {}
    end = tally.closed_at
    row = {
        "system.time_avg_in_system": tally.system.average(end),
        "system.arrivals_per_day": tally.arrivals / end,
        "system.mean_time_in_system_days": ratio(tally.sojourn[0], tally.sojourn[1]),
    }
    for stage, occupancy in tally.stages.items():
        prefix = f"stage.{stage.value}."
        row[prefix + "time_avg_in_stage"] = occupancy.in_stage.average(end)
        row[prefix + "time_avg_in_queue"] = occupancy.in_queue.average(end)
        row[prefix + "arrivals_per_day"] = occupancy.joined / end
        row[prefix + "throughput_per_day"] = occupancy.left / end
        row[prefix + "mean_time_in_stage_days"] = ratio(occupancy.stage_time, occupancy.left)
        row[prefix + "mean_time_in_queue_days"] = ratio(occupancy.queue_time, occupancy.started)
    return row
