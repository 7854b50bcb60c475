"""``mlasim check``'s search, measured in ways a shared machine does not move: is it the same search,
and how many instructions does it cost?

- ``--digest``: runs the check of the reference scenario at the default examples in one process
  and prints a digest of every test case hypothesis ran (the choices it drew and how the test ended:
  passed, rejected, violated...), in order, with the digest of the verdicts. Two trees with the same
  digests make the same search: a change meant to make the check faster must leave both alone.
- ``--instructions``: valgrind's count of the instructions of the searches of the first ``--strata``
  strata of every searched property (the baseline's properties that share a search searched
  together, as a check does), less those of a process that only imports and reads the scenario:
  load-independent, where wall and CPU seconds vary by 20-40% run to run on a shared machine.
  About 35 seconds per stratum (first strata: about 1.2 s of search without valgrind).

    python bench/check_search.py --digest                 # this tree
    python bench/check_search.py --digest --tree ../other # another checkout, to compare
    python bench/check_search.py --instructions --strata 2
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
BASELINE = "scenarios/un-convention-baseline.toml"

DIGEST = """
import contextlib, hashlib, io, json, sys
import simulator.checking.stratum as stratum
from simulator.cli import main

search, log = stratum.search, []

def recorded(strategy, test, max_examples, seed):
    digest, cases = hashlib.sha256(), [0]

    def recording(drawn):
        data, ending = drawn[2].conjecture_data, "passed"
        try:
            test(drawn)
        except BaseException as error:
            ending = type(error).__name__
            raise
        finally:
            digest.update(repr((data.choices, ending)).encode())
            cases[0] += 1

    try:
        return search(strategy, recording, max_examples, seed)
    finally:
        log.append((digest.hexdigest(), cases[0]))

stratum.search = recorded
sys.argv = ["mlasim", "check", sys.argv[1], "--workers", "1", "--format", "json"]
out = io.StringIO()
with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
    main()
verdicts = json.loads(out.getvalue())
verdicts.pop("command", None)
verdicts.get("provenance", {}).pop("git_commit", None)
print(len(log), sum(n for _, n in log), hashlib.sha256(repr(log).encode()).hexdigest()[:16],
      hashlib.sha256(json.dumps(verdicts, sort_keys=True).encode()).hexdigest()[:16])
"""

SEARCHES = """
import sys
from simulator.checking.check import _sharing_groups, plan, searched, searched_together
from simulator.checking.properties import SIMULATED
from simulator.checking.reading import read_properties
from simulator.checking.stratum import search_stratum  # noqa: F401  (hypothesis: imported in both runs)
from simulator.files.document import read_file
from simulator.files.document import check_file
from simulator.world.distributions import preload

preload()
path, strata = sys.argv[1], int(sys.argv[2])
scenario = check_file(path)
properties = read_properties(read_file(path), scenario)
plans = {i: plan(scenario, p) for i, p in enumerate(properties) if p.scope not in SIMULATED}
for k in range(strata):
    for group in _sharing_groups(properties, plans):
        if k >= len(plans[group[0]].strata):
            continue
        stratum = plans[group[0]].strata[k]
        if len(group) == 1:
            searched((scenario, properties[group[0]], stratum, 50, 0))
        else:
            searched_together((scenario, tuple(properties[i] for i in group), stratum, 50, 0))
"""


def _run(tree: Path, program: str, *arguments: str, valgrind: bool = False) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", program, BASELINE, *arguments]
    if valgrind:
        counting = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
        command = [*counting, *command]
    environment = dict(os.environ, PYTHONPATH=str(tree), PYTHONHASHSEED="0")
    return subprocess.run(command, cwd=tree, env=environment, capture_output=True, text=True, check=True)


def instructions(tree: Path, strata: int) -> int:
    """valgrind's ``I refs`` of a process that searches the first ``strata`` strata (0: none)."""
    stderr = _run(tree, SEARCHES, str(strata), valgrind=True).stderr
    found = re.search(r"I\s+refs:\s+([\d,]+)", stderr)
    if found is None:
        raise SystemExit(f"valgrind gave no instruction count:\n{stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main(argv: list[str] | None = None) -> None:
    """Print the digests of a check's search (``--digest``) or count its instructions (``--instructions``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--digest", action="store_true", help="digests of every test case, of the verdicts")
    what.add_argument("--instructions", action="store_true", help="instructions of the first strata")
    parser.add_argument("--tree", type=Path, default=ROOT, help="an mlasim checkout (default: this one)")
    parser.add_argument("--strata", type=int, default=1, help="strata per property (--instructions)")
    options = parser.parse_args(argv)
    tree = options.tree.resolve()
    if options.digest:
        searches, cases, search, verdicts = _run(tree, DIGEST).stdout.split()
        print(f"{tree}: {searches} searches, {cases} test cases; search {search}, verdicts {verdicts}")
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("bench/check_search.py --instructions needs valgrind (apt install valgrind)")
    searching = instructions(tree, options.strata) - instructions(tree, 0)
    print(f"{tree}: {searching / 1e9:.3f} billion instructions, first {options.strata} strata's searches")


if __name__ == "__main__":
    main()
