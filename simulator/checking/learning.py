"""Properties of what requested States learn: refusals other States share, and monitoring.

**Shared refusals** (scope ``sharing``). Where requested States tell each other of their refusals
(``information_sharing = "refusals"``), a refusal by one is filed in the others' case files under
the person it targets (:meth:`simulator.world.lifecycle.CaseFiles.share`) and recalled at their
reviews: a disguise another State saw through, a person it recognised as at risk, a persecution
finding. Information should only ever help: the property compares the whole life of one request
at the checked State, with the same draws, **without** and **with** one shared refusal on file,
and is violated when the request is refused without it and its data handed over with it. The
shared refusal is drawn as any refusal another requested State of the scenario could share: its
reviewer's observation of the same request (that State's context, its own draws and thoroughness)
and any provision that State applies. Whether that State would actually have refused with those
draws is not required: the property covers any shared entry of that form.

**Monitoring** (scope ``monitoring``). A requested State's sequential rule
(:mod:`simulator.domain.monitoring`) should not flag a requester that sends no abusive request (a
false alarm: escalated scrutiny or suspended cooperation for a clean partner) before it has seen
enough of it. The property runs the scenario's replications, as ``mlasim run`` does, and is
violated when some monitoring requested State flags a clean requester (one with no abusive share,
so no flood either) within its first ``not_flagged_within`` decided requests there; the
counterexample names the replication, the two States, the count and the day. It is checked, not
searched: replications the scenario did not run may still hold a false alarm.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from attrs import frozen

from simulator.checking.estimates import monitoring_flags
from simulator.checking.properties import Case, Property
from simulator.domain import grounds
from simulator.domain.model import Decision, Stage, Verdict
from simulator.domain.safeguards import Memory
from simulator.domain.signals import ReviewContext, observe
from simulator.experiments.executors import Backend, tasks_for
from simulator.experiments.run import expected_requests
from simulator.world.lifecycle import CaseFiles
from simulator.world.requesters import screening_draws
from simulator.world.scenario import RequestedState, Scenario


# --- shared refusals ------------------------------------------------------------------------------
@frozen
class SharedRefusal:
    """A refusal another requested State shares: who refused, on what, and how its reviewer saw it."""

    origin: str  # the requested State that refused
    provision: str  # the provision its refusal cites
    thoroughness: float  # of its review
    draws: tuple[float, ...]  # its reviewer's screening uniforms (RoundSlot order)


def sharing_not_applicable(scenario: Scenario) -> str:
    """Why no refusal can be shared with the scenario's (first) requested State ("" if one can)."""
    if not scenario.several:
        return "one requested State: no other State shares refusals with it"
    if not scenario.information_sharing.enabled:
        return 'information_sharing is "none": no refusal is shared'
    if scenario.requested_state.safeguards.memory is Memory.NONE:
        return f"requested State '{scenario.requested_state.id}' keeps no case files (memory none)"
    return ""


def origins(scenario: Scenario) -> list[RequestedState]:
    """The requested States that could share a refusal with the (first) requested State."""
    return [s for s in scenario.requested_states if s.id != scenario.requested_state.id]


def refusal_provisions(state: RequestedState) -> list[str]:
    """The provisions a refusal by ``state`` can cite (sorted: hypothesis shrinks to the first)."""
    return sorted(grounds.enabled_provisions(state.safeguards))


def shared_files(scenario: Scenario, case: Case, shared: SharedRefusal) -> CaseFiles:
    """Fresh case files of the (first) requested State holding ``shared``, as information sharing files it."""
    origin = next(s for s in scenario.requested_states if s.id == shared.origin)
    requester = case.requester
    context = ReviewContext(
        requester.rights_record,
        requester.data_protection_adequate,
        origin.criminalised,
        origin.target_visibility,
    )
    observation = observe(case.request, context, shared.thoroughness, screening_draws(list(shared.draws)))
    reason = f"refused by requested State '{origin.id}' (shared with the others)"
    decision = Decision(Verdict.REFUSE, Stage.LEGAL_REVIEW, shared.provision, reason)
    files = CaseFiles(scenario.requested_state.safeguards.memory)
    files.share(case.request, observation, decision)
    return files


# --- monitoring -----------------------------------------------------------------------------------
@frozen
class EarlyFlag:
    """A clean requester flagged too early: where, when, after how many decided requests."""

    replication: int
    requested: str
    requester: str
    requests: int
    day: float

    def text(self) -> str:
        """The early flag in one line: replication, requested State, requester, decided request and day."""
        return (
            f"replication {self.replication}: requested State '{self.requested}' flagged '{self.requester}' "
            f"(no abusive request) at its decided request {self.requests}, day {self.day:.0f}"
        )


def monitoring_states(scenario: Scenario) -> list[str]:
    """The requested States whose monitoring is switched on, by id."""
    return [s.id for s in scenario.requested_states if s.monitoring.enabled]


def clean_requesters(scenario: Scenario, prop: Property) -> list[str]:
    """Requesting States the property is about that send no abusive request (nor, then, a flood)."""
    wanted = prop.given.requester
    return [
        s.id
        for s in scenario.requesting_states
        if (s.abuse is None or s.abusive_share <= 0) and (wanted is None or s.id in wanted)
    ]


def monitoring_not_applicable(scenario: Scenario, prop: Property) -> str:
    """Why the monitoring property says nothing of the scenario ("" if it does)."""
    if not monitoring_states(scenario):
        return "no requested State monitors its requesters"
    if not clean_requesters(scenario, prop):
        return "no requesting State the property is about sends only legitimate requests"
    return ""


def flag_tasks(scenario: Scenario, prop: Property, seed: int, executor: Backend) -> Iterator[tuple]:
    """The tasks of :func:`~simulator.checking.estimates.monitoring_flags` for the property's
    replications, cut for ``executor`` as they are handed out."""
    batches = tasks_for(executor, range(prop.expect.replications), expected_requests(scenario))
    return ((scenario, seed, reps) for reps in batches)


def early_from(scenario: Scenario, prop: Property, found: dict[int, list]) -> tuple[int, list[EarlyFlag]]:
    """(pairs watched, early flags in order) from what each replication's monitoring found."""
    monitored, clean = monitoring_states(scenario), clean_requesters(scenario, prop)
    limit = prop.expect.not_flagged_within
    early = []
    watched = 0
    for replication in range(prop.expect.replications):
        for requested, requester, requests, day in found[replication]:
            if requested not in monitored or requester not in clean:
                continue
            watched += 1
            if not math.isnan(requests) and requests <= limit:
                early.append(EarlyFlag(replication, requested, requester, int(requests), day))
    return watched, early


def early_flags(
    scenario: Scenario, prop: Property, seed: int, executor: Backend
) -> tuple[int, list[EarlyFlag], str]:
    """(pairs watched, early flags found in order, why not applicable ("" if it is)) over the
    property's replications."""
    if why_not := monitoring_not_applicable(scenario, prop):
        return 0, [], why_not
    found: dict[int, list] = {}
    for _, results in executor.map(monitoring_flags, flag_tasks(scenario, prop, seed, executor)):
        found.update(results)
    watched, early = early_from(scenario, prop, found)
    return watched, early, ""
