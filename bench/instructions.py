"""Instructions one replication of the reference scenario costs, counted by valgrind: a figure that
does not move with the load of a shared machine.

Two processes run under ``valgrind --tool=cachegrind --cache-sim=no``: one imports and reads the
scenario, the other does the same and then runs ``--replications`` replications; the difference,
divided by the replications, is the cost of one replication (scipy.special is imported in both, so
its import does not count). Run it at two commits to see what a change bought:

    python bench/instructions.py                 # the tree this file is in, replication 0
    python bench/instructions.py --tree ../other # another checkout of mlasim

The count is the same, to the instruction, from run to run: the processes run with one BLAS
thread (OpenBLAS's idle workers spin, and their spinning is counted: the count then wanders by a few
per cent) and a fixed string hash seed (dictionaries probe alike).

Needs valgrind (Debian: ``apt install valgrind``); about 30 seconds per replication.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = """
import sys
from scipy import special  # noqa: F401  (in both runs: its import is not the replication's cost)
from simulator.files.document import load_scenario
from simulator.world.pipeline import simulate
scenario = load_scenario(sys.argv[1])
for replication in range(int(sys.argv[2])):
    simulate(scenario, scenario.seed, replication)
"""


def instructions(tree: Path, replications: int) -> int:
    """Instructions (valgrind's ``I refs``) of a process that reads the reference scenario and runs
    ``replications`` replications, with ``tree``'s simulator package."""
    environment = dict(
        os.environ, PYTHONPATH=str(tree), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", PYTHONHASHSEED="0"
    )
    done = subprocess.run(
        [
            "valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
            sys.executable, "-c", PROGRAM, str(tree / "scenarios" / "un-convention-baseline.toml"),
            str(replications),
        ],
        cwd=tree, env=environment, capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit(f"valgrind gave no instruction count:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main(argv: list[str] | None = None) -> None:
    """Count the instructions a replication takes under valgrind, as a measure free of the machine's load."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=ROOT, help="an mlasim checkout (default: this one)")
    parser.add_argument("--replications", type=int, default=1)
    options = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("bench/instructions.py needs valgrind (apt install valgrind)")
    tree = options.tree.resolve()
    base = instructions(tree, 0)
    total = instructions(tree, options.replications)
    each = (total - base) / options.replications
    print(f"{tree}: {each / 1e9:.3f} billion instructions per replication of the reference scenario")


if __name__ == "__main__":
    main()
