"""The routes around the central authority as a trace tells them (``mlasim explain``).

A request sent straight to a provider abroad (:mod:`simulator.world.direct`) is told in the words of
its route: which route it was sent by, and the route it takes where the two States' regime does not
open that one (a direct order without the Second Protocol falls back to a voluntary request, an order
for content without an executive agreement to MLA); the provider's review, named by the provider,
with what it saw; a provider's "use MLA", after which the request goes on at the central authority;
and a requester that tries another door after a refusal (route shopping). :mod:`simulator.reporting.chain`
calls these for the lines that concern the doors and tells everything else itself.
"""

from __future__ import annotations

from typing import Any

from simulator.domain import provisions
from simulator.domain.model import DIRECT_CHANNELS, Channel, Observation, Request
from simulator.domain.providers import persecution_score
from simulator.world.direct import route_taken
from simulator.world.scenario import RequestedState

PAD = " " * 13


def words(channel: Channel) -> str:
    """A route's name in words (``direct order``, ``MLA``)."""
    return "MLA" if channel is Channel.MLA else channel.value.replace("_", " ")


def arrival(state: RequestedState, request: Request, where: str) -> tuple[str, Channel]:
    """The arrival line of a request sent by a route straight to a provider, and the route it takes."""
    submission = request.submission
    channel = submission.channel
    regime = state.regimes.of(submission.requester)
    route = route_taken(state, request)
    claim = ", claiming an emergency" if submission.emergency_claim else ""
    text = f"sent by {words(channel)} straight to a provider at {where}{claim}"
    if route is channel:
        return text + f" (between them: {regime.describe()})", route
    if not state.providers:
        return (
            text + f": {where} has no provider in the scenario, it goes to the central authority (MLA)",
            route,
        )
    why = (
        f"which {regime.describe()} does not open"
        if not regime.opens(channel)
        else f"not for {submission.measure.value.replace('_', ' ')}"
    )
    then = "the central authority (MLA)" if route is Channel.MLA else f"the {words(route)} route"
    return text + f", {why}: it goes by {then}", route


def checked(state: RequestedState, channel: Channel) -> list[str]:
    """The grounds the provider's State checks on a route it reviews (Second Protocol Arts 7(5), 8)."""
    rules = state.direct_rules
    if channel is Channel.DIRECT_ORDER:
        return ["2ap-7-5", *sorted(rules.direct_order.grounds)]
    if channel is Channel.GIVING_EFFECT:
        return ["2ap-8", *sorted(rules.giving_effect.grounds)]
    return []


def served_name(details: dict[str, Any]) -> str | None:
    """``provider <id>`` for a provider's review (None for a State's stage)."""
    provider = details.get("provider")
    return f"provider {provider}" if provider else None


def staff(state: RequestedState, details: dict[str, Any], otherwise: int) -> int:
    """The reviewers of the stage a review was served at: the provider's, for a provider's review."""
    provider = details.get("provider")
    found = next((p for p in state.providers if p.id == provider), None) if provider else None
    return otherwise if found is None else found.staff


def observation_lines(observation: Observation, state: RequestedState, provider_id: str) -> list[str]:
    """What a provider's reviewer saw, as far as its policy uses it."""
    provider = next((p for p in state.providers if p.id == provider_id), None)
    lines = [
        f"{PAD}observed: requester record {observation.requester_record:.2f}; "
        f"{observation.submission.documentation_gaps} required element(s) missing"
    ]
    if observation.submission.emergency_claim:
        credible = "read as credible" if observation.emergency_credible else "seen through"
        lines.append(f"{PAD}observed: emergency claim {credible}")
    if provider is not None and provider.rules.policy.human_rights:
        score = persecution_score(observation, provider.rules.policy)
        lines.append(f"{PAD}its human-rights review: grounds to believe persecution {score:.2f}")
    return lines


def sent_back(day: str, where: str) -> str:
    """The provider's "use MLA": the request goes on at the central authority."""
    return f"{day}  the provider sends it back (use MLA): the request goes on through MLA at {where}"


def reroute_link(tag_new: str, tag_old: str, route: Channel, before: Channel, where: str) -> str:
    """How a request that tries another door of the same State follows a refusal."""
    return (
        f"request {tag_new} tries {where} by {words(route)} after the refusal of {tag_old} "
        f"by {words(before)} (route shopping)"
    )


def ended_line(day: str, details: dict[str, Any]) -> str | None:
    """Where the data of a request that reached a provider went: which provider, under what."""
    provider, basis = details.get("provider"), details.get("basis")
    if not provider:
        return None
    if details["outcome"].data_handed_over and basis:
        channel = details.get("channel", Channel.MLA)
        return (
            f"{day}  data held by provider {provider}, handed over through {words(channel)} "
            f"under {provisions.cite(basis)}"
        )
    return f"{day}  data held by provider {provider}: none handed over"


def is_direct(channel: Channel) -> bool:
    """Whether ``channel`` goes straight to a provider, around the central authority."""
    return channel in DIRECT_CHANNELS
