"""Which safeguards a requested State's routes can apply: a switched-on ground no request ever meets.

A ground is applied at one stage (its rule's record, :mod:`simulator.domain.grounds`): the
discrimination clause at rights scrutiny, a judicial standard at the judicial order. A requested State
whose routes skip that stage never applies it, however it is configured: a newcomer's scenario with
``discrimination.enabled = true`` and routes without ``rights_scrutiny`` let every abusive request
through while the file said the clause was on. A ground a 24/7 desk may apply (the desk's grounds of
a fast channel the State offers, or those its reviewers check on a direct order notified to it or an
order it gives effect to) is applied there too.

:func:`unapplied` names each ground a configuration switches on that no route meets, with the stages
the routes do pass; the loader refuses such a file unless the scenario lists the ground's setting in
``safeguards.unused`` (a deliberate choice, said in the file). :func:`inert` says why a dotted key a
study varies can have no effect on any request, so a sweep or a sensitivity study can say so before
it runs instead of reporting indices of zero.
"""

from __future__ import annotations

from collections.abc import Collection

from attrs import frozen

from simulator.domain.grounds import RULES, Rule
from simulator.domain.model import Channel, Stage
from simulator.world.scenario import RequestedState, Scenario


@frozen
class Unapplied:
    """A ground switched on that no route of the State meets."""

    rule: Rule
    setting: str  # the Safeguards field that switches it (as a file writes it)
    stage: Stage  # where it would apply
    passed: tuple[Stage, ...]  # the stages the State's routes do pass, in order


def stages_passed(state: RequestedState) -> tuple[Stage, ...]:
    """Every MLA stage some route of the State passes, in pipeline order."""
    passed = {stage for route in state.routes.values() for stage in route}
    return tuple(stage for stage in Stage if stage in passed)


def applies(rule: Rule, state: RequestedState) -> bool:
    """Whether some request can meet ``rule``: a route passes its stage, or an offered fast channel's
    desk lists its ground."""
    if rule.stage in stages_passed(state):
        return True
    if not rule.desk:
        return False
    if any(rule.ground in state.channel_rules.of(channel).grounds for channel in state.channels):
        return True
    return rule.ground in direct_grounds(state)


def direct_grounds(state: RequestedState) -> frozenset[str]:
    """The desk grounds the State's reviewers apply on the routes around its central authority: to a
    direct order notified to it (Second Protocol Art 7(5)) and to an order it is asked to give effect
    (Art 8) where some pair's regime opens that route. A provider's own review is no treaty ground."""
    if not state.providers:
        return frozenset()
    rules, found = state.direct_rules, set()
    if rules.direct_order.notification:
        found |= rules.direct_order.grounds
    regimes = (state.regimes.default, *state.regimes.by_requester.values())
    if any(regime.opens(Channel.GIVING_EFFECT) for regime in regimes):
        found |= rules.giving_effect.grounds
    return frozenset(found)


def unapplied(state: RequestedState) -> list[Unapplied]:
    """The grounds the State's safeguards switch on that no request can meet (``unused`` ones left out)."""
    safeguards, passed = state.safeguards, stages_passed(state)
    return [
        Unapplied(rule, rule.setting, rule.stage, passed)
        for rule in RULES
        if rule.refuses_on(safeguards) and rule.setting not in safeguards.unused and not applies(rule, state)
    ]


def inert(scenario: Scenario, key: str, varied: Collection[str] = ()) -> str | None:
    """Why varying the dotted ``key`` can change no decision in ``scenario``, or None.

    Only safeguard settings are judged (``safeguards.<setting>...``, or
    ``requested_state.<id>.safeguards.<setting>...``): a ground's setting is inert where no route of
    the State meets its stage, or where the ground is switched off (``enabled = false``, ``mode =
    "waived"``) and neither this key nor another of the study's (``varied``) switches it.
    """
    parts = key.split(".")
    states = scenario.requested_states
    if parts[0] == "requested_state" and len(parts) > 2:
        states = tuple(s for i, s in enumerate(states) if parts[1] in (s.id, str(i)))
        parts = parts[2:]
    if len(parts) < 2 or parts[0] != "safeguards":
        return None
    setting = parts[1]
    rules = [rule for rule in RULES if rule.setting == setting]
    reasons = []
    for state in states:
        for rule in rules:
            part = getattr(state.safeguards, setting)
            switch = next((name for name in ("enabled", "mode") if hasattr(part, name)), None)
            switched = (
                switch is None
                or switch in parts[2:]
                or any(k.endswith(f"safeguards.{setting}.{switch}") for k in varied)
            )
            if not applies(rule, state):
                reasons.append(f"no route of '{state.id}' passes {rule.stage.value}")
            elif not rule.refuses_on(state.safeguards) and not switched:
                reasons.append(f"{setting}.{switch} leaves it off at '{state.id}'")
            else:
                return None
    return "; ".join(dict.fromkeys(reasons)) or None
