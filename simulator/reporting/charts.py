"""Which figures a report holds, for each kind of result document.

- a run and a comparison: pass-through per configuration; refusals by provision (abusive against
  legitimate, with citations); abuse pass-through by requesting State; where present, abuse
  pass-through by requested State and the data handed over by channel (abusive and legitimate); days
  to decision of legitimate requests (median and 90th percentile); mean waits for a reviewer by stage;
- a comparison besides: the paired differences against the baseline as forest plots (shares in
  points, durations in days) and, per alternative, the flipped outcomes by provision;
- a sweep: :mod:`simulator.reporting.sweepcharts` (response curves, heatmaps and each setting's
  effect, the configurations with the least abuse pass-through).

Each figure is built from the document alone (:mod:`simulator.reporting.documents`), so a report
made from a saved JSON file has the same figures as one made straight after the run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from simulator.domain import provisions
from simulator.reporting.figures import Chart, Interval, bar_chart, forest
from simulator.world.metrics import catalogue

PERCENT = 100.0
PASS = "abuse_pass_through"


def _labelled(*names: str) -> tuple[tuple[str, str], ...]:
    """(metric, its short label as declared: :mod:`simulator.world.metrics`) for each name."""
    return tuple((name, catalogue().short(name)) for name in names)


SHARE_DIFFERENCES = _labelled(
    "abuse_pass_through", "legitimate_refusal_rate", "abusive_withdrawn_share", "abusive_pending_share"
)
DAYS_DIFFERENCES = _labelled("legitimate_days_median", "legitimate_days_p90")
FLIP_WORDS = {
    "granted_to_refused": ("granted -> refused", "now refused under"),
    "refused_to_granted": ("refused -> granted", "had been refused under"),
}


def cite(pid: str, entry: dict[str, Any] | None = None) -> str:
    """A provision's citation with its confidence mark (a saved document's own text if not catalogued)."""
    if pid in provisions.catalogue():
        return provisions.cite(pid)
    return str((entry or {}).get("citation", pid))


def interval(entry: dict[str, Any] | None) -> Interval:
    """A document entry's mean and interval (all None where it has none)."""
    if not entry:
        return (None, None, None)
    return (entry.get("mean"), entry.get("ci_low"), entry.get("ci_high"))


def configurations_of(kind: str, document: dict[str, Any]) -> list[dict[str, Any]]:
    """Each configuration as ``label``, ``metrics``, ``refusals``, ``requesting_states``, ``stages``."""
    if kind == "run":
        return [{"label": document["scenario"], **document}]
    return list(document["configurations"])


def charts(kind: str, document: dict[str, Any]) -> list[Chart]:
    """The figures of a document of this kind, in the order a report shows them."""
    if kind in ("check", "assumptions"):
        return []
    if kind == "sweep":
        from simulator.reporting.sweepcharts import sweep_charts

        return sweep_charts(document)
    configurations = configurations_of(kind, document)
    found = [record(document)] if kind == "run" and document.get("record") else []
    found += [spread(document)] if kind == "run" else []
    found += [pass_through(configurations), *refusals(kind, configurations), by_state(kind, configurations)]
    found += [by_requested_state(kind, configurations), by_channel(kind, configurations)]
    found += [days(configurations), stage_waits(configurations)]
    if kind == "comparison":
        found += differences(document) + flips(document)
    return [chart for chart in found if chart is not None]


RATES = _labelled(PASS, "legitimate_refusal_rate")


def record(document: dict[str, Any]) -> Chart:
    """Each target's observed figure (a band) against the simulated mean and its interval."""
    from simulator.reporting.figures import ranges_against

    rows = []
    for fit in document["record"]["fits"]:
        scale = 100.0 if fit["kind"] == "share" else 1.0
        observed = fit["observed"]
        if observed["value"] is not None:
            band = (observed["value"] - 2 * observed["sd"], observed["value"] + 2 * observed["sd"])
        else:
            band = (observed["low"], observed["high"])
        band = tuple(None if v is None else v * scale for v in band)
        simulated = interval(fit["simulated"])
        simulated = tuple(None if v is None else v * scale for v in simulated)
        unit = "%" if fit["kind"] == "share" else fit["units"]
        held = "" if fit["use"] == "fit" else " (held out)"
        rows.append((f"{fit['id']}{held}", band, simulated, unit))
    return ranges_against(
        "record",
        "How this scenario compares with the public record",
        "Each published figure (green: its range, a value +/- 2 standard deviations, or a bound) against "
        "the simulated mean with its 95% confidence interval over replications; held-out figures were "
        "not used to fit the scenario.",
        rows,
    )


def metric_series(configurations: list[dict[str, Any]], metrics) -> list[tuple[str, list[Interval]]]:
    """One series per (metric, label): that metric's interval in each configuration."""
    return [
        (label, [interval(c["metrics"].get(metric)) for c in configurations]) for metric, label in metrics
    ]


def pass_through(configurations: list[dict[str, Any]]) -> Chart:
    """Abuse pass-through and legitimate refusals of each configuration."""
    return bar_chart(
        "pass-through",
        "Abuse pass-through and legitimate refusals, per configuration",
        "Bars are means over replications and whiskers their 95% confidence intervals: the share of "
        "decided abusive requests granted, and of decided legitimate requests refused.",
        [c["label"] for c in configurations],
        metric_series(configurations, RATES),
        "% of decided requests",
        PERCENT,
    )


def _provisions(configurations: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Provision ids that refused anything in any configuration, with their label (citation, title)."""
    found: dict[str, str] = {}
    for c in configurations:
        for pid, entry in c.get("refusals", {}).items():
            means = [(entry.get(t) or {}).get("mean") or 0.0 for t in ("abusive", "legitimate")]
            if any(means):
                found[pid] = f"{cite(pid, entry)}: {entry.get('title', '')}".rstrip(": ")
    return sorted(found.items())


def refusals(kind: str, configurations: list[dict[str, Any]]) -> list[Chart]:
    """Refusals by provision, of abusive and of legitimate requests (none if nothing was refused)."""
    cited = _provisions(configurations)
    if not cited:
        return []
    labels = [label for _, label in cited]
    caption = "Mean refusals per replication citing each provision, with 95% confidence intervals."
    if kind == "run":
        entries = configurations[0]["refusals"]
        series = [
            (truth, [interval(entries[pid].get(truth)) for pid, _ in cited])
            for truth in ("abusive", "legitimate")
        ]
        return [
            bar_chart(
                "refusals",
                "Refusals by provision: abusive and legitimate requests",
                caption,
                labels,
                series,
                "refusals per replication",
            )
        ]
    return [
        bar_chart(
            f"refusals-{truth}",
            f"Refusals of {truth} requests by provision, per configuration",
            caption,
            labels,
            [
                (c["label"], [interval(c["refusals"].get(pid, {}).get(truth)) for pid, _ in cited])
                for c in configurations
            ],
            "refusals per replication",
        )
        for truth in ("abusive", "legitimate")
    ]


def by_state(kind: str, configurations: list[dict[str, Any]]) -> Chart | None:
    """Abuse pass-through of each requesting State's requests (and a run's legitimate refusals)."""
    return _state_chart(
        kind, configurations, "requesting_states", list(configurations[0].get("requesting_states", {})),
        ("states", "By requesting State", "Abuse pass-through (and, for a single run, legitimate refusals) "
         "of each requesting State's requests, with 95% confidence intervals; a State with no abusive "
         "request decided has no bar."),
    )  # fmt: skip


def _state_chart(
    kind: str, configurations: list[dict[str, Any]], key: str, states: list[str], text: tuple[str, str, str]
) -> Chart | None:
    """The bar chart of abuse pass-through by State (the entries of ``key``: requesting or requested
    States), with legitimate refusals for a run; ``text``: the chart's name, title and caption."""
    if not states:
        return None
    series = _owner_series(kind, configurations, key, states, RATES, PASS)
    return bar_chart(*text, states, series, "% of decided requests", PERCENT)


def _owners(configurations: list[dict[str, Any]], key: str) -> list[str]:
    return list(dict.fromkeys(owner for c in configurations for owner in c.get(key) or {}))


def _owner_series(
    kind: str,
    configurations: list[dict[str, Any]],
    key: str,
    owners: list[str],
    run_metrics: Sequence[tuple[str, str]],
    compared: str,
) -> list[tuple[str, list[Interval]]]:
    """The bars of a chart by owner (a State, a channel: the entries of ``key``): for a run, one series
    per (metric, label) of ``run_metrics``; for several configurations, one series per configuration,
    of its ``compared`` metric."""
    if kind == "run":
        entries = configurations[0][key]
        return [(label, [interval(entries[o].get(metric)) for o in owners]) for metric, label in run_metrics]
    return [
        (c["label"], [interval((c.get(key) or {}).get(o, {}).get(compared)) for o in owners])
        for c in configurations
    ]


def by_requested_state(kind: str, configurations: list[dict[str, Any]]) -> Chart | None:
    """Abuse pass-through where each request was submitted, in a scenario with several requested States."""
    return _state_chart(
        kind, configurations, "requested_states", _owners(configurations, "requested_states"),
        ("requested-states", "By requested State", "Abuse pass-through (and, for a single run, "
         "legitimate refusals) at each requested State, of the requests submitted there, with 95% "
         "confidence intervals; a State that decided no abusive request has no pass-through bar."),
    )  # fmt: skip


CHANNEL_SERIES = (("abusive_handed_over", "abusive"), ("legitimate_handed_over", "legitimate"))


def by_channel(kind: str, configurations: list[dict[str, Any]]) -> Chart | None:
    """Requests whose data were handed over through each channel (MLA, emergency, Art 43...)."""
    channels = _owners(configurations, "channels")
    if not channels:
        return None
    series = _owner_series(kind, configurations, "channels", channels, CHANNEL_SERIES, "abusive_handed_over")
    what = "abusive and legitimate requests" if kind == "run" else "abusive requests, per configuration"
    return bar_chart(
        "channels",
        "Data handed over, by channel",
        f"Mean number of {what} per replication whose data were handed over through each channel "
        "(preservation hands nothing over: its data come through the MLA request that follows), with "
        "95% confidence intervals.",
        [ch.replace("_", " ") for ch in channels],
        series,
        "requests per replication",
    )


def days(configurations: list[dict[str, Any]]) -> Chart:
    """The median and 90th percentile of legitimate requests' days to decision, per configuration."""
    return bar_chart(
        "days",
        "Days to decision of legitimate requests",
        "The median and the 90th percentile of the days from submission to grant or refusal, averaged "
        "over replications, with 95% confidence intervals: the middle and the slow tail of the distribution.",
        [c["label"] for c in configurations],
        metric_series(
            configurations,
            (("legitimate_days_median", "median"), ("legitimate_days_p90", "90th percentile")),
        ),
        "days",
    )


def stage_waits(configurations: list[dict[str, Any]]) -> Chart | None:
    """The mean wait for a reviewer at each stage, per configuration (None without stages)."""
    stages = list(dict.fromkeys(s for c in configurations for s in c.get("stages", {})))
    if not stages:
        return None
    return bar_chart(
        "stage-waits",
        "Mean wait for a reviewer, by stage",
        "Days a request waits in each stage's queue before a reviewer takes it up, averaged over "
        "replications, with 95% confidence intervals.",
        [s.replace("_", " ") for s in stages],
        [
            (c["label"], [interval(_queue_wait(c["stages"].get(s, {}))) for s in stages])
            for c in configurations
        ],
        "days",
    )


def _queue_wait(stage: dict[str, Any]) -> dict[str, Any] | None:
    """A stage's mean days in queue: the whole-run figure every stage has (execution included), else
    the wait counted for reviewer stages only (documents saved before the queueing outputs)."""
    return stage.get("mean_time_in_queue_days") or stage.get("mean_wait_days")


def differences(document: dict[str, Any]) -> list[Chart]:
    """Forest plots of each alternative's paired differences with the baseline: shares, then days."""
    alternatives = document["configurations"][1:]
    baseline = document["baseline"]
    found = []
    for name, metrics, unit, scale in (
        ("differences", SHARE_DIFFERENCES, "percentage points", PERCENT),
        ("differences-days", DAYS_DIFFERENCES, "days", 1.0),
    ):
        rows = [
            (f"{c['label']}: {label}", interval(c["difference"].get(metric)))
            for c in alternatives
            for metric, label in metrics
        ]
        found.append(
            forest(
                name,
                f"Paired differences against {baseline} ({unit})",
                "Each point is an alternative's mean minus the baseline's, replication by replication on the "
                "same requests, with its 95% interval; blue where the interval excludes zero.",
                rows,
                f"difference ({unit})",
                scale,
            )
        )
    return found


def flip_rows(entry: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(key, label, estimate) per provision-level kind of flipped outcome with a positive mean."""
    rows = []
    for truth in ("abusive", "legitimate"):
        for direction, (words, whose) in FLIP_WORDS.items():
            key = f"{truth}.{direction}"
            for name, est in sorted(entry.get("flipped", {}).items()):
                if name.startswith(key + ".") and (est.get("mean") or 0) > 0:
                    pid = name[len(key) + 1 :]
                    citation = cite(pid, {"citation": entry.get("citations", {}).get(pid, pid)})
                    rows.append((name, f"{truth} {words}, {whose} {citation}", est))
    return rows


def flips(document: dict[str, Any]) -> list[Chart]:
    """For each alternative, the requests whose outcome flipped against the baseline, by kind."""
    found = []
    for i, entry in enumerate(document["configurations"][1:], start=1):
        rows = flip_rows(entry)
        if not rows:
            continue
        found.append(
            bar_chart(
                f"flips-{i}",
                f"Flipped outcomes: {entry['label']} against {document['baseline']}",
                "Requests granted under one configuration and refused under the other, mean per "
                "replication with 95% intervals, by the provision that refused them.",
                [label for _, label, _ in rows],
                [("requests", [interval(est) for _, _, est in rows])],
                "requests per replication",
            )
        )
    return found


#: The metrics whose spread over the assumptions the report draws.
SPREAD_METRICS = ("abuse_pass_through", "legitimate_refusal_rate", "legitimate_days_median")


def spread(document: dict[str, Any]) -> Chart | None:
    """The headline over the assumptions: each metric's draws, with the noise interval drawn on them."""
    from simulator.reporting.figures import spread_figure

    found = document.get("uncertainty") or {}
    draws, spreads = found.get("draw_means") or {}, found.get("metrics") or {}
    panels = []
    for metric in SPREAD_METRICS:
        if metric not in draws or metric not in spreads or spreads[metric]["low"] == spreads[metric]["high"]:
            continue  # a metric the draws do not move has no spread to draw
        scale = PERCENT if catalogue().kind(metric) == "share" else 1.0
        values = [float("nan") if v is None else v * scale for v in draws[metric]]
        mean, low, high = interval(document["metrics"].get(metric))
        central = tuple(None if v is None else v * scale for v in (mean, low, high))
        ends = tuple(
            float("nan") if spreads[metric][k] is None else spreads[metric][k] * scale
            for k in ("low", "high")
        )
        axis = "% of decided requests" if scale == PERCENT else "days"
        panels.append((catalogue().label(metric), axis, values, central, ends))
    if not panels:
        return None
    count = found.get("draws")
    return spread_figure(
        "spread",
        "The headline over the assumptions",
        f"Bars: how the {count} draws over the declared ranges spread each metric (each draw a tick: its "
        "mean over its replications); dashed lines: the 5th and 95th percentiles; the orange line and "
        "band: the central value and its 95% interval over replications (the noise).",
        panels,
    )
