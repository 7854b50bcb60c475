"""The decision trace of one case: what ``mlasim explain`` prints.

Re-running one replication with the same seed reproduces every request exactly, so a trace is
obtained by running that replication again with a hook on the one *case* asked for: the first request
of a requester's objective and every request that follows it (:mod:`simulator.world.requesters`):

- the **disclosure request** through MLA that follows a preservation (Art 42: preservation hands
  nothing over; the content comes only through the request that follows it);
- a **false emergency** seen through at the 24/7 point of contact (Art 2(o)), which goes on as an MLA
  request at the same requested State (the same request, redirected);
- an adversary's **retry** in another requested State after a refusal (forum shopping), its **fresh
  request** after a delay, and the **second piece** of a split request.

Asking for a follow-up's id (``>= FOLLOW_UP_BASE``) traces its whole case. The trace lists, in time
order, each request's arrival (at which requested State, through which channel, and what it follows),
each stage it met (when it queued, when a reviewer took it, how thorough the review was), what the
reviewer observed, the rules checked, the decision with the provision and its citation (Art 2(o),
41, 42, 43 at the point of contact; Art 40 and the rest in MLA), the requester's answers and
amendments, a refusal because monitoring suspended cooperation with the requester, and each
request's outcome. When the requested State's case file supplied a finding (``safeguards.memory``),
the trace says what was recalled and from which earlier request.
"""

from __future__ import annotations

from typing import Any

import attrs
from attrs import frozen

from simulator.domain import provisions
from simulator.domain.model import Request
from simulator.reporting.chain import PAD, decision_text, narrate, tag
from simulator.reporting.tables import wrap, wrapped
from simulator.world.pipeline import simulate
from simulator.world.requesters import FLOOD_BASE, FOLLOW_UP_BASE
from simulator.world.scenario import Scenario

__all__ = ["Trace", "TraceEvent", "UnknownRequest", "decision_text", "explain", "format_trace", "tag"]


@frozen
class TraceEvent:
    """One moment of a case's life: what happened (``kind``), the request as it stood then, and the
    details shown."""

    kind: str  # arrived | served | decided | postponed | resubmitted | ended
    request: Request  # the request as it stood at that moment (amendments change it)
    details: dict[str, Any]


@frozen
class Trace:
    """A case's life in one replication, event by event (what ``mlasim explain`` prints); the scenario,
    seed and replication reproduce it."""

    scenario: Scenario
    seed: int
    replication: int
    request_id: int  # the id asked for
    events: tuple[TraceEvent, ...]
    requests_in_replication: int
    case_id: int = -1  # the case traced (-1: the request's own id)

    @property
    def case(self) -> int:
        """The id of the case traced (the id asked for, when that is the case's first request)."""
        return self.request_id if self.case_id < 0 else self.case_id

    @property
    def request_ids(self) -> tuple[int, ...]:
        """The case's requests, in order of arrival."""
        return tuple(dict.fromkeys(e.request.id for e in self.events if e.kind == "arrived"))


class UnknownRequest(LookupError):
    """The asked-for request id did not arrive in that replication."""


def case_of(request_id: int) -> int:
    """The case a request id belongs to: a follow-up's id is ``FOLLOW_UP_BASE x serial + case``."""
    if FOLLOW_UP_BASE <= request_id < FLOOD_BASE:
        return request_id % FOLLOW_UP_BASE
    return request_id


def explain(scenario: Scenario, request_id: int, replication: int = 0, seed: int | None = None) -> Trace:
    """Re-run one replication and collect the trace of the case of one request."""
    seed = scenario.seed if seed is None else seed
    events: list[TraceEvent] = []
    case = case_of(request_id)

    def hook(request: Request, kind: str, details: dict[str, Any]) -> None:
        events.append(TraceEvent(kind, request, dict(details)))

    arrivals = simulate(scenario, seed, replication, trace=(case, hook)).arrivals
    if not any(e.request.id == request_id for e in events):
        raise UnknownRequest(
            f"request {request_id} did not arrive in replication {replication}: its {arrivals:,} "
            f"requests are numbered from 0 in order of arrival (below {arrivals:,}); a request that "
            "follows another in its case (a retry, a disclosure after a preservation) has the id "
            "'mlasim compare' lists for it"
        )
    return Trace(scenario, seed, replication, request_id, tuple(events), arrivals, case)


def format_trace(trace: Trace) -> str:
    """The trace as ``mlasim explain`` prints it (:func:`simulator.reporting.chain.narrate`): each line
    within the terminal width (continued under the text after its day), then the legend of the
    citation marks it shows."""
    lines = []
    for line in narrate(trace).splitlines():
        indent = (
            PAD + "  " if line.startswith(("day", PAD)) else line[: len(line) - len(line.lstrip())] + "  "
        )
        lines += wrap(line, indent=indent) if line else [line]
    legend = provisions.legend("\n".join(lines))
    return "\n".join([*lines, *(["", *wrapped(legend)] if legend else [])])


def trace_to_dict(trace: Trace) -> dict[str, Any]:
    """A JSON-ready form of the trace."""

    def plain(value: Any) -> Any:
        if attrs.has(type(value)):
            return {k: plain(v) for k, v in attrs.asdict(value, recurse=False).items()}
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, frozenset | set | tuple | list):
            return [plain(v) for v in value]
        return value.value if hasattr(value, "value") else value

    return {
        "scenario": trace.scenario.name,
        "seed": trace.seed,
        "replication": trace.replication,
        "request": trace.request_id,
        "case": trace.case,
        "requests": list(trace.request_ids),
        "events": [{"kind": e.kind, "request": plain(e.request), **plain(e.details)} for e in trace.events],
    }
