"""End-to-end budgets: how long the commands a user types take, whole processes, wall time.

Each command runs as a fresh ``mlasim`` process (``python -m simulator`` from this checkout:
start-up, imports, worker processes and output included), ``--repeat`` times; the median is
compared with its budget (issue 13):

| command | budget |
|---|---|
| ``mlasim --help`` | 0.5 s |
| ``mlasim validate`` of the baseline | 0.5 s |
| ``mlasim run`` of the baseline (its 20 replications, all cores) | 5 s |
| ``mlasim compare --precision 0.01`` baseline vs US DOJ (all cores) | 60 s |
| ``mlasim check`` of the baseline at the default examples | 10 s |

The budgets are for this project's 2-core machine; on a machine shared with other work the wall
times grow with the load (the bench prints the load average before and after), so it also prints
the CPU seconds the command used (its worker processes included): with 2 workers, half of that is
what the wall time comes down to on an idle machine.

    python bench/budgets.py               # every command, 3 times each
    python bench/budgets.py --repeat 1    # once each
    python bench/budgets.py --only help validate run
    python bench/budgets.py --timeline    # where the time of 'mlasim run' goes, from outside the replications

``--timeline`` runs ``mlasim run`` of the baseline with a few clocks added (seconds from the moment
the process is launched): the first worker forked (start-up, imports, reading the scenario and
importing ``scipy.special`` for the workers: all serial), the last answer received (the
replications), the command's end (closing the workers, the estimates, the table: when the exit
handlers run) and the process's exit; with the CPU seconds of the main process and of its workers.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: ``python -m simulator`` from the checkout: the package this file sits in is the one measured (the
#: ``mlasim`` console script imports the installed package, another checkout's in a git worktree).
MLASIM = [sys.executable, "-m", "simulator"]
BASELINE = "scenarios/un-convention-baseline.toml"
US_DOJ = "scenarios/us-doj-scrutiny.toml"

#: name: (arguments, budget in seconds)
COMMANDS: dict[str, tuple[list[str], float]] = {
    "help": (["--help"], 0.5),
    "validate": (["validate", BASELINE], 0.5),
    "run": (["run", BASELINE], 5.0),
    "compare": (["compare", BASELINE, US_DOJ, "--precision", "0.01", "--quiet"], 60.0),
    "check": (["check", BASELINE], 10.0),
}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wall_time(arguments: list[str]) -> tuple[float, float, str]:
    """Wall and CPU seconds (its worker processes included) of one ``mlasim`` process, first line."""
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run([*MLASIM, *arguments], cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    cpu = _children_cpu() - cpu
    if done.returncode not in (0, 1):  # check exits 1 when a property is violated: still a timing
        raise SystemExit(f"mlasim {' '.join(arguments)} failed ({done.returncode}): {done.stderr.strip()}")
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return elapsed, cpu, lines[0][:60] if lines else ""


#: ``python -c`` code that runs ``mlasim ARGS`` with clocks (see ``--timeline``): ``sys.argv[1]`` is the
#: launch time, ``sys.argv[2]`` the file the marks are written to.
TIMELINE = """
import atexit, json, os, resource, sys, time
launched, report, marks = float(sys.argv[1]), sys.argv[2], {}
import simulator.experiments.executors as executors
from simulator.cli import main
parent, fork, receive = os.getpid(), os.fork, executors._receive
def forking():
    marks.setdefault("first fork", time.time() - launched)
    return fork()
def receiving(fd):
    answer = receive(fd)
    if os.getpid() == parent:
        marks["last answer"] = time.time() - launched
    return answer
@atexit.register
def ended():
    marks["end"] = time.time() - launched
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    marks["main CPU"] = own.ru_utime + own.ru_stime
    marks["workers' CPU"] = workers.ru_utime + workers.ru_stime
    with open(report, "w") as file:
        json.dump(marks, file)
os.fork, executors._receive = forking, receiving
sys.argv = ["mlasim", *sys.argv[3:]]
main()
"""


def timeline(repeat: int) -> None:
    """Medians of the clocks of ``mlasim run`` of the baseline (see ``--timeline``)."""
    import json
    import tempfile

    runs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        report = str(Path(folder) / "marks.json")
        for _ in range(repeat):
            launched = time.time()
            command = [sys.executable, "-c", TIMELINE, repr(launched), report, "run", BASELINE, "--quiet"]
            subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
            runs.append(json.loads(Path(report).read_text()) | {"exit": time.time() - launched})
    load = os.getloadavg()[0]
    print(f"mlasim run {BASELINE}: medians of {repeat} (seconds from launch; load average {load:.2f})")
    for name in ("first fork", "last answer", "end", "exit", "main CPU", "workers' CPU"):
        values = [run[name] for run in runs if name in run]
        if values:
            print(f"  {name:<13} {statistics.median(values):7.3f}   ({' '.join(f'{v:.3f}' for v in values)})")


def main(argv: list[str] | None = None) -> None:
    """Time each command's start-up and answer against its budget (``--timeline``: where a run's time
    goes)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (the median counts)")
    parser.add_argument("--only", nargs="+", choices=list(COMMANDS), default=list(COMMANDS))
    parser.add_argument("--timeline", action="store_true", help="where the time of 'mlasim run' goes")
    args = parser.parse_args(argv)
    if args.timeline:
        timeline(args.repeat)
        return
    print(f"{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.2f}; {args.repeat} run(s) each")
    header = (
        f"{'command':<10} {'budget':>7} {'median':>8} {'runs (s)':<22} {'within':<6} {'CPU s':>6}"
        "  first line of output"
    )
    print(header)
    print("-" * len(header))
    for name in args.only:
        arguments, budget = COMMANDS[name]
        times, cpus, first = [], [], ""
        for _ in range(args.repeat):
            elapsed, cpu, first = wall_time(arguments)
            times.append(elapsed)
            cpus.append(cpu)
        median = statistics.median(times)
        runs = " ".join(f"{t:.2f}" for t in times)
        within = "yes" if median <= budget else "NO"
        print(
            f"{name:<10} {budget:>6g}s {median:>7.2f}s {runs:<22} {within:<6} "
            f"{statistics.median(cpus):>6.2f}  {first}",
            flush=True,
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
