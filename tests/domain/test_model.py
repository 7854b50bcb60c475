"""The domain vocabulary: frozen data."""

from __future__ import annotations

import attrs
import pytest

from simulator.domain.model import (
    CONVENTION_GROUNDS,
    FULL_ROUTE,
    Decision,
    Outcome,
    Stage,
    Verdict,
)


def test_stages_run_from_intake_to_execution():
    assert FULL_ROUTE == (
        Stage.INTAKE,
        Stage.LEGAL_REVIEW,
        Stage.RIGHTS_SCRUTINY,
        Stage.JUDICIAL_ORDER,
        Stage.EXECUTION,
    )


def test_the_convention_grounds_leave_out_sexual_orientation_and_gender_identity():
    assert "political_opinion" in CONVENTION_GROUNDS and len(CONVENTION_GROUNDS) == 7
    assert not {"sexual_orientation", "gender_identity"} & CONVENTION_GROUNDS


def test_only_grants_hand_over_data():
    assert {o for o in Outcome if o.data_handed_over} == {Outcome.GRANTED, Outcome.CONDITIONALLY_GRANTED}


def test_decisions_are_frozen():
    decision = Decision(Verdict.REFUSE, Stage.RIGHTS_SCRUTINY, "uncc-40-22", "reason")
    assert not decision.grants
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        decision.verdict = Verdict.GRANT  # type: ignore[misc]


def test_decided_means_granted_or_refused_and_handed_over_means_granted():
    """Preserved, withdrawn and pending requests are neither decided nor handed over."""
    from simulator.domain.model import HANDED_OVER, Outcome

    assert {o for o in Outcome if o.decided} == {*HANDED_OVER, Outcome.REFUSED}
    assert {o for o in Outcome if o.data_handed_over} == set(HANDED_OVER)
    assert not Outcome.PRESERVED.data_handed_over and not Outcome.PRESERVED.decided
