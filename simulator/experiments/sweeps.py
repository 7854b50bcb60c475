"""Sweeps: many configurations x many replications, resumable, into Parquet.

A sweep runs many configurations of a scenario (:mod:`simulator.experiments.designs`: grid, Latin hypercube,
variants). Every configuration runs the same replications with the same seed, so configurations are
compared on the same requests.

The work is cut into tasks, each a batch of replications of one configuration, run by any backend
(:mod:`simulator.experiments.executors`). A run directory holds::

    manifest.json          what was asked (file hash, seed, version, design, configurations, backend)
    tasks/*.parquet        one file per finished task, written atomically as it completes
    replications.parquet   one row per (configuration, replication): parameters and metrics
    summary.parquet, summary.csv   per configuration: mean, ci_low, ci_high and n of every metric

Killing the process loses at most the tasks in flight; ``resume`` runs the missing tasks and writes
the same result files an uninterrupted run would have written.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from attrs import frozen

from simulator import __version__
from simulator.experiments.designs import Design
from simulator.experiments.executors import backend, batches
from simulator.experiments.run import expected_requests
from simulator.experiments.run import replicate_batch as run_task  # (config, scenario, seed, replications)
from simulator.experiments.stats import summarise
from simulator.files.loader import read_toml
from simulator.files.overrides import configured, read_variants
from simulator.files.reader import Problem, ScenarioError
from simulator.world.scenario import Scenario
from simulator.world.tally import metric_range

MANIFEST = "manifest.json"


def file_hash(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _label(point: Mapping[str, Any]) -> str:
    def text(value: Any) -> str:
        return f"{value:.4g}" if isinstance(value, float) else str(value)

    return ", ".join(f"{k}={text(v)}" for k, v in point.items()) or "base"


def build_configurations(path: str | Path, points: Sequence[Mapping[str, Any]]) -> list[Scenario]:
    """Validate every configuration before anything runs; all problems are reported at once."""
    document = read_toml(path)
    source = str(path)
    variants = {v.name: v for v in read_variants(document, source)}
    scenarios, problems = [], []
    for point in points:
        overrides = {k: v for k, v in point.items() if k != "variant"}
        if "variant" in point:
            if point["variant"] not in variants:
                problems.append(Problem(source, "variant", f"no variant named {point['variant']!r}"))
                continue
            overrides = {**variants[point["variant"]].overrides, **overrides}
        try:
            scenarios.append(configured(document, source, overrides, _label(point)))
        except ScenarioError as error:
            problems += error.problems
    if problems:
        raise ScenarioError(problems)
    return scenarios


def _write_atomically(path: Path, write: Callable[[str], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _task_path(directory: Path, config: int, replications: Sequence[int]) -> Path:
    return directory / "tasks" / f"c{config:05d}-r{replications[0]:06d}-{replications[-1]:06d}.parquet"


def _task_table(config: int, results: list[tuple[int, dict]]) -> pa.Table:
    metrics = sorted({k for _, row in results for k in row})
    columns: dict[str, Any] = {
        "config_index": pa.array([config] * len(results), pa.int32()),
        "replication": pa.array([r for r, _ in results], pa.int32()),
    }
    for name in metrics:
        # an undefined metric (a ratio with nothing to divide) is stored as null, not NaN
        values = [row.get(name) for _, row in results]
        columns[name] = pa.array([None if v is None or math.isnan(v) else v for v in values], pa.float64())
    return pa.table(columns)


@frozen
class SweepResult:
    """A finished sweep's run directory and its tables."""

    directory: Path

    def manifest(self) -> dict[str, Any]:
        return json.loads((self.directory / MANIFEST).read_text())

    def to_pandas(self):
        """One row per (configuration, replication): parameters and metrics."""
        return pq.read_table(self.directory / "replications.parquet").to_pandas()

    def summary(self):
        """One row per configuration: parameters, then mean/ci_low/ci_high/n of each metric."""
        return pq.read_table(self.directory / "summary.parquet").to_pandas()


def start(
    path: str | Path,
    directory: str | Path,
    design: Design,
    replications: int | None = None,
    seed: int | None = None,
    batch: int = 5,
) -> dict[str, Any]:
    """Validate the sweep and write its manifest; nothing runs yet."""
    directory = Path(directory)
    if (directory / MANIFEST).exists():
        raise ScenarioError(
            [Problem(str(directory), "", "already holds a sweep: use --resume, or another --out")]
        )
    base = configured(read_toml(path), str(path), {}, "")
    seed = base.seed if seed is None else seed
    if design.lhs and not design.ranges:
        raise ScenarioError(
            [Problem(str(path), "sweep.ranges", "--lhs needs ranges to sample (--range or [sweep] ranges)")]
        )
    points = design.points(seed)
    build_configurations(path, points)  # every configuration valid before anything runs
    manifest = {
        "scenario": base.name,
        "scenario_file": str(Path(path).resolve()),
        "scenario_sha256": file_hash(path),
        "seed": seed,
        "replications": base.replications if replications is None else replications,
        "batch": batch,
        "version": __version__,
        "design": {
            "grid": dict(design.grid),
            "lhs": design.lhs,
            "ranges": dict(design.ranges),
            "variants": list(design.variants),
        },
        "configurations": [{"index": i, "label": _label(p), "parameters": p} for i, p in enumerate(points)],
        "started": _now(),
        "finished": None,
        "backend": None,
    }
    _write_atomically(directory / MANIFEST, lambda tmp: Path(tmp).write_text(json.dumps(manifest, indent=2)))
    return manifest


def read_manifest(directory: Path) -> dict[str, Any]:
    """The manifest of a run directory, checked: readable, and written by this version of mlasim."""
    where = str(directory / MANIFEST)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        manifest["scenario_file"], manifest["configurations"], manifest["seed"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ScenarioError([Problem(where, "", f"is not a readable sweep manifest ({error})")]) from None
    if manifest.get("version") != __version__:
        message = (
            f"was written by mlasim {manifest.get('version')}, this is {__version__}: results of two "
            "versions would be mixed; resume with that version or start a new sweep"
        )
        raise ScenarioError([Problem(where, "version", message)])
    return manifest


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def execute(
    directory: str | Path,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    announce: Callable[[str], None] | None = None,
) -> SweepResult:
    """Run every task of the sweep in ``directory`` not yet on disk, then write the result files."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    path = manifest["scenario_file"]
    if not Path(path).exists() or file_hash(path) != manifest["scenario_sha256"]:
        raise ScenarioError(
            [
                Problem(
                    path, "", f"has changed or gone since the sweep in {directory} started; start a new sweep"
                )
            ]
        )
    scenarios = build_configurations(path, [c["parameters"] for c in manifest["configurations"]])
    seed, batch = manifest["seed"], manifest["batch"]
    all_tasks = [
        (i, scenario, seed, reps)
        for i, scenario in enumerate(scenarios)
        for reps in batches(range(manifest["replications"]), batch)
    ]
    todo = [t for t in all_tasks if not _task_path(directory, t[0], t[3]).exists()]
    if progress:
        progress(len(all_tasks) - len(todo), len(all_tasks))
    executor = backend(workers, scheduler, work=sum(len(t[3]) * expected_requests(t[1]) for t in todo))
    try:
        manifest["backend"] = executor.name
        if announce:
            announce(executor.name)
        for _, (config, results) in executor.map(run_task, todo):
            table = _task_table(config, results)
            target = _task_path(directory, config, [r for r, _ in results])
            _write_atomically(target, lambda tmp, table=table: pq.write_table(table, tmp))
            if progress:
                progress(1, len(all_tasks))
    finally:
        executor.close()
    _write_results(directory, manifest)
    manifest["finished"] = _now()
    _write_atomically(directory / MANIFEST, lambda tmp: Path(tmp).write_text(json.dumps(manifest, indent=2)))
    return SweepResult(directory)


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


def _write_results(directory: Path, manifest: dict[str, Any]) -> None:
    tables = [pq.read_table(p) for p in sorted((directory / "tasks").glob("c*.parquet"))]
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
    _write_atomically(directory / "replications.parquet", lambda tmp: pq.write_table(replications, tmp))
    summary = _summary_table(data, metrics, configurations, parameters)
    _write_atomically(directory / "summary.parquet", lambda tmp: pq.write_table(summary, tmp))
    _write_atomically(directory / "summary.csv", lambda tmp: summary.to_pandas().to_csv(tmp, index=False))


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


def sweep(
    path: str | Path,
    directory: str | Path,
    design: Design,
    replications: int | None = None,
    seed: int | None = None,
    batch: int = 5,
    workers: int = 1,
    scheduler: str | None = None,
) -> SweepResult:
    """Start a sweep in ``directory`` and run it to the end (Python API)."""
    start(path, directory, design, replications, seed, batch)
    return execute(directory, workers, scheduler)


def resume(directory: str | Path, workers: int = 1, scheduler: str | None = None) -> SweepResult:
    return execute(directory, workers, scheduler)
