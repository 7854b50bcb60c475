"""What several requested States cost: a three-State scenario against a one-State scenario of the same volume.

Issue 9 asks that a scenario with three requested States cost at most 3.5 times a one-State scenario
of the same volume. The three-State scenario is ``scenarios/forum-shopping.toml`` (a US-like, an
EU-like and a permissive requested State; the baseline's requesting States, one of them shopping for
the most lenient forum). The one-State scenario is **the same file reduced to its first requested
State**, holding every target's data (no ``data_location``, no information sharing), with each
staffed stage's staff multiplied by the number of States, so that the same requests (same requesting
States, same arrival rates, same strategies) meet reviewers as loaded as in the three-State run.

Each measurement runs in a fresh process (``spawn``): the given replications one after the other,
tracing off. It reports the wall time and the CPU time of the replications (``time.process_time``: the
runs are single-threaded, and CPU time is what a shared machine disturbs least), the requests
simulated (every submission, follow-ups included: ``Tally.arrivals``) and requests per second of CPU
and of wall time, and the peak memory: the process's peak resident set size minus its peak after
imports and set-up (``VmHWM``, Linux). The ratio three-State / one-State is of CPU seconds per
request.

    python bench/several_states.py                     # 5 replications of each (about a minute)
    python bench/several_states.py --replications 10
    python bench/several_states.py --horizon-days 30   # a quick look (shorter arrival window)
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "scenarios" / "forum-shopping.toml"
#: Issue 9's budget: a three-State scenario costs at most this many times a one-State one.
BUDGET = 3.5


@dataclass
class Measured:
    """One measured run: what was run, its size, its wall and CPU time and its peak memory."""

    label: str
    requested_states: int
    replications: int
    requests: int
    wall_seconds: float
    cpu_seconds: float
    peak_mib: float  # peak resident set over the peak after set-up

    @property
    def cpu_per_request(self) -> float:
        """CPU seconds per request simulated."""
        return self.cpu_seconds / max(self.requests, 1)


def peak_rss_mib() -> float:
    """The process's peak resident set size so far (VmHWM), in MiB; 0 where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def scenarios(path: Path, horizon_days: float | None):
    """The scenario of ``path`` (three requested States) and its one-State reduction."""
    import attrs

    from simulator.files.document import load_scenario
    from simulator.world.scenario import InformationSharing, StageConfig

    several = load_scenario(path)
    if horizon_days is not None:
        several = attrs.evolve(several, horizon_days=horizon_days, follow_up_days=horizon_days)
    if not several.several:
        raise SystemExit(f"{path}: has one requested State; give a file with several")
    factor = len(several.requested_states)

    def scaled(stages):
        return {
            stage: StageConfig(config.staff * factor, config.service) if config.staff > 0 else config
            for stage, config in stages.items()
        }

    first = several.requested_state
    channels = {c: attrs.evolve(r, stages=scaled(r.stages)) for c, r in first.channels.items()}
    alone = attrs.evolve(first, stages=scaled(first.stages), channels=channels)
    one = attrs.evolve(
        several,
        name=f"{several.name}, first requested State only",
        requested_states=(alone,),
        data_location={},
        information_sharing=InformationSharing(),
    )
    return several, one


def measure(path: str, horizon_days: float | None, which: int, replications: int, out) -> None:
    """In a fresh process: set up, then run ``replications`` of scenario ``which`` (0: several, 1: one)."""
    import attrs

    from simulator.world.pipeline import simulate

    scenario = scenarios(Path(path), horizon_days)[which]
    warm = attrs.evolve(scenario, horizon_days=5.0, follow_up_days=5.0)
    simulate(warm, scenario.seed, 10_000)  # loads what a run needs (scipy.special, the catalogue)
    baseline = peak_rss_mib()
    requests = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for replication in range(replications):
        requests += simulate(scenario, scenario.seed, replication).arrivals
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    out.put(
        Measured(
            label=scenario.name,
            requested_states=len(scenario.requested_states),
            replications=replications,
            requests=requests,
            wall_seconds=wall,
            cpu_seconds=cpu,
            peak_mib=peak_rss_mib() - baseline,
        )
    )


def run_in_fresh_process(path: Path, horizon_days: float | None, which: int, replications: int) -> Measured:
    """Measure one scenario's run in a process of its own (memory and time not shared with others)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=measure, args=(str(path), horizon_days, which, replications, queue))
    process.start()
    measured = queue.get()
    process.join()
    return measured


def report(several: Measured, one: Measured) -> str:
    """The table comparing the several-State run with the one-State run."""
    lines = [
        f"{'scenario':<55} {'States':>6} {'requests':>9} {'wall s':>8} {'CPU s':>8} "
        f"{'req/s CPU':>10} {'req/s wall':>10} {'peak MiB':>9}"
    ]
    for m in (several, one):
        lines.append(
            f"{m.label[:55]:<55} {m.requested_states:>6} {m.requests:>9,} {m.wall_seconds:>8.2f} "
            f"{m.cpu_seconds:>8.2f} {m.requests / max(m.cpu_seconds, 1e-9):>10,.0f} "
            f"{m.requests / max(m.wall_seconds, 1e-9):>10,.0f} {m.peak_mib:>9.1f}"
        )
    ratio = several.cpu_per_request / one.cpu_per_request
    verdict = "within" if ratio <= BUDGET else "OVER"
    lines.append(
        f"cost per request, {several.requested_states} States / 1 State: {ratio:.2f}x (CPU); "
        f"wall {several.wall_seconds / several.requests / (one.wall_seconds / one.requests):.2f}x; "
        f"{verdict} issue 9's budget of {BUDGET}x"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Compare a scenario of several requested States with one requested State, per request simulated."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="several requested States")
    parser.add_argument("--replications", type=int, default=5)
    parser.add_argument(
        "--horizon-days", type=float, default=None, help="shorten the arrival window (and follow-up) to this"
    )
    args = parser.parse_args(argv)
    several = run_in_fresh_process(args.file, args.horizon_days, 0, args.replications)
    one = run_in_fresh_process(args.file, args.horizon_days, 1, args.replications)
    print(report(several, one))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
