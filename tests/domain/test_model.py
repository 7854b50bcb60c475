"""The domain vocabulary: frozen data."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.domain.model import (
    CONVENTION_GROUNDS,
    FULL_ROUTE,
    Decision,
    Outcome,
    Request,
    Stage,
    Verdict,
)
from tests.strategies import any_requests, any_submissions, histories


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


# --- the hot path's written-out evolves agree with attrs.evolve -----------------------------------
@given(any_requests(), any_submissions(), any_requests())
def test_an_amended_request_is_the_request_with_the_new_submission_and_truth(request, submission, other):
    amended = request.amended(submission, other.truth)
    assert amended == attrs.evolve(request, submission=submission, truth=other.truth)


@given(any_submissions(), st.integers(min_value=0, max_value=3), st.none() | st.integers(0, 4))
def test_a_submission_with_gaps_changes_only_its_gaps_and_amendments(submission, gaps, amendments):
    changed = {"documentation_gaps": gaps} | ({} if amendments is None else {"amendments": amendments})
    assert submission.with_gaps(gaps, amendments) == attrs.evolve(submission, **changed)


@given(histories(), st.sampled_from(["uncc-40-21-b", "uncc-40-26", "uncc-36"]))
def test_a_history_after_an_event_changes_only_what_that_event_changes(history, finding):
    assert history.after_postponement() == attrs.evolve(history, postponed=True)
    assert history.after_information_request() == attrs.evolve(
        history, information_requests=history.information_requests + 1
    )
    assert history.after_consultation(finding) == attrs.evolve(
        history, consultations=history.consultations + 1, findings=history.findings | {finding}
    )


@given(any_requests())
def test_a_request_made_without_its_history_is_the_first_of_its_own_case(drawn):
    first = Request(drawn.id, drawn.submitted_at, drawn.submission, drawn.truth)
    history = (first.case_id, first.attempt, first.parent, first.follows, first.holder)
    assert history == (drawn.id, 0, None, "", "")
