"""Decision traces: one request's path replayed exactly, with its provisions cited."""

from __future__ import annotations

import pytest

from simulator.domain.model import Channel, Outcome
from simulator.experiments.run import replicate
from simulator.files.loader import load_scenario
from simulator.reporting.trace import UnknownRequest, explain, format_trace, trace_to_dict
from tests.conftest import BASELINE, practice_before


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


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
    assert text.splitlines()[-1].startswith("Outcome: ")


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
    with pytest.raises(UnknownRequest, match="numbered 0 to"):
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
