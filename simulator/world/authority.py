"""A requested State in a run: its reviewers, its case files, and what it knows of each requester.

Each requested State of a scenario screens the requests sent to it with its own staff (the MLA
stages, and the fast channels' desks), keeps its own case files, and forms its own view of each
requesting State:

- its **standing** (:class:`~simulator.world.lifecycle.Standing`): the record its reviewers read,
  which rises with findings when the State keeps a ``reputation``, and which monitoring escalates;
- its **watch** (:class:`~simulator.domain.monitoring.Watch`): the sequential statistic of
  ``monitoring``, fed by every decided request of the requester (a finding or not) and by abuse
  discovered after a grant; a flag escalates scrutiny or suspends cooperation.

What counts as a finding, how the statistic moves and when it flags are pure functions of
:mod:`simulator.domain.monitoring`; this module only keeps the state and applies the action.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import attrs
import simpy

from simulator.domain.model import DIRECT_CHANNELS, Channel, Measure, Stage
from simulator.domain.monitoring import MonitoringAction, Watch
from simulator.domain.monitoring import observe as watch_observe
from simulator.domain.signals import ReviewContext
from simulator.world.distributions import Distribution
from simulator.world.lifecycle import CaseFiles, Standing
from simulator.world.scenario import ChannelRoute, RequestedState, Scenario


class Reviewers:
    """A staffed stage's reviewers: ``staff`` of them, requests queue first come, first served.

    What :class:`simpy.Resource` does for a single-unit FIFO request, without its two events per
    review: a free reviewer takes a request at once, and a reviewer who finishes hands over straight
    to the request at the head of the queue (one event wakes it).
    """

    __slots__ = ("busy", "env", "queue", "staff")

    def __init__(self, env: simpy.Environment, staff: int) -> None:
        self.env = env
        self.staff = staff
        self.busy = 0
        self.queue: deque[Any] = deque()  # events, or journeys (simulator.world.journey)

    def take(self, waiter: Any = None) -> Any:
        """A free reviewer takes the request now (None), or it waits in the queue: ``waiter``, or a
        new event, whose ``succeed()`` is called when a reviewer is free for it."""
        if self.busy < self.staff:
            self.busy += 1
            return None
        turn = self.env.event() if waiter is None else waiter
        self.queue.append(turn)
        return turn

    def done(self) -> None:
        """A reviewer finishes: the head of the queue gets the reviewer, or the reviewer is free."""
        if self.queue:
            self.queue.popleft().succeed()
        else:
            self.busy -= 1


@attrs.frozen
class StagePlan:
    """What the pipeline needs to move a request through one stage, worked out once."""

    stage: Stage
    server: Reviewers | None  # None: no staff limit
    service: Distribution
    rushed_under_load: bool  # the load effect applies here


def review_contexts(scenario: Scenario, requested: RequestedState | None = None) -> dict[str, ReviewContext]:
    """What a requested State (the first, by default) brings to reading each requesting State's requests."""
    requested = requested or scenario.requested_state
    return {
        s.id: ReviewContext(
            s.rights_record, s.data_protection_adequate, requested.criminalised, requested.target_visibility
        )
        for s in scenario.requesting_states
    }


def offered_channels(state: RequestedState) -> dict[Channel, ChannelRoute]:
    """The fast channels a requested State offers; preservation always (by default along the MLA
    stages of ``routes.preservation``, as one-State scenarios have always routed it)."""
    channels = dict(state.channels)
    if Channel.PRESERVATION not in channels:
        route = tuple(s for s in state.routes.get(Measure.PRESERVATION, ()) if s in state.stages)
        channels[Channel.PRESERVATION] = ChannelRoute(route or (Stage.EXECUTION,))
    return channels


class Authority:
    """One requested State during one replication."""

    def __init__(self, env: simpy.Environment, state: RequestedState, scenario: Scenario) -> None:
        self.env = env
        self.state = state
        self.id = state.id
        self.load_effect = state.load_effect
        self.case_files = CaseFiles(state.safeguards.memory)
        self.standings = {rid: Standing(ctx) for rid, ctx in review_contexts(scenario, state).items()}
        self.records = {s.id: s.rights_record for s in scenario.requesting_states}
        self.findings = dict.fromkeys(self.standings, 0)
        self.watches = {rid: Watch() for rid in self.standings}
        self.flagged_at: dict[str, float] = {}
        self.flag_observations: dict[str, int] = {}  # decided requests observed when the flag rose
        self.granted_before_flag = dict.fromkeys(self.standings, 0)  # abusive requests granted unflagged
        self.lost = dict.fromkeys(self.standings, 0)  # legitimate requests refused for suspension
        self.suspended: set[str] = set()
        self.routes = offered_channels(state)
        effect = self.load_effect
        self.plans: dict[tuple[Channel, Stage], StagePlan] = {}
        for stage, config in state.stages.items():
            self.plans[Channel.MLA, stage] = self._plan(stage, config)
        for channel, route in self.routes.items():
            for stage in route.route:
                config = route.stages.get(stage)
                if config is not None:
                    self.plans[channel, stage] = self._plan(stage, config)
                elif (Channel.MLA, stage) in self.plans:
                    self.plans[channel, stage] = self.plans[Channel.MLA, stage]
        for provider in state.providers:  # a provider's own reviewers (stage "provider")
            self.plans[provider.id, Stage.PROVIDER] = self._plan(Stage.PROVIDER, provider)
        if state.providers:  # the State's reviewers of the direct routes are its MLA stages'
            for channel in DIRECT_CHANNELS:
                for stage in state.stages:
                    self.plans[channel, stage] = self.plans[Channel.MLA, stage]
        self.authority_wide = effect.enabled and effect.queue == "authority"
        self.servers = tuple({id(p.server): p.server for p in self.plans.values() if p.server}.values())

    def _plan(self, stage: Stage, config) -> StagePlan:
        effect = self.load_effect
        return StagePlan(
            stage,
            Reviewers(self.env, config.staff) if config.staff > 0 else None,
            config.service,
            effect.enabled and stage in effect.stages,
        )

    def waiting(self, server: Reviewers) -> int:
        """The queue the load effect reads: this stage's, or every staffed queue of the State."""
        if self.authority_wide:
            return sum(len(s.queue) for s in self.servers)
        return len(server.queue)

    # --- what the State learns about requesters -------------------------------------------------
    def record_finding(self, requester: str, provision: str | None) -> None:
        """A finding against ``requester`` (its reputation moves, if the State keeps one)."""
        reputation = self.state.reputation
        if not reputation.counts(provision):
            return
        self.findings[requester] += 1
        standing = self.standings[requester]
        record = reputation.record(self.records[requester], self.findings[requester])
        if standing.escalated:
            record = self.state.monitoring.escalated(record)
        standing.context = attrs.evolve(standing.context, requester_record=record)

    def granted_abusive(self, requester: str, counted: bool) -> None:
        """An abusive request of ``requester`` was granted (counted before any flag)."""
        if counted and self.state.monitoring.enabled and requester not in self.flagged_at:
            self.granted_before_flag[requester] += 1

    def lost_to_suspension(self, request, counted: bool) -> None:
        """A request refused because cooperation with its requester is suspended."""
        if counted and not request.truth.abusive and not request.truth.flood:
            self.lost[request.submission.requester] += 1

    def monitor(self, requester: str, provision: str | None) -> bool:
        """One more observation of ``requester`` (``provision``: what it was refused or found on);
        True when this observation raises the flag."""
        monitoring = self.state.monitoring
        if not monitoring.enabled:
            return False
        before = self.watches[requester]
        watch = self.watches[requester] = watch_observe(monitoring, before, monitoring.counts(provision))
        if before.flagged or not watch.flagged:
            return False
        self.flagged_at[requester] = self.env.now
        self.flag_observations[requester] = watch.observations
        if monitoring.action is MonitoringAction.SUSPEND:
            self.suspended.add(requester)
        else:
            standing = self.standings[requester]
            standing.escalated = True
            record = monitoring.escalated(standing.context.requester_record)
            standing.context = attrs.evolve(standing.context, requester_record=record)
        return True
