"""A small world with several requested States, fast channels and an adaptive abuser, built in code.

Used by the world tests until (and besides) the scenario files: each test states what it changes.
Three requested States share the baseline's stages and safeguards: ``us`` (monitoring and
reputation available), ``eu``, and ``lax`` (no discrimination clause). Each offers the emergency
channel and preservation at a 24/7 point of contact.
"""

from __future__ import annotations

import attrs

from simulator.domain.channels import ChannelRules, EmergencyRules
from simulator.domain.model import Channel, Stage
from simulator.files.document import load_scenario
from simulator.world.distributions import Exponential
from simulator.world.scenario import ChannelRoute, Mix, Scenario, StageConfig, Strategies
from tests.conftest import BASELINE

DESK = {
    Stage.CONTACT_POINT: StageConfig(2, Exponential(0.05)),
    Stage.EXECUTION: StageConfig(0, Exponential(1.0)),
}
CHANNELS = {
    Channel.EMERGENCY: ChannelRoute((Stage.CONTACT_POINT, Stage.EXECUTION), DESK),
    Channel.PRESERVATION: ChannelRoute((Stage.CONTACT_POINT,), DESK),
}


def several(
    strategies: Strategies | None = None,
    abusive_channels: Mix | None = None,
    detection: float = 0.5,
    **scenario_changes,
) -> Scenario:
    base = load_scenario(BASELINE)
    requested = base.requested_state
    rules = ChannelRules(emergency=EmergencyRules(detection=detection))
    us = attrs.evolve(requested, id="us", channels=CHANNELS, channel_rules=rules)
    eu = attrs.evolve(requested, id="eu", channels=CHANNELS, channel_rules=rules)
    safeguards = requested.safeguards
    lax = attrs.evolve(
        requested,
        id="lax",
        channels=CHANNELS,
        channel_rules=rules,
        safeguards=attrs.evolve(
            safeguards, discrimination=attrs.evolve(safeguards.discrimination, enabled=False)
        ),
    )
    authoritarian = base.requester("authoritarian")
    changed = {}
    if strategies is not None:
        changed["strategies"] = strategies
    if abusive_channels is not None:
        changed["abusive_channels"] = abusive_channels
    authoritarian = attrs.evolve(authoritarian, **changed)
    states = tuple(authoritarian if s.id == "authoritarian" else s for s in base.requesting_states)
    return attrs.evolve(
        base,
        requested_states=(us, eu, lax),
        requesting_states=states,
        follow_up_days=180.0,
        **scenario_changes,
    )


def with_requested(scenario: Scenario, state_id: str, **changes) -> Scenario:
    """``scenario`` with one requested State changed."""
    state = next(s for s in scenario.requested_states if s.id == state_id)
    return scenario.with_requested_state(attrs.evolve(state, **changes))
