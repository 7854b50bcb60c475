"""Requesting States in a scenario file: volume, requests, abuse, channels and adversary strategies.

``[[requesting_state]]`` entries, each with a unique ``id``. Besides its volume and its requests, a
State says which channels it uses (``channels``, a mix over :class:`~simulator.domain.model.Channel`
values, ``mla = 1`` unless given; ``abuse.channels`` for its abusive requests: an emergency claimed
there is false), how long after a preservation it sends the disclosure request (``disclosure_after``)
and, if it sends abusive requests (an ``[abuse]`` table), which adaptive strategies it follows
(``[requesting_state.strategies.*]``, :class:`~simulator.world.scenario.Strategies`): forum shopping,
flooding, splitting, fresh requests. Strategies without an ``[abuse]`` table are an error: they are
an abusive requester's.
"""

from __future__ import annotations

from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.catalogue import plausible_labels
from simulator.domain.model import Channel
from simulator.domain.settings import declared, setting_of
from simulator.files.reader import Table, suggestion
from simulator.files.settings import read_fields
from simulator.files.values import mix, state_id
from simulator.world.scenario import (
    MLA_ONLY,
    AbuseProfile,
    Flooding,
    Mix,
    RequestingState,
    Strategies,
    Surge,
)

CHANNELS = [c.value for c in Channel]
STRATEGIES = tuple(attribute.name for attribute, _ in declared(Strategies))


def read_requesting_state(t: Table) -> RequestingState:
    """One ``[[requesting_state]]`` entry; its ``[abuse]`` table is required when ``abusive_share``
    is above 0."""
    identifier = state_id(t)
    values = read_fields(t, RequestingState, skip=("strategies", "abusive_channels"))
    abuse, abusive_channels = None, MLA_ONLY
    if t.has("abuse") or values["abusive_share"] > 0:
        abuse, abusive_channels = _abuse(t.table("abuse", required=True))
    else:
        t.used.add("abuse")
    state = RequestingState(
        id=identifier,
        name=t.text("name", identifier),
        **values,
        abuse=abuse,
        surges=_surges(t),
        penalties=_penalties(t.table("penalties")),
        abusive_channels=abusive_channels,
        strategies=read_strategies(t, abuse is not None),
    )
    t.finish()
    return state


def _abuse(a: Table) -> tuple[AbuseProfile, Mix]:
    """The ``[abuse]`` table: what the State's abusive requests look like, and the channels they take."""
    values = read_fields(a, AbuseProfile, skip=("labels",))
    labels = mix(a, "labels", load_catalogue().offences) if a.has("labels") else Mix((), ())
    a.used.add("labels")
    coherent, recoherent = _coherent_labels(
        a.table("plausible"), values["conducts"], labels, values["relabel_to"]
    )
    abuse = AbuseProfile(**values, labels=labels, labels_by_conduct=coherent, relabels_by_conduct=recoherent)
    channels = _channel_mix(a)
    a.finish()
    return abuse, channels


def _penalties(t: Table) -> dict[str, float]:
    """``offence = years``: the requesting State's own maximum penalties, where they differ."""
    offences = t.named(load_catalogue().offences, "offence")
    penalties = {offence: t.number(offence, minimum=0) for offence in offences}
    t.finish()
    return penalties


def _surges(t: Table) -> tuple[Surge, ...]:
    surges = []
    for s in t.tables("surge"):
        start = s.number("start_day", minimum=0)
        end = s.number("end_day", minimum=0)
        if end <= start:
            s.problem("end_day", f"must come after start_day ({start:g})")
        surges.append(Surge(start, end, s.number("multiplier", minimum=0)))
        s.finish()
    return tuple(surges)


def _coherent_labels(
    t: Table, conducts: Mix, labels: Mix, relabel_to: Mix | None
) -> tuple[dict[str, Mix], dict[str, Mix]]:
    """Per conduct, the labels (and relabels) a requester uses: the catalogue's plausible labels for
    that conduct, or the scenario's ``abuse.plausible`` row, weighted by its preferred ``labels``."""
    catalogue = load_catalogue()
    overrides = {}
    for conduct in t.data:
        if conduct not in catalogue.conducts:
            t.problem(conduct, f"unknown conduct{suggestion(conduct, catalogue.conducts)}")
            t.used.add(conduct)
            continue
        overrides[conduct] = t.weights(conduct, catalogue.offences)
    t.finish()
    preferred = labels.shares() if labels.names else None
    coherent, recoherent = {}, {}
    for conduct in conducts.names:
        override = overrides.get(conduct) or None
        coherent[conduct] = Mix.of(plausible_labels(catalogue, conduct, preferred, override))
        if relabel_to is not None:
            recoherent[conduct] = Mix.of(plausible_labels(catalogue, conduct, relabel_to.shares(), override))
    return coherent, recoherent


def _channel_mix(t: Table) -> Mix:
    """``channels = { mla = 0.9, emergency = 0.1 }``: the channels a State's requests take."""
    if not t.has("channels"):
        t.used.add("channels")
        return MLA_ONLY
    return mix(t, "channels", CHANNELS)


def read_strategies(t: Table, abusive: bool) -> Strategies:
    """The ``strategies`` table of a requesting State (``abusive``: it has an ``[abuse]`` table)."""
    s = t.table("strategies")
    if s.data and not abusive:
        t.problem("strategies", "strategies are an abusive requester's: this State has no [abuse] table")
    for key in s.data:
        if key not in STRATEGIES:
            s.problem(key, f"unknown strategy{suggestion(key, STRATEGIES)}; one of {', '.join(STRATEGIES)}")
            s.used.add(key)
    found = {key: s.table(key) for key in STRATEGIES if s.has(key)}
    chosen = {}
    for key, table in found.items():
        kind = setting_of(Strategies, key).part
        chosen[key] = _flooding(table) if kind is Flooding else kind(**read_fields(table, kind))
    strategies = Strategies(**chosen)
    for table in found.values():
        table.finish()
    s.finish()
    return strategies


def _flooding(t: Table) -> Flooding:
    windows = []
    for w in t.tables("windows", required=True):
        start = w.number("start_day", minimum=0)
        end = w.number("end_day", minimum=0)
        if end <= start:
            w.problem("end_day", f"must come after start_day ({start:g})")
        windows.append(Surge(start, end, 1.0))
        w.finish()
    return Flooding(windows=tuple(windows), **read_fields(t, Flooding))
