"""Hypothesis strategies for mlasim's domain: requests, observations, draws, safeguard configurations.

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
first in every respect (the ordering documented in :mod:`simulator.safeguards`).
"""

from __future__ import annotations

import attrs
from hypothesis import strategies as st

from simulator.catalogue import load as load_catalogue
from simulator.model import (
    PROTECTED_GROUNDS,
    History,
    Measure,
    Observation,
    ScreeningDraws,
    Submission,
)
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

__all__ = [
    "histories",
    "observations",
    "safeguard_pairs",
    "safeguards",
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
