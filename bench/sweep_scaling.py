"""Wall time and CPU time of one sweep on 1 and 2 local workers and on a 2-worker Dask LocalCluster.

The sweep: the reference scenario with a shorter horizon (so a task takes a fraction of a second),
10 values of the discrimination clause's evidentiary bar x 10 replications, one replication per
task: 100 tasks. Each backend runs the same sweep into its own run directory; the script checks that
the three give identical Parquet data, and prints for each backend the wall time, the CPU time of the
whole process tree (this process and its workers), the wall-time speed-up over 1 worker and the CPU
time relative to 1 worker (what parallelism costs in extra work: worker start-up, shipping tasks).

From the same measurements it extrapolates, on paper, a 1,000-configuration Sobol study of the full
reference scenario (20 replications each, 5 per task: 4,000 tasks) on a 32-worker Dask cluster.

    python bench/sweep_scaling.py
"""

from __future__ import annotations

import datetime
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "scenarios" / "un-convention-baseline.toml"
CONFIGURATIONS, REPLICATIONS = 10, 10


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (workers are waited for on close)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def parent_cpu() -> float:
    """CPU seconds this process has used (user and system)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def children_cpu() -> float:
    """CPU seconds the finished worker processes have used (user and system)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


def worker_start() -> tuple[float, float]:
    """CPU seconds to start a local worker ready for a replication, and what a worker spawned from the
    ``mlasim`` command used to import."""
    import subprocess

    from simulator.experiments.executors import ProcessPool

    before = children_cpu()
    with ProcessPool(2) as pool:
        list(pool.map(eval, ["__import__('simulator.experiments.run') and 0"] * 2))  # what a task imports
    lean = (children_cpu() - before) / 2
    before = children_cpu()
    subprocess.run(
        [sys.executable, "-c", "import simulator.cli, simulator.experiments.sweeps, scipy.stats"], check=True
    )
    return lean, children_cpu() - before


def main() -> None:
    """Run one sweep on 1, 2... workers and print its wall and CPU time on each."""
    import pyarrow.parquet as pq

    from simulator.experiments.designs import Design
    from simulator.experiments.execution import Execution
    from simulator.experiments.sweeps import sweep

    print(f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")  # fmt: skip
    thresholds = [round(0.3 + 0.06 * i, 2) for i in range(CONFIGURATIONS)]
    design = Design(
        grid={
            "safeguards.discrimination.evidence_threshold": thresholds,
            "scenario.horizon_days": [120.0],
            "scenario.follow_up_days": [120.0],
        }
    )
    runs = [("1 worker", 1, None), ("2 local workers", 2, None), ("Dask LocalCluster, 2 workers", 2, "local")]
    wall, cpu, parent, tables = {}, {}, {}, {}
    tasks = CONFIGURATIONS * REPLICATIONS
    with tempfile.TemporaryDirectory() as tmp:
        for label, workers, scheduler in runs:
            directory = Path(tmp) / label.replace(" ", "-").replace(",", "")
            cpu0, parent0, start = cpu_seconds(), parent_cpu(), time.perf_counter()
            result = sweep(
                REFERENCE, directory, design, replications=REPLICATIONS, batch=1,
                execution=Execution(workers=workers, scheduler=scheduler),
            )  # fmt: skip
            wall[label] = time.perf_counter() - start
            cpu[label], parent[label] = cpu_seconds() - cpu0, parent_cpu() - parent0
            tables[label] = pq.read_table(result.directory / "replications.parquet")
            assert len(list((result.directory / "tasks").glob("*.parquet"))) == tasks
    base = "1 worker"
    print(
        f"\nsweep of {CONFIGURATIONS} configurations x {REPLICATIONS} replications, 120-day horizon:", end=" "
    )
    print(f"{tasks} tasks")
    print(f"  {'backend':<30} {'wall s':>7} {'CPU s':>7} {'wall speed-up':>14} {'CPU vs 1 worker':>16}")
    for label, _, _ in runs:
        print(
            f"  {label:<30} {wall[label]:7.1f} {cpu[label]:7.1f} {wall[base] / wall[label]:13.2f}x"
            f" {cpu[label] / cpu[base]:15.2f}x"
        )
    identical = all(table.equals(tables[base]) for table in tables.values())
    print(f"identical Parquet data across backends: {'yes' if identical else 'NO'}")
    extrapolate(wall, cpu, parent, tasks)


def extrapolate(wall: dict, cpu: dict, parent: dict, tasks: int) -> None:
    """A 1,000-configuration Sobol study on 32 Dask workers, from this machine's measurements."""
    from simulator.experiments.run import replicate
    from simulator.files.document import load_scenario

    lean, whole = worker_start()
    print(
        f"\nstarting a local worker: {lean:.2f} s CPU (what a worker spawned from mlasim imported "
        f"before: the command line, pyarrow, scipy.stats: {whole:.2f} s)"
    )
    scenario = load_scenario(REFERENCE)
    start = time.process_time()
    for r in range(2):
        replicate(scenario, scenario.seed, r)
    replication = (time.process_time() - start) / 2
    dask = "Dask LocalCluster, 2 workers"
    per_task = cpu["1 worker"] / tasks  # the work itself, serially
    submitting = parent[dask] / tasks  # what the submitting process spends per task (Parquet, bookkeeping)
    # CPU, not wall time, so that other load on the machine does not count as overhead; it includes the
    # LocalCluster's start-up and its in-process scheduler, so it overstates a long study's overhead
    overhead = max(0.0, (cpu[dask] - cpu["1 worker"]) / tasks)
    print(
        f"measured: a 120-day task {per_task:.3f} s CPU; a full-year replication of the reference "
        f"scenario {replication:.2f} s CPU;\n  on the 2-worker Dask cluster the submitting process spends "
        f"{submitting * 1000:.0f} ms per task, and Dask costs {overhead:.3f} s of CPU per task beyond "
        "the simulation (cluster start-up and scheduler included)"
    )
    configurations, replications, batch, workers = 1000, 20, 5, 32
    study_tasks = configurations * replications // batch
    work = configurations * replications * replication
    compute = work / workers + study_tasks / workers * overhead
    submitter = study_tasks * submitting
    limit = "the workers' simulation time" if compute >= submitter else "the submitting process"
    print(
        f"\npaper extrapolation: a {configurations:,}-configuration Sobol study, {replications} "
        f"replications each ({study_tasks:,} tasks of {batch}), on {workers} Dask workers:\n"
        f"  {work / 3600:.1f} CPU-hours of simulation -> about {compute / 60:.0f} min on the workers; "
        f"the submitting process needs {submitter / 60:.1f} min for its per-task work;\n"
        f"  the limit is {limit} ({max(compute, submitter) / 60:.0f} min)"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
