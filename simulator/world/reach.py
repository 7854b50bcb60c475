"""Where requests went and what reached the requester: channels, requested States, floods, monitoring.

The route metrics, computed from a :class:`~simulator.world.tally.Tally` at the end of a
replication, and only where they apply (a one-State scenario without fast channels reports none):

- per channel (when a request used a fast channel): abusive and legitimate data handed over through
  it, and the mean days from submission to data; false emergencies seen through (Art 2(o));
  preservations (Art 42) and those whose disclosure request came after the retention period;
- per requested State (when there are several): abusive and legitimate requests submitted, granted
  and refused there, its abuse pass-through and legitimate refusal rate;
- flood requests submitted, and per stage the share of reviews started below full thoroughness;
- per requested State and requester (where the State monitors): whether and on which day of the
  run the requester was flagged (NaN if never: its mean over replications is over those that flagged
  it), the decided requests observed by then, abusive requests granted before the flag and
  legitimate requests refused because cooperation was suspended;
- where the scenario has providers or regimes (:mod:`simulator.world.direct`): per provider, the
  abusive and legitimate data it handed over (through any route), what its reviews of requests sent
  to it directly decided, and per requesting State the share of those requests with some data
  produced (ordinary and emergency apart: the measure of providers' transparency reports); and the
  data handed over by the provision they left under (``granted_under.{provision}.*``: the MLA treaty
  between the pair, or the route's basis: 18 U.S.C. 2702(c)(6), Second Protocol Art 7...).

Each metric is declared in :data:`METRICS` (see :mod:`simulator.world.metrics`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.domain.model import HANDED_OVER, Channel, Outcome
from simulator.world.metrics import Better, Kind, Metric
from simulator.world.summary import HEADLINE, ratio, truth_name

if TYPE_CHECKING:
    from simulator.world.tally import Tally


SHARE, DAYS, COUNT = Kind.SHARE, Kind.DAYS, Kind.COUNT
LOWER, HIGHER, NEITHER = Better.LOWER, Better.HIGHER, Better.NEITHER


def _requested(name: str, meaning: str, label: str = "") -> Metric:
    """The headline metric ``name`` at one requested State, of the requests submitted there: its short
    label, kind and direction as the headline declares them (``label``: where the headline's long
    label does not fit)."""
    whole = next(m for m in HEADLINE if m.name == name)
    return Metric(f"requested.{{requested}}.{name}", "{requested}: " + (label or whole.label), whole.short,
                  whole.kind, whole.better, meaning, "requested")  # fmt: skip


def _monitoring(suffix: str, label: str, short: str, kind: Kind, better: Better, meaning: str) -> Metric:
    return Metric(f"monitoring.{{requested}}.{{requester}}.{suffix}", "{requested}/{requester}: " + label,
                  short, kind, better, meaning, "monitoring")  # fmt: skip


#: The route metrics, by channel, requested State, floods, rushed reviews and monitoring.
METRICS = (
    Metric("channel.{channel}.abusive_handed_over", "{channel}: abusive data handed over",
           "abusive data handed over", COUNT, LOWER, "Abusive requests whose data were handed over "
           "through this channel, in one replication (mean).", "channel"),
    Metric("channel.{channel}.legitimate_handed_over", "{channel}: legitimate data handed over",
           "legitimate data handed over", COUNT, HIGHER, "Legitimate requests whose data were handed "
           "over through this channel, in one replication (mean).", "channel"),
    Metric("channel.{channel}.days_to_data", "{channel}: days to data (mean)", "days to data (mean)", DAYS,
           LOWER, "Mean days from first submission to the data, of the requests answered through this "
           "channel.", "channel"),
    Metric("channel.emergency.false_claims_detected", "false emergencies seen through, sent to MLA "
           "(Art 2(o))", "false emergencies seen through", COUNT, HIGHER, "Requests claiming an "
           "emergency the 24/7 point of contact saw through and sent on to MLA, in one replication "
           "(mean).", "channel"),
    Metric("channel.preservation.preserved", "preservations made (Art 42)", "preservations made", COUNT,
           NEITHER, "Preservations made (Art 42), in one replication (mean).", "channel"),
    Metric("channel.preservation.lapsed", "preservations lapsed before the disclosure request",
           "preservations lapsed", COUNT, LOWER, "Preservations whose disclosure request came after the "
           "retention period, in one replication (mean).", "channel"),
    _requested("abusive_submitted", "Abusive requests submitted to this requested State, in one "
               "replication (mean)."),
    _requested("abusive_granted", "Abusive requests this requested State granted, in one replication "
               "(mean)."),
    _requested("abusive_refused", "Abusive requests this requested State refused, in one replication "
               "(mean)."),
    _requested("legitimate_submitted", "Legitimate requests submitted to this requested State, in one "
               "replication (mean)."),
    _requested("legitimate_granted", "Legitimate requests this requested State granted, in one "
               "replication (mean)."),
    _requested("legitimate_refused", "Legitimate requests this requested State refused, in one "
               "replication (mean)."),
    _requested("abuse_pass_through", "Of the abusive requests submitted to this requested State and "
               "decided there, the share it granted.", "abuse pass-through"),
    _requested("legitimate_refusal_rate", "Of the legitimate requests submitted to this requested State "
               "and decided there, the share it refused."),
    Metric("flood_submitted", "flood requests submitted", "flood requests", COUNT, NEITHER, "Low-quality "
           "requests an adversary sent to tire the reviewers, in one replication (mean).", "counts"),
    Metric("stage.{stage}.rushed_share", "{stage}: reviews rushed", "rushed", SHARE, LOWER, "Of the reviews "
           "the stage started, the share started below full thoroughness (a reviewer under load).",
           "stage"),
    _monitoring("flagged", "share of replications flagged", "flagged", SHARE, NEITHER, "Whether the "
                "requested State flagged the requester by the end of the run (over replications: the "
                "share of replications that flagged it)."),
    _monitoring("days_to_flag", "days to flag (flagged runs)", "days to flag", DAYS, NEITHER, "The day of "
                "the run the requester was flagged, over the replications that flagged it."),
    _monitoring("requests_before_flag", "requests before flag", "requests before flag", COUNT, NEITHER,
                "Decided requests of the requester the monitoring had observed when it flagged."),
    _monitoring("abusive_granted_before_flag", "abusive granted before flag", "abusive granted before flag",
                COUNT, LOWER, "Abusive requests of the requester granted before the flag."),
    _monitoring("legitimate_lost_to_suspension", "legitimate lost to suspension",
                "legitimate lost to suspension", COUNT, LOWER, "Legitimate requests of the requester "
                "refused because cooperation was suspended."),
)  # fmt: skip


def _provider(suffix: str, label: str, short: str, kind: Kind, better: Better, meaning: str) -> Metric:
    return Metric(f"provider.{{provider}}.{suffix}", "{provider}: " + label, short, kind, better, meaning,
                  "provider")  # fmt: skip


#: The provider and provision metrics (scenarios with providers or regimes).
PROVIDER_METRICS = (
    _provider("abusive_handed_over", "abusive data handed over", "abusive handed over", COUNT, LOWER,
              "Abusive requests whose data this provider held and handed over, through any route (MLA "
              "included), in one replication (mean)."),
    _provider("legitimate_handed_over", "legitimate data handed over", "legitimate handed over", COUNT,
              HIGHER, "Legitimate requests whose data this provider held and handed over, through any "
              "route, in one replication (mean)."),
    _provider("direct_reviewed", "requests reviewed directly", "reviewed directly", COUNT, NEITHER,
              "Requests sent straight to this provider that it decided, in one replication (mean)."),
    _provider("direct_produced", "some data produced, asked directly", "produced directly", COUNT,
              NEITHER, "Requests sent straight to this provider on which it produced some data (all or "
              "part), in one replication (mean)."),
    _provider("direct_declined", "declined on its policy or law, asked directly", "declined directly",
              COUNT, NEITHER, "Requests sent straight to this provider that it refused or sent back to "
              "MLA on its policy or its law, in one replication (mean)."),
    _provider("direct_no_data", "no data held, asked directly", "no data", COUNT, NEITHER, "Requests sent "
              "straight to this provider on an account it holds no data on, in one replication (mean)."),
    Metric("provider.{provider}.{requester}.some_data_share", "{provider}/{requester}: some data produced "
           "(direct requests)", "some data produced", SHARE, NEITHER, "Of the requesting State's "
           "requests sent straight to this provider (no emergency claimed) that it decided, the share on "
           "which it produced some data: the measure of providers' transparency reports.", "provider"),
    Metric("provider.{provider}.{requester}.emergency_some_data_share", "{provider}/{requester}: some "
           "data produced (emergency requests)", "emergency: some data", SHARE, NEITHER, "Of the "
           "requesting State's emergency requests to this provider that it decided, the share on which it "
           "produced some data.", "provider"),
    Metric("granted_under.{provision}.abusive", "abusive data handed over under {provision}",
           "{provision}, abusive", COUNT, LOWER, "Abusive requests whose data were handed over under this "
           "provision (the MLA treaty between the pair, or the route's basis), in one replication (mean).",
           "provider"),
    Metric("granted_under.{provision}.legitimate", "legitimate data handed over under {provision}",
           "{provision}, legitimate", COUNT, HIGHER, "Legitimate requests whose data were handed over "
           "under this provision, in one replication (mean).", "provider"),
)  # fmt: skip

_PRODUCED = ("produced", "partial")
_KINDS = ("produced", "partial", "refused", "no_data", "redirected")


def provider_metrics(tally: Tally) -> dict[str, float]:
    """The provider and provision metrics (empty where the scenario has neither providers nor regimes)."""
    row: dict[str, float] = {}
    if not tally.routes_modelled:
        return row
    reviews = tally.provider_reviews
    for provider in tally.providers:
        prefix = f"provider.{provider}."
        row[prefix + "abusive_handed_over"] = float(tally.by_provider[provider, True])
        row[prefix + "legitimate_handed_over"] = float(tally.by_provider[provider, False])
        mine = {key: n for key, n in reviews.items() if key[0] == provider}
        row[prefix + "direct_reviewed"] = float(sum(mine.values()))
        row[prefix + "direct_produced"] = float(sum(n for k, n in mine.items() if k[3] in _PRODUCED))
        declined = ("refused", "redirected")
        row[prefix + "direct_declined"] = float(sum(n for k, n in mine.items() if k[3] in declined))
        row[prefix + "direct_no_data"] = float(sum(n for k, n in mine.items() if k[3] == "no_data"))
        for requester in tally.requesters:
            for emergency, name in ((False, "some_data_share"), (True, "emergency_some_data_share")):
                counts = [reviews[provider, requester, emergency, kind] for kind in _KINDS]
                row[f"{prefix}{requester}.{name}"] = ratio(sum(counts[:2]), sum(counts))
    for provision in sorted(tally.bases | {p for p, _ in tally.granted_under}):
        for abusive in (True, False):
            row[f"granted_under.{provision}.{truth_name(abusive)}"] = float(
                tally.granted_under[provision, abusive]
            )
    return row


def route_metrics(tally: Tally) -> dict[str, float]:
    """Metrics of the channels, the requested States, floods and monitoring, where present."""
    row: dict[str, float] = {}
    used = tally.channel_used and tally.channel_used | {c for c, _ in tally.channels}
    for channel in sorted(used or ()):
        prefix = f"channel.{channel.value}."
        row[prefix + "abusive_handed_over"] = float(tally.channels[channel, True])
        row[prefix + "legitimate_handed_over"] = float(tally.channels[channel, False])
        if channel is not Channel.PRESERVATION:  # a preservation hands nothing over (Art 42)
            total, n = tally.channel_days.get(channel, (0.0, 0))
            row[prefix + "days_to_data"] = ratio(total, n)
    if Channel.EMERGENCY in tally.channel_used:
        row["channel.emergency.false_claims_detected"] = float(tally.redirected)
    if tally.preservation or Channel.PRESERVATION in tally.channel_used:
        row["channel.preservation.preserved"] = float(tally.preservation["preserved"])
        row["channel.preservation.lapsed"] = float(tally.preservation["lapsed"])
    for requested in tally.requested:
        prefix = f"requested.{requested}."
        for truth in (True, False):
            granted = sum(tally.by_requested[requested, truth, o] for o in HANDED_OVER)
            refused = tally.by_requested[requested, truth, Outcome.REFUSED]
            name = truth_name(truth)
            row[prefix + f"{name}_submitted"] = float(tally.submitted_to[requested, truth])
            row[prefix + f"{name}_granted"] = float(granted)
            row[prefix + f"{name}_refused"] = float(refused)
        granted = row[prefix + "abusive_granted"]
        row[prefix + "abuse_pass_through"] = ratio(granted, granted + row[prefix + "abusive_refused"])
        granted = row[prefix + "legitimate_granted"]
        refused = row[prefix + "legitimate_refused"]
        row[prefix + "legitimate_refusal_rate"] = ratio(refused, granted + refused)
    if tally.flood:
        row["flood_submitted"] = float(tally.flood["submitted"])
    for stage, (_, n) in tally.waits.items():
        if n and (tally.rushed or tally.load_effect):
            row[f"stage.{stage.value}.rushed_share"] = tally.rushed[stage] / n
    for (requested, requester), values in sorted(tally.monitoring.items()):
        for name, value in values.items():
            row[f"monitoring.{requested}.{requester}.{name}"] = value
    row.update(provider_metrics(tally))
    return row
