"""The requesting side: arrival process, request attributes, amendments."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from simulator.world.requesters import (
    SLOTS_PER_REQUEST,
    RoundSlot,
    Slot,
    amend_after_consultation,
    answer_information_request,
    arrival_times,
    draw_request,
)
from simulator.world.scenario import Surge
from tests.conftest import build, deep_update, document


@pytest.fixture
def state():
    doc = deep_update(document(), "requesting_state.0.abuse.relabel_to", {"tax_fraud": 1.0})
    doc = deep_update(doc, "requesting_state.0.abuse.labels", {"extremism": 0.5, "extortion": 0.5})
    doc = deep_update(doc, "requesting_state.0.abuse.relabel_rate", 1.0)
    return build(doc).requesting_states[0]


def test_arrivals_are_poisson_with_the_yearly_rate(state):
    counts = [len(list(arrival_times(state, 100.0, np.random.default_rng(i)))) for i in range(400)]
    assert np.mean(counts) == pytest.approx(100.0, abs=4 * 10 / 20)  # mean 100, sd 10, 400 runs
    assert np.var(counts) == pytest.approx(100.0, rel=0.2)  # Poisson: variance = mean


def test_a_surge_multiplies_the_rate_during_its_window(state):
    import attrs

    surged = attrs.evolve(state, surges=(Surge(20.0, 40.0, 5.0),))
    times = np.concatenate([list(arrival_times(surged, 100.0, np.random.default_rng(i))) for i in range(200)])
    inside = ((times >= 20) & (times < 40)).sum() / 200
    outside = ((times < 20) | (times >= 40)).sum() / 200
    assert inside == pytest.approx(100.0, rel=0.08)  # 20 days x 1/day x 5
    assert outside == pytest.approx(80.0, rel=0.08)
    assert np.all(np.diff(list(arrival_times(surged, 100.0, np.random.default_rng(1)))) > 0)


def test_request_attributes_follow_their_uniforms(state):
    u = np.full(SLOTS_PER_REQUEST, 0.5)
    u[Slot.ABUSIVE] = 0.1  # below the abusive share 0.2
    u[Slot.LABEL] = 0.9  # second label of {extremism: .5, extortion: .5}, both plausible for journalism
    request = draw_request(state, 7, 3.0, u)
    assert request.truth.abusive and request.truth.conduct == "journalism"
    assert request.truth.protected_ground == "political_opinion" and request.truth.target == "journalist"
    assert request.submission.offence == "extortion"
    assert request.truth.disguise == pytest.approx(0.5)  # median of beta(2, 2)
    u[Slot.ABUSIVE] = 0.3
    legitimate = draw_request(state, 8, 3.0, u)
    assert not legitimate.truth.abusive and legitimate.truth.conduct == legitimate.submission.offence


def test_abusive_share_is_respected(state):
    rng = np.random.default_rng(5)
    abusive = [draw_request(state, i, 0.0, rng.random(SLOTS_PER_REQUEST)).truth.abusive for i in range(4000)]
    assert np.mean(abusive) == pytest.approx(0.2, abs=0.02)


def test_an_abusive_requester_relabels_and_sharpens_its_disguise_after_consultation(state):
    u = np.full(SLOTS_PER_REQUEST, 0.5)
    u[Slot.ABUSIVE] = 0.0
    request = draw_request(state, 1, 0.0, u)
    block = [0.0] * (RoundSlot.SERVICE + 5)
    amended = amend_after_consultation(request, state, block)
    assert amended.submission.offence == "tax_fraud" and amended.submission.amendments == 1
    assert amended.truth.disguise == pytest.approx(request.truth.disguise + 0.2)
    assert amended.truth.conduct == request.truth.conduct  # the truth behind it does not change


def test_a_legitimate_requester_completes_its_file_and_strengthens_its_facts(state):
    u = np.full(SLOTS_PER_REQUEST, 0.9)
    u[Slot.COMPLETE] = 0.99  # incomplete
    request = draw_request(state, 1, 0.0, u)
    assert request.submission.documentation_gaps > 0
    block = [0.0] * (RoundSlot.SERVICE + 5)
    answered = answer_information_request(request, state, block)
    assert answered.submission.documentation_gaps == 0
    amended = amend_after_consultation(request, state, block)
    assert amended.truth.factual_basis == pytest.approx(min(1.0, request.truth.factual_basis + 0.15))


def test_disguises_are_coherent_with_the_conduct():
    """A journalist is never 'charged' with what nobody would charge a journalist with."""
    doc = deep_update(document(), "requesting_state.0.abuse.labels", {"extremism": 0.5, "csam": 0.5})
    state = build(doc).requesting_states[0]
    rng = np.random.default_rng(3)
    labels = {
        draw_request(state, i, 0.0, rng.random(SLOTS_PER_REQUEST)).submission.offence for i in range(400)
    }
    assert "csam" not in labels and "extremism" in labels
    override = deep_update(doc, "requesting_state.0.abuse.plausible", {"journalism": {"csam": 1.0}})
    state = build(override).requesting_states[0]
    u = np.full(SLOTS_PER_REQUEST, 0.5)
    u[Slot.ABUSIVE] = 0.0
    assert draw_request(state, 1, 0.0, u).submission.offence == "csam"  # a scenario may override a row


def test_a_batch_of_scores_is_what_each_request_would_draw(state):
    """``scores`` works out a batch's disguises and factual bases at once; ``draw_request`` given
    them builds the same requests as drawing each score itself."""
    import attrs

    from simulator.world.distributions import Triangular
    from simulator.world.requesters import scores

    batch = np.random.default_rng(11).random((300, SLOTS_PER_REQUEST))
    for requester in (
        state,
        attrs.evolve(state, factual_basis=Triangular(0.1, 0.6, 0.9)),
        attrs.evolve(state, abuse=None),
    ):
        worked_out = scores(requester, batch)
        drawn = [draw_request(requester, i, 1.0, row) for i, row in enumerate(batch)]
        given = [draw_request(requester, i, 1.0, row, score=worked_out[i]) for i, row in enumerate(batch)]
        assert given == drawn
        assert {r.truth.abusive for r in drawn} == ({True, False} if requester.abuse else {False})


def test_arrivals_drawn_a_chunk_at_a_time_are_the_arrivals_drawn_one_by_one(state):
    """``arrival_times`` draws its gaps 256 at a time: the same days, to the bit, as one
    ``rng.exponential()`` per gap (the inversion of the cumulative rate, written out here)."""
    import attrs

    surged = attrs.evolve(state, surges=(Surge(20.0, 40.0, 5.0), Surge(30.0, 90.0, 2.0)))
    rate = surged.requests_per_year / 365.0

    def one_by_one(rng, horizon):
        points = [0.0, 20.0, 30.0, 40.0, 90.0, horizon]
        multipliers = [1.0, 5.0, 10.0, 2.0, 1.0]
        days, cumulative, target = [], 0.0, rng.exponential()
        for (start, end), multiplier in zip(itertools.pairwise(points), multipliers, strict=True):
            mass = rate * multiplier * (end - start)
            while target < cumulative + mass:
                days.append(start + (target - cumulative) / (rate * multiplier))
                target += rng.exponential()
            cumulative += mass
        return days

    for seed in range(3):
        drawn = list(arrival_times(surged, 400.0, np.random.default_rng(seed)))
        assert len(drawn) > 2 * 256  # several chunks of gaps
        assert drawn == one_by_one(np.random.default_rng(seed), 400.0)
