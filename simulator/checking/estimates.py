"""Simulated estimates for ``replications`` properties: how often matching requests end a given way.

A ``replications`` property bounds a probability, for instance "an authoritarian State's abusive
request is handed over at most half the time". It is not searched but measured: each simulated
replication of the scenario gives one share (matching requests that ended in the named outcomes,
over matching requests that ended), and the shares of all replications give a mean with its
Student-t interval (:mod:`simulator.experiments.stats`).

Replications are cut into tasks and run on the same backends as ``mlasim run``
(:mod:`simulator.experiments.executors`); replication ``r`` draws from its own streams, so the
shares, and the verdict, are the same on one core, on worker processes or on a Dask cluster. This
module is what a worker imports for such a task: it needs the simulation, not hypothesis.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from simulator.checking.properties import Property, expand
from simulator.domain.model import Outcome, Request
from simulator.experiments.executors import Backend, tasks_for
from simulator.experiments.run import expected_requests
from simulator.world.pipeline import simulate
from simulator.world.scenario import Scenario
from simulator.world.tally import Tally, enabled_provisions


class MatchingTally(Tally):
    """A tally that also counts how the requests a property is about ended."""

    def __init__(self, prop: Property, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.prop = prop
        self.given = prop.given
        self.named = expand(prop.expect.outcome_in)  # the outcomes counted as hits, once
        self.matching = 0
        self.hits = 0

    def ended_as(self, request: Request, outcome: Outcome, *how: Any) -> None:
        """Tally the end as :meth:`Tally.ended_as` does (``how``: the provision, the day, the channel);
        a counted request the property is about also counts as matching, and as a hit if it ended in
        one of the named outcomes."""
        super().ended_as(request, outcome, *how)
        if request.submitted_at >= self.warmup_days and self.given.matches_request(request):
            self.matching += 1
            self.hits += outcome.value in self.named


def matching_shares(
    task: tuple[Scenario, Property, int, tuple[int, ...]],
) -> list[tuple[int, float]]:
    """A task: per replication, the share of matching requests that ended as the property names
    (NaN when none ended)."""
    scenario, prop, seed, replications = task
    shares = []
    for replication in replications:
        tally = MatchingTally(
            prop,
            scenario.warmup_days,
            [s.id for s in scenario.requesting_states],
            enabled_provisions(scenario),
        )
        simulate(scenario, seed, replication, tally=tally)
        shares.append((replication, tally.hits / tally.matching if tally.matching else math.nan))
    return shares


def share_tasks(scenario: Scenario, prop: Property, seed: int, executor: Backend) -> Iterator[tuple]:
    """The tasks of :func:`matching_shares` for the property's ``expect.replications`` replications,
    cut for ``executor`` as they are handed out."""
    batches = tasks_for(executor, range(prop.expect.replications), expected_requests(scenario))
    return ((scenario, prop, seed, reps) for reps in batches)


def shares(scenario: Scenario, prop: Property, seed: int, executor: Backend) -> list[float]:
    """The property's share in each of its ``expect.replications`` replications, in order."""
    found: dict[int, float] = {}
    for _, results in executor.map(matching_shares, share_tasks(scenario, prop, seed, executor)):
        found.update(results)
    return [found[r] for r in range(prop.expect.replications)]


def monitoring_flags(
    task: tuple[Scenario, int, tuple[int, ...]],
) -> list[tuple[int, list[tuple[str, str, float, float]]]]:
    """A task: per replication, what each monitoring requested State found about each requester:
    (requested State, requester, decided requests observed when the flag rose, day of the flag),
    both NaN for a requester never flagged."""
    scenario, seed, replications = task
    found = []
    for replication in replications:
        tally = simulate(scenario, seed, replication)
        flags = [
            (requested, requester, entry["requests_before_flag"], entry["days_to_flag"])
            for (requested, requester), entry in sorted(tally.monitoring.items())
        ]
        found.append((replication, flags))
    return found
