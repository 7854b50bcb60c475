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
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from simulator import __version__
from simulator.experiments import display
from simulator.experiments.designs import Design, run_setting_problems
from simulator.experiments.display import format_estimate
from simulator.experiments.executors import backend, batches
from simulator.experiments.provenance import environment, file_sha256, scenario_sha256
from simulator.experiments.stats import Estimate
from simulator.files.limits import allowing_large, large_allowed
from simulator.files.loader import read_toml
from simulator.files.output import make_directory, write_atomically, write_text
from simulator.files.overrides import configured, read_variants
from simulator.files.reader import Problem, ScenarioError
from simulator.world.scenario import Scenario

MANIFEST = "manifest.json"
#: The copy of the scenario file a run directory keeps, so it can be resumed wherever it is moved.
SCENARIO_COPY = "scenario.toml"


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
    if directory.exists() and not directory.is_dir():
        raise ScenarioError([Problem(str(directory), "", "exists and is not a directory")])
    if force or not directory.exists() or not any(directory.iterdir()):
        return
    if (directory / MANIFEST).exists():
        message = (
            f"already holds a sweep: finish it (mlasim sweep --resume {directory}; in Python, "
            f"simulator.resume({str(directory)!r})), start over there (--force; force=True), or choose "
            "another directory"
        )
    else:
        message = (
            "is not empty and holds no sweep manifest: choose another directory, or start the sweep "
            "there with --force (in Python, force=True): task files found there are checked, and "
            "recomputed unless they are this sweep's"
        )
    raise ScenarioError([Problem(str(directory), "", message)])


def design_problems(path: str | Path, design: Design, seed: int) -> list[Problem]:
    """Every problem of a sweep's design: LHS without ranges, run settings varied, bad configurations."""
    problems = run_setting_problems(design, str(path))
    if design.lhs and not design.ranges:
        message = "--lhs needs ranges to sample (--range or [sweep] ranges)"
        problems.append(Problem(str(path), "sweep.ranges", message))
    if problems:
        return problems
    try:
        build_configurations(path, design.points(seed))
    except ScenarioError as error:
        return error.problems
    return []


def start(
    path: str | Path,
    directory: str | Path,
    design: Design,
    replications: int | None = None,
    seed: int | None = None,
    batch: int = 5,
    force: bool = False,
) -> dict[str, Any]:
    """Validate the sweep and write its manifest and a copy of the scenario file; nothing runs yet.

    A directory already holding files is refused unless ``force``.
    """
    directory = Path(directory)
    _refuse_occupied(directory, force)
    base = configured(read_toml(path), str(path), {}, "")
    seed = base.seed if seed is None else seed
    problems = design_problems(path, design, seed)  # every configuration valid before anything runs
    if problems:
        raise ScenarioError(problems)
    points = design.points(seed)
    text = Path(path).read_bytes()
    manifest = {
        "scenario": base.name,
        "scenario_file": SCENARIO_COPY,
        "scenario_origin": str(Path(path).resolve()),
        "scenario_sha256": scenario_sha256(base),
        "scenario_file_sha256": hashlib.sha256(text).hexdigest(),
        "seed": seed,
        "replications": base.replications if replications is None else replications,
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
        "started": _now(),
        "finished": None,
        "backend": None,
        "allow_large": large_allowed(),
    }
    make_directory(directory)
    write_atomically(directory / SCENARIO_COPY, lambda tmp: Path(tmp).write_bytes(text))
    write_text(directory / MANIFEST, json.dumps(manifest, indent=2))
    return manifest


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


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _scenario_file(directory: Path, manifest: Mapping[str, Any]) -> Path:
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


def execute(
    directory: str | Path,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    note: Callable[[str], None] | None = None,
    announce: Callable[[str], None] | None = None,
) -> SweepResult:
    """Run every task of the sweep in ``directory`` not yet soundly on disk, then write the result files.

    Each task file on disk is checked against the manifest (:mod:`simulator.experiments.taskfiles`);
    one that is missing, empty, truncated, corrupt or another configuration's is computed again, and
    ``note`` is told why in one line.
    """
    from simulator.experiments.sweepfiles import write_results
    from simulator.experiments.taskfiles import identity, task_path, task_table, verified, write_task

    directory = Path(directory)
    manifest = read_manifest(directory)
    path = _scenario_file(directory, manifest)
    with allowing_large(manifest.get("allow_large", False) or large_allowed()):
        scenarios = build_configurations(path, [c["parameters"] for c in manifest["configurations"]])
    seed, batch = manifest["seed"], manifest["batch"]
    plan = [
        (task_path(directory, i, reps), identity(manifest, i, scenario, reps), (i, scenario, seed, reps))
        for i, scenario in enumerate(scenarios)
        for reps in batches(range(manifest["replications"]), batch)
    ]
    done, todo = verified(directory, plan, note or (lambda line: None))
    expected = {(task[0], task[3]): (path, want) for path, want, task in plan}
    if progress:
        progress(len(done), len(plan))
    # imported where the simulation runs: reading a sweep's setting (``validate``) needs none of it
    from simulator.experiments.run import expected_requests, replicate_batch

    executor = backend(workers, scheduler, work=sum(len(t[3]) * expected_requests(t[1]) for t in todo))
    try:
        manifest["backend"] = executor.name
        if announce:
            announce(executor.name)
        for _, (config, results) in executor.map(replicate_batch, todo):
            target, want = expected[(config, tuple(r for r, _ in results))]
            table = task_table(config, results)
            write_task(target, table, want)
            done[target] = table
            if progress:
                progress(1, len(plan))
    finally:
        executor.close()
    write_results(directory, manifest, [done[path] for path, _, _ in plan])
    manifest["finished"] = _now()
    write_text(directory / MANIFEST, json.dumps(manifest, indent=2))
    return SweepResult(directory)


def sweep(
    path: str | Path,
    directory: str | Path,
    design: Design,
    replications: int | None = None,
    seed: int | None = None,
    batch: int = 5,
    workers: int = 1,
    scheduler: str | None = None,
    force: bool = False,
) -> SweepResult:
    """Start a sweep in ``directory`` and run it to the end (Python API)."""
    start(path, directory, design, replications, seed, batch, force)
    return execute(directory, workers, scheduler)


def resume(
    directory: str | Path,
    workers: int = 1,
    scheduler: str | None = None,
    note: Callable[[str], None] | None = None,
) -> SweepResult:
    """Finish the sweep in ``directory``: check its task files, run what is missing or unsound."""
    return execute(directory, workers, scheduler, note=note)
