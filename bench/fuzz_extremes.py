"""A campaign of composed extremes: hundreds of hostile scenario documents, each refused or run.

``tests/test_extremes.py`` tries 40 documents in every ``make test``; this script tries as many as asked
(default 500) with fresh randomness, and prints how many were refused in one line, ran to the end,
were stopped in one line by their budget of requests or the clock's watch, or hung (ran longer than
the time allowed to one replication: that would be a bug, and the script exits with status 1).

    .venv/bin/python bench/fuzz_extremes.py [DOCUMENTS] [REQUESTS] [SECONDS]
"""

from __future__ import annotations

import sys
import time
from collections import Counter

from hypothesis import HealthCheck, given, settings

from simulator.checking.strategies.extremes import Hang, extreme_documents, try_document


def campaign(documents: int, requests: int, seconds: float) -> tuple[Counter[str], Counter[str], list[str]]:
    """Outcomes by kind, leaves tried, and the hangs (their leaves)."""
    outcomes: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    hangs: list[str] = []

    @settings(
        max_examples=documents,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(extreme_documents())
    def each(doc: dict) -> None:
        leaves.update(doc["_leaves"])
        try:
            kind, _ = try_document(doc, requests, seconds)
        except Hang as hang:
            kind = "hung"
            hangs.append(str(hang))
        outcomes[kind] += 1

    each()
    return outcomes, leaves, hangs


def main() -> int:
    """Load and run random extreme scenario documents within a request budget; report any traceback or
    hang."""
    documents = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 120.0
    started = time.perf_counter()
    outcomes, leaves, hangs = campaign(documents, requests, seconds)
    total = sum(outcomes.values())
    print(
        f"{total} documents in {time.perf_counter() - started:.0f} s (a budget of {requests:,} requests and "
        f"{seconds:g} s a replication): refused {outcomes['refused']}, finished {outcomes['finished']}, "
        f"stopped {outcomes['stopped']}, hung {outcomes['hung']}"
    )
    print("leaves tried: " + ", ".join(f"{name} {count}" for name, count in sorted(leaves.items())))
    for hang in hangs:
        print(f"HUNG: {hang}")
    return 1 if hangs else 0


if __name__ == "__main__":
    sys.exit(main())
