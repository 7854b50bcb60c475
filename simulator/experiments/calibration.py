"""``mlasim calibrate``: fit a scenario's uncertain parameters to published figures, wave by wave.

History matching (:mod:`simulator.experiments.history`) in a resumable directory::

    calibration.json      what was asked (scenario and target files' fingerprints, ranges, plan,
                          seed, version) and each wave's design and results as they finish
    scenario.toml, targets.toml   the files as they were when the calibration started
    wave-1/, wave-2/ ...  each wave is a sweep run directory (:mod:`simulator.experiments.sweeps`):
                          its points run on any backend, task by task, resumable
    final/                the calibrated point run with the scenario's replications (a sweep too)
    region.csv            a sample of the non-implausible region (parameter values, one row a point)
    calibrated.toml       the scenario file with the fitted values (and the surviving ranges)
    fit.csv               the fit table of the calibrated scenario, held-out targets included

The **budget** counts every replication run, the final check included; the waves share what is left
after it. Each wave runs ``points`` parameter points x ``replications`` replications, with the
scenario's seed for every point (common random numbers: two points differ only by their
parameters, which makes the emulators smoother). The calibration stops after ``waves`` waves, when
the budget cannot pay for another, or when a wave no longer shrinks the region (by less than a
tenth). The calibrated value of each parameter is that of the simulated point whose largest
implausibility over the fitting targets is the least; its range, the span of the region's sample.

Interrupted, it goes on with :func:`execute` from the last wave on disk (a wave's finished tasks
are kept by its sweep); the next wave's design is a function of the waves before it and the seed,
so a resumed calibration runs exactly what an uninterrupted one would have.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from simulator import __version__
from simulator.experiments.rundirs import created_here, holding, refuse_occupied
from simulator.experiments.sweeps import build_configurations, utc_now
from simulator.files.document import read_file
from simulator.files.limits import DEFAULT_LIMITS, Limits
from simulator.files.output import make_directory, write_atomically, write_text
from simulator.files.reader import Problem, ScenarioError
from simulator.files.targets import Range, check_against, read_targets

MANIFEST = "calibration.json"
SCENARIO_COPY, TARGETS_COPY = "scenario.toml", "targets.toml"
FINAL, REGION, CALIBRATED, FIT_TABLE = "final", "region.csv", "calibrated.toml", "fit.csv"
#: The most replications a calibration may run without --allow-large.
MAX_BUDGET = 100_000
#: A wave that leaves more than this share of the region the wave before it left is the last.
CONVERGED = 0.9


@frozen
class Plan:
    """How much a calibration may run: the budget, and how a wave spends it."""

    budget: int = 1_500
    replications: int = 4  # per point of a wave
    points: int | None = None  # per wave (default: 10 per parameter, at least 20)
    waves: int = 4
    seed: int | None = None  # default: the scenario's
    final_replications: int | None = None  # the calibrated point's check (default: the scenario's)

    def points_for(self, parameters: int) -> int:
        """The points of each wave for ``parameters`` parameters (given, or 10 a parameter and at least
        20)."""
        return self.points if self.points is not None else max(20, 10 * parameters)


def range_problems(
    path: str | Path, ranges: Sequence[Range], limits: Limits = DEFAULT_LIMITS
) -> list[Problem]:
    """Each range checked: a real key of the scenario, a value it accepts at either end."""
    from simulator.experiments.designs import RUN_SETTINGS

    source = str(path)
    if not ranges:
        message = (
            "no parameter to fit: declare ranges in the scenario ({ value, low, high, source }), or "
            "give them with --range KEY=LOW,HIGH or [[parameter]] tables in the target file"
        )
        return [Problem(source, "", message)]
    problems = [
        Problem(source, r.key, f"is not a parameter to fit: {RUN_SETTINGS[r.key]}")
        for r in ranges
        if r.key in RUN_SETTINGS
    ]
    ends = [{r.key: end} for r in ranges for end in (r.low, r.high)]
    try:
        build_configurations(path, ends, limits)
    except ScenarioError as error:
        problems += error.problems
    return problems


def start(
    scenario_path: str | Path,
    targets_path: str | Path,
    directory: str | Path,
    ranges: Sequence[Range] = (),
    plan: Plan = Plan(),
    limits: Limits = DEFAULT_LIMITS,
    force: bool = False,
    declared: bool = True,
) -> dict[str, Any]:
    """Check everything and write the calibration's manifest and file copies; nothing runs yet.

    The parameters fitted are those with a range: the ranges the scenario declares (``declared``),
    the target file's ``[[parameter]]`` ranges, and ``ranges`` (from the command line), a later one
    replacing an earlier one of the same key. A directory holding files is refused unless ``force``;
    a start that fails leaves no directory it created.
    """
    directory = Path(directory)
    created = created_here(directory)
    try:
        with holding(directory):
            return _start(
                Path(scenario_path), Path(targets_path), directory, ranges, plan, limits, force, declared
            )
    except BaseException:
        if created:
            shutil.rmtree(directory, ignore_errors=True)
        raise


def declared_ranges(scenario_path: str | Path, limits: Limits = DEFAULT_LIMITS) -> list[Range]:
    """The ranges the scenario file declares on its numbers, as ranges to fit (each citing its
    source), the run's own settings left out."""
    from simulator.experiments.designs import RUN_SETTINGS
    from simulator.files.parameters import uncertain_parameters

    found = []
    for p in uncertain_parameters(scenario_path, limits=limits):
        if p.key in RUN_SETTINGS:
            continue
        low, high = (int(p.low), int(p.high)) if p.integer else (float(p.low), float(p.high))
        found.append(Range(p.key, low, high, f"declared in the scenario ({p.source})"))
    return found


def _start(scenario_path, targets_path, directory, ranges, plan, limits, force, declared) -> dict[str, Any]:
    refuse_occupied(
        directory, force, MANIFEST,
        f"already holds a calibration: finish it (mlasim calibrate --resume {directory}), start over "
        "there (--force), or choose another directory",
        "is not empty: choose another directory, or calibrate there with --force",
    )  # fmt: skip
    base = read_file(scenario_path, limits).base(limits)
    targets = read_targets(targets_path)
    check_against(targets, base)
    if not targets.fitting:
        raise ScenarioError([Problem(targets.path, "target", "no target has use = 'fit': nothing to fit to")])
    own = declared_ranges(scenario_path, limits) if declared else []
    chosen = {r.key: r for r in own} | {r.key: r for r in targets.ranges} | {r.key: r for r in ranges}
    problems = range_problems(scenario_path, list(chosen.values()), limits)
    problems += plan_problems(plan, len(chosen), base, limits, str(scenario_path))
    if problems:
        raise ScenarioError(problems)
    manifest = {
        "version": __version__,
        "scenario": base.name,
        "scenario_origin": str(scenario_path.resolve()),
        "targets_origin": str(Path(targets_path).resolve()),
        "scenario_sha256": _sha(scenario_path),
        "targets_sha256": _sha(targets_path),
        "ranges": [{"key": r.key, "low": r.low, "high": r.high, "source": r.source} for r in chosen.values()],
        "plan": {
            "budget": plan.budget,
            "replications": plan.replications,
            "points": plan.points_for(len(chosen)),
            "waves": plan.waves,
            "seed": base.seed if plan.seed is None else plan.seed,
            "final_replications": plan.final_replications or base.replications,
        },
        "allow_large": limits.allow_large,
        "started": utc_now(),
        "waves": [],
        "finished": None,
    }
    make_directory(directory)
    for origin, copy in ((scenario_path, SCENARIO_COPY), (Path(targets_path), TARGETS_COPY)):
        data = origin.read_bytes()
        write_atomically(directory / copy, lambda tmp, data=data: Path(tmp).write_bytes(data))
    _save(directory, manifest)
    return manifest


def plan_problems(plan: Plan, parameters: int, base, limits: Limits, source: str) -> list[Problem]:
    """A budget too large for the limits, or too small for one wave and the final check."""
    problems = []
    too_many = limits.above(plan.budget, MAX_BUDGET, "replications in the budget")
    if too_many:
        problems.append(Problem(source, "--budget", too_many))
    final = plan.final_replications or base.replications
    wave = plan.points_for(parameters) * plan.replications
    if plan.budget < final + wave:
        message = (
            f"{plan.budget} replications cannot pay for one wave ({plan.points_for(parameters)} points x "
            f"{plan.replications} replications) and the final check ({final}): raise --budget to at "
            f"least {final + wave}"
        )
        problems.append(Problem(source, "--budget", message))
    memory = limits.plan_problem(plan.budget, base)
    if memory:
        problems.append(Problem(source, "--budget", memory))
    return problems


def _sha(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _save(directory: Path, manifest: Mapping[str, Any]) -> None:
    write_text(directory / MANIFEST, json.dumps(manifest, indent=1))


def read_manifest(directory: str | Path) -> dict[str, Any]:
    """A calibration directory's manifest, checked (readable, this version, its copies unchanged)."""
    directory = Path(directory)
    where = str(directory / MANIFEST)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        version = manifest["version"]
        manifest["ranges"], manifest["plan"]["budget"], manifest["waves"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ScenarioError([Problem(where, "", f"is not a calibration manifest ({error})")]) from None
    if version != __version__:
        message = f"was written by mlasim {version}, this is {__version__}: resume with that version"
        raise ScenarioError([Problem(where, "version", message)])
    for copy, key in ((SCENARIO_COPY, "scenario_sha256"), (TARGETS_COPY, "targets_sha256")):
        path = directory / copy
        if not path.is_file() or _sha(path) != manifest[key]:
            message = "has changed or gone since the calibration started; start a new one"
            raise ScenarioError([Problem(str(path), "", message)])
    return manifest


def ranges_of(manifest: Mapping[str, Any]) -> list[Range]:
    """The parameter ranges a calibration directory's manifest records."""
    return [Range(r["key"], r["low"], r["high"], r.get("source", "")) for r in manifest["ranges"]]


def wave_seed(seed: int, wave: int) -> int:
    """The seed of a wave's design draws (not of its replications, which use the scenario's)."""
    import numpy as np

    return int(np.random.SeedSequence(seed, spawn_key=(wave,)).generate_state(1)[0])
