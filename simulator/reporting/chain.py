"""A traced case told as text: each request's arrival, reviews, decisions and outcome, in time order.

:func:`simulator.reporting.trace.explain` collects the events of one case;
:func:`narrate` writes them out as ``mlasim explain`` prints them. A case of several requests names
each line's request by a short tag (``#24`` for request 24, ``#24.1`` for the first request that follows
it) and says what each follow-up follows: "disclosure request #24.1 follows preservation #24", a
retry at another requested State after a refusal (forum shopping), a fresh request, the second piece
of a split request. A decision at the 24/7 point of contact lists the provisions that desk applies
(Art 2(o) and 41 for an emergency, 42 for a preservation, 43 for expedited disclosure, and the
refusal grounds listed for the channel); in MLA, the rules of the stage (Art 40 and the rest). A
request refused because monitoring suspended cooperation with its requester has no review: the
trace shows the refusal at once, with the policy it cites.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.domain import applied, grounds, provisions
from simulator.domain.channels import CHANNEL_BASIS, channel_provisions, cited
from simulator.domain.model import Channel, Observation, Outcome, Request, Stage, Verdict
from simulator.reporting import doors
from simulator.world.authority import offered_channels
from simulator.world.requesters import FLOOD_BASE, FOLLOW_UP_BASE
from simulator.world.scenario import RequestedState

if TYPE_CHECKING:
    from simulator.reporting.trace import Trace, TraceEvent


def _day(value: float) -> str:
    return f"day {value:7.1f}"


PAD = " " * 13


def tag(request_id: int) -> str:
    """A short name for a request of a case: ``#24`` for request 24, ``#24.1`` for its first follow-up."""
    if FOLLOW_UP_BASE <= request_id < FLOOD_BASE:
        return f"#{request_id % FOLLOW_UP_BASE}.{request_id // FOLLOW_UP_BASE}"
    return f"#{request_id}"


def _state(trace: Trace, state_id: str | None) -> RequestedState:
    for state in trace.scenario.requested_states:
        if state.id == state_id:
            return state
    return trace.scenario.requested_state


def _where(trace: Trace, state_id: str | None) -> str:
    if not trace.scenario.several:
        return "the requested State"
    state = _state(trace, state_id)
    return f"{state.name} [{state.id}]" if state.name and state.name != state.id else state.id


def _staff(trace: Trace, state_id: str | None, channel: Channel, stage: Stage) -> int:
    state = _state(trace, state_id)
    route = state.channels.get(channel)
    config = (route.stages.get(stage) if route is not None else None) or state.stages.get(stage)
    return config.staff if config is not None else 1


def _observation_lines(state: RequestedState, channel: Channel, stage: Stage, o: Observation) -> list[str]:
    """What the reviewer at ``stage`` observed, as far as that stage's rules use it."""
    if stage is Stage.INTAKE:
        gaps = o.submission.documentation_gaps
        return [f"{PAD}observed: {gaps} required element(s) missing"]
    if stage is Stage.LEGAL_REVIEW:
        return [
            f"{PAD}observed: facts read as '{o.conduct_read_as}'"
            + (" (disguise seen through)" if o.disguise_penetrated else "")
            + f"; dual criminality {'yes' if o.dual_criminality else 'no'}"
            + f"; political offence {'yes' if o.political_offence else 'no'}"
        ]
    if stage in (Stage.RIGHTS_SCRUTINY, Stage.CONTACT_POINT):
        ground = f", {o.apparent_ground.replace('_', ' ')}" if o.apparent_ground else ""
        lines = []
        if channel is Channel.EMERGENCY:
            lines.append(
                f"{PAD}observed: emergency claim "
                + ("read as credible" if o.emergency_credible else "seen through (no imminent risk shown)")
            )
        lines += [
            f"{PAD}observed: person recognised as at risk {'yes' if o.target_recognised else 'no'}"
            f"; requester record {o.requester_record:.2f}"
            f"; suspect conduct {'yes' if o.suspect_conduct else 'no'}",
            f"{PAD}grounds to believe persecution: "
            f"{grounds.persecution_evidence(o, state.safeguards):.2f}{ground}",
        ]
        return lines
    if stage is Stage.JUDICIAL_ORDER:
        return [f"{PAD}observed: strength of the facts offered {o.factual_basis:.2f}"]
    return []


def _checked(state: RequestedState, channel: Channel, stage: Stage) -> list[str]:
    """The provisions the deciding stage applies, as configured."""
    if stage is Stage.CONTACT_POINT and doors.is_direct(channel):
        return doors.checked(state, channel)
    if stage is Stage.CONTACT_POINT and channel is not Channel.MLA:
        basis = CHANNEL_BASIS.get(channel, ())
        refusable = channel_provisions(state.channel_rules, state.safeguards)
        desk = {cited(channel, g) for g in state.channel_rules.of(channel).grounds}
        found = [pid for pid in basis if pid in refusable or pid not in ("uncc-2-o", "uncc-42-4")]
        if channel is Channel.EMERGENCY:
            found = ["uncc-2-o", *(pid for pid in found if pid != "uncc-2-o")]
        found += sorted(desk & refusable)
        return list(dict.fromkeys(found))
    active = applied.active_provisions(state.safeguards)
    return [pid for rule in grounds.BY_STAGE.get(stage, ()) for pid in rule.rests_on if pid in active]


def _describe(request: Request) -> str:
    sub = request.submission
    return (
        f"{sub.measure.value.replace('_', ' ')} for '{sub.offence}' "
        f"(max penalty {sub.penalty_years:g} years), "
        + (
            "documentation complete"
            if sub.documentation_gaps == 0
            else f"{sub.documentation_gaps} required element(s) missing"
        )
    )


def _when(event: TraceEvent) -> float:
    """The day an event's line shows (a review: when the reviewer took the request up)."""
    return event.details["started"] if event.kind == "served" else event.details["day"]


#: The article each fast channel rests on, as the arrival line names it.
CHANNEL_ARTICLE = {
    Channel.PRESERVATION: "Art 42",
    Channel.EXPEDITED_DISCLOSURE: "Art 43",
    Channel.EMERGENCY: "Art 41",
    Channel.SPONTANEOUS: "Art 40(4)-(5)",
}


def narrate(trace: Trace) -> str:
    """The trace of a case as text: its first request, each event in time order, the outcomes."""
    first = trace.events[0].request
    sub, truth = first.submission, first.truth
    state = trace.scenario.requester(sub.requester)
    ids = trace.request_ids
    lines = [
        f"Request {trace.request_id}, replication {trace.replication}, seed {trace.seed} "
        f"({trace.scenario.name})",
        f"  from {state.name} [{state.id}]: {_describe(first)}",
        "  hidden truth: "
        + (
            f"ABUSIVE: real conduct '{truth.conduct}', protected ground "
            f"{truth.protected_ground}, target {truth.target}, disguise {truth.disguise:.2f}"
            if truth.abusive
            else f"legitimate: conduct '{truth.conduct}', target {truth.target}"
        ),
    ]
    if len(ids) > 1:
        lines.append(
            f"  case {trace.case}: {len(ids)} requests ("
            + ", ".join(f"{tag(i)} = request {i}" for i in ids)
            + "); each line names its request"
        )
    elif trace.request_id != first.id:
        lines.append(f"  request {trace.request_id} is part of case {trace.case}")
    lines.append("")
    context = _Context(trace, multiple=len(ids) > 1)
    for event in sorted(trace.events, key=_when):  # stable: one request's events keep their order
        lines += context.lines(event)
    lines.append("")
    lines += context.outcome_lines()
    return "\n".join(lines)


class _Context:
    """What the trace knows so far, event by event: each request's State, channel and outcome."""

    def __init__(self, trace: Trace, multiple: bool) -> None:
        self.trace = trace
        self.multiple = multiple
        self.requested: dict[int, str | None] = {}
        self.channel: dict[int, Channel] = {}
        self.ended: dict[int, tuple[Outcome, float, str | None, Channel]] = {}
        self.attempt: dict[int, int] = {}
        self.first: dict[int, Request] = {}
        self.last_provider: dict[int, str] = {}

        self.width = max((len(tag(i)) for i in trace.request_ids), default=0)

    def prefix(self, request: Request) -> str:
        """Each line of a case of several requests starts with its request's tag, in a column."""
        return f"{tag(request.id):<{self.width}}  " if self.multiple else ""

    def lines(self, event: TraceEvent) -> list[str]:
        request, d = event.request, event.details
        rid = request.id
        if event.kind == "arrived":
            self.requested[rid] = d.get("requested")
            self.channel[rid] = request.submission.channel
            self.attempt[rid] = request.attempt
            self.first[rid] = request
            return self._arrived(request, d)
        return [self.prefix(request) + line for line in self._event(event)]

    def _link(self, request: Request) -> str | None:
        """What a follow-up follows: a preservation, a refusal (retry or fresh request), a split."""
        parent = request.parent
        if parent is None:
            return None
        ended = self.ended.get(parent)
        where = _where(self.trace, request.submission.requested)
        if request.follows == "disclosure" or (ended is not None and ended[0] is Outcome.PRESERVED):
            return (
                f"disclosure request {tag(request.id)} follows preservation {tag(parent)} (Art 42): "
                "the data themselves are asked through MLA"
            )
        if request.follows == "reroute":
            before = self.channel.get(parent, Channel.MLA)
            return doors.reroute_link(tag(request.id), tag(parent), request.submission.channel, before, where)
        if request.follows in ("retry", "fresh") or (ended is not None and ended[0] is Outcome.REFUSED):
            before = _where(self.trace, self.requested.get(parent))
            if request.follows == "fresh":
                return (
                    f"fresh request {tag(request.id)} after the refusal of {tag(parent)} at {before} "
                    f"(attempt {request.attempt})"
                )
            return (
                f"request {tag(request.id)} retries at {where} after the refusal of {tag(parent)} "
                f"at {before} (forum shopping)"
            )
        measure = request.submission.measure.value.replace("_", " ")
        return (
            f"request {tag(request.id)} is the second piece of split request {tag(parent)}: "
            f"{measure} asked separately"
        )

    def _arrived(self, request: Request, d: dict[str, Any]) -> list[str]:
        sub = request.submission
        where = _where(self.trace, d.get("requested"))
        lines = []
        link = self._link(request)
        if link is not None:
            lines += [f"{PAD}{link}", f"{PAD}{_describe(request)}"]
        if doors.is_direct(sub.channel):
            text, self.channel[request.id] = doors.arrival(
                _state(self.trace, d.get("requested")), request, where
            )
        elif sub.channel is Channel.MLA:
            text = (
                "submitted to the requested State's central authority"
                if not self.trace.scenario.several
                else f"submitted to the central authority of {where}"
            )
        else:
            basis = "UNCC " + CHANNEL_ARTICLE.get(sub.channel, "")
            claim = ", claiming an emergency" if sub.emergency_claim else ""
            channel = sub.channel.value.replace("_", " ")
            text = (
                f"submitted through the {channel} channel ({basis}) "
                f"to the 24/7 point of contact of {where}{claim}"
            )
            if sub.channel not in offered_channels(_state(self.trace, d.get("requested"))):
                self.channel[request.id] = Channel.MLA
                text = (
                    f"submitted as {'an' if channel[0] in 'aeiou' else 'a'} {channel} request "
                    f"({basis}){claim} "
                    f"to {where}, which offers no {channel} channel: it goes to the central authority (MLA)"
                )
        lines.append(f"{_day(d['day'])}  {text}")
        return [self.prefix(request) + line for line in lines]

    def _event(self, event: TraceEvent) -> list[str]:
        trace, d, request = self.trace, event.details, event.request
        rid = request.id
        state_id = self.requested.get(rid)
        state = _state(trace, state_id)
        channel = request.submission.channel
        if event.kind == "served":
            if d.get("provider"):
                self.last_provider[rid] = d["provider"]
            stage = d["stage"]
            name = doors.served_name(d) or stage.value.replace("_", " ")
            if doors.staff(state, d, _staff(trace, state_id, channel, stage)) == 0:
                return [f"{_day(d['started'])}  {name}: started (no queue)"]
            return [
                f"{_day(d['started'])}  {name}: taken up after "
                f"{d['started'] - d['arrived']:.1f} days in queue ({d['queue_ahead']} ahead)"
            ]
        if event.kind == "decided":
            decision, observation = d["decision"], d["observation"]
            if decision.stage is Stage.PROVIDER:
                provider = self.last_provider.get(rid, "")
                lines = doors.observation_lines(observation, state, provider)
                return [*lines, f"{_day(d['day'])}  {decision_text(decision)}"]
            lines = _observation_lines(state, channel, decision.stage, observation)
            if observation.recalled and decision.stage in (Stage.LEGAL_REVIEW, Stage.RIGHTS_SCRUTINY):
                lines.append(f"{PAD}recalled from the case file: {observation.recalled}")
            if observation.thoroughness < 1:
                lines.append(f"{PAD}review thoroughness {observation.thoroughness:.2f} (load)")
            checked = ", ".join(provisions.cite(pid) for pid in _checked(state, channel, decision.stage))
            if checked:
                lines.append(f"{PAD}checked: {checked}")
            lines.append(f"{_day(d['day'])}  {decision_text(decision)}")
            return lines
        if event.kind == "postponed":
            return [f"{_day(d['day'])}  postponement over after {d['delay']:.1f} days"]
        if event.kind == "resubmitted":
            sub = request.submission
            if d["after"] is Verdict.REDIRECT and doors.is_direct(self.channel.get(rid, Channel.MLA)):
                self.channel[rid] = Channel.MLA
                return [doors.sent_back(_day(d["day"]), _where(trace, state_id))]
            if d["after"] is Verdict.REDIRECT:
                self.channel[rid] = Channel.MLA
                return [
                    f"{_day(d['day'])}  false emergency seen through: the request goes on through MLA "
                    f"at {_where(trace, state_id)} ({provisions.cite('uncc-2-o')})"
                ]
            what = (
                "answered the query" if d["after"] is Verdict.REQUEST_INFORMATION else "amended the request"
            )
            return [
                f"{_day(d['day'])}  requester {what} after {d['delay']:.1f} days: now '{sub.offence}', "
                f"{sub.documentation_gaps} element(s) missing, disguise {request.truth.disguise:.2f}"
            ]
        if event.kind == "ended":
            return self._ended(request, d)
        return []

    def _ended(self, request: Request, d: dict[str, Any]) -> list[str]:
        outcome = d["outcome"]
        provision = d.get("provision")
        channel = d.get("channel") or self.channel.get(request.id, Channel.MLA)
        self.ended[request.id] = (outcome, d["day"], provision, channel)
        held = doors.ended_line(_day(d["day"]), d)
        if held is not None:
            return [held, *self._ended_plain(request, d)]
        return self._ended_plain(request, d)

    def _ended_plain(self, request: Request, d: dict[str, Any]) -> list[str]:
        outcome = d["outcome"]
        provision = d.get("provision")
        if d.get("reason"):  # refused before any review: cooperation suspended after monitoring
            cite = f" [{provisions.cite(provision)}]" if provision else ""
            return [f"{_day(d['day'])}  {outcome.value.upper()} at once{cite}: {d['reason']}"]
        if outcome is Outcome.WITHDRAWN:
            return [f"{_day(d['day'])}  requester did not answer: request withdrawn"]
        if outcome is Outcome.PRESERVED:
            return [
                f"{_day(d['day'])}  data preserved at the provider, nothing handed over; "
                "a disclosure request must follow through MLA"
            ]
        if self.multiple:
            where = _where(self.trace, d.get("requested"))
            return [f"{_day(d['day'])}  ended: {outcome.value.upper()} at {where}"]
        return []

    def outcome_lines(self) -> list[str]:
        trace = self.trace
        ids = trace.request_ids
        if not self.multiple:
            rid = ids[0] if ids else trace.request_id
            submitted = (
                self.first[rid].submitted_at if rid in self.first else trace.events[0].request.submitted_at
            )
            if rid not in self.ended:
                end = trace.scenario.end_day
                return [
                    f"Outcome: PENDING when the run stopped on day {end:.1f} ({end - submitted:.1f} days in)"
                ]
            outcome, day, _, _ = self.ended[rid]
            return [
                f"Outcome: {outcome.value.upper()} on day {day:.1f}, "
                f"{day - submitted:.1f} days after submission"
            ]
        start = trace.events[0].request.submitted_at
        lines = ["Outcomes:"]
        for rid in ids:
            where = _where(trace, self.requested.get(rid))
            if rid in self.ended:
                outcome, day, _, channel = self.ended[rid]
                lines.append(
                    f"  {tag(rid):<8} {outcome.value.upper()} at {where} on day {day:.1f} "
                    f"(through {channel.value.replace('_', ' ')})"
                )
            else:
                lines.append(f"  {tag(rid):<8} PENDING at {where} when the run stopped")
        handed = [
            (day, rid, channel)
            for rid, (outcome, day, _, channel) in self.ended.items()
            if outcome.data_handed_over
        ]
        if handed:
            day, rid, channel = min(handed)
            lines.append(
                f"Outcome of the case: DATA HANDED OVER on day {day:.1f}, {day - start:.1f} days after the "
                f"first request, by {tag(rid)} at {_where(trace, self.requested.get(rid))} "
                f"through {channel.value.replace('_', ' ')}"
            )
        else:
            lines.append("Outcome of the case: no data handed over")
        return lines


def decision_text(decision) -> str:
    """One decision as a trace line: stage, verdict, the provision cited and the reason."""
    verdict = decision.verdict.value.replace("_", " ").upper()
    cited = f" [{provisions.cite(decision.provision)}]" if decision.provision else ""
    text = f"{decision.stage.value.replace('_', ' ')} -> {verdict}{cited}: {decision.reason}"
    if decision.verdict is Verdict.CONSULT:
        text += f" (consultation first, {provisions.cite('uncc-40-27')})"
    return text
