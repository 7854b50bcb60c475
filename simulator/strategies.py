"""Hypothesis strategies for mlasim's domain: requests, observations, draws, configurations, scenarios.

These generate the inputs of the decision core so that properties of a safeguard configuration can
be tested over the whole space of requests rather than a few hand-picked ones. The project's own
tests use them, and so can users who want to state properties of their own::

    from hypothesis import given
    from simulator import rules, strategies

    @given(strategies.observations(), strategies.safeguards(), strategies.screening_draws())
    def test_every_refusal_cites_an_enabled_provision(observation, safeguards, draws):
        decision = rules.screen(observation, safeguards, draws)
        if decision.verdict in (Verdict.REFUSE, Verdict.CONSULT):
            assert decision.provision in rules.enabled_provisions(safeguards)

:func:`safeguard_pairs` draws two configurations of which the second is at least as strict as the
first in every respect (the ordering documented in :mod:`simulator.safeguards`). :func:`cases`
draws requests *within a scenario's space* (its requesting States, their measures, offences and
abuse profiles) with the draws of each screening round: what ``mlasim check`` searches.
:func:`scenario_documents` draws valid scenario files (as TOML-ready dictionaries).
"""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import strategies as st

from simulator.catalogue import load as load_catalogue
from simulator.model import (
    PROTECTED_GROUNDS,
    History,
    Measure,
    Observation,
    Request,
    ScreeningDraws,
    Stage,
    Submission,
    Truth,
)
from simulator.properties import Case, Given
from simulator.provisions import catalogue as provision_catalogue
from simulator.requesters import RoundSlot, penalty_years
from simulator.safeguards import (
    Completeness,
    Consultation,
    DataProtectionMode,
    Discrimination,
    DualCriminality,
    DualCriminalityMode,
    EssentialInterests,
    EvidenceWeights,
    JudicialOrder,
    JudicialStandard,
    Safeguards,
    ScopeTest,
)
from simulator.scenario import RequestingState, Scenario

__all__ = [
    "cases",
    "histories",
    "observations",
    "round_draws",
    "safeguard_pairs",
    "safeguards",
    "scenario_documents",
    "screening_draws",
    "submissions",
]

unit = st.floats(min_value=0.0, max_value=1.0, exclude_max=True, allow_nan=False)
_catalogue = load_catalogue()
offence_ids = st.sampled_from(sorted(_catalogue.offences))
conduct_or_offence_ids = st.sampled_from(sorted(_catalogue.offences) + sorted(_catalogue.conducts))
grounds = st.sampled_from(PROTECTED_GROUNDS)
measures = st.sampled_from(list(Measure))


def submissions(requester: str = "requester") -> st.SearchStrategy[Submission]:
    """What a request can state on paper."""
    return st.builds(
        Submission,
        requester=st.just(requester),
        measure=measures,
        offence=offence_ids,
        penalty_years=st.floats(min_value=0, max_value=25, allow_nan=False),
        documentation_gaps=st.integers(min_value=0, max_value=3),
        amendments=st.integers(min_value=0, max_value=2),
    )


@st.composite
def observations(draw: st.DrawFn, submission: st.SearchStrategy[Submission] | None = None) -> Observation:
    """Any combination of signals a reviewer might perceive (internally consistent)."""
    sub = draw(submissions() if submission is None else submission)
    penetrated = draw(st.booleans())
    read_as = draw(conduct_or_offence_ids) if penetrated else sub.offence
    return Observation(
        submission=sub,
        requester_record=draw(unit),
        data_protection_adequate=draw(st.booleans()),
        conduct_read_as=read_as,
        disguise_penetrated=penetrated,
        dual_criminality=draw(st.booleans()),
        political_offence=draw(st.booleans()),
        target_recognised=draw(st.booleans()),
        apparent_ground=draw(st.none() | grounds),
        factual_basis=draw(unit),
        thoroughness=draw(st.floats(min_value=0.0, max_value=1.0)),
    )


def screening_draws() -> st.SearchStrategy[ScreeningDraws]:
    return st.builds(
        ScreeningDraws,
        see_through=unit,
        target_recognition=unit,
        dual_criminality=unit,
        essential_interests=unit,
        postponement=unit,
    )


def histories() -> st.SearchStrategy[History]:
    return st.builds(
        History,
        information_requests=st.integers(min_value=0, max_value=3),
        consultations=st.integers(min_value=0, max_value=2),
        postponed=st.booleans(),
        findings=st.frozensets(st.sampled_from(sorted(provision_catalogue()))),
    )


_standards = st.sampled_from(list(JudicialStandard))


@st.composite
def safeguards(draw: st.DrawFn) -> Safeguards:
    """Any safeguard configuration."""
    return Safeguards(
        scope_test=ScopeTest(draw(st.booleans()), draw(st.sampled_from([2.0, 3.0, 4.0, 5.0, 10.0]))),
        completeness=Completeness(
            draw(st.booleans()), draw(st.integers(min_value=0, max_value=3)), draw(st.booleans())
        ),
        dual_criminality=DualCriminality(
            draw(st.sampled_from(list(DualCriminalityMode))),
            draw(unit),
            frozenset(draw(st.sets(measures))),
        ),
        political_offence=draw(st.booleans()),
        data_protection=draw(st.sampled_from(list(DataProtectionMode))),
        discrimination=Discrimination(draw(st.booleans()), draw(unit), frozenset(draw(st.sets(grounds)))),
        essential_interests=EssentialInterests(draw(st.booleans()), draw(unit), draw(unit)),
        judicial_order=JudicialOrder(*(draw(_standards) for _ in Measure)),
        consultation=Consultation(draw(st.booleans()), draw(st.integers(min_value=0, max_value=2))),
        postponement_rate=draw(st.sampled_from([0.0, 0.05, 0.5])),
        evidence_weights=EvidenceWeights(draw(unit), draw(unit), draw(unit)),
    )


_DC_ORDER = [DualCriminalityMode.WAIVED, DualCriminalityMode.DISCRETIONARY, DualCriminalityMode.REQUIRED]
_DP_ORDER = [DataProtectionMode.OFF, DataProtectionMode.CONDITIONS, DataProtectionMode.REFUSE]


@st.composite
def stricter(draw: st.DrawFn, base: Safeguards) -> Safeguards:
    """A configuration at least as strict as ``base`` in every safeguard (procedures unchanged)."""

    def at_least(value: float, top: float) -> float:
        return draw(st.floats(min_value=value, max_value=top)) if value < top else value

    def at_most(value: float) -> float:
        return draw(st.floats(min_value=0.0, max_value=value)) if value > 0 else value

    s = base
    scope = ScopeTest(
        s.scope_test.enabled or draw(st.booleans()),
        at_least(s.scope_test.serious_crime_years, 25.0),
    )
    dc_mode = draw(st.sampled_from(_DC_ORDER[_DC_ORDER.index(s.dual_criminality.mode) :]))
    dual = DualCriminality(
        dc_mode,
        at_least(s.dual_criminality.refusal_rate, 1.0),
        frozenset(m for m in sorted(s.dual_criminality.exempt_measures) if draw(st.booleans())),
    )
    disc = Discrimination(
        s.discrimination.enabled or draw(st.booleans()),
        at_most(s.discrimination.evidence_threshold),
        s.discrimination.grounds | frozenset(draw(st.sets(grounds))),
    )
    essential = EssentialInterests(
        s.essential_interests.enabled or draw(st.booleans()),
        at_most(s.essential_interests.evidence_threshold),
        at_least(s.essential_interests.refusal_rate, 1.0),
    )
    judicial = JudicialOrder(
        *(
            draw(st.sampled_from([j for j in JudicialStandard if j >= s.judicial_order.standard(m)]))
            for m in Measure
        )
    )
    return attrs.evolve(
        s,
        scope_test=scope,
        completeness=attrs.evolve(
            s.completeness,
            refuse_nonconforming=s.completeness.refuse_nonconforming or draw(st.booleans()),
        ),
        dual_criminality=dual,
        political_offence=s.political_offence or draw(st.booleans()),
        data_protection=draw(st.sampled_from(_DP_ORDER[_DP_ORDER.index(s.data_protection) :])),
        discrimination=disc,
        essential_interests=essential,
        judicial_order=judicial,
    )


@st.composite
def safeguard_pairs(draw: st.DrawFn) -> tuple[Safeguards, Safeguards]:
    """(laxer, stricter): the second at least as strict as the first in every safeguard."""
    base = draw(safeguards())
    return base, draw(stricter(base))


# --- requests within a scenario -----------------------------------------------------------------
def _feasible(scenario: Scenario, given: Given) -> list[tuple[RequestingState, bool]]:
    """(requesting State, abusive) pairs that can produce a request matching ``given``."""
    options = []
    for state in scenario.requesting_states:
        if given.requester is not None and state.id not in given.requester:
            continue
        if not _allowed(state.measures.names, given.measure):
            continue
        for abusive in (False, True):
            if given.abusive is not None and given.abusive != abusive:
                continue
            if abusive and (state.abuse is None or state.abusive_share <= 0):
                continue
            if not abusive and (state.abusive_share >= 1 or given.protected_ground is not None):
                continue
            if _labels(state, abusive, given) and _conducts(state, abusive, given):
                options.append((state, abusive))
    return options


def _allowed(names, allowed) -> list[str]:
    return [n for n in names if allowed is None or n in allowed]


def _labels(state: RequestingState, abusive: bool, given: Given) -> list[str]:
    names = state.abuse.labels.names if abusive else state.offences.names
    labels = _allowed(names, given.offence)
    if not abusive and given.conduct is not None:
        labels = [label for label in labels if label in given.conduct]
    return labels


def _conducts(state: RequestingState, abusive: bool, given: Given) -> list[str]:
    if not abusive:
        return ["(the offence itself)"]
    conducts = _allowed(state.abuse.conducts.names, given.conduct)
    if given.protected_ground is not None:
        catalogue = load_catalogue()
        conducts = [c for c in conducts if catalogue.conducts[c].ground in given.protected_ground]
    return conducts


def can_match(scenario: Scenario, given: Given) -> bool:
    """Whether the scenario can produce any request that ``given`` is about."""
    return bool(_feasible(scenario, given))


_RESOLUTION = 2**20
_fine_unit = st.integers(min_value=0, max_value=_RESOLUTION - 1).map(lambda i: i / _RESOLUTION)


@st.composite
def round_draws(draw: st.DrawFn) -> tuple[float, ...]:
    """One screening round's uniforms (see :class:`~simulator.requesters.RoundSlot`), arranged so that
    shrinking towards 0 means "nothing unusual": a draw of 0 sees through a disguise, recognises a
    person, refuses at discretion and answers a query, but does not postpone."""
    values = draw(st.lists(_fine_unit, min_size=RoundSlot.SERVICE, max_size=RoundSlot.SERVICE))
    values[RoundSlot.POSTPONEMENT] = (
        1.0 - values[RoundSlot.POSTPONEMENT] if values[RoundSlot.POSTPONEMENT] else 0.999
    )
    return (*values, *(0.5,) * len(Stage))  # service times play no part without a clock


@st.composite
def cases(draw: st.DrawFn, scenario: Scenario, given: Given | None = None, rounds: int = 1) -> Case:
    """A request the scenario's requesting States could send, matching ``given`` by what it states
    and its hidden truth, with the uniform draws of ``rounds`` screening rounds (0: none; the
    caller supplies them, for example lazily with :func:`round_draws`)."""
    given = given or Given()
    options = _feasible(scenario, given)
    if not options:
        raise ValueError("no request of this scenario matches the given filters")
    state, abusive = draw(st.sampled_from(options))
    measure = Measure(draw(st.sampled_from(_allowed(state.measures.names, given.measure))))
    label = draw(st.sampled_from(_labels(state, abusive, given)))
    if given.documentation_complete is None:
        gaps = draw(st.integers(min_value=0, max_value=3))
    else:
        gaps = 0 if given.documentation_complete else draw(st.integers(min_value=1, max_value=3))
    if abusive:
        conduct = load_catalogue().conducts[draw(st.sampled_from(_conducts(state, abusive, given)))]
        disguise = draw(_fine_unit)
        truth = Truth(True, conduct.id, conduct.ground, conduct.target, disguise, disguise)
    else:
        sensitive = draw(st.booleans()) if state.sensitive_target_share > 0 else False
        target = draw(st.sampled_from(state.sensitive_targets.names)) if sensitive else "ordinary"
        truth = Truth(False, label, None, target, 0.0, draw(_fine_unit))
    submission = Submission(state.id, measure, label, penalty_years(state, label), gaps)
    effect = scenario.requested_state.load_effect
    floor = effect.floor if effect.enabled else 1.0
    # shrinks towards a full review (1.0); the load effect can lower it to its floor
    thoroughness = 1.0 - draw(_fine_unit) * (1.0 - floor) if floor < 1 else 1.0
    blocks = tuple(draw(round_draws()) for _ in range(rounds))
    return Case(Request(0, 0.0, submission, truth), state, thoroughness, blocks)


# --- whole scenario files -----------------------------------------------------------------------
_STAGE_NAMES = [s.value for s in Stage]


def _triangular(a: float, b: float, c: float) -> dict[str, Any]:
    low, mode, high = sorted((a, b, c))
    return {"distribution": "triangular", "low": low, "mode": mode, "high": high}


def _durations() -> st.SearchStrategy[dict[str, Any]]:
    positive = st.floats(min_value=0.05, max_value=20.0)
    return st.one_of(
        st.builds(lambda v: {"distribution": "fixed", "value": v}, positive),
        st.builds(lambda m: {"distribution": "exponential", "mean": m}, positive),
        st.builds(
            lambda m, r: {"distribution": "lognormal", "mean": m, "sd": m * r}, positive, st.floats(0.1, 2.0)
        ),
        st.builds(_triangular, positive, positive, positive),
    )


def _weights(names: list[str]) -> st.SearchStrategy[dict[str, float]]:
    return st.dictionaries(
        st.sampled_from(names), st.floats(min_value=0.1, max_value=5.0), min_size=1, max_size=4
    )


@st.composite
def _requesting_state(draw: st.DrawFn, index: int) -> dict[str, Any]:
    catalogue = load_catalogue()
    share = draw(st.sampled_from([0.0, 0.05, 0.3, 1.0]))
    state: dict[str, Any] = {
        "id": f"S{index}",
        "requests_per_year": draw(st.floats(min_value=0.0, max_value=600.0)),
        "abusive_share": share,
        "rights_record": draw(unit),
        "data_protection_adequate": draw(st.booleans()),
        "documentation_complete": draw(unit),
        "response_rate": draw(unit),
        "response_days": draw(_durations()),
        "measures": draw(_weights([m.value for m in Measure])),
        "offences": draw(_weights(sorted(catalogue.offences))),
    }
    if share > 0:
        state["abuse"] = {
            "conducts": draw(_weights(sorted(catalogue.conducts))),
            "labels": draw(_weights(sorted(catalogue.offences))),
            "disguise": {"distribution": "beta", "a": draw(st.floats(0.5, 5)), "b": draw(st.floats(0.5, 5))},
            "relabel_rate": draw(unit),
            "relabel_to": draw(_weights(sorted(catalogue.offences))),
        }
    if draw(st.booleans()):
        start = draw(st.floats(min_value=0.0, max_value=50.0))
        state["surge"] = [
            {"start_day": start, "end_day": start + 10.0, "multiplier": draw(st.floats(0.0, 5.0))}
        ]
    return state


@st.composite
def scenario_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid scenario file as a TOML-ready dictionary: small, so a replication runs in moments."""
    stages = [s for s in _STAGE_NAMES[:-1] if draw(st.booleans())] + ["execution"]
    horizon = draw(st.floats(min_value=1.0, max_value=120.0))
    config = draw(safeguards())
    judicial = {m.value: config.judicial_order.standard(m).label for m in Measure}
    return {
        "scenario": {
            "name": "generated",
            "horizon_days": horizon,
            "follow_up_days": draw(st.floats(min_value=0.0, max_value=60.0)),
            "warmup_days": draw(st.floats(min_value=0.0, max_value=horizon / 2)),
            "replications": draw(st.integers(min_value=1, max_value=3)),
            "seed": draw(st.integers(min_value=0, max_value=2**32)),
        },
        "requested_state": {"name": "generated", "criminalises": draw(st.lists(offence_ids, max_size=2))},
        "stages": {
            name: {"staff": draw(st.integers(0, 4)), "service": draw(_durations())} for name in stages
        },
        "routes": {"default": stages},
        "load_effect": {
            "enabled": draw(st.booleans()),
            "stages": stages[:-1],
            "queue_threshold": draw(st.integers(0, 5)),
        },
        "safeguards": {
            "political_offence": config.political_offence,
            "data_protection": config.data_protection.value,
            "postponement_rate": config.postponement_rate,
            "scope_test": {"enabled": config.scope_test.enabled},
            "completeness": {
                "request_information": config.completeness.request_information,
                "information_rounds": config.completeness.information_rounds,
                "refuse_nonconforming": config.completeness.refuse_nonconforming,
            },
            "dual_criminality": {
                "mode": config.dual_criminality.mode.value,
                "refusal_rate": config.dual_criminality.refusal_rate,
            },
            "discrimination": {
                "enabled": config.discrimination.enabled,
                "evidence_threshold": config.discrimination.evidence_threshold,
                "grounds": sorted(config.discrimination.grounds),
            },
            "judicial_order": judicial,
            "consultation": {
                "enabled": config.consultation.enabled,
                "rounds": config.consultation.rounds,
                "keep_findings": draw(st.booleans()),
            },
        },
        "requesting_state": [draw(_requesting_state(i)) for i in range(draw(st.integers(1, 3)))],
    }
