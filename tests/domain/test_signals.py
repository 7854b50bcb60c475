"""What reviewers perceive: disguises can hold, people can go unrecognised, load blinds."""

from __future__ import annotations

import attrs
from hypothesis import given

from simulator.domain.model import Measure, Request, ScreeningDraws, Submission, Truth
from simulator.domain.signals import ReviewContext, observe
from tests.strategies import screening_draws, unit

CONTEXT = ReviewContext(0.8, False, frozenset({"terrorism", "computer_fraud"}))


def abusive(disguise: float, label: str = "terrorism") -> Request:
    return Request(
        1,
        0.0,
        Submission("X", Measure.STORED_CONTENT, label, 15.0, 0),
        Truth(True, "journalism", "political_opinion", "journalist", disguise, disguise),
    )


def legitimate(target: str = "ordinary") -> Request:
    return Request(
        2,
        0.0,
        Submission("X", Measure.SUBSCRIBER_INFO, "computer_fraud", 8.0, 0),
        Truth(False, "computer_fraud", None, target, 0.0, 0.7),
    )


@given(screening_draws(), unit)
def test_an_honest_request_is_read_as_what_it_says(draws, thoroughness):
    o = observe(legitimate(), CONTEXT, thoroughness, draws)
    assert o.conduct_read_as == "computer_fraud" and not o.disguise_penetrated
    assert o.dual_criminality and not o.suspect_conduct and o.factual_basis == 0.7


@given(screening_draws(), unit)
def test_a_held_disguise_reads_as_the_label_and_a_penetrated_one_as_the_conduct(draws, disguise):
    o = observe(abusive(disguise), CONTEXT, 1.0, draws)
    if o.disguise_penetrated:
        assert o.conduct_read_as == "journalism" and not o.dual_criminality and o.factual_basis == 0.0
    else:
        assert o.conduct_read_as == "terrorism" and o.dual_criminality
    assert o.disguise_penetrated == (draws.see_through < 1.0 - disguise)


@given(screening_draws(), unit)
def test_a_reviewer_with_no_time_sees_nothing(draws, disguise):
    o = observe(abusive(disguise), CONTEXT, 0.0, draws)
    assert not o.disguise_penetrated and not o.target_recognised


@given(screening_draws(), unit, unit, unit)
def test_less_thoroughness_never_reveals_more(draws, disguise, low, high):
    low, high = sorted((low, high))
    rushed = observe(abusive(disguise), CONTEXT, low, draws)
    careful = observe(abusive(disguise), CONTEXT, high, draws)
    assert careful.disguise_penetrated >= rushed.disguise_penetrated
    assert careful.target_recognised >= rushed.target_recognised


@given(screening_draws())
def test_the_ground_comes_from_the_person_when_recognised(draws):
    o = observe(legitimate("journalist"), CONTEXT, 1.0, draws)
    assert o.target_recognised == (draws.target_recognition < 0.7)
    assert o.apparent_ground == ("political_opinion" if o.target_recognised else None)


def test_an_overt_speech_label_is_suspect_even_when_the_facts_are_believed():
    draws = ScreeningDraws(see_through=0.999, target_recognition=0.999)
    o = observe(abusive(0.9, label="extremism"), CONTEXT, 1.0, draws)
    assert o.conduct_read_as == "extremism" and o.political_offence and o.suspect_conduct
    assert o.apparent_ground == "political_opinion"


def test_a_case_file_carries_findings_to_the_next_review():
    """Memory: a disguise seen through and a person recognised stay so; persecution findings count once."""
    from simulator.domain.model import Decision, Recollection, Stage, Verdict
    from simulator.domain.signals import remember

    seen = observe(abusive(0.0), CONTEXT, 1.0, ScreeningDraws(see_through=0.0, target_recognition=0.0))
    refusal = Decision(Verdict.REFUSE, Stage.RIGHTS_SCRUTINY, "uncc-40-22", "grounds")
    file = remember(Recollection(), seen, refusal, 1)
    assert file.conduct_seen == "journalism" and file.recognised and file.persecution_findings == 1
    assert remember(file, seen, refusal, 1) == file  # the same finding twice is one finding
    blind = ScreeningDraws(see_through=0.999, target_recognition=0.999)
    fresh = observe(abusive(0.9, "computer_fraud"), CONTEXT, 1.0, blind)
    assert not fresh.disguise_penetrated and not fresh.target_recognised and fresh.recalled == ""
    recalled = observe(abusive(0.9, "computer_fraud"), CONTEXT, 1.0, blind, recalled=file)
    assert recalled.disguise_penetrated and recalled.conduct_read_as == "journalism"
    assert recalled.target_recognised and recalled.prior_notices == 1
    assert "request(s) 1" in recalled.recalled


def test_documented_notices_are_known_once_the_person_is_recognised():
    request = abusive(0.9, "computer_fraud")
    noticed = Request(request.id, 0.0, request.submission, attrs.evolve(request.truth, prior_notices=2))
    recognised = observe(noticed, CONTEXT, 1.0, ScreeningDraws(see_through=0.999, target_recognition=0.0))
    unrecognised = observe(noticed, CONTEXT, 1.0, ScreeningDraws(see_through=0.999, target_recognition=0.999))
    assert recognised.prior_notices == 2 and unrecognised.prior_notices == 0


def test_a_scenario_can_make_a_target_more_visible():
    visible = ReviewContext(0.8, False, frozenset(), {"journalist": 1.0})
    draws = ScreeningDraws(see_through=0.999, target_recognition=0.95)
    assert observe(abusive(0.9), visible, 1.0, draws).target_recognised
    assert not observe(abusive(0.9), CONTEXT, 1.0, draws).target_recognised
