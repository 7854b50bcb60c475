"""Where requests went and what reached the requester: channels, requested States, floods, monitoring.

The metrics of issue 9, computed from a :class:`~simulator.world.tally.Tally` at the end of a
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
  legitimate requests refused because cooperation was suspended.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.domain.model import HANDED_OVER, Channel, Outcome

if TYPE_CHECKING:
    from simulator.world.tally import Tally


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("nan")


def _truth(abusive: bool) -> str:
    return "abusive" if abusive else "legitimate"


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
            row[prefix + "days_to_data"] = _ratio(total, n)
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
            name = _truth(truth)
            row[prefix + f"{name}_submitted"] = float(tally.submitted_to[requested, truth])
            row[prefix + f"{name}_granted"] = float(granted)
            row[prefix + f"{name}_refused"] = float(refused)
        granted = row[prefix + "abusive_granted"]
        row[prefix + "abuse_pass_through"] = _ratio(granted, granted + row[prefix + "abusive_refused"])
        granted = row[prefix + "legitimate_granted"]
        refused = row[prefix + "legitimate_refused"]
        row[prefix + "legitimate_refusal_rate"] = _ratio(refused, granted + refused)
    if tally.flood:
        row["flood_submitted"] = float(tally.flood["submitted"])
    for stage, (_, n) in tally.waits.items():
        if n and (tally.rushed or tally.load_effect):
            row[f"stage.{stage.value}.rushed_share"] = tally.rushed[stage] / n
    for (requested, requester), values in sorted(tally.monitoring.items()):
        for name, value in values.items():
            row[f"monitoring.{requested}.{requester}.{name}"] = value
    return row
