"""Running what a sweep's run directory still lacks: its missing tasks, then its result files.

:func:`simulator.experiments.sweeps.execute` calls :func:`run_missing` with the run directory held
(:mod:`simulator.experiments.rundirs`). The configurations are rebuilt from the run directory's copy
of the scenario file (a note says so when the original has been edited since: the sweep's tasks must
all be of one file); each task file on disk is checked (:mod:`simulator.experiments.taskfiles`), the
tasks missing or unsound run on the execution's backend and are written as they finish. A file that
cannot be written (a full disk) stops the sweep with
:class:`~simulator.experiments.sweeps.TaskWriteError`, naming it: the tasks already written are kept,
and a resume goes on from them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import attrs

from simulator.experiments.execution import Execution
from simulator.experiments.executors import batches
from simulator.experiments.provenance import file_sha256
from simulator.experiments.run import expected_requests, replicate_batch
from simulator.experiments.sweepfiles import write_results
from simulator.experiments.sweeps import (
    MANIFEST,
    SweepResult,
    TaskWriteError,
    build_configurations,
    read_manifest,
    scenario_file,
    utc_now,
)
from simulator.experiments.taskfiles import identity, task_path, task_table, verified, write_task
from simulator.files.limits import estimate_line
from simulator.files.output import write_text
from simulator.world.volume import request_volume


def run_missing(directory: Path, execution: Execution) -> SweepResult:
    """Run the sweep in ``directory`` to its end (see the module docstring); the caller holds it."""
    manifest = read_manifest(directory)
    path = scenario_file(directory, manifest)
    _note_edited_origin(manifest, path, execution)
    limits = execution.limits
    if manifest.get("allow_large", False) and not limits.allow_large:
        limits = attrs.evolve(limits, allow_large=True)  # as the sweep was started
    scenarios = build_configurations(path, [c["parameters"] for c in manifest["configurations"]], limits)
    seed, batch = manifest["seed"], manifest["batch"]
    plan = [
        (task_path(directory, i, reps), identity(manifest, i, scenario, reps), (i, scenario, seed, reps))
        for i, scenario in enumerate(scenarios)
        for reps in batches(range(manifest["replications"]), batch)
    ]
    done, todo = verified(directory, plan, execution.tell)
    execution.told(len(done), len(plan))
    _run_tasks(directory, manifest, plan, done, todo, execution.but(limits=limits))
    try:
        write_results(directory, manifest, [done[path] for path, _, _ in plan])
        manifest["finished"] = utc_now()
        write_text(directory / MANIFEST, json.dumps(manifest, indent=2))
    except OSError as error:
        raise TaskWriteError(Path(error.filename or directory), _reason(error), directory) from None
    return SweepResult(directory)


def _run_tasks(directory, manifest, plan, done, todo, execution: Execution) -> None:
    """Run the tasks ``todo`` on the execution's backend, writing each task file as it finishes."""
    # imported where the simulation runs: reading a sweep's setting (``validate``) needs none of it

    expected = {(task[0], task[3]): (path, want) for path, want, task in plan}
    executor = execution.backend(work=sum(len(t[3]) * expected_requests(t[1]) for t in todo))
    try:
        manifest["backend"] = executor.name
        if execution.announce:
            execution.announce(executor.name)
        if todo:  # a sweep near a bound: its time and memory first, from its largest configuration
            largest = max((t[1] for t in todo), key=lambda s: request_volume(s).total)
            runs = sum(len(t[3]) for t in todo)
            estimate = estimate_line(largest, runs, executor.slots(), execution.limits)
            if estimate:
                execution.tell(estimate)
        task = partial(replicate_batch, limits=execution.limits)
        for _, (config, results) in executor.map(task, todo):
            target, want = expected[(config, tuple(r for r, _ in results))]
            table = task_table(config, results)
            try:
                write_task(target, table, want)
            except OSError as error:
                raise TaskWriteError(target, _reason(error), directory) from None
            done[target] = table
            execution.told(1, len(plan))
    finally:
        executor.close()


def _reason(error: OSError) -> str:
    """Why a file could not be written, in a few words ("No space left on device")."""
    if error.errno is not None and error.strerror:
        return error.strerror
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text.rsplit("] ", 1)[-1] if "] " in text else text


def _note_edited_origin(manifest: Mapping[str, Any], copy: Path, execution: Execution) -> None:
    """A note when the scenario file the sweep started from has been edited since: the sweep goes on
    with the run directory's copy (its tasks must all be of one file)."""
    origin = Path(str(manifest.get("scenario_origin", "")))
    try:
        written = manifest.get("scenario_origin_sha256", manifest["scenario_file_sha256"])
        edited = origin.is_file() and file_sha256(origin) != written
    except OSError:
        edited = False
    if edited:
        execution.tell(
            f"{origin} has changed since the sweep started; the sweep goes on with its own copy, {copy} "
            "(start a new sweep to run the edited file)"
        )
