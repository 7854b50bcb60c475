"""The space of requests a scenario can send, narrowed by what a property is about.

A property's ``given`` filters requests by what they state (requesting State, measure, offence,
documentation, channel) and by their hidden truth (abusive, the conduct behind them, the protected
ground it persecutes). Not every combination can happen: a requesting State sends only the
measures and offences it uses, an abusive one dresses each conduct in the labels its profile
gives it (:meth:`~simulator.world.scenario.AbuseProfile.labels_for`), a fast channel is taken
only by a requester that uses it and offered only by a requested State that offers it (Arts 41-43).
These functions say which requests remain: :func:`can_match` decides whether a property can be
about any request of the scenario at all (``mlasim check`` searches only the (requesting State,
measure) strata that can), and the request strategies of :mod:`simulator.checking.strategies`
draw from what remains. Nothing here draws: it needs no hypothesis.
"""

from __future__ import annotations

from simulator.checking.properties import Given
from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.model import DIRECT_CHANNELS, Channel, Measure
from simulator.world.scenario import RequestingState, Scenario


def request_measures(state: RequestingState, given: Given) -> list[str]:
    """The measures a request matching ``given`` can state: on a fast channel, those a disclosure
    asks for (a preservation request preserves what a later disclosure request will ask for)."""
    names = state.measures.names
    if given.channel is not None:
        names = [m for m in names if m != Measure.PRESERVATION.value]
    return allowed(names, given.measure)


def channels_used(scenario: Scenario, state: RequestingState, abusive: bool, given: Given) -> list[str]:
    """The channels of ``given`` that ``state``'s (abusive) requests take and the requested State offers."""
    if given.channel is None:
        return ["mla"]
    mix = state.abusive_channels if abusive else state.channels
    used = set(mix.names)
    if Measure.PRESERVATION.value in state.measures.names:
        used.add(Channel.PRESERVATION.value)
    from simulator.world.authority import offered_channels  # SimPy's: loaded when channels are asked for

    offered = {c.value for c in offered_channels(scenario.requested_state)} | {Channel.MLA.value}
    if scenario.requested_state.providers:  # the routes straight to its providers (their regime decides)
        offered |= {c.value for c in DIRECT_CHANNELS}
    return sorted(c for c in used & offered if c in given.channel)


def feasible(scenario: Scenario, given: Given) -> list[tuple[RequestingState, bool]]:
    """(requesting State, abusive) pairs that can produce a request matching ``given``."""
    options = []
    for state in scenario.requesting_states:
        if given.requester is not None and state.id not in given.requester:
            continue
        if not request_measures(state, given):
            continue
        for abusive in (False, True):
            if given.abusive is not None and given.abusive != abusive:
                continue
            if abusive and (state.abuse is None or state.abusive_share <= 0):
                continue
            if not abusive and (state.abusive_share >= 1 or given.protected_ground is not None):
                continue
            if not channels_used(scenario, state, abusive, given):
                continue
            if given.emergency_seen_through and not abusive:
                continue  # a legitimate emergency claim is a real one: never seen through
            if labels(state, abusive, given) and conducts(state, abusive, given):
                options.append((state, abusive))
    return options


def allowed(names, wanted) -> list[str]:
    """``names`` that a filter allows (None: all), in their order."""
    return [n for n in names if wanted is None or n in wanted]


def labels(state: RequestingState, abusive: bool, given: Given, conduct: str | None = None) -> list[str]:
    """Labels the State can submit: its offences, or for an abusive request the labels it dresses
    ``conduct`` in (the model draws only those, :meth:`AbuseProfile.labels_for`); without a conduct,
    those of any conduct the filters allow."""
    if abusive:
        behind = [conduct] if conduct is not None else conducts(state, abusive, given)
        names = dict.fromkeys(n for c in behind for n in state.abuse.labels_for(c).names)
        return allowed(names, given.offence)
    offences = allowed(state.offences.names, given.offence)
    if given.conduct is not None:
        offences = [label for label in offences if label in given.conduct]
    return offences


def conducts(state: RequestingState, abusive: bool, given: Given) -> list[str]:
    """The conducts behind an abusive request the filters allow, each with a label they allow."""
    if not abusive:
        return ["(the offence itself)"]
    names = allowed(state.abuse.conducts.names, given.conduct)
    if given.protected_ground is not None:
        catalogue = load_catalogue()
        names = [c for c in names if catalogue.conducts[c].ground in given.protected_ground]
    return [c for c in names if allowed(state.abuse.labels_for(c).names, given.offence)]


def can_match(scenario: Scenario, given: Given) -> bool:
    """Whether the scenario can produce any request that ``given`` is about."""
    return bool(feasible(scenario, given))
