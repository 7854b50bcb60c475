"""Sweeps: many configurations x many replications, resumable, into Parquet.

A sweep runs many configurations of a scenario (:mod:`simulator.experiments.designs`: grid, Latin hypercube,
variants). Every configuration runs the same replications with the same seed, so configurations are
compared on the same requests.

The work is cut into tasks, each a batch of replications of one configuration, run by any backend
(:mod:`simulator.experiments.executors`). A run directory holds::

    manifest.json          what was asked (scenario fingerprints, seed, version, design, configurations,
                           backend); paths in it are relative to the run directory, so it can be moved
    scenario.toml          the scenario file as it was when the sweep started
    tasks/*.parquet        one file per finished task, written atomically as it completes, with its
                           identity in its metadata (:mod:`simulator.experiments.taskfiles`)
    replications.parquet   one row per (configuration, replication): parameters and metrics
    summary.parquet, summary.csv   per configuration: mean, ci_low, ci_high and n of every metric

Killing the process loses at most the tasks in flight; ``resume`` checks every task file against the
manifest, runs the tasks missing or unsound (empty, truncated, corrupt, another configuration's) and
writes the same result files an uninterrupted run would have written. A directory that already
holds files is not swept into unless asked to (``force``).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import shutil
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from simulator import __version__
from simulator.experiments import display
from simulator.experiments.designs import Design, inert_settings, run_setting_problems
from simulator.experiments.display import format_estimate
from simulator.experiments.execution import DEFAULT_EXECUTION, Execution
from simulator.experiments.provenance import environment, file_sha256, scenario_sha256
from simulator.experiments.rundirs import (
    created_here,
    free_bytes,
    holding,
    refuse_occupied,
    sweep_bytes,
)
from simulator.experiments.stats import Estimate
from simulator.files.document import read_file
from simulator.files.limits import DEFAULT_LIMITS, Limits
from simulator.files.output import make_directory, write_atomically, write_text
from simulator.files.reader import Problem, ScenarioError
from simulator.world.scenario import Scenario

MANIFEST = "manifest.json"
#: The copy of the scenario file a run directory keeps, so it can be resumed wherever it is moved.
SCENARIO_COPY = "scenario.toml"


def _label(point: Mapping[str, Any]) -> str:
    def text(value: Any) -> str:
        return f"{value:.4g}" if isinstance(value, float) else str(value)

    return ", ".join(f"{k}={text(v)}" for k, v in point.items()) or "base"


def build_configurations(
    path: str | Path, points: Sequence[Mapping[str, Any]], limits: Limits = DEFAULT_LIMITS
) -> list[Scenario]:
    """Validate every configuration before anything runs; all problems are reported at once."""
    file = read_file(path, limits)
    source = file.source
    variants = {v.name: v for v in file.variants()}
    scenarios, problems = [], []
    for point in points:
        overrides = {k: v for k, v in point.items() if k != "variant"}
        if "variant" in point:
            if point["variant"] not in variants:
                problems.append(Problem(source, "variant", f"no variant named {point['variant']!r}"))
                continue
            overrides = {**variants[point["variant"]].overrides, **overrides}
        try:
            scenarios.append(file.configured(overrides, _label(point), limits))
        except ScenarioError as error:
            problems += error.problems
    if problems:
        raise ScenarioError(problems)
    return scenarios


@frozen
class SweepResult:
    """A finished sweep's run directory and its tables."""

    directory: Path

    def __repr__(self) -> str:
        manifest = self.manifest()
        return (
            f"SweepResult({str(self.directory)!r}: {manifest['scenario']}, "
            f"{len(manifest['configurations'])} configurations x {manifest['replications']} replications, "
            f"seed {manifest['seed']})"
        )

    def _repr_html_(self) -> str:
        manifest, summary = self.manifest(), self.summary()
        shown = (("abuse_pass_through", "share"), ("legitimate_refusal_rate", "share"))
        rows = []
        for record in summary.to_dict("records"):
            cells = [record["configuration"]]
            for metric, kind in shown:
                parts = [record.get(f"{metric}.{p}") for p in ("mean", "ci_low", "ci_high")]
                mean, low, high = (math.nan if v is None else float(v) for v in parts)
                cells.append(
                    format_estimate(Estimate(mean, low, high, int(record.get(f"{metric}.n") or 0)), kind)
                )
            rows.append(cells)
        caption = f"Sweep of {manifest['scenario']}: {manifest['replications']} replications"
        header = ("configuration", *(metric for metric, _ in shown))
        return display.html("sweep", self, display.html_table(caption, header, rows))

    def manifest(self) -> dict[str, Any]:
        """The run directory's ``manifest.json``: what was asked, read afresh at each call."""
        return json.loads((self.directory / MANIFEST).read_text())

    def to_pandas(self):
        """One row per (configuration, replication): parameters and metrics."""
        import pyarrow.parquet as pq

        return pq.read_table(self.directory / "replications.parquet").to_pandas()

    def summary(self):
        """One row per configuration: parameters, then mean/ci_low/ci_high/n of each metric."""
        import pyarrow.parquet as pq

        return pq.read_table(self.directory / "summary.parquet").to_pandas()


def _refuse_occupied(directory: Path, force: bool) -> None:
    """A run directory must be new, empty, or (with ``force``) taken over knowingly."""
    refuse_occupied(
        directory, force, MANIFEST,
        f"already holds a sweep: finish it (mlasim sweep --resume {directory}; in Python, "
        f"simulator.resume({str(directory)!r})), start over there (--force; force=True), or choose "
        "another directory",
        "is not empty and holds no sweep manifest: choose another directory, or start the sweep "
        "there with --force (in Python, force=True): task files found there are checked, and "
        "recomputed unless they are this sweep's",
    )  # fmt: skip


def design_size(design: Design) -> int:
    """How many configurations ``design`` makes, counted without making them."""
    size = getattr(design, "size", None)
    return len(design.points(0)) if size is None else size


def size_problems(
    path: str | Path, design: Design, limits: Limits, replications: int | None = None
) -> list[Problem]:
    """Too many configurations or replications for ``limits``, counted before any is made."""
    problems = []
    size = design_size(design)
    too_many = limits.configuration_problem(size)
    if too_many:
        problems.append(Problem(str(path), "sweep", f"the design has {too_many}"))
    elif too_large := limits.design_problem(size):
        problems.append(Problem(str(path), "sweep", f"the design's {too_large}"))
    too_many = limits.replication_problem(replications) if replications is not None else None
    if too_many:
        problems.append(Problem(str(path), "--replications", too_many))
    return problems


def design_problems(
    path: str | Path,
    design: Design,
    seed: int,
    limits: Limits = DEFAULT_LIMITS,
    replications: int | None = None,
) -> list[Problem]:
    """Every problem of a sweep's design: LHS without ranges, run settings varied, too many
    configurations or replications for ``limits`` (counted before any is made), bad configurations."""
    problems = run_setting_problems(design, str(path))
    if design.lhs and not design.ranges:
        message = "--lhs needs ranges to sample (--range or [sweep] ranges)"
        problems.append(Problem(str(path), "sweep.ranges", message))
    problems += size_problems(path, design, limits, replications)
    if problems:
        return problems
    try:
        scenarios = build_configurations(path, design.points(seed), limits)
    except ScenarioError as error:
        return error.problems
    runs = len(scenarios) * (scenarios[0].replications if replications is None else replications)
    for scenario in scenarios:  # the whole sweep's rows, and a replication of each configuration
        too_large = limits.plan_problem(runs, scenario)
        if too_large:
            return [Problem(scenario.source, "sweep", too_large)]
    return []


def start(
    path: str | Path,
    directory: str | Path,
    design: Design,
    replications: int | None = None,
    seed: int | None = None,
    batch: int = 5,
    force: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """Validate the sweep and write its manifest and a copy of the scenario file; nothing runs yet.

    A directory already holding files is refused unless ``force``; so is a design or a number of
    replications above ``limits``, and a disk without room for the sweep's files. A start that fails
    leaves no directory it created.
    """
    directory = Path(directory)
    created = created_here(directory)
    try:
        with holding(directory):
            return _start(path, directory, design, replications, seed, batch, force, limits)
    except BaseException:
        if created:
            shutil.rmtree(directory, ignore_errors=True)
        raise


def _start(path, directory, design, replications, seed, batch, force, limits) -> dict[str, Any]:
    _refuse_occupied(directory, force)
    base = read_file(path, limits).base(limits)
    seed = base.seed if seed is None else seed
    count = base.replications if replications is None else replications
    problems = design_problems(path, design, seed, limits, count)  # all valid before anything runs
    if problems:
        raise ScenarioError(problems)
    points = design.points(seed)
    for line in inert_settings(base, points):
        warnings.warn(line, UserWarning, stacklevel=3)
    _check_room(directory, len(points) * math.ceil(count / batch), len(points) * count)
    return _write_start(path, directory, design, base, seed, count, batch, points, limits)


def _check_room(directory: Path, tasks: int, rows: int) -> None:
    need, free = sweep_bytes(tasks, rows), free_bytes(directory)
    if free is not None and free < need:
        message = f"the sweep needs about {need / 1e6:,.0f} MB, and only {free / 1e6:,.0f} MB are free there"
        raise ScenarioError([Problem(str(directory), "", message)])


def _write_start(path, directory, design, base, seed, count, batch, points, limits) -> dict[str, Any]:
    origin = Path(path).read_bytes()
    text = _self_contained(path, origin, limits)
    manifest = {
        "scenario": base.name,
        "scenario_file": SCENARIO_COPY,
        "scenario_origin": str(Path(path).resolve()),
        "scenario_origin_sha256": hashlib.sha256(origin).hexdigest(),
        "scenario_sha256": scenario_sha256(base),
        "scenario_file_sha256": hashlib.sha256(text).hexdigest(),
        "seed": seed,
        "replications": count,
        "batch": batch,
        "version": __version__,
        "environment": environment(),
        "design": {
            "grid": dict(design.grid),
            "lhs": design.lhs,
            "ranges": dict(design.ranges),
            "variants": list(design.variants),
        },
        "configurations": [{"index": i, "label": _label(p), "parameters": p} for i, p in enumerate(points)],
        "started": utc_now(),
        "finished": None,
        "backend": None,
        "allow_large": limits.allow_large,
    }
    make_directory(directory)
    write_atomically(directory / SCENARIO_COPY, lambda tmp: Path(tmp).write_bytes(text))
    write_text(directory / MANIFEST, json.dumps(manifest, indent=2))
    return manifest


def _self_contained(path, origin: bytes, limits: Limits) -> bytes:
    """The scenario file as the run directory keeps it: its bytes, or, for a file that takes parts
    of others (``extends``, ``from``), the composed document, which reads alone wherever it is moved."""
    file = read_file(path, limits)
    if not file.others:
        return origin
    import tomli_w

    named = ", ".join(other for other, _, _ in file.others)
    head = f"# {Path(path).name} composed with {named}: the sweep's own copy\n"
    return (head + tomli_w.dumps(dict(file.document))).encode("utf-8")


def read_manifest(directory: Path) -> dict[str, Any]:
    """The manifest of a run directory, checked: readable, and written by this version of mlasim."""
    where = str(directory / MANIFEST)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        version = manifest.get("version")
    except (OSError, ValueError, AttributeError) as error:
        raise ScenarioError([Problem(where, "", f"is not a readable sweep manifest ({error})")]) from None
    if version != __version__:
        message = (
            f"was written by mlasim {version}, this is {__version__}: results of two "
            "versions would be mixed; resume with that version or start a new sweep"
        )
        raise ScenarioError([Problem(where, "version", message)])
    try:
        for key in ("scenario_file", "scenario_file_sha256", "configurations", "seed", "replications"):
            manifest[key]
        int(manifest["batch"])
        [c["parameters"] for c in manifest["configurations"]]
    except (ValueError, KeyError, TypeError) as error:
        message = f"is not a readable sweep manifest (missing or malformed: {error})"
        raise ScenarioError([Problem(where, "", message)]) from None
    for key in ("seed", "replications", "batch"):
        value = manifest[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < (0 if key == "seed" else 1):
            raise ScenarioError([Problem(where, key, f"must be a whole number, not {value!r}")])
    return manifest


def utc_now() -> str:
    """The time now in UTC, ISO 8601 to the second (``2025-01-31T09:30:00+00:00``)."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def scenario_file(directory: Path, manifest: Mapping[str, Any]) -> Path:
    """The run directory's copy of the scenario file, unchanged since the sweep started."""
    path = directory / manifest["scenario_file"]  # relative to the run directory (absolute in old ones)
    if not path.is_file() or file_sha256(path) != manifest["scenario_file_sha256"]:
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    "",
                    f"has changed or gone since the sweep in {directory} started; start a new sweep",
                )
            ]
        )
    return path


class TaskWriteError(Exception):
    """A task or result file of a sweep that could not be written (a full disk...); the tasks
    finished before it are kept, and a resume goes on from them."""

    def __init__(self, path: Path, reason: str, directory: Path) -> None:
        super().__init__(f"{path}: cannot be written ({reason}); the finished tasks are kept in {directory}")
        self.path, self.reason, self.directory = path, reason, directory


def execute(directory: str | Path, execution: Execution = DEFAULT_EXECUTION) -> SweepResult:
    """Run every task of the sweep in ``directory`` not yet soundly on disk, then write the result files.

    Each task file on disk is checked against the manifest (:mod:`simulator.experiments.taskfiles`);
    one that is missing, empty, truncated, corrupt or another configuration's is computed again, and
    ``execution.note`` is told why in one line (and when the original scenario file was edited since
    the sweep started: the sweep goes on with its own copy). The run directory is held by this process
    meanwhile (:mod:`simulator.experiments.rundirs`); a file that cannot be written stops the sweep
    with :class:`TaskWriteError`, the tasks already written kept.
    """
    from simulator.experiments.resuming import run_missing  # loads the simulation and pyarrow

    directory = Path(directory)
    read_manifest(directory)  # a directory that holds no sweep is refused before it is locked
    with holding(directory):
        return run_missing(directory, execution)


def sweep(
    path: str | Path,
    directory: str | Path,
    design: Design,
    replications: int | None = None,
    seed: int | None = None,
    batch: int = 5,
    execution: Execution = DEFAULT_EXECUTION,
    force: bool = False,
) -> SweepResult:
    """Start a sweep in ``directory`` and run it to the end (Python API), holding the directory
    throughout."""
    with holding(directory):
        start(path, directory, design, replications, seed, batch, force, execution.limits)
        return execute(directory, execution)


def resume(directory: str | Path, execution: Execution = DEFAULT_EXECUTION) -> SweepResult:
    """Finish the sweep in ``directory``: check its task files, run what is missing or unsound."""
    return execute(directory, execution)
