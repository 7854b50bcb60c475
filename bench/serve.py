"""How fast the what-if page answers (``mlasim serve``): first estimate, decision grade, cancellation.

On the shipped baseline, with the page's own machinery (:class:`simulator.serving.jobs.Runner`, the
backend warmed as ``mlasim serve`` warms it before it listens), for a few what-ifs:

- **first estimate**: seconds from the change to the first paired interval (2 replications);
- **decision grade**: seconds until the abuse pass-through difference's half-width is under 2
  points (and the replications it took), with at most ``--most`` replications;
- **cancellation**: seconds from a new change in the same tab to the old comparison's end (its
  workers free), cut at a few moments of a running replication.

Targets (issue 26): first estimate under 3 s on 2 cores, decision grade under 30 s, cancellation
under 0.5 s. The machine's load average is printed: timings taken while other work runs are
inflated. Run: ``.venv/bin/python bench/serve.py [--workers 2]``.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from simulator.files.document import read_file
from simulator.serving.jobs import Runner

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "un-convention-baseline.toml"
WHAT_IFS = {
    "dual criminality required": {"safeguards.dual_criminality.mode": "required"},
    "discrimination bar 0.5": {"safeguards.discrimination.evidence_threshold": 0.5},
    "case files forget": {"safeguards.memory": "none"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--most", type=int, default=200)
    arguments = parser.parse_args()
    file = read_file(BASELINE)
    base = file.base()
    runner = Runner(workers=arguments.workers, precision=0.02, least=2, most=arguments.most)
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    started = time.perf_counter()
    print(f"backend: {runner.lender.warm(base)} (warmed in {time.perf_counter() - started:.2f} s)")
    print(f"{'what-if':28} {'first estimate':>15} {'half-width < 2 pts':>19} {'replications':>13}")
    for name, changes in WHAT_IFS.items():
        whatif = file.configured(changes, "what-if")
        job = runner.start("bench", (base, whatif), ("as loaded", "what-if"), changes)
        job.thread.join()
        comparison = job.comparison()
        width = comparison.difference(1, "abuse_pass_through").half_width
        reached = f"{job.ended - job.started:.1f} s" if width < 0.02 else f"not ({100 * width:.1f} pts)"
        print(f"{name:28} {job.first_estimate:>13.2f} s {reached:>19} {comparison.replications:>13}")
    whatif = file.configured(WHAT_IFS["dual criminality required"], "what-if")
    cancels = []
    for wait in (0.3, 0.9, 1.6, 2.4, 3.1):
        job = runner.start("bench", (base, whatif), ("as loaded", "what-if"), {})
        time.sleep(wait)
        changed = time.perf_counter()
        runner.start("bench", (base, base), ("as loaded", "what-if"), {}).cancel()
        job.thread.join()
        cancels.append(time.perf_counter() - changed)
    print("cancellation after a change: " + ", ".join(f"{c:.3f} s" for c in cancels))
    runner.close()
    print(f"load average after: {os.getloadavg()[0]:.1f} (above {os.cpu_count()}: timings inflated)")


if __name__ == "__main__":
    main()
