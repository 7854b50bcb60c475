"""Comparisons on common random numbers: same requests, paired differences, flipped outcomes."""

from __future__ import annotations

import attrs
import pytest

import simulator
from simulator.domain.safeguards import DualCriminality, DualCriminalityMode
from simulator.experiments.comparison import compare, excludes_zero, flip_row
from simulator.experiments.execution import Execution
from simulator.files.document import load_scenario
from simulator.world.pipeline import Pipeline
from simulator.world.requesters import FOLLOW_UP_BASE
from simulator.world.tally import RequestOutcomes, Tally
from tests.conftest import BASELINE, SCENARIOS, build, deep_update, document, skipping_stages


class RecordingTally(Tally):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream = []

    def arrived(self, request):
        super().arrived(request)
        if request.id < FOLLOW_UP_BASE:  # what follows a request (a disclosure) depends on its fate
            self.stream.append((request.id, request.submitted_at, request.submission, request.truth))


def request_stream(scenario, replication):
    tally = RecordingTally(0.0, [s.id for s in scenario.requesting_states], [])
    Pipeline(scenario, 5, replication, tally).run()
    return tally.stream


def test_configurations_that_differ_in_a_safeguard_see_the_same_requests():
    base = load_scenario(BASELINE)
    safeguards = attrs.evolve(
        base.requested_state.safeguards, dual_criminality=DualCriminality(DualCriminalityMode.REQUIRED)
    )
    strict = base.with_requested_state(attrs.evolve(base.requested_state, safeguards=safeguards))
    stream = request_stream(base, 3)
    assert len(stream) > 2000
    assert request_stream(strict, 3) == stream
    assert request_stream(base, 4) != stream


def small(mode: str):
    doc = document(
        stages={
            "legal_review": {"staff": 1, "service": {"distribution": "exponential", "mean": 0.5}},
            "execution": {"staff": 0, "service": {"distribution": "fixed", "value": 2.0}},
        },
        routes={"default": ["legal_review", "execution"]},
        safeguards={
            "dual_criminality": {"mode": mode, "refusal_rate": 0.5},
            "consultation": {"enabled": False, "rounds": 0},
        },
    )
    return build(skipping_stages(deep_update(doc, "scenario.horizon_days", 400.0)))


def test_paired_difference_of_a_stricter_configuration():
    comparison = compare([small("waived"), small("required")], replications=6)
    diff = comparison.difference(1, "abuse_pass_through")
    assert diff.mean < -0.2 and excludes_zero(diff)
    assert comparison.same_requests
    flips = comparison.flip_estimates(1)
    assert flips["abusive.granted_to_refused"].mean > 10
    assert flips["abusive.granted_to_refused.uncc-40-9"].mean == flips["abusive.granted_to_refused"].mean
    assert flips["abusive.refused_to_granted"].mean == 0  # stricter never grants what was refused
    assert flips["legitimate.granted_to_refused"].mean == 0  # legitimate conduct is a crime here


def test_pairing_narrows_the_interval_on_the_shipped_scenarios():
    a = load_scenario(SCENARIOS / "un-convention-baseline.toml")
    b = load_scenario(SCENARIOS / "us-doj-scrutiny.toml")
    comparison = compare([a, b], replications=6)
    paired = comparison.difference(1, "abuse_pass_through").half_width
    assert paired < 0.75 * comparison.unpaired_half_width(1, "abuse_pass_through")
    days = "legitimate_days_median"
    assert comparison.difference(1, days).half_width < 0.6 * comparison.unpaired_half_width(1, days)


def test_precision_adds_replications_until_the_interval_is_narrow_enough():
    comparison = compare([small("waived"), small("discretionary")], replications=3, precision=0.03)
    assert comparison.precision.reached
    assert comparison.replications > 3
    assert comparison.difference(1, "abuse_pass_through").half_width <= 0.03
    capped = compare(
        [small("waived"), small("discretionary")], replications=3, precision=0.0001, max_replications=5
    )
    assert not capped.precision.reached and capped.replications == 5


def test_results_do_not_depend_on_the_number_of_workers():
    configs = [small("waived"), small("required")]
    serial = compare(configs, replications=4, execution=Execution(workers=1))
    pooled = compare(configs, replications=4, execution=Execution(workers=2))
    assert serial.rows == pooled.rows and serial.flips == pooled.flips


def test_flip_row_needs_the_same_requests():
    a, b = RequestOutcomes(), RequestOutcomes()
    a.abusive.append(1)
    a.outcome.append(0)
    assert flip_row(a, b) is None


def test_public_api_and_pandas():
    comparison = simulator.compare(
        [small("waived"), small("required")], labels=["lax", "strict"], replications=3
    )
    frame = comparison.to_pandas()
    assert set(frame["configuration"]) == {"lax", "strict"}
    strict_row = frame[(frame.configuration == "strict") & (frame.metric == "abuse_pass_through")].iloc[0]
    assert strict_row["difference"] == pytest.approx(comparison.difference(1, "abuse_pass_through").mean)
    doc = comparison.to_dict()
    assert doc["configurations"][1]["difference"]["abuse_pass_through"]["excludes_zero"] is True


def test_precision_starts_from_two_replications_and_rejects_a_zero_target():
    comparison = compare([small("waived"), small("discretionary")], replications=1, precision=0.05)
    assert comparison.replications >= 2 and comparison.precision.reached
    with pytest.raises(ValueError, match="greater than 0"):
        compare([small("waived"), small("discretionary")], replications=2, precision=0.0)


def test_flipped_requests_are_listed_by_replication_and_id_and_replay_as_listed():
    from simulator.domain.model import Outcome
    from simulator.reporting.trace import explain

    lax, strict = small("discretionary"), small("required")
    comparison = compare([lax, strict], replications=3)
    flipped = comparison.flipped[0]
    per_replication = [sum(1 for f in flipped if f.replication == r) for r in range(3)]
    expected = [
        row["abusive.granted_to_refused"] + row["abusive.refused_to_granted"] for row in comparison.flips[0]
    ]
    expected = [e + row["legitimate.granted_to_refused"] + row["legitimate.refused_to_granted"]
                for e, row in zip(expected, comparison.flips[0], strict=True)]  # fmt: skip
    assert per_replication == expected and sum(per_replication) > 0
    first = flipped[0]
    assert first.direction == "granted_to_refused" and first.provision == "uncc-40-9" and first.abusive
    granted = {Outcome.GRANTED, Outcome.CONDITIONALLY_GRANTED}
    assert explain(lax, first.request, first.replication).events[-1].details["outcome"] in granted
    assert explain(strict, first.request, first.replication).events[-1].details["outcome"] is Outcome.REFUSED
    listed = comparison.to_dict()["configurations"][1]["flipped_requests"]
    assert listed[0] == first.to_dict() and len(listed) == len(flipped)
