"""Adaptive requesters: forum shopping learns, splitting and fresh requests follow their settings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from simulator.domain.model import Measure, Request, Submission, Truth
from simulator.world.adversaries import Adversary, Case, pick
from simulator.world.distributions import Fixed
from simulator.world.requesters import ROUTING_SLOTS, RoutingSlot
from simulator.world.scenario import ForumShopping, FreshRequest, Splitting, Strategies
from tests.world.several import several

HOLDERS = ("us", "eu", "lax")


def adversary(**strategies) -> Adversary:
    state = several().requester("authoritarian")
    import attrs

    return Adversary(attrs.evolve(state, strategies=Strategies(**strategies)))


def request(measure=Measure.STORED_CONTENT, requested="us", label="extremism") -> Request:
    submission = Submission("authoritarian", measure, label, 5.0, 0, requested=requested)
    truth = Truth(True, "journalism", "expression", "journalist", 0.5, 0.5, person="p")
    return Request(1, 0.0, submission, truth)


def routing(**slots) -> list[float]:
    values = [0.5] * ROUTING_SLOTS
    for name, value in slots.items():
        values[RoutingSlot[name.upper()]] = value
    return values


@given(st.floats(0, 1, exclude_max=True))
def test_pick_covers_every_option_in_order(u):
    assert pick(HOLDERS, u) == HOLDERS[int(u * 3)]


def test_forum_shopping_learns_where_it_succeeds():
    """After grants at lax and refusals elsewhere, the exploiting choice is lax (a stuck choice fails)."""
    abuser = adversary(forum_shopping=ForumShopping(exploration=0.0))
    assert abuser.posterior_mean("us", "extremism") == 0.5
    for _ in range(3):
        abuser.learn(request(requested="us"), "us", granted=False)
        abuser.learn(request(requested="lax"), "lax", granted=True)
    assert abuser.posterior_mean("lax", "extremism") == 4 / 5
    assert abuser.destination(request(), HOLDERS, routing(explore=0.9, destination=0.0)) == "lax"
    # learning is per label: another label starts from the prior, and ties go by the destination draw
    assert (
        abuser.destination(request(label="terrorism"), HOLDERS, routing(explore=0.9, destination=0.0)) == "us"
    )
    assert (
        abuser.destination(request(label="terrorism"), HOLDERS, routing(explore=0.9, destination=0.7))
        == "lax"
    )


def test_exploration_picks_by_the_destination_draw():
    abuser = adversary(forum_shopping=ForumShopping(exploration=0.3))
    abuser.learn(request(), "lax", granted=True)
    assert abuser.destination(request(), HOLDERS, routing(explore=0.1, destination=0.0)) == "us"
    assert abuser.destination(request(), HOLDERS, routing(explore=0.5, destination=0.0)) == "lax"


def test_without_forum_shopping_the_destination_is_the_draw():
    abuser = adversary(fresh_request=FreshRequest())
    assert abuser.destination(request(), HOLDERS, routing(destination=0.7)) == "lax"


def test_splitting_only_content_requests_and_only_its_share():
    abuser = adversary(splitting=Splitting(share=0.4))
    assert abuser.splits(request(), routing(split=0.39))
    assert not abuser.splits(request(), routing(split=0.41))
    assert not abuser.splits(request(Measure.TRAFFIC_DATA), routing(split=0.0))
    assert not adversary(fresh_request=FreshRequest()).splits(request(), routing(split=0.0))


def test_after_a_refusal_forum_shopping_tries_the_untried_then_fresh_requests_follow():
    abuser = adversary(
        forum_shopping=ForumShopping(exploration=0.0, retry_days=Fixed(10.0), max_states=2),
        fresh_request=FreshRequest(probability=0.5, delay_days=Fixed(60.0), max_attempts=1),
    )
    case = Case(tried=["us"])
    assert abuser.after_refusal(request(), case, HOLDERS, routing(fresh=0.9, destination=0.0)) == (
        "retry",
        "eu",
        10.0,
    )
    assert abuser.after_refusal(request(), case, HOLDERS, routing(fresh=0.9, destination=0.9)) == (
        "retry",
        "lax",
        10.0,
    )
    case.tried.append("eu")  # max_states reached: no more shopping
    assert abuser.after_refusal(request(), case, HOLDERS, routing(fresh=0.9)) is None
    assert abuser.after_refusal(request(), case, HOLDERS, routing(fresh=0.1, destination=0.0)) == (
        "fresh",
        "us",
        60.0,
    )
    case.fresh = 1
    assert abuser.after_refusal(request(), case, HOLDERS, routing(fresh=0.1)) is None


def test_a_fresh_request_goes_back_to_the_same_state_without_forum_shopping():
    abuser = adversary(fresh_request=FreshRequest(probability=1.0, delay_days=Fixed(5.0)))
    follow = abuser.after_refusal(request(requested="eu"), Case(tried=["eu"]), HOLDERS, routing(fresh=0.0))
    assert follow == ("fresh", "eu", 5.0)
