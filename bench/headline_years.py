"""The reference scenario's headline over 1, 5, 10 and 20 years of arrivals, with and without turnover.

Without turnover the requested State's case files come to know the fixed pool of persons abusers
target, and the abuse pass-through falls with the length of the run (issue 23 measured 17.0% over 1
year, 14.6% over 5, 6.6% over 99). With ``turnover_years`` (persons stay targets that many years on
average, then new ones take their place) and a warm-up long enough for learning to level off, the
headline is a steady state: the same over 5, 10 and 20 years within noise.

    python bench/headline_years.py [--replications N] [--turnover YEARS] [--warmup YEARS]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "un-convention-baseline.toml"
RENEWING = ("hybrid", "authoritarian")  # the requesting States with an [abuse] table


def headline(years: int, turnover: float, warmup_years: float, replications: int, workers: int):
    """The abuse pass-through of the reference scenario run over ``years`` of arrivals, the persons abusers
    target renewing every ``turnover`` years on average."""
    from simulator.experiments.execution import Execution
    from simulator.experiments.run import run
    from simulator.files.document import read_file

    overrides = {
        "scenario.horizon_days": 365 * years,
        "scenario.warmup_days": 365 * warmup_years if years > warmup_years else 0,
    }
    overrides |= {f"requesting_state.{state}.abuse.turnover_years": turnover for state in RENEWING}
    scenario = read_file(BASELINE).configured(overrides, f"{years} years")
    return run(scenario, replications, execution=Execution(workers=workers))["abuse_pass_through"]


def main() -> None:
    """Print how the headline moves with the length of the run when case files learn the persons targeted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--turnover", type=float, default=3.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; {options.replications} replications each")
    for turnover, warmup in ((0.0, 0.0), (options.turnover, options.warmup)):
        for years in (1, 5, 10, 20):
            start = time.perf_counter()
            est = headline(years, turnover, warmup, options.replications, options.workers)
            counted = f"warm-up {warmup:g} years" if years > warmup and warmup else "no warm-up"
            print(f"turnover {turnover:g} years, {years:>2} years of arrivals ({counted}): "
                  f"{100 * est.mean:.1f}% [{100 * est.ci_low:.1f}%, {100 * est.ci_high:.1f}%]  "
                  f"({time.perf_counter() - start:,.0f} s)", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
