"""Requested States in a scenario file: criminal law, screening stages, routes, load, channels, watch.

Two forms. **One requested State**: ``[requested_state]`` holds its name
and law, and its parts are top-level tables, ``[stages.*]``, ``[routes]``, ``[load_effect]``,
``[safeguards.*]``, ``[channels.*]``, ``[reputation]``, ``[monitoring]``; its id is ``"requested"``
unless ``requested_state.id`` says otherwise. **Several requested States**: ``[[requested_state]]``
entries, each with a unique ``id`` and its own parts nested inside (``[requested_state.stages.*]``...).
A top-level part next to ``[[requested_state]]`` entries is an error: it would be unclear whose it is.

The MLA stages are the pipeline of the central authority (Art 40); the 24/7 point of contact
(``contact_point``, Art 41) is staffed only through a fast channel's own ``stages`` table
(:mod:`simulator.files.channels`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.model import MLA_STAGES, Measure, Stage
from simulator.domain.settings import setting_of
from simulator.files.channels import read_channels
from simulator.files.monitoring import read_monitoring, read_reputation
from simulator.files.providers import check_reviewers, read_direct_routes, read_providers, read_regimes
from simulator.files.reader import REQUIRED, Table
from simulator.files.safeguards import read_safeguards
from simulator.files.settings import read_settings, read_value
from simulator.files.values import stage_configs, state_id, unique_ids
from simulator.world.distributions import Exponential
from simulator.world.scenario import SURVEILLANCE_DAYS, LoadEffect, RequestedState, StageConfig

#: The stages of the MLA pipeline a file can staff and route through.
STAGES = [s.value for s in MLA_STAGES]
#: The parts of a requested State: top-level tables in the one-State form, nested in each entry otherwise.
PARTS = (
    "stages",
    "routes",
    "load_effect",
    "safeguards",
    "channels",
    "reputation",
    "monitoring",
    "provider",
    "regimes",
    "direct_routes",
)
#: The id of the requested State of a one-State file that does not name it.
DEFAULT_ID = "requested"


def read_requested_states(root: Table) -> list[RequestedState]:
    """The requested States of a scenario document, in either form."""
    if not isinstance(root.data.get("requested_state"), list):
        info = root.table("requested_state", required=True)
        _misplaced_parts(
            info,
            "with one requested State [{key}] is a top-level table "
            "(or write [[requested_state]] entries, each with its own)",
        )
        return [_requested_state(info, root, DEFAULT_ID)]
    _misplaced_parts(
        root,
        "a top-level [{key}] table cannot stand next to [[requested_state]] entries: "
        "give each entry its own (requested_state.{key})",
    )
    states = [
        _requested_state(entry, entry, REQUIRED) for entry in root.tables("requested_state", required=True)
    ]
    unique_ids(root, "requested_state", [s.id for s in states])
    return states


def _misplaced_parts(table: Table, why: str) -> None:
    """A problem for each part of a requested State that ``table`` holds where it cannot stand."""
    for key in PARTS:
        if table.has(key):
            table.used.add(key)
            table.problem(key, why.format(key=key))


def _requested_state(info: Table, parts: Table, default_id: Any) -> RequestedState:
    """One requested State: ``info`` holds its name and law, ``parts`` its stages, routes... (the
    same table for an entry of the several-State form)."""
    safeguards = read_safeguards(parts.table("safeguards"))
    catalogue = load_catalogue()
    offences = list(catalogue.offences)
    identifier = state_id(info, default_id)
    name = info.text("name", identifier if default_id is REQUIRED else REQUIRED)
    extra = set(info.names("criminalises", offences, []))
    removed = set(info.names("decriminalises", offences, []))
    criminalised = {o.id for o in catalogue.offences.values() if o.criminal} | extra
    postponement = read_value(
        info, "postponement_days", setting_of(RequestedState, "postponement_days"), Exponential(60.0)
    )
    visibility = _target_visibility(info.table("target_visibility"), catalogue.targets)
    sv = info.table("surveillance_days")
    surveillance = {
        m: sv.number(m.value, SURVEILLANCE_DAYS[m], minimum=0)
        for m in (Measure.REAL_TIME_TRAFFIC, Measure.INTERCEPTION)
    }
    sv.finish()
    if info is not parts:
        info.finish()

    stages_table = parts.table("stages", required=True)
    stages = stage_configs(stages_table, MLA_STAGES)
    stages_table.finish()
    routes = _routes(parts.table("routes"), stages)
    load_effect = _load_effect(parts.table("load_effect"))
    channels, channel_rules = read_channels(parts.table("channels"), stages)
    reputation = read_reputation(parts.table("reputation"))
    monitoring = read_monitoring(parts.table("monitoring"))
    providers = read_providers(parts)
    regimes = read_regimes(parts.table("regimes"))
    direct_rules = read_direct_routes(parts.table("direct_routes"))
    if providers:
        check_reviewers(parts, direct_rules, stages, regimes)
    if info is parts:
        parts.finish()
    return RequestedState(
        name=name,
        criminalised=frozenset(criminalised - removed),
        stages=stages,
        routes=routes,
        safeguards=safeguards,
        load_effect=load_effect,
        postponement_days=postponement,
        target_visibility=visibility,
        surveillance_days=surveillance,
        id=identifier,
        channels=channels,
        channel_rules=channel_rules,
        reputation=reputation,
        monitoring=monitoring,
        providers=providers,
        direct_rules=direct_rules,
        regimes=regimes,
    )


def _target_visibility(t: Table, targets: Mapping[str, Any]) -> dict[str, float]:
    """Per-scenario overrides of how recognisable each target profile is (``target = probability``)."""
    visibility = {target: t.probability(target) for target in t.named(targets, "target profile")}
    t.finish()
    return visibility


def _routes(t: Table, stages: Mapping[Stage, StageConfig]) -> dict:
    default = tuple(Stage(s) for s in t.names("default", STAGES, STAGES))
    routes, reported = {}, set()
    for measure in Measure:
        names = t.names(measure.value, STAGES, [s.value for s in default])
        route = tuple(Stage(s) for s in names)
        key = measure.value if t.has(measure.value) else "default"
        if not route or route[-1] is not Stage.EXECUTION:
            t.problem(key, "a route must end with 'execution'")
        elif len(set(route)) != len(route):
            t.problem(key, "a route must not visit a stage twice")
        missing = [s.value for s in route if s not in stages]
        if missing and key not in reported:
            reported.add(key)
            t.problem(key, f"uses stage(s) with no [stages.*] table: {', '.join(missing)}")
        routes[measure] = route
    t.finish()
    return routes


def _load_effect(t: Table) -> LoadEffect:
    return read_settings(t, LoadEffect)
