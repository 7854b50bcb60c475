"""Decision traces: one request's path replayed exactly, with its provisions cited."""

from __future__ import annotations

import pytest

from simulator.domain.model import Channel, Outcome
from simulator.domain.provisions import MARKS
from simulator.experiments.run import replicate
from simulator.files.document import load_scenario
from simulator.reporting.trace import UnknownRequest, explain, format_trace, trace_to_dict
from simulator.world.requesters import FOLLOW_UP_BASE
from tests.conftest import BASELINE, practice_before


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


def story(text: str) -> str:
    """The trace without the legend of citation marks that ends it."""
    head, _, tail = text.rpartition("\n\n")
    return head if tail[:1] in MARKS.values() else text


def last_line(text: str) -> str:
    """The last line of the trace that is not a wrapped line's continuation."""
    return [line for line in story(text).splitlines() if not line.startswith(" ")][-1]


def flat(text: str) -> str:
    """The text with its lines joined (a long line of the trace is wrapped)."""
    return " ".join(text.split())


def test_tracing_does_not_change_the_replication(baseline):
    events = []
    traced = replicate(baseline, baseline.seed, 0, trace=(78, lambda r, k, d: events.append(k)))
    assert traced == replicate(baseline, baseline.seed, 0)
    assert events[0] == "arrived" and events[-1] == "ended"


def test_a_consulted_abusive_request_shows_the_loop_and_its_citations():
    trace = explain(practice_before(), 78)
    kinds = [e.kind for e in trace.events]
    assert kinds.count("resubmitted") == 1
    first, last = trace.events[0].request, trace.events[-1].request
    assert first.truth.abusive and last.submission.amendments == 1
    text = format_trace(trace)
    assert "CONSULT [UNCC Art 40(9)" in text and "UNCC Art 40(27)" in text
    assert "requester amended the request" in text
    assert last_line(text).startswith("Outcome: ")


def test_the_trace_and_the_statistics_agree_on_the_outcome(baseline):
    outcomes = {}
    from simulator.world import tally

    original = tally.Tally.ended_as

    def record(self, request, outcome, provision, day, channel=Channel.MLA):
        outcomes[request.id] = outcome
        original(self, request, outcome, provision, day, channel)

    tally.Tally.ended_as = record
    try:
        replicate(baseline, baseline.seed, 0)
    finally:
        tally.Tally.ended_as = original
    for request_id in (3, 78, 129, 500):
        trace = explain(baseline, request_id)
        ended = [e for e in trace.events if e.kind == "ended"]
        expected = outcomes.get(request_id, Outcome.PENDING)
        assert (ended[0].details["outcome"] if ended else Outcome.PENDING) is expected


def test_unknown_requests_are_reported(baseline):
    with pytest.raises(UnknownRequest, match="numbered from 0 in order of arrival"):
        explain(baseline, 10**7)


def test_json_form_is_plain_data(baseline):
    import json

    doc = trace_to_dict(explain(baseline, 5))
    assert json.loads(json.dumps(doc)) == doc
    assert doc["events"][0]["request"]["submission"]["requester"] in {"partner", "hybrid", "authoritarian"}


def test_a_trace_shows_what_the_case_file_recalled_and_from_which_request(baseline):
    """Memory: a later request about a person already seen names the earlier request in its trace."""
    from simulator.world.pipeline import simulate

    recalled: dict[int, str] = {}

    def hook(request, kind, details):
        observation = details.get("observation")
        if kind == "decided" and observation is not None and observation.recalled:
            recalled.setdefault(request.id, observation.recalled)

    outcomes = simulate(baseline, baseline.seed, 0, keep_outcomes=True).outcomes
    late_abusive = [i for i, abusive in enumerate(outcomes.abusive) if abusive][-12:]
    candidates = []
    for request_id in late_abusive:
        recalled.clear()
        simulate(baseline, baseline.seed, 0, trace=(request_id, hook))
        if recalled:
            candidates.append(request_id)
            break
    assert candidates, "no traced request recalled anything"
    text = format_trace(explain(baseline, candidates[0]))
    assert "recalled from the case file:" in text and "request(s) " in text


# --- whole cases: preservation then disclosure, false emergencies, retries, suspension (issue 9) --
def case_map(scenario, replication: int = 0) -> dict[int, list[dict]]:
    """Every counted request of one replication by case: id, parent, channel, State, how it ended."""
    from simulator.world.pipeline import simulate
    from simulator.world.tally import Tally

    cases: dict[int, list[dict]] = {}
    ended: dict[int, dict] = {}

    class Recording(Tally):
        def arrived(self, request):
            super().arrived(request)
            entry = {
                "id": request.id,
                "parent": request.parent,
                "channel": request.submission.channel,
                "requested": request.submission.requested,
                "abusive": request.truth.abusive,
            }
            ended[request.id] = entry
            cases.setdefault(request.case_id, []).append(entry)

        def ended_as(self, request, outcome, provision, day, channel=Channel.MLA):
            super().ended_as(request, outcome, provision, day, channel)
            ended[request.id] |= {"outcome": outcome, "provision": provision, "through": channel}

    simulate(scenario, scenario.seed, replication, tally=Recording.for_scenario(scenario))
    return cases


@pytest.fixture(scope="module")
def several_cases():
    from tests.reporting.conftest import SUSPENDING, several

    scenario = several(*SUSPENDING)
    return scenario, case_map(scenario)


def first_case(cases, accept) -> int:
    return next(case for case, requests in sorted(cases.items()) if accept(requests))


def test_a_preservation_and_its_disclosure_request_are_one_chain(several_cases):
    scenario, cases = several_cases
    case = first_case(
        cases,
        lambda rs: rs[0]["channel"] is Channel.PRESERVATION and rs[0].get("outcome") is Outcome.PRESERVED
        and len(rs) > 1,
    )  # fmt: skip
    follow_up = cases[case][1]["id"]
    assert follow_up >= FOLLOW_UP_BASE
    text = format_trace(explain(scenario, case))
    assert f"case {case}: {len(cases[case])} requests" in text
    assert "submitted through the preservation channel (UNCC Art 42)" in text
    assert "PRESERVE [UNCC Art 42(7)" in text and "nothing handed over" in text
    assert f"disclosure request #{case}.1 follows preservation #{case} (Art 42)" in text
    # explaining the disclosure request explains its case
    again = format_trace(explain(scenario, follow_up))
    assert again.splitlines()[0].startswith(f"Request {follow_up}, replication 0")
    assert again.splitlines()[1:] == text.splitlines()[1:]


def test_a_false_emergency_is_redirected_to_mla_citing_art_2_o(several_cases):
    scenario, cases = several_cases
    case = first_case(
        cases,
        lambda rs: rs[0]["channel"] is Channel.EMERGENCY
        and rs[0]["requested"] == "us"  # the only State of the three with a 24/7 emergency desk
        and rs[0].get("through") is Channel.MLA,
    )  # fmt: skip
    trace = explain(scenario, case)
    text = format_trace(trace)
    assert "claiming an emergency" in text and "emergency claim seen through" in text
    assert "contact point -> REDIRECT [UNCC Art 2(o)]" in text
    assert "false emergency seen through: the request goes on through MLA" in text
    assert "checked: UNCC Art 2(o), UNCC Art 41" in text


def test_an_emergency_sent_where_no_emergency_channel_is_offered_goes_by_mla(several_cases):
    scenario, cases = several_cases
    case = first_case(cases, lambda rs: rs[0]["channel"] is Channel.EMERGENCY and rs[0]["requested"] == "eu")
    text = format_trace(explain(scenario, case))
    assert "which offers no emergency channel: it goes to the central authority (MLA)" in flat(text)
    assert "contact point" not in text


def test_a_refusal_in_one_state_and_a_retry_in_another(several_cases):
    scenario, cases = several_cases
    case = first_case(
        cases,
        lambda rs: any(
            r.get("outcome") is Outcome.REFUSED
            and any(o["parent"] == r["id"] and o["requested"] != r["requested"] for o in rs)
            for r in rs
        ),
    )
    text = format_trace(explain(scenario, case))
    assert "retries at" in text and "(forum shopping)" in text
    places = {r["requested"] for r in cases[case]}
    assert len(places) > 1 and all(f"[{p}]" in text for p in places)
    assert last_line(text).startswith("Outcome of the case: ")


def test_a_suspended_requester_is_refused_at_once_without_a_review(several_cases):
    scenario, cases = several_cases
    case = first_case(cases, lambda rs: any(r.get("provision") == "monitoring-suspension" for r in rs))
    trace = explain(scenario, case)
    suspended = {
        e.request.id for e in trace.events if e.kind == "ended" and e.details.get("reason") is not None
    }
    assert suspended
    assert not any(e.kind in ("decided", "served") and e.request.id in suspended for e in trace.events)
    text = format_trace(trace)
    assert "REFUSED at once [Policy: suspension after monitoring" in text
    assert "cooperation suspended after monitoring flagged the requester" in text


def test_a_case_in_json_names_its_requests_and_links(several_cases):
    import json

    scenario, cases = several_cases
    case = first_case(cases, lambda rs: len(rs) > 1)
    doc = trace_to_dict(explain(scenario, case))
    assert json.loads(json.dumps(doc)) == doc
    assert doc["case"] == case and doc["requests"] == [r["id"] for r in cases[case]]
    arrivals = [e for e in doc["events"] if e["kind"] == "arrived"]
    assert arrivals[1]["request"]["parent"] is not None and arrivals[1]["request"]["case"] == case
    assert {e["requested"] for e in arrivals} <= {"us", "eu", "small"}


def test_an_unknown_follow_up_is_reported(several_cases):
    scenario, _ = several_cases
    with pytest.raises(UnknownRequest, match="did not arrive") as unknown:
        explain(scenario, 7 * FOLLOW_UP_BASE + 3)
    assert str(FOLLOW_UP_BASE) not in str(unknown.value)  # no internal offset in the message
