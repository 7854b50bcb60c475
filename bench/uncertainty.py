"""Uncertainty over the assumptions on the shipped baseline: how long it takes, and how well it knows.

Issue 22's speed targets, as a user types the commands (fresh ``mlasim`` processes, all cores, a
fresh study directory each, so nothing is reused):

| command | target |
|---|---|
| ``mlasim run BASELINE --uncertainty`` (128 draws x 2 replications, and the 20 at the centre) | 120 s |
| ``mlasim assumptions BASELINE`` (64 draws x 2 replications) | 60 s |
| ``mlasim compare BASELINE -v STRICTER --robust`` (64 draws x 2 replications, 2 configurations) | - |

and what the defaults buy, read from the JSON of the first command: each headline metric's spread,
how far either end may be off (the 90% order-statistic interval), the share of the spread made by
replication noise, the drivers; and, from the robust comparison, how often the stricter
configuration (dual criminality required, a lower bar and every ground for Art 40(22)) is better.

``--precision`` measures how well the spread's ends are known another way: the study is re-run with
other seeds (``--seeds K`` of them, the same draws' design each time) and the ends' standard
deviation over the seeds printed beside the order-statistic half-width.

Timings taken on a machine shared with other work are inflated: the load average is printed before
and after, with the CPU seconds the command used (its workers included).

    python bench/uncertainty.py
    python bench/uncertainty.py --only run
    python bench/uncertainty.py --precision --seeds 4 --draws 64 --per-draw 4
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MLASIM = [sys.executable, "-m", "simulator"]
BASELINE = "scenarios/un-convention-baseline.toml"
STRICTER = "dual-criminality-required+discrimination-lower-bar+all-grounds"
TARGETS = {"run": 120.0, "assumptions": 60.0, "robust": None}
SHOWN = ("abuse_pass_through", "legitimate_refusal_rate", "legitimate_days_median")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (workers included) and standard output of one ``mlasim`` process."""
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run([*MLASIM, *args], cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"mlasim {' '.join(args)} failed: {done.stderr.strip()}")
    return wall, _children_cpu() - cpu, done.stdout


def commands(study: Path, draws: int | None, per_draw: int | None) -> dict[str, list[str]]:
    """The command lines timed: a run with its spread, the assumptions' screening, a robust comparison."""
    extra = [*(["--per-draw", str(per_draw)] if per_draw else [])]
    uncertainty = ["--uncertainty", *([str(draws)] if draws else [])]
    return {
        "run": ["run", BASELINE, *uncertainty, *extra, "-f", "json", "-q", "--study-dir", str(study / "run")],
        "assumptions": ["assumptions", BASELINE, "-f", "json", "-q", "--study-dir", str(study / "a")],
        "robust": ["compare", BASELINE, "-v", STRICTER, "--robust", "-f", "json", "-q",
                   "--study-dir", str(study / "r")],
    }  # fmt: skip


def describe_run(document: dict) -> None:
    """Print a run's headline spreads and their drivers."""
    found = document["uncertainty"]
    print(f"  {found['draws']} draws x {found['replications_per_draw']} replications")
    for name in SHOWN:
        central, spread = document["metrics"][name], found["metrics"][name]
        scale = 100 if name != "legitimate_days_median" else 1
        ends = [(b - a) / 2 for a, b in (spread["low_interval"], spread["high_interval"])]
        drivers = ", ".join(f"{d['key']} {100 * d['share']:.0f}%" for d in spread["drivers"] if d["distinct"])
        mean, low, high = (scale * central[k] for k in ("mean", "ci_low", "ci_high"))
        noise = 100 * spread["noise_share_at_most"]
        print(
            f"  {name}: central {mean:.1f} [{low:.1f}, {high:.1f}]; spread {scale * spread['low']:.1f} to "
            f"{scale * spread['high']:.1f} (ends ±{scale * ends[0]:.1f} / ±{scale * ends[1]:.1f}); noise "
            f"{noise:.0f}% of its variance; drivers: {drivers or 'none'}"
        )


def describe_robust(document: dict) -> None:
    """Print how often the stricter configuration is better over the draws, and by how much."""
    entry = document["configurations"][1]["against_baseline"]
    for name in SHOWN:
        paired = entry[name]
        n = paired["better"] + paired["worse"] + paired["same"]
        print(
            f"  {name}: stricter better in {paired['better']} of {n} draws (worse in {paired['worse']}), "
            f"median change {paired['median_difference']:+.4g}, worst {paired['worst_difference']:+.4g}"
        )


def precision(seeds: int, draws: int | None, per_draw: int | None) -> None:
    """The spread's ends over several seeds, beside the order-statistic half-width of one."""
    lows: dict[str, list[float]] = {m: [] for m in SHOWN}
    highs: dict[str, list[float]] = {m: [] for m in SHOWN}
    widths: dict[str, list[float]] = {m: [] for m in SHOWN}
    with tempfile.TemporaryDirectory() as where:
        for seed in range(seeds):
            args = commands(Path(where) / str(seed), draws, per_draw)["run"] + ["--seed", str(1000 + seed)]
            _, _, out = timed(args)
            found = json.loads(out)["uncertainty"]["metrics"]
            for m in SHOWN:
                lows[m].append(found[m]["low"])
                highs[m].append(found[m]["high"])
                ends = (found[m]["low_interval"], found[m]["high_interval"])
                widths[m].append(max((b - a) / 2 for a, b in ends))
    for m in SHOWN:
        scale = 100 if m != "legitimate_days_median" else 1
        print(
            f"  {m}: 5th pct {scale * statistics.mean(lows[m]):.1f} (sd over seeds "
            f"{scale * statistics.stdev(lows[m]):.2f}), 95th pct {scale * statistics.mean(highs[m]):.1f} (sd "
            f"{scale * statistics.stdev(highs[m]):.2f}); order-statistic ± "
            f"{scale * statistics.mean(widths[m]):.2f}"
        )


def main() -> None:
    """Time the uncertainty commands on the baseline (``--precision``: how the answers move over seeds)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(TARGETS), default=sorted(TARGETS))
    parser.add_argument(
        "--draws", type=int, default=None, help="draws of run --uncertainty (default: its own)"
    )
    parser.add_argument("--per-draw", type=int, default=None)
    parser.add_argument("--precision", action="store_true", help="re-run over several seeds instead")
    parser.add_argument("--seeds", type=int, default=4)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    if args.precision:
        precision(args.seeds, args.draws, args.per_draw)
        print(f"load average after: {os.getloadavg()}")
        return
    with tempfile.TemporaryDirectory() as where:
        for name, argv in commands(Path(where), args.draws, args.per_draw).items():
            if name not in args.only:
                continue
            wall, cpu, out = timed(argv)
            target = TARGETS[name]
            verdict = (
                ""
                if target is None
                else (" (within target)" if wall <= target else f" (target {target:g} s)")
            )
            print(f"{name}: {wall:.1f} s wall, {cpu:.1f} s CPU{verdict}")
            document = json.loads(out)
            if name == "run":
                describe_run(document)
            elif name == "robust":
                describe_robust(document)
            else:
                top = document["parameters"][:5]
                print("  top five: " + ", ".join(p["key"] for p in top))
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
