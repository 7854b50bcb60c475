"""Speed of ``mlasim calibrate``: the check of one scenario, and the calibration of the US scenario.

1. ``mlasim calibrate --check scenarios/us-calibrated.toml us-record``: the fit table of the calibrated
   US scenario (its 20 replications on 2 local workers). Target: under 1 minute.
2. ``mlasim calibrate scenarios/us-calibrated.toml us-record``: history matching over the 8 parameters
   the shipped target file gives ranges for, with the default plan (a budget of 1,500 replications:
   waves of 80 points x 4 replications, then the calibrated point's 20), on 2 local workers.
   Target: under 20 minutes on 2 cores.

Each prints its wall time, the CPU time of the whole process tree, and the load average before and
after: on a machine shared with other work, the wall time is inflated by about the load above 2
divided by 2 (say so when reporting it). The calibration's directory is kept (its path is printed):
its calibrated.toml is what scenarios/us-calibrated.toml was made from.

    python bench/calibration.py [--budget N] [--out DIR] [--check-only]

Measured on 2026-12-07 (second run, after the emulators' scale and convergence were mended), on the
shared 2-core machine with a load average of 2.7 to 7 (other engineers' test-suites): the check,
15.1 s wall (16.4 s CPU); the calibration, two waves of 80 points (converged: the second wave shrank
the region by less than a tenth, its emulators at 14% of the implausibility's variance), 640 + 20
replications, 1,249 s wall and 865 s of CPU, which is about 7 to 8 minutes of wall time on an idle
2-core machine (first run, at a load of 8 to 15: 2,254 s wall, 957 s CPU).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
US = ROOT / "scenarios" / "us-calibrated.toml"


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the workers, once closed)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(label: str, action) -> object:
    """Run ``action`` and print its wall and CPU time with the load average before and after."""
    load, wall, cpu = os.getloadavg()[0], time.perf_counter(), cpu_seconds()
    result = action()
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    print(f"{label}: {wall:,.1f} s wall, {cpu:,.1f} s CPU; load average {load:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after", flush=True)  # fmt: skip
    return result


def check() -> None:
    """Time the fit table of the US scenario against the shipped US record (``calibrate --check``)."""
    from simulator.experiments import fitting
    from simulator.experiments.execution import Execution
    from simulator.experiments.run import run
    from simulator.files.document import load_scenario
    from simulator.files.targets import read_targets, shipped

    def action():
        scenario = load_scenario(US)
        targets = read_targets(shipped()["us-record"])
        result = run(scenario, execution=Execution(workers=2))
        return fitting.fits(targets, result.rows)

    found = timed("calibrate --check us-calibrated (20 replications, 2 workers)", action)
    for f in found:
        print(f"  {f.target.id}: implausibility {f.implausibility:.2f} ({f.target.use})")


def calibrate(budget: int, out: Path) -> None:
    """Time a calibration of the US scenario to the shipped US record within ``budget`` replications,
    written in ``out``."""
    from simulator.experiments import calibration, waves
    from simulator.experiments.execution import Execution
    from simulator.files.targets import shipped

    plan = calibration.Plan(budget=budget)

    def action():
        calibration.start(US, shipped()["us-record"], out, plan=plan)
        return waves.execute(out, Execution(workers=2), lambda line: print(f"  {line}", flush=True))

    result = timed(f"calibrate us-calibrated (budget {budget}, 2 workers)", action)
    done = [w for w in result.manifest["waves"] if w["status"] == "done"]
    print(f"  {len(done)} waves; {result.share:.2%} of the space non-implausible; written in {out}")


def main() -> None:
    """Time calibrate --check and a whole calibration, and print what they found."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=1500)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--check-only", action="store_true")
    options = parser.parse_args()
    print(f"{datetime.datetime.now():%Y-%m-%d %H:%M}, Python {platform.python_version()}, "
          f"{os.cpu_count()} cores, {sys.platform}")  # fmt: skip
    check()
    if not options.check_only:
        out = options.out or Path(tempfile.mkdtemp(prefix="mlasim-calibration-")) / "us"
        calibrate(options.budget, out)


if __name__ == "__main__":
    main()
