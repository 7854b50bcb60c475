"""A finished sweep's result files: every replication's metrics, and a summary per configuration.

``replications.parquet`` holds one row per (configuration, replication) with the swept settings as
columns; ``summary.parquet`` (and ``summary.csv``) one row per configuration with each metric's mean
and 95% interval over the replications. Written atomically, from the verified task files only, so a
result never mixes tasks of another sweep. Kept apart from :mod:`simulator.experiments.sweeps` so that
starting or validating a sweep does not load pyarrow.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from simulator.experiments.stats import summarise
from simulator.files.output import write_atomically
from simulator.world.metrics import metric_range


def _parameter_columns(configurations: list[dict]) -> dict[str, pa.Array]:
    names = sorted({k for c in configurations for k in c["parameters"]})
    columns = {}
    for name in names:
        values = [c["parameters"].get(name) for c in configurations]
        try:
            columns[name] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            columns[name] = pa.array([None if v is None else json.dumps(v) for v in values], pa.string())
    return columns


def write_results(directory: Path, manifest: dict[str, Any], tables: list[pa.Table]) -> None:
    """The result files, from exactly the sweep's task tables (never from whatever lies in tasks/)."""
    data = pa.concat_tables(tables, promote_options="default").sort_by(
        [("config_index", "ascending"), ("replication", "ascending")]
    )
    metrics = sorted(n for n in data.column_names if n not in ("config_index", "replication"))
    configurations = manifest["configurations"]
    parameters = _parameter_columns(configurations)
    index = data.column("config_index").to_pylist()
    replications = pa.table(
        {
            "config_index": data.column("config_index"),
            "configuration": pa.array([configurations[i]["label"] for i in index], pa.string()),
            "replication": data.column("replication"),
            **{name: column.take(pa.array(index)) for name, column in parameters.items()},
            **{name: data.column(name) for name in metrics},
        }
    )
    write_atomically(directory / "replications.parquet", lambda tmp: pq.write_table(replications, tmp))
    summary = _summary_table(data, metrics, configurations, parameters)
    write_atomically(directory / "summary.parquet", lambda tmp: pq.write_table(summary, tmp))
    write_atomically(directory / "summary.csv", lambda tmp: summary.to_pandas().to_csv(tmp, index=False))


def _summary_table(
    data: pa.Table, metrics: list[str], configurations: list[dict], parameters: dict
) -> pa.Table:
    rows_by_config: dict[int, list[dict[str, float]]] = {}
    for record in data.to_pylist():
        row = {k: (float("nan") if v is None else v) for k, v in record.items() if k in metrics}
        rows_by_config.setdefault(record["config_index"], []).append(row)
    columns: dict[str, list[Any]] = {"config_index": [], "configuration": []}
    columns |= {name: [] for name in parameters}
    stats_columns = {f"{m}.{part}": [] for m in metrics for part in ("mean", "ci_low", "ci_high", "n")}
    for config in configurations:
        i = config["index"]
        columns["config_index"].append(i)
        columns["configuration"].append(config["label"])
        for name, column in parameters.items():
            columns[name].append(column[i].as_py())
        estimates = summarise(rows_by_config.get(i, []), metric_range)
        for m in metrics:
            est = estimates.get(m)
            for part in ("mean", "ci_low", "ci_high", "n"):
                value = getattr(est, part) if est is not None else None
                stats_columns[f"{m}.{part}"].append(value)
    table = {name: pa.array(values) for name, values in columns.items() if name not in parameters}
    table |= {
        name: pa.array(values, type=parameters[name].type)
        for name, values in columns.items()
        if name in parameters
    }
    table |= {
        name: pa.array(values, pa.int32() if name.endswith(".n") else pa.float64())
        for name, values in stats_columns.items()
    }
    ordered = ["config_index", "configuration", *parameters, *stats_columns]
    return pa.table({name: table[name] for name in ordered})
