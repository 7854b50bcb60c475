"""Wall time of a 200-task sweep on 1 and 2 local workers and on a 2-worker Dask LocalCluster.

The sweep: the reference scenario with a shorter horizon (so a task takes a fraction of a second),
20 values of the discrimination clause's evidentiary bar x 10 replications, one replication per task:
200 tasks. Each backend runs the same sweep into its own run directory; the script checks that the
three give identical Parquet data and prints wall times and speed-ups.

    python bench/sweep_scaling.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "scenarios" / "un-convention-baseline.toml"


def main() -> None:
    from simulator.experiments.designs import Design
    from simulator.experiments.sweeps import sweep

    thresholds = [round(0.3 + 0.03 * i, 2) for i in range(20)]
    design = Design(
        grid={
            "safeguards.discrimination.evidence_threshold": thresholds,
            "scenario.horizon_days": [120.0],
            "scenario.follow_up_days": [120.0],
        }
    )
    runs = [("1 worker", 1, None), ("2 workers", 2, None), ("Dask LocalCluster, 2 workers", 2, "local")]
    times, tables = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, workers, scheduler in runs:
            directory = Path(tmp) / label.replace(" ", "-").replace(",", "")
            start = time.perf_counter()
            result = sweep(
                REFERENCE, directory, design, replications=10, batch=1, workers=workers, scheduler=scheduler
            )
            times[label] = time.perf_counter() - start
            tables[label] = pq.read_table(result.directory / "replications.parquet")
            tasks = len(list((result.directory / "tasks").glob("*.parquet")))
            print(f"{label:<30} {tasks} tasks  {times[label]:7.1f} s", flush=True)
    reference = tables["1 worker"]
    identical = all(table.equals(reference) for table in tables.values())
    print(f"identical Parquet data across backends: {'yes' if identical else 'NO'}")
    print(f"speed-up, 2 workers over 1:        {times['1 worker'] / times['2 workers']:.2f}x")
    dask = times["Dask LocalCluster, 2 workers"]
    print(f"Dask over the 2-worker pool:       {dask / times['2 workers']:.2f}x the wall time")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
