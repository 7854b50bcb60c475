"""Scenario files: TOML in, validated :class:`~simulator.world.scenario.Scenario` out.

Validation is separate from construction: the file is read table by table through
:class:`~simulator.files.reader.Table`, which collects every problem (unknown key with a "did you mean",
wrong type, probability outside [0, 1], negative rate, unknown offence name...) with its dotted
path. Only when nothing is wrong are the frozen objects built; otherwise :class:`ScenarioError`
carries the whole list. The file format is documented in the README and in the commented files
of ``scenarios/``.

The parts are read by their own modules: requested States (one, or several ``[[requested_state]]``
entries) by :mod:`simulator.files.requested`, with their safeguards, fast channels and monitoring
(:mod:`~simulator.files.safeguards`, :mod:`~simulator.files.channels`, :mod:`~simulator.files.monitoring`);
requesting States and their strategies by :mod:`simulator.files.requesting`; distributions and mixes
by :mod:`simulator.files.values`. This module reads the run and what ties the States together: where
each target's data are held (``[data_location]``) and whether requested States share refusals
(``[information_sharing]``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from attrs import frozen

from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.figures import PREFIX
from simulator.domain.model import DIRECT_CHANNELS, Channel
from simulator.domain.provisions import cite
from simulator.files.limits import DEFAULT_LIMITS, Limits, scale_problems, scenario_problems
from simulator.files.parameters import ASSUMPTION, Parameter, Parameters, Source
from simulator.files.reader import Problem, ScenarioError, Table, suggestion
from simulator.files.requested import read_requested_states
from simulator.files.requesting import read_requesting_state
from simulator.files.settings import read_settings
from simulator.files.values import distribution, mix, unique_ids
from simulator.world.coverage import unapplied
from simulator.world.scenario import InformationSharing, RequestedState, RequestingState, Scenario

__all__ = [
    "EXPERIMENT_KEYS",
    "ScenarioError",
    "distribution",
    "mix",
    "parse_scenario",
]

#: Top-level tables of a scenario file that describe experiments on the scenario (variants, sweeps,
#: properties), checked by the commands that use them, not part of the scenario itself.
EXPERIMENT_KEYS = ("variant", "sweep", "property")
#: Top-level tables of a scenario file that describe the file itself rather than the situation.
FILE_KEYS = ("sources",)
#: Channels every requested State offers, with or without a ``[channels.*]`` table of its own.
ALWAYS_OFFERED = frozenset({Channel.MLA, Channel.PRESERVATION})


def parse_scenario(document: Mapping[str, Any], source: str, limits: Limits = DEFAULT_LIMITS) -> Scenario:
    """Validate a TOML document already read; raise ScenarioError listing every problem.

    ``limits`` (the command line's, with ``--allow-large`` or not) bounds the scenario's volume of
    requests and its size, once it is built (:func:`simulator.files.limits.scale_problems`).
    """
    return read_scenario(document, source, limits).scenario


@frozen
class Reading:
    """What reading a scenario document gives: the scenario, and every number it holds with its
    range and source (:mod:`simulator.files.parameters`), and the file's own ``[sources]``."""

    scenario: Scenario
    parameters: tuple[Parameter, ...]
    sources: Mapping[str, Source]


def read_scenario(document: Mapping[str, Any], source: str, limits: Limits = DEFAULT_LIMITS) -> Reading:
    """:func:`parse_scenario`, with the parameters met on the way (a ScenarioError on any problem)."""
    problems: list[Problem] = []
    root = Table(document, "", source, problems)
    sources = read_sources(root.table("sources", ranges=False))
    root.parameters = recorded = Parameters(sources)
    run = root.table("scenario", required=True, ranges=False)  # the run's settings carry no range
    name = run.text("name")
    description = run.text("description", "")
    horizon = run.number("horizon_days", positive=True)
    follow_up = run.number("follow_up_days", 0.0, minimum=0)
    warmup = run.number("warmup_days", 0.0, minimum=0)
    if warmup >= horizon:
        run.problem("warmup_days", f"must be shorter than horizon_days ({horizon:g})")
    replications = int(run.number("replications", 20, minimum=1, integer=True))
    seed = int(run.number("seed", 0, minimum=0, integer=True))
    run.finish()

    requested = read_requested_states(root)
    states = [read_requesting_state(t) for t in root.tables("requesting_state", required=True)]
    unique_ids(root, "requesting_state", [s.id for s in states])
    location = _data_location(root.table("data_location"), [s.id for s in requested])
    sharing = _information_sharing(root.table("information_sharing"))
    _check_channels_offered(root, requested, states)
    _check_regimes(root, requested, states, isinstance(document.get("requested_state"), list))
    _check_grounds_applied(root, requested)
    root.used.update(EXPERIMENT_KEYS + FILE_KEYS)
    root.finish()
    problems += scenario_problems(source, horizon, follow_up, states)  # times, surges, floods
    scenario = Scenario(  # from what was read, a harmless value in place of each wrong one
        name=name,
        description=description,
        source=source,
        horizon_days=float(horizon),
        follow_up_days=float(follow_up),
        warmup_days=float(warmup),
        replications=replications,
        seed=seed,
        requested_states=tuple(requested),
        requesting_states=tuple(states),
        data_location=location,
        information_sharing=sharing,
    )
    problems += scale_problems(scenario, limits)  # volume of requests, numbers of States, replications
    if problems:
        raise ScenarioError(problems)
    return Reading(scenario, tuple(recorded.found), sources)


def read_sources(t: Table) -> dict[str, Source]:
    """The ``[sources]`` table: ``[sources.<id>]`` with a ``title`` and optionally ``url``, ``year``,
    ``note``; what the ranges of the file may cite besides "assumption" and the public figures."""
    sources = {}
    for key in t.data:
        entry = t.table(key, ranges=False)
        if not isinstance(t.data[key], dict):
            continue
        if key == ASSUMPTION or key.startswith(PREFIX):
            t.problem(key, f'is reserved ("{ASSUMPTION}" and "{PREFIX}<id>" name no entry of [sources])')
        year = entry.number("year", 0, minimum=0, integer=True)
        sources[key] = Source(
            key, entry.text("title"), entry.text("url", ""), int(year) or None, entry.text("note", "")
        )
        entry.finish()
    return sources


def _data_location(t: Table, requested_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """``target = ["us", "eu"]``: the requested States whose providers hold data on that target
    profile (a target not listed: every requested State)."""
    location = {}
    for target in t.named(load_catalogue().targets, "target profile"):
        value = t.data[target]
        holders = t.names(target, requested_ids)
        if isinstance(value, list) and not value:
            t.problem(target, "must name at least one requested State (leave the target out: every State)")
        elif len(set(holders)) != len(holders):
            t.problem(target, "names a requested State twice")
        location[target] = holders
    t.finish()
    return location


def _information_sharing(t: Table) -> InformationSharing:
    return read_settings(t, InformationSharing)


def _check_channels_offered(
    root: Table, requested: Sequence[RequestedState], states: Sequence[RequestingState]
) -> None:
    """A channel a requesting State uses must be offered by at least one requested State (a route
    straight to a provider: some requested State has providers)."""
    offered = set(ALWAYS_OFFERED).union(*(s.channels for s in requested))
    if any(s.providers for s in requested):
        offered |= set(DIRECT_CHANNELS)
    for i, state in enumerate(states):
        for key, channels in (("channels", state.channels), ("abuse.channels", state.abusive_channels)):
            for name in channels.names:
                if Channel(name) not in offered:
                    fix = (
                        "give a requested State [[provider]] entries"
                        if Channel(name) in DIRECT_CHANNELS
                        else f"add a [channels.{name}] table"
                    )
                    root.problem(
                        f"requesting_state[{i}].{key}.{name}",
                        f"no requested State offers this channel ({fix})",
                    )


def _check_regimes(
    root: Table, requested: Sequence[RequestedState], states: Sequence[RequestingState], several: bool
) -> None:
    """Every requesting State a ``[regimes]`` table names exists."""
    ids = [s.id for s in states]
    for i, state in enumerate(requested):
        where = f"requested_state[{i}].regimes" if several else "regimes"
        for requester in state.regimes.by_requester:
            if requester not in ids:
                root.problem(
                    f"{where}.{requester}",
                    f"no requesting State has this id{suggestion(requester, ids)} (or write 'default')",
                )


def _check_grounds_applied(root: Table, requested: Sequence[RequestedState]) -> None:
    """A ground switched on must be met by some route (or desk) of its State, or be listed as unused."""
    several = isinstance(root.data.get("requested_state"), list)
    for i, state in enumerate(requested):
        prefix = f"requested_state[{i}].safeguards" if several else "safeguards"
        for found in unapplied(state):
            passed = ", ".join(stage.value for stage in found.passed) or "none"
            cited = ", ".join(cite(pid) for pid in sorted(found.rule.refuses_on(state.safeguards)))
            stage = found.stage.value
            root.problem(
                f"{prefix}.{found.setting}",
                f"{cited} is switched on, but no route of requested State '{state.id}' passes {stage} "
                f"(its routes pass: {passed}), so it never applies: add {stage} to a route, switch it "
                f"off, or list '{found.setting}' in {prefix}.unused",
            )
