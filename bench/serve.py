"""How fast the what-if page answers (``mlasim serve``): first estimate, decision grade, cancellation.

On the shipped baseline, two ways:

- **through the page**: a server started as a user starts it (``mlasim serve FILE --port 0
  --workers 2``), asked each what-if as the page's script asks it (``/answer``, server-sent events);
  timed from the request: the **first estimate** (the first answer with 2 paired replications: the
  first interval) and the **decision grade** (the first answer whose abuse pass-through difference
  has a half-width under 2 points), with the replications it took; and the server's start (from the
  command to the address printed: imports, reading the file, starting and warming the workers);
- **the jobs alone** (:class:`simulator.serving.jobs.Runner`, warmed as the server warms it):
  **cancellation**, seconds from a new change in the same tab to the old comparison's end (its
  workers free), cut at a few moments of a running replication.

Targets (issue 26): first estimate under 3 s on 2 cores, decision grade under 30 s, cancellation
under 0.5 s. The machine's load average is printed: timings taken while other work runs are
inflated. Run: ``.venv/bin/python bench/serve.py [--workers 2]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from simulator.files.document import read_file
from simulator.serving.jobs import Runner

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "un-convention-baseline.toml"
WHAT_IFS = {
    "dual criminality required": {"safeguards.dual_criminality.mode": "required"},
    "discrimination bar 0.5": {"safeguards.discrimination.evidence_threshold": "0.5"},
    "case files forget": {"safeguards.memory": "none"},
    "authoritarian abuse 0.1": {"requesting_state.authoritarian.abusive_share": "0.1"},
}
DECISION = 0.02
_HALF_WIDTH = re.compile(r'data-metric="abuse_pass_through" data-half-width="([^"]+)"')


def through_the_page(workers: int) -> None:
    """Start a server as a user does and time its answers to each what-if, as the page asks them."""
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "simulator", "serve", str(BASELINE), "--port", "0",
         "--workers", str(workers)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
    )  # fmt: skip
    try:
        address = re.search(r"http://[^ ]+/", server.stdout.readline()).group(0)
        print(f"server started in {time.perf_counter() - started:.2f} s (imports, file, workers warmed)")
        print(f"{'what-if':28} {'first estimate':>15} {'half-width < 2 pts':>19} {'replications':>13}")
        for name, changes in WHAT_IFS.items():
            first, decided, n = _ask(address, changes)
            reached = f"{decided:.1f} s" if decided is not None else "not reached"
            print(f"{name:28} {first:>13.2f} s {reached:>19} {n:>13}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def _ask(address: str, changes: dict[str, str]) -> tuple[float, float | None, int]:
    """Seconds to the first estimate and to the decision grade, and the replications it took."""
    query = urlencode({**changes, "_tab": "bench"})
    asked = time.perf_counter()
    first = None
    with urllib.request.urlopen(f"{address}answer?{query}", timeout=300) as stream:
        for line in stream:
            if not line.startswith(b"data: "):
                continue
            data = json.loads(line[6:])
            n = data.get("replications", 0)
            if first is None and n >= 2:
                first = time.perf_counter() - asked
            found = _HALF_WIDTH.search(data.get("html", {}).get("headline", ""))
            if found and float(found.group(1)) < DECISION:
                return first, time.perf_counter() - asked, n
            if data.get("state") != "running" and n:
                return first, None, n
    return first or float("nan"), None, 0


def cancellations(workers: int) -> None:
    """Time from a new change in a tab to the end of the comparison it cancels."""
    file = read_file(BASELINE)
    base = file.base()
    runner = Runner(workers=workers, precision=DECISION, least=2, most=200)
    runner.warm(base)
    whatif = file.configured({"safeguards.dual_criminality.mode": "required"}, "what-if")
    cancels = []
    for wait in (0.3, 0.9, 1.6, 2.4, 3.1):
        job = runner.start("bench", (base, whatif), ("as loaded", "what-if"), {})
        time.sleep(wait)
        changed = time.perf_counter()
        runner.start("bench", (base, base), ("as loaded", "what-if"), {}).cancel()
        job.thread.join()
        cancels.append(time.perf_counter() - changed)
    runner.close()
    print("cancellation after a change: " + ", ".join(f"{c:.3f} s" for c in cancels))


def main() -> None:
    """Both measurements, with the load average before and after."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    through_the_page(arguments.workers)
    cancellations(arguments.workers)
    print(f"load average after: {os.getloadavg()[0]:.1f} (above {os.cpu_count()}: timings inflated)")


if __name__ == "__main__":
    main()
