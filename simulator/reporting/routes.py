"""The routes abuse takes, as tables: by requested State, by channel, monitoring, floods and rushed reviews.

A scenario with several requested States, fast channels (Arts 41-43, 40(4)-(5)), adaptive requesters
or monitoring reports more than the headline (see :mod:`simulator.world.tally`):

- **by requested State** (``requested.<id>.*``): the abusive requests it received, the share of those
  it decided that it granted (pass-through), the share of legitimate requests it refused;
- **by channel** (``channel.<name>.*``): requests whose data were handed over through each channel,
  abusive and legitimate, the mean days from first submission to data, the false emergencies the 24/7
  point of contact saw through (Art 2(o)) and sent on to MLA, and the preservations (Art 42) made and
  lapsed before their disclosure request came;
- **monitoring** (``monitoring.<requested>.<requester>.*``): in how many replications the requested State
  flagged the requester, the days to the flag (a mean over *the replications that flagged it*, so both
  figures are given), the abusive requests it granted before the flag, and the legitimate requests
  lost to a suspension (false alarms when the requester sends no abuse);
- **floods** and **rushed reviews**: low-quality requests an adversary sent to tire the reviewers, and
  per stage the share of reviews started below full thoroughness (``stage.<name>.rushed_share``);
- **providers** and the **provisions data left under** (:mod:`simulator.reporting.providers`).

Each section appears only when its metrics do. The same rows serve the text table of ``mlasim run``,
the paired differences of ``mlasim compare``, the JSON documents and the report page. A row builder
reads a flat mapping of metric name to :class:`~simulator.experiments.stats.Estimate`:
:func:`flat_estimates` rebuilds it from a saved document.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from simulator.experiments.display import format_estimate
from simulator.experiments.stats import Estimate
from simulator.reporting import providers
from simulator.reporting.tables import section
from simulator.world.metrics import Resolved, catalogue

Estimates = Mapping[str, Estimate]


def _columns(template: str, suffixes: tuple[str, ...]) -> tuple[tuple[str, str, str], ...]:
    """(suffix, column header, kind) per metric of a family, from the metrics' declarations."""
    found = []
    for suffix in suffixes:
        declared = catalogue()[template.format(suffix)]
        found.append((suffix, declared.short, declared.kind))
    return tuple(found)


#: Per requested State: metric suffix, column header, kind.
REQUESTED_COLUMNS = _columns(
    "requested.x.{}",
    ("abusive_submitted", "abusive_granted", "abuse_pass_through", "legitimate_refusal_rate"),
)
#: Per channel: metric suffix, column header, kind.
CHANNEL_COLUMNS = _columns("channel.x.{}", ("abusive_handed_over", "legitimate_handed_over", "days_to_data"))
#: Per requested State and requester: metric suffix, column header, kind.
MONITORING_COLUMNS = _columns(
    "monitoring.x.y.{}",
    ("days_to_flag", "requests_before_flag", "abusive_granted_before_flag", "legitimate_lost_to_suspension"),
)
CHANNEL_EXTRAS = tuple(
    (name, catalogue().label(name))
    for name in (
        "channel.emergency.false_claims_detected",
        "channel.preservation.preserved",
        "channel.preservation.lapsed",
    )
)
#: Counts beside the headline kept in a document's ``counts`` block (those present).
COUNTS = tuple(m.name for m in catalogue().section("counts"))


def _owners(estimates: Estimates, prefix: str, depth: int = 1) -> list[tuple[str, ...]]:
    """The owners named after ``prefix`` (``requested.us.x`` -> ``("us",)``), in order of appearance."""
    found: dict[tuple[str, ...], None] = {}
    for name in estimates:
        if name.startswith(prefix):
            parts = name[len(prefix) :].split(".")
            if len(parts) > depth:
                found[tuple(parts[:depth])] = None
    return list(found)


def requested_ids(estimates: Estimates) -> list[str]:
    """The requested States that have metrics among ``estimates``, in order."""
    return [owner for (owner,) in _owners(estimates, "requested.")]


def channel_names(estimates: Estimates) -> list[str]:
    """The channels that have metrics among ``estimates``, in order."""
    return [owner for (owner,) in _owners(estimates, "channel.")]


def monitored_pairs(estimates: Estimates) -> list[tuple[str, str]]:
    """The (requested State, requester) pairs monitoring reports on, in order."""
    return [(a, b) for a, b in _owners(estimates, "monitoring.", 2)]


def rushed_stages(estimates: Estimates) -> list[str]:
    """The stages whose share of rushed reviews is among ``estimates``."""
    return [s for (s,) in _owners(estimates, "stage.") if f"stage.{s}.rushed_share" in estimates]


def _cell(estimates: Estimates, name: str, kind: str) -> str:
    est = estimates.get(name)
    return "-" if est is None else format_estimate(est, kind)


def flagged_text(est: Estimate | None) -> str:
    """``flagged in 3 of 5 replications`` (the share of replications that flagged the requester)."""
    if est is None or est.n == 0 or math.isnan(est.mean):
        return "-"
    return f"{round(est.mean * est.n)} of {est.n}"


def days_to_flag_text(est: Estimate | None) -> str:
    """Days to the flag over the replications that flagged (``never`` when none did)."""
    if est is None or est.n == 0:
        return "never"
    return f"{format_estimate(est, 'days')} (n={est.n})"


def requested_rows(estimates: Estimates) -> list[tuple[str, ...]]:
    """One table row per requested State: requests submitted, granted and refused there, and its rates."""
    return [
        (state, *(_cell(estimates, f"requested.{state}.{m}", kind) for m, _, kind in REQUESTED_COLUMNS))
        for state in requested_ids(estimates)
    ]


def channel_rows(estimates: Estimates) -> list[tuple[str, ...]]:
    """One table row per channel: data handed over through it and the days to data."""
    return [
        (channel, *(_cell(estimates, f"channel.{channel}.{m}", kind) for m, _, kind in CHANNEL_COLUMNS))
        for channel in channel_names(estimates)
    ]


def channel_extra_rows(estimates: Estimates) -> list[tuple[str, str]]:
    """False emergencies seen through and preservations made or lapsed, where there are any."""
    return [(label, _cell(estimates, name, "count")) for name, label in CHANNEL_EXTRAS if name in estimates]


def monitoring_rows(estimates: Estimates, rules: Mapping[str, str] | None = None) -> list[tuple[str, ...]]:
    """One table row per monitored pair: flagged in how many replications, when, and at what cost
    (``rules``: each State's rule and action)."""
    rows = []
    for requested, requester in monitored_pairs(estimates):
        prefix = f"monitoring.{requested}.{requester}."
        rule = (rules or {}).get(requested)
        rows.append(
            (
                requested + (f" ({rule})" if rule else ""),
                requester,
                flagged_text(estimates.get(prefix + "flagged")),
                days_to_flag_text(estimates.get(prefix + "days_to_flag")),
                *(_cell(estimates, prefix + m, kind) for m, _, kind in MONITORING_COLUMNS[1:]),
            )
        )
    return rows


MONITORING_HEADER = (
    "requested State",
    "requester",
    "flagged (replications)",
    *(header for _, header, _ in MONITORING_COLUMNS),
)
REQUESTED_HEADER = ("requested State", *(header for _, header, _ in REQUESTED_COLUMNS))
CHANNEL_HEADER = ("channel", *(header for _, header, _ in CHANNEL_COLUMNS))


def rushed_rows(estimates: Estimates) -> list[tuple[str, str]]:
    """One table row per stage: the share of its reviews started below full thoroughness."""
    return [(s, _cell(estimates, f"stage.{s}.rushed_share", "share")) for s in rushed_stages(estimates)]


def monitoring_rules(scenario: Any) -> dict[str, str]:
    """Each requested State's monitoring in words (``cusum, suspend``), for States that monitor."""
    return {
        state.id: f"{state.monitoring.rule.value}, {state.monitoring.action.value}"
        for state in scenario.requested_states
        if state.monitoring.enabled
    }


def text_lines(
    estimates: Estimates,
    table: Callable[..., list[str]],
    rules: Mapping[str, str] | None = None,
) -> list[str]:
    """The route sections as text lines (``table`` lays out a header and rows)."""
    lines = section(
        "By requested State (each request counted where it was submitted)",
        REQUESTED_HEADER,
        requested_rows(estimates),
        table,
    )
    channels = section(
        "By channel (requests whose data were handed over through it, mean per replication)",
        CHANNEL_HEADER,
        channel_rows(estimates),
        table,
    )
    if channels:
        lines += channels + [f"  {label}: {value}" for label, value in channel_extra_rows(estimates)]
    lines += section(
        "Monitoring (flagged in k of n replications; days to flag over the replications that flagged)",
        MONITORING_HEADER, monitoring_rows(estimates, rules), table,
    )  # fmt: skip
    if "flood_submitted" in estimates:
        flood = _cell(estimates, "flood_submitted", "count")
        lines += ["", f"Flood requests submitted (mean per replication): {flood}"]
    rows = rushed_rows(estimates)
    if rows and all(estimates[f"stage.{s}.rushed_share"].mean == 0 for s in rushed_stages(estimates)):
        lines += ["", "Rushed reviews: none (no review started below full thoroughness)"]
    elif rows:
        lines += ["", "Rushed reviews (share of reviews started below full thoroughness, by stage)"]
        lines += table(("stage", "rushed"), rows)
    return lines + providers.text_lines(estimates, table)


def compared_metrics(names: Mapping[str, Any] | list[str]) -> list[tuple[str, list[Resolved]]]:
    """The route metrics present among ``names``, by section (for side-by-side tables and differences),
    each with its declaration (:mod:`simulator.world.metrics`)."""
    estimates = dict.fromkeys(names)
    metric = catalogue().__getitem__
    sections: list[tuple[str, list[Resolved]]] = []
    found = [
        metric(f"requested.{s}.{m}")
        for s in requested_ids(estimates)
        for m, _, _ in REQUESTED_COLUMNS
        if m != "abusive_granted"
    ]
    sections.append(("By requested State", found))
    found = [metric(f"channel.{c}.{m}") for c in channel_names(estimates) for m, _, _ in CHANNEL_COLUMNS]
    found += [metric(name) for name, _ in CHANNEL_EXTRAS if name in estimates]
    sections.append(("By channel", found))
    sections += providers.compared_metrics(estimates)  # where data left around the central authority
    found = []
    for requested, requester in monitored_pairs(estimates):
        prefix = f"monitoring.{requested}.{requester}."
        found.append(metric(prefix + "flagged"))
        found += [metric(prefix + m) for m, _, _ in MONITORING_COLUMNS]
    sections.append(("Monitoring", found))
    found = [metric(name) for name in COUNTS if name in estimates]
    found += [metric(f"stage.{s}.rushed_share") for s in rushed_stages(estimates)]
    sections.append(("Cases, floods and rushed reviews", found))
    return [(title, metrics) for title, metrics in sections if metrics]


# --- documents ---------------------------------------------------------------------------------
def document_blocks(estimates: Estimates) -> dict[str, Any]:
    """The route metrics as nested JSON blocks (only those present)."""
    blocks: dict[str, Any] = {}
    for key, prefix in (("requested_states", "requested."), ("channels", "channel.")):
        nested: dict[str, dict[str, Any]] = {}
        for name, est in estimates.items():
            if name.startswith(prefix):
                _, owner, metric = name.split(".", 2)
                nested.setdefault(owner, {})[metric] = est.to_dict()
        if nested:
            blocks[key] = nested
    monitoring: dict[str, dict[str, dict[str, Any]]] = {}
    for name, est in estimates.items():
        if name.startswith("monitoring."):
            _, requested, requester, metric = name.split(".", 3)
            monitoring.setdefault(requested, {}).setdefault(requester, {})[metric] = est.to_dict()
    if monitoring:
        blocks["monitoring"] = monitoring
    counts = {name: estimates[name].to_dict() for name in COUNTS if name in estimates}
    if counts:
        blocks["counts"] = counts
    blocks.update(providers.document_blocks(estimates))
    return blocks


def flat_estimates(document: Mapping[str, Any]) -> dict[str, Estimate]:
    """The route metrics of a saved run document (or one configuration of a comparison), by name."""
    flat: dict[str, Estimate] = {}
    for key, prefix in (("requested_states", "requested"), ("channels", "channel")):
        for owner, metrics in (document.get(key) or {}).items():
            for metric, entry in metrics.items():
                flat[f"{prefix}.{owner}.{metric}"] = Estimate.read(entry)
    for requested, by_requester in (document.get("monitoring") or {}).items():
        for requester, metrics in by_requester.items():
            for metric, entry in metrics.items():
                flat[f"monitoring.{requested}.{requester}.{metric}"] = Estimate.read(entry)
    for name, entry in (document.get("counts") or {}).items():
        flat[name] = Estimate.read(entry)
    for stage, metrics in (document.get("stages") or {}).items():
        if "rushed_share" in metrics:
            flat[f"stage.{stage}.rushed_share"] = Estimate.read(metrics["rushed_share"])
    flat.update(providers.flat_estimates(document, Estimate.read))
    return flat
