"""A sweep's task files: one Parquet file per batch of replications, that says what made it.

A sweep is resumable because every finished task is on disk. That is only safe if a file on disk is
known to be *this* sweep's task and intact: a directory can hold files of an earlier sweep with
another seed, a manifest can be edited, a file can be cut short by a full disk or damaged. So each
task file carries, in its Parquet metadata (key ``mlasim``), its *identity*: the fingerprint of the
configuration's scenario (:func:`~simulator.experiments.provenance.scenario_sha256`), the scenario
file's hash, the seed, the configuration's index and design point, the replications it holds and
the mlasim version; beside it a checksum of its rows and the environment that computed it. A file
is reused only when it reads completely, its identity is the one the manifest asks for and its rows
match their checksum; otherwise it is recomputed.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from simulator import __version__
from simulator.experiments.provenance import environment, scenario_sha256
from simulator.experiments.rundirs import alive
from simulator.files.output import write_atomically, writer_of
from simulator.world.scenario import Scenario

#: The Parquet metadata key holding a task's identity.
KEY = b"mlasim"
#: At most this many task files are named one by one in the notes of a resume.
NOTES = 10
#: The names task files have (anything else in ``tasks/`` is not ours).
NAME = re.compile(r"^c\d{5}-r\d{6}-\d{6}\.parquet$")


def task_path(directory: Path, config: int, replications: Sequence[int]) -> Path:
    """The task file of configuration ``config``'s ``replications`` (consecutive, ascending), named by
    the first and the last: ``tasks/c00003-r000010-000014.parquet``."""
    return directory / "tasks" / f"c{config:05d}-r{replications[0]:06d}-{replications[-1]:06d}.parquet"


def identity(
    manifest: Mapping[str, Any], config: int, scenario: Scenario, replications: Sequence[int]
) -> dict[str, Any]:
    """What a task file must say about itself to count as this task of this sweep (JSON values)."""
    return {
        "scenario_sha256": scenario_sha256(scenario),
        "scenario_file_sha256": manifest["scenario_file_sha256"],
        "seed": manifest["seed"],
        "config_index": config,
        "parameters": json.loads(json.dumps(manifest["configurations"][config]["parameters"])),
        "replications": list(replications),
        "mlasim": __version__,
    }


def task_table(config: int, results: list[tuple[int, dict]]) -> pa.Table:
    """The rows of one task: configuration, replication, then one column per metric."""
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


def rows_sha256(table: pa.Table) -> str:
    """A checksum of a table's rows (column names and values), independent of its metadata."""
    text = json.dumps(table.to_pydict(), sort_keys=True, allow_nan=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_task(path: Path, table: pa.Table, expected: Mapping[str, Any]) -> None:
    """Write a task's table with its identity, row checksum and environment in the metadata."""
    stamp = {**expected, "rows_sha256": rows_sha256(table), "environment": environment()}
    stamped = table.replace_schema_metadata({KEY: json.dumps(stamp)})
    write_atomically(path, lambda tmp: pq.write_table(stamped, tmp))


def read_task(path: Path, expected: Mapping[str, Any]) -> tuple[pa.Table | None, str | None]:
    """The task's rows if ``path`` is sound and is the task ``expected``; else None and why not.

    The reason is None for a task simply not done yet (no file).
    """
    if not path.exists():
        return None, None
    try:
        if path.stat().st_size == 0:
            return None, "is empty"
        table = pq.read_table(path)
    except Exception as error:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return None, f"cannot be read (truncated or corrupt: {detail})"
    try:
        stamp = json.loads((table.schema.metadata or {})[KEY])
    except (KeyError, ValueError):
        return None, "carries no mlasim identity (not written by this sweep)"
    differing = [key for key in expected if stamp.get(key) != expected[key]]
    if differing:
        return None, f"belongs to another sweep or configuration ({', '.join(differing)} differ)"
    rows = table.replace_schema_metadata(None)
    if stamp.get("rows_sha256") != rows_sha256(rows):
        return None, "is corrupt (its rows do not match their checksum)"
    replications = rows.column("replication").to_pylist()
    if replications != expected["replications"] or set(rows.column("config_index").to_pylist()) != {
        expected["config_index"]
    }:
        return None, "holds other rows than its name and metadata say"
    return rows, None


def abandoned(temporary: Path) -> bool:
    """Whether a temporary task file was left by a writer no longer running (or by this process):
    another process's file being written is never removed."""
    writer = writer_of(temporary)
    return writer is None or writer == os.getpid() or not alive(writer)


def verified(
    directory: Path, plan: list[tuple[Path, dict, tuple]], note: Callable[[str], None]
) -> tuple[dict[Path, pa.Table], list[tuple]]:
    """The task files on disk that are sound and this sweep's, and the tasks still to run."""
    done: dict[Path, pa.Table] = {}
    todo, notes = [], []
    for path, expected, task in plan:
        table, why = read_task(path, expected)
        if table is not None:
            done[path] = table
            continue
        todo.append(task)
        if why:
            notes.append(f"{path} {why}: recomputing it")
    tasks = directory / "tasks"
    expected_paths = {path for path, _, _ in plan}
    strays = sorted(p for p in tasks.glob("*") if NAME.match(p.name) and p not in expected_paths)
    leftovers = [p for p in sorted(tasks.glob(".c*.tmp")) if abandoned(p)]  # of a process killed writing
    for stray in strays + leftovers:
        stray.unlink(missing_ok=True)
    if strays:
        notes.append(
            f"{tasks}: removed {len(strays)} task file(s) that are no task of this sweep "
            "(another batch size or design)"
        )
    for line in notes[:NOTES]:
        note(line)
    if len(notes) > NOTES:
        note(f"... and {len(notes) - NOTES} more task files recomputed for the same reasons")
    return done, todo
