"""Pinned results: the shipped scenarios give, to the last digit, the numbers recorded in a JSON file.

``tests/data/pinned-baseline.json`` was recorded from the code as it stood before the throughput
work of issue 13 (commit 7f8b5cb). Every replication listed there is run again and each metric is
compared exactly (floats are stored with ``repr`` precision, so a difference in the last bit
fails), together with a digest of every counted request's truth, outcome and cited provision.

A change that is meant to leave results alone (a faster pipeline, lazy imports) must pass this test
untouched. A change that is meant to move results (a rule, a new draw) fails it: record the file
again with ``python -m tests.test_pinned --record``, say why in the commit and in ``CHANGELOG.md``
(the minor version changes), so any drift is visible and explained.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys

import pytest

from simulator.files.document import load_scenario
from simulator.world.pipeline import simulate
from simulator.world.tally import Tally
from tests.conftest import ROOT, SCENARIOS

PINNED = ROOT / "tests" / "data" / "pinned-baseline.json"

#: (scenario file stem, replication): three replications of the reference, one of each other file.
CASES = (
    ("un-convention-baseline", 0),
    ("un-convention-baseline", 1),
    ("un-convention-baseline", 2),
    ("us-doj-scrutiny", 0),
    ("strict-rights-review", 0),
    ("budapest-style", 0),
    ("no-safeguards", 0),
)


def outcomes_digest(tally: Tally) -> str:
    """SHA-256 over every request's (abusive, outcome code, provision), in arrival order."""
    outcomes = tally.outcomes
    digest = hashlib.sha256()
    for abusive, outcome, provision in zip(
        outcomes.abusive, outcomes.outcome, outcomes.provision, strict=True
    ):
        digest.update(f"{abusive},{outcome},{provision};".encode())
    return digest.hexdigest()


def measure(stem: str, replication: int) -> dict:
    """One replication of a shipped scenario at its own seed: metrics, arrivals, outcome digest."""
    scenario = load_scenario(SCENARIOS / f"{stem}.toml")
    tally = simulate(scenario, scenario.seed, replication, keep_outcomes=True)
    return {
        "scenario": stem,
        "seed": scenario.seed,
        "replication": replication,
        "arrivals": tally.arrivals,
        "outcomes_sha256": outcomes_digest(tally),
        "metrics": tally.summary(),
    }


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


@pytest.fixture(scope="module")
def pinned() -> dict[tuple[str, int], dict]:
    return {(entry["scenario"], entry["replication"]): entry for entry in json.loads(PINNED.read_text())}


def test_the_pinned_file_covers_every_case(pinned):
    assert set(pinned) == set(CASES)


@pytest.mark.parametrize(("stem", "replication"), CASES, ids=lambda v: str(v))
def test_results_are_identical_to_the_pinned_recording(pinned, stem, replication):
    expected = pinned[stem, replication]
    actual = measure(stem, replication)
    assert actual["seed"] == expected["seed"]
    assert actual["arrivals"] == expected["arrivals"]
    assert set(actual["metrics"]) == set(expected["metrics"])
    drifted = {
        name: (expected["metrics"][name], value)
        for name, value in actual["metrics"].items()
        if not _same(value, expected["metrics"][name])
    }
    assert not drifted, f"metrics drifted (pinned, now): {drifted}"
    assert actual["outcomes_sha256"] == expected["outcomes_sha256"], "a request's outcome changed"


def test_the_comparison_detects_a_last_digit_change(pinned):
    """The check has teeth: one ulp off in one metric counts as drift."""
    expected = pinned["un-convention-baseline", 0]["metrics"]["legitimate_days_median"]
    assert not _same(math.nextafter(expected, math.inf), expected)
    assert _same(math.nan, math.nan)


def record() -> None:
    """Write the pinned file from the code as it stands (a deliberate, explained change only)."""
    entries = [measure(stem, replication) for stem, replication in CASES]
    PINNED.write_text(json.dumps(entries, indent=1, sort_keys=True) + "\n")
    print(f"wrote {PINNED.relative_to(ROOT)}: {len(entries)} replications")


if __name__ == "__main__":
    if sys.argv[1:] != ["--record"]:
        sys.exit("usage: python -m tests.test_pinned --record")
    record()
