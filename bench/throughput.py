"""Throughput and peak memory of one replication, against a bare SimPy pipeline of the same shape.

For each size N (default 10^4, 10^5, 10^6 requests) the reference scenario's horizon is stretched so
that about N requests arrive at the scenario's own rates (the queues stay as loaded as in the
reference run), and one replication runs with tracing off. The *bare* pipeline has the same arrival
rate, the same stages with the same staff and mean service times, exponential service, and no
model at all: no request attributes, no observations, no rules, no statistics. The ratio of the two
throughputs is the model's overhead over SimPy itself.

Each measurement runs in a fresh process, so "peak memory" is that process's peak resident set
size minus the size after imports (``ru_maxrss``, Linux).

    python bench/throughput.py                 # 10^4, 10^5, 10^6
    python bench/throughput.py --sizes 10000   # quicker
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import time
from pathlib import Path

import attrs
import numpy as np
import simpy

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "scenarios" / "un-convention-baseline.toml"


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _stretched(size: int):
    from simulator.files.loader import load_scenario

    scenario = load_scenario(REFERENCE)
    per_year = sum(s.requests_per_year for s in scenario.requesting_states)
    return attrs.evolve(scenario, horizon_days=365.0 * size / per_year, follow_up_days=365.0)


def model_run(size: int, queue: multiprocessing.Queue) -> None:
    from simulator.world.pipeline import simulate

    scenario = _stretched(size)
    before = _rss_mib()
    start = time.perf_counter()
    tally = simulate(scenario, seed=1, replication=0)
    elapsed = time.perf_counter() - start
    queue.put((tally.arrivals, elapsed, _rss_mib() - before))


def bare_run(size: int, queue: multiprocessing.Queue) -> None:
    scenario = _stretched(size)
    requested = scenario.requested_state
    stages = list(requested.stages.values())
    per_day = sum(s.requests_per_year for s in scenario.requesting_states) / 365.0
    env = simpy.Environment()
    servers = [simpy.Resource(env, s.staff) if s.staff else None for s in stages]
    means = [s.service.mean for s in stages]
    rng = np.random.default_rng(1)
    count = [0]

    def request():
        for server, mean in zip(servers, means, strict=True):
            if server is None:
                yield env.timeout(rng.exponential(mean))
                continue
            with server.request() as slot:
                yield slot
                yield env.timeout(rng.exponential(mean))

    def arrivals():
        while env.now < scenario.horizon_days:
            yield env.timeout(rng.exponential(1 / per_day))
            count[0] += 1
            env.process(request())

    before = _rss_mib()
    start = time.perf_counter()
    env.process(arrivals())
    env.run(until=scenario.end_day)
    elapsed = time.perf_counter() - start
    queue.put((count[0], elapsed, _rss_mib() - before))


def measure(target, size: int) -> tuple[int, float, float]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(size, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1e4, 1e5, 1e6])
    args = parser.parse_args(argv)
    print(f"reference scenario: {REFERENCE.relative_to(ROOT)}; one replication, tracing off")
    columns = ("requests", "model req/s", "bare req/s", "ratio", "model MiB", "bare MiB")
    widths = (9, 11, 10, 5, 9, 8)
    header = "  ".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True))
    print(header)
    print("-" * len(header))
    for size in (int(s) for s in args.sizes):
        n_model, t_model, m_model = measure(model_run, size)
        n_bare, t_bare, m_bare = measure(bare_run, size)
        model_rate, bare_rate = n_model / t_model, n_bare / t_bare
        print(
            f"{n_model:>9,}  {model_rate:>11,.0f}  {bare_rate:>10,.0f}  {bare_rate / model_rate:>5.2f}"
            f"  {m_model:>9.1f}  {m_bare:>8.1f}",
            flush=True,
        )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
