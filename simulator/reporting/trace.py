"""The decision trace of one request: what ``mlasim explain`` prints.

Re-running one replication with the same seed reproduces every request exactly, so a trace is
obtained by running that replication again with a hook on the one request asked for. The trace
lists, in time order, each stage the request met (when it queued, when a reviewer took it, how
thorough the review was), what the reviewer observed, the rules checked, the decision with the
provision and its citation, the requester's answers and amendments, and the outcome. When the
requested State's case file supplied a finding (``safeguards.memory``), the trace says what was
recalled and from which earlier request.
"""

from __future__ import annotations

from typing import Any

import attrs
from attrs import frozen

from simulator.domain import provisions, rules
from simulator.domain.model import Observation, Outcome, Request, Stage, Verdict
from simulator.world.pipeline import simulate
from simulator.world.scenario import Scenario


@frozen
class TraceEvent:
    kind: str  # arrived | served | decided | postponed | resubmitted | ended
    request: Request  # the request as it stood at that moment (amendments change it)
    details: dict[str, Any]


@frozen
class Trace:
    scenario: Scenario
    seed: int
    replication: int
    request_id: int
    events: tuple[TraceEvent, ...]
    requests_in_replication: int


class UnknownRequest(LookupError):
    """The asked-for request id did not arrive in that replication."""


def explain(scenario: Scenario, request_id: int, replication: int = 0, seed: int | None = None) -> Trace:
    """Re-run one replication and collect the trace of one request."""
    seed = scenario.seed if seed is None else seed
    events: list[TraceEvent] = []

    def hook(request: Request, kind: str, details: dict[str, Any]) -> None:
        events.append(TraceEvent(kind, request, dict(details)))

    arrivals = simulate(scenario, seed, replication, trace=(request_id, hook)).arrivals
    if not events:
        raise UnknownRequest(
            f"request {request_id} did not arrive in replication {replication}: "
            f"its requests are numbered 0 to {arrivals - 1}"
        )
    return Trace(scenario, seed, replication, request_id, tuple(events), arrivals)


def _day(value: float) -> str:
    return f"day {value:7.1f}"


def _observation_lines(trace: Trace, stage: Stage, o: Observation) -> list[str]:
    """What the reviewer at ``stage`` observed, as far as that stage's rules use it."""
    pad = " " * 13
    if stage is Stage.INTAKE:
        gaps = o.submission.documentation_gaps
        return [f"{pad}observed: {gaps} required element(s) missing"]
    if stage is Stage.LEGAL_REVIEW:
        return [
            f"{pad}observed: facts read as '{o.conduct_read_as}'"
            + (" (disguise seen through)" if o.disguise_penetrated else "")
            + f"; dual criminality {'yes' if o.dual_criminality else 'no'}"
            + f"; political offence {'yes' if o.political_offence else 'no'}"
        ]
    if stage is Stage.RIGHTS_SCRUTINY:
        safeguards = trace.scenario.requested_state.safeguards
        ground = f", {o.apparent_ground.replace('_', ' ')}" if o.apparent_ground else ""
        return [
            f"{pad}observed: person recognised as at risk {'yes' if o.target_recognised else 'no'}"
            f"; requester record {o.requester_record:.2f}"
            f"; suspect conduct {'yes' if o.suspect_conduct else 'no'}",
            f"{pad}grounds to believe persecution: {rules.persecution_evidence(o, safeguards):.2f}{ground}",
        ]
    if stage is Stage.JUDICIAL_ORDER:
        return [f"{pad}observed: strength of the facts offered {o.factual_basis:.2f}"]
    return []


def format_trace(trace: Trace) -> str:
    first = trace.events[0].request
    sub, truth = first.submission, first.truth
    state = trace.scenario.requester(sub.requester)
    lines = [
        f"Request {trace.request_id}, replication {trace.replication}, seed {trace.seed} "
        f"({trace.scenario.name})",
        f"  from {state.name} [{state.id}]: {sub.measure.value.replace('_', ' ')} for "
        f"'{sub.offence}' (max penalty {sub.penalty_years:g} years), "
        + (
            "documentation complete"
            if sub.documentation_gaps == 0
            else f"{sub.documentation_gaps} required element(s) missing"
        ),
        "  hidden truth: "
        + (
            f"ABUSIVE: real conduct '{truth.conduct}', protected ground "
            f"{truth.protected_ground}, target {truth.target}, disguise {truth.disguise:.2f}"
            if truth.abusive
            else f"legitimate: conduct '{truth.conduct}', target {truth.target}"
        ),
        "",
    ]
    outcome = Outcome.PENDING
    end_day = trace.scenario.end_day
    for event in trace.events:
        lines += _event_lines(trace, event)
        if event.kind == "ended":
            outcome, end_day = event.details["outcome"], event.details["day"]
    lines.append("")
    waited = end_day - first.submitted_at
    if outcome is Outcome.PENDING:
        lines.append(f"Outcome: PENDING when the run stopped on day {end_day:.1f} ({waited:.1f} days in)")
    else:
        lines.append(
            f"Outcome: {outcome.value.upper()} on day {end_day:.1f}, {waited:.1f} days after submission"
        )
    return "\n".join(lines)


def _event_lines(trace: Trace, event: TraceEvent) -> list[str]:
    d = event.details
    if event.kind == "arrived":
        return [f"{_day(d['day'])}  submitted to the requested State's central authority"]
    if event.kind == "served":
        stage = d["stage"]
        if trace.scenario.requested_state.stages[stage].staff == 0:
            return [f"{_day(d['started'])}  {stage.value.replace('_', ' ')}: started (no queue)"]
        return [
            f"{_day(d['started'])}  {stage.value.replace('_', ' ')}: taken up after "
            f"{d['started'] - d['arrived']:.1f} days in queue ({d['queue_ahead']} ahead)"
        ]
    if event.kind == "decided":
        decision = d["decision"]
        checked = ", ".join(
            provisions.cite(pid)
            for rule in rules.RULES[decision.stage]
            for pid in rule.provisions
            if pid in rules.active_provisions(trace.scenario.requested_state.safeguards)
        )
        lines = _observation_lines(trace, decision.stage, d["observation"])
        if d["observation"].recalled and decision.stage in (Stage.LEGAL_REVIEW, Stage.RIGHTS_SCRUTINY):
            lines.append(f"{' ' * 13}recalled from the case file: {d['observation'].recalled}")
        if d["observation"].thoroughness < 1:
            lines.append(f"{' ' * 13}review thoroughness {d['observation'].thoroughness:.2f} (load)")
        if checked:
            lines.append(f"{' ' * 13}checked: {checked}")
        lines.append(f"{_day(d['day'])}  {decision_text(decision)}")
        return lines
    if event.kind == "postponed":
        return [f"{_day(d['day'])}  postponement over after {d['delay']:.1f} days"]
    if event.kind == "resubmitted":
        sub = event.request.submission
        what = "answered the query" if d["after"] is Verdict.REQUEST_INFORMATION else "amended the request"
        return [
            f"{_day(d['day'])}  requester {what} after {d['delay']:.1f} days: now '{sub.offence}', "
            f"{sub.documentation_gaps} element(s) missing, disguise {event.request.truth.disguise:.2f}"
        ]
    if event.kind == "ended" and d["outcome"] is Outcome.WITHDRAWN:
        return [f"{_day(d['day'])}  requester did not answer: request withdrawn"]
    return []


def decision_text(decision) -> str:
    verdict = decision.verdict.value.replace("_", " ").upper()
    cited = f" [{provisions.cite(decision.provision)}]" if decision.provision else ""
    text = f"{decision.stage.value.replace('_', ' ')} -> {verdict}{cited}: {decision.reason}"
    if decision.verdict is Verdict.CONSULT:
        text += f" (consultation first, {provisions.cite('uncc-40-27')})"
    return text


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
        "events": [{"kind": e.kind, "request": plain(e.request), **plain(e.details)} for e in trace.events],
    }
