"""A requested State's fast channels in a scenario file (UNCC Arts 40(4)-(5), 41-43).

``[channels.<name>]`` (nested in a ``[[requested_state]]`` entry when there are several), one table
per fast channel the State offers; a channel without a table is not offered (expedited preservation
then follows the MLA route of ``preservation`` requests, with the default rules). Each table holds:

- ``route``: the stages its requests meet; the first decides (the 24/7 point of contact, Art 41),
  the others only take time. ``stages.<stage>`` gives a route stage its own staff; a route stage
  without such a table shares the reviewers of the MLA stage of that name, which must exist;
- ``grounds``: the refusal grounds its desk checks, among
  :data:`simulator.domain.channels.CHANNEL_GROUNDS`;
- per channel: ``reservation`` and ``retention_days`` (preservation, Art 42(4), 42(7): at least the
  treaty's 60 days), ``detection`` (emergency: the chance a false claim is seen through).
"""

from __future__ import annotations

from collections.abc import Mapping

from simulator.domain.channels import FAST_CHANNELS, ChannelRules, ChannelSetting
from simulator.domain.model import Channel, Stage
from simulator.files.reader import Table, suggestion
from simulator.files.settings import read_fields
from simulator.files.values import stage_configs
from simulator.world.scenario import ChannelRoute, StageConfig

#: Names of the channels a requested State can offer beside MLA.
FAST_CHANNEL_NAMES = [c.value for c in FAST_CHANNELS]
#: Every stage a channel route can name, the 24/7 point of contact included.
ROUTE_STAGES = [s.value for s in Stage if s is not Stage.PROVIDER]


def read_channels(
    t: Table, mla_stages: Mapping[Stage, StageConfig]
) -> tuple[dict[Channel, ChannelRoute], ChannelRules]:
    """The fast channels a requested State offers (its ``channels`` table), and their rules."""
    for name in t.data:
        if name == Channel.MLA.value:
            t.problem(name, "MLA is not a fast channel: its stages are [stages.*] and its routes [routes]")
        elif name not in FAST_CHANNEL_NAMES:
            hint = suggestion(name, FAST_CHANNEL_NAMES)
            t.problem(name, f"unknown channel{hint}; one of {', '.join(FAST_CHANNEL_NAMES)}")
        t.used.add(name)
    d = ChannelRules()
    routes: dict[Channel, ChannelRoute] = {}
    rules = {}
    for channel in FAST_CHANNELS:
        if not t.has(channel.value) or not isinstance(t.data[channel.value], dict):
            if t.has(channel.value):
                t.table(channel.value)  # reports the wrong type
            rules[channel.value] = d.of(channel)
            continue
        c = t.table(channel.value)
        routes[channel] = _route(c, channel, mla_stages)
        rules[channel.value] = _rules(c, d.of(channel))
        c.finish()
    return routes, ChannelRules(**rules)


def _route(c: Table, channel: Channel, mla_stages: Mapping[Stage, StageConfig]) -> ChannelRoute:
    names = c.names("route", ROUTE_STAGES)
    route = tuple(Stage(s) for s in names)
    if c.has("route") and isinstance(c.data["route"], list) and not c.data["route"]:
        c.problem("route", "must name at least one stage (the first is the desk that decides)")
    elif len(set(route)) != len(route):
        c.problem("route", "must not visit a stage twice")
    written = c.data.get("route")
    readable = isinstance(written, list) and written and all(name in ROUTE_STAGES for name in written)
    listed = written if readable else None  # None: no route to hold the stages to (reported already)
    own_table = c.table("stages")
    for key in own_table.data:
        if key not in ROUTE_STAGES:
            own_table.problem(key, f"unknown stage{suggestion(key, ROUTE_STAGES)}")
            own_table.used.add(key)
        elif listed is not None and key not in listed:
            own_table.problem(key, f"is not on the channel's route ({', '.join(listed)})")
            own_table.used.add(key)
    own = stage_configs(own_table, tuple(s for s in Stage if listed is None or s.value in listed))
    own_table.finish()
    missing = [s.value for s in route if s not in own and s not in mla_stages]
    if missing:
        c.problem(
            "route",
            f"stage(s) with neither a table under channels.{channel.value}.stages nor an MLA stage "
            f"to share: {', '.join(missing)}",
        )
    return ChannelRoute(route=route, stages=own)


def _rules(c: Table, default: ChannelSetting) -> ChannelSetting:
    """A fast channel's own rules (its grounds, and preservation's or emergency's extra settings)."""
    return type(default)(**read_fields(c, type(default), default))
