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
from simulator.domain.model import Channel, Measure
from simulator.files.reader import Table, suggestion
from simulator.files.values import distribution, mix, state_id
from simulator.world.distributions import Beta, Exponential
from simulator.world.scenario import (
    DEFAULT_FACTUAL_BASIS,
    MLA_ONLY,
    AbuseProfile,
    Flooding,
    ForumShopping,
    FreshRequest,
    Mix,
    RequestingState,
    Splitting,
    Strategies,
    Surge,
)

MEASURES = [m.value for m in Measure]
CHANNELS = [c.value for c in Channel]
STRATEGIES = ("forum_shopping", "flooding", "splitting", "fresh_request")


def read_requesting_state(t: Table) -> RequestingState:
    catalogue = load_catalogue()
    offences, conducts, targets = catalogue.offences, catalogue.conducts, catalogue.targets
    identifier = state_id(t)
    abusive_share = t.probability("abusive_share", 0.0)
    abuse = None
    abusive_channels = MLA_ONLY
    if t.has("abuse") or abusive_share > 0:
        a = t.table("abuse", required=True)
        conduct_mix = mix(a, "conducts", conducts)
        labels = mix(a, "labels", offences) if a.has("labels") else Mix((), ())
        a.used.add("labels")
        relabel_to = mix(a, "relabel_to", offences) if a.has("relabel_to") else None
        coherent, recoherent = _coherent_labels(a.table("plausible"), conduct_mix, labels, relabel_to)
        abuse = AbuseProfile(
            conducts=conduct_mix,
            labels=labels,
            disguise=distribution(a, "disguise", score=True),
            relabel_rate=a.probability("relabel_rate", 0.5),
            relabel_to=relabel_to,
            disguise_gain=a.probability("disguise_gain", 0.2),
            labels_by_conduct=coherent,
            relabels_by_conduct=recoherent,
            targeted_persons=int(a.number("targeted_persons", 50, minimum=1, integer=True)),
            documented_history=a.probability("documented_history", 0.0),
            prior_notices=int(a.number("prior_notices", 2, minimum=0, integer=True)),
        )
        abusive_channels = _channel_mix(a)
        a.finish()
    at_risk = [tid for tid in targets if tid != "ordinary"]
    penalties_table = t.table("penalties")
    penalties = {}
    for offence in penalties_table.data:
        if offence not in offences:
            penalties_table.problem(offence, f"unknown offence{suggestion(offence, offences)}")
            penalties_table.used.add(offence)
            continue
        penalties[offence] = penalties_table.number(offence, minimum=0)
    penalties_table.finish()
    surges = []
    for s in t.tables("surge"):
        start = s.number("start_day", minimum=0)
        end = s.number("end_day", minimum=0)
        if end <= start:
            s.problem("end_day", f"must come after start_day ({start:g})")
        surges.append(Surge(start, end, s.number("multiplier", minimum=0)))
        s.finish()
    state = RequestingState(
        id=identifier,
        name=t.text("name", identifier),
        requests_per_year=t.number("requests_per_year", minimum=0),
        abusive_share=abusive_share,
        rights_record=t.probability("rights_record"),
        measures=mix(t, "measures", MEASURES),
        offences=mix(t, "offences", offences),
        abuse=abuse,
        response_days=distribution(t, "response_days"),
        surges=tuple(surges),
        data_protection_adequate=t.flag("data_protection_adequate", True),
        documentation_complete=t.probability("documentation_complete", 0.8),
        information_fix_rate=t.probability("information_fix_rate", 0.8),
        response_rate=t.probability("response_rate", 0.9),
        accepts_conditions=t.probability("accepts_conditions", 0.8),
        amendment_gain=t.probability("amendment_gain", 0.15),
        sensitive_target_share=t.probability("sensitive_target_share", 0.02),
        sensitive_targets=mix(t, "sensitive_targets", at_risk, {"journalist": 1.0}),
        factual_basis=distribution(t, "factual_basis", DEFAULT_FACTUAL_BASIS, score=True),
        penalties=penalties,
        channels=_channel_mix(t),
        abusive_channels=abusive_channels,
        disclosure_after=distribution(t, "disclosure_after", Exponential(20.0)),
        strategies=read_strategies(t, abuse is not None),
    )
    t.finish()
    return state


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
    strategies = Strategies(
        forum_shopping=_forum_shopping(found["forum_shopping"]) if "forum_shopping" in found else None,
        flooding=_flooding(found["flooding"]) if "flooding" in found else None,
        splitting=Splitting(share=found["splitting"].probability("share", 1.0))
        if "splitting" in found
        else None,
        fresh_request=_fresh_request(found["fresh_request"]) if "fresh_request" in found else None,
    )
    for table in found.values():
        table.finish()
    s.finish()
    return strategies


def _forum_shopping(t: Table) -> ForumShopping:
    d = ForumShopping()
    return ForumShopping(
        exploration=t.probability("exploration", d.exploration),
        retry_days=distribution(t, "retry_days", d.retry_days),
        max_states=int(t.number("max_states", d.max_states, minimum=1, integer=True)),
    )


def _flooding(t: Table) -> Flooding:
    windows = []
    for w in t.tables("windows", required=True):
        start = w.number("start_day", minimum=0)
        end = w.number("end_day", minimum=0)
        if end <= start:
            w.problem("end_day", f"must come after start_day ({start:g})")
        windows.append(Surge(start, end, 1.0))
        w.finish()
    return Flooding(
        requests_per_year=t.number("requests_per_year", minimum=0),
        windows=tuple(windows),
        documentation_complete=t.probability("documentation_complete", 0.2),
        factual_basis=distribution(t, "factual_basis", Beta(1.0, 4.0), score=True),
        hold_abusive=t.flag("hold_abusive", True),
    )


def _fresh_request(t: Table) -> FreshRequest:
    d = FreshRequest()
    return FreshRequest(
        probability=t.probability("probability", d.probability),
        delay_days=distribution(t, "delay_days", d.delay_days),
        max_attempts=int(t.number("max_attempts", d.max_attempts, minimum=1, integer=True)),
    )
