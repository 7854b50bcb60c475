"""Draws over the assumptions: parameter sets sampled from the declared ranges, run as a sweep.

A scenario's parameters with a range (:mod:`simulator.files.parameters`) are what we do not know. A
*draw* gives each of them one value: ``N`` draws form a Latin hypercube over the ranges
(``scipy.stats.qmc``: each range cut into ``N`` equal strata of probability, each stratum drawn
once, so a few dozen draws cover every range evenly), mapped through each parameter's distribution
(uniform unless its table names another). A draw is a set of dotted-key overrides, as a variant's
or ``--set``'s, applied to the configuration's file.

Every draw runs the same replications with the same seed as every other: the draws differ by what
we assume, not by luck (common random numbers, as in :mod:`simulator.experiments.comparison`). They
run as a sweep (:mod:`simulator.experiments.sweeps`): the same backends, one task file per batch of
replications, a run directory that a second run of the same command resumes.

Several configurations (an *arm* each: a file and its overrides, as ``compare`` or a sweep's
configurations) share the draws: the unit sample is drawn over the union of their uncertain keys,
and each arm takes, for each parameter that is uncertain *in it*, its own range's value at the draw's
quantile. A key an arm sets itself (a variant's lever, a ``--set``) is no longer uncertain there and
keeps the arm's value. The arms of one file run as one sweep, those of another file as another.

A study's directory holds ``study.json`` (the question: arms, parameters, unit sample, replications,
seed) and one sweep directory per file (``draws-1``...) and, for ``run``, ``central`` (the
configuration at its central values, with the scenario's replications). Its default name carries a
digest of the question, so asking the same question again finds the finished (or interrupted) work.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from simulator import __version__
from simulator.experiments import sweeps
from simulator.experiments.designs import Design
from simulator.experiments.execution import DEFAULT_EXECUTION, Execution
from simulator.experiments.rundirs import created_here, holding
from simulator.files.document import ScenarioFile, read_file
from simulator.files.limits import DEFAULT_LIMITS, Limits
from simulator.files.output import make_directory, write_text
from simulator.files.parameters import Parameter
from simulator.files.reader import Problem, ScenarioError

STUDY = "study.json"
#: Replications per task file of a study's sweeps.
BATCH = 5


def unit_sample(dimensions: int, count: int, seed: int) -> list[tuple[float, ...]]:
    """``count`` points of a Latin hypercube in the unit cube of ``dimensions`` (reproducible by seed)."""
    if dimensions == 0:
        return [()] * count
    from scipy.stats import qmc

    sample = qmc.LatinHypercube(d=dimensions, seed=seed).random(count)
    return [tuple(float(u) for u in row) for row in sample]


@frozen(init=False)
class Points(Design):
    """A sweep design that is a list of configurations given outright (dotted overrides each): it varies
    nothing by grid, hypercube or variant."""

    given: tuple[Mapping[str, Any], ...] = ()

    def __init__(self, given: Iterable[Mapping[str, Any]]) -> None:
        self.__attrs_init__(given=tuple(given))

    @property
    def size(self) -> int:
        """How many configurations it gives."""
        return len(self.given)

    def points(self, seed: int) -> list[dict[str, Any]]:
        """The configurations given, each as dotted overrides (``seed`` changes nothing)."""
        return [dict(point) for point in self.given]


@frozen
class Arm:
    """A configuration the draws are applied to: a scenario file and its overrides (a variant's
    changes and ``--set``s, composed), with the parameters uncertain in it."""

    label: str
    path: str
    overrides: Mapping[str, Any]
    parameters: tuple[Parameter, ...]  # those with a range, in this configuration

    def point(self, draw: Mapping[str, float]) -> dict[str, Any]:
        """The overrides of one draw (``draw``: quantile per key) for this configuration."""
        values = {p.key: p.at(draw[p.key]) for p in self.parameters if p.key in draw}
        return {**self.overrides, **values}


def arm(label: str, path: str | Path | ScenarioFile, overrides: Mapping[str, Any], limits: Limits) -> Arm:
    """The arm of ``path`` with ``overrides``: its parameters with a range, read as composed."""
    file = read_file(path, limits)
    parameters = tuple(p for p in file.parameters(overrides, limits=limits) if p.ranged)
    return Arm(label, file.source, dict(overrides), parameters)


@frozen
class Study:
    """The draws of one question: arms, the union of their uncertain keys, the unit sample."""

    arms: tuple[Arm, ...]
    keys: tuple[str, ...]
    unit: tuple[tuple[float, ...], ...]  # [draw][key]
    per_draw: int  # replications of each draw
    seed: int
    central: int = 0  # replications of the first arm at its central values (0: none)

    @property
    def draws(self) -> int:
        """How many draws the study makes."""
        return len(self.unit)

    def quantiles(self, draw: int) -> dict[str, float]:
        """The quantile of each uncertain parameter in draw ``draw``, by its key."""
        return dict(zip(self.keys, self.unit[draw], strict=True))

    def points(self, index: int) -> list[dict[str, Any]]:
        """The overrides of every draw of arm ``index``."""
        return [self.arms[index].point(self.quantiles(i)) for i in range(self.draws)]

    def files(self) -> list[str]:
        """The scenario files of the arms, each once, in order (one sweep each)."""
        return list(dict.fromkeys(a.path for a in self.arms))

    def question(self) -> dict[str, Any]:
        """What was asked, as ``study.json`` holds it (JSON values)."""
        digests = {path: _file_digest(path) for path in self.files()}
        return json.loads(
            json.dumps(
                {
                    "version": __version__,
                    "seed": self.seed,
                    "draws": self.draws,
                    "per_draw": self.per_draw,
                    "central": self.central,
                    "keys": list(self.keys),
                    "arms": [
                        {
                            "label": a.label,
                            "file": a.path,
                            "file_sha256": digests[a.path],
                            "overrides": dict(a.overrides),
                            "parameters": [p.to_dict() for p in a.parameters],
                        }
                        for a in self.arms
                    ],
                    "unit": [list(row) for row in self.unit],
                },
                default=str,
            )
        )

    def digest(self) -> str:
        """A short digest of the question (the default directory's name ends with it)."""
        text = json.dumps(self.question(), sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def _file_digest(path: str) -> str:
    """The SHA-256 of the file's bytes and of every file it takes parts from (``extends``, ``from``)."""
    if not Path(path).is_file():
        return ""
    digest = hashlib.sha256(Path(path).read_bytes())
    try:
        others = read_file(path).others
        for other, _, _ in others:
            digest.update(Path(other).read_bytes())
    except (ScenarioError, OSError):  # unreadable now: the draws' own checks say why
        pass
    return digest.hexdigest()


def study(
    arms: Sequence[Arm],
    draws: int,
    per_draw: int,
    seed: int,
    central: int = 0,
    keys: Sequence[str] = (),
    limits: Limits = DEFAULT_LIMITS,
    option: str = "--uncertainty",
) -> Study:
    """The study of ``arms`` over ``draws`` Latin-hypercube draws of their uncertain keys (``keys``:
    more keys to draw besides the arms'). Too many draws (``option``, as the command names them) or
    replications per draw for ``limits`` are refused before any is drawn."""
    problems = study_problems(arms[0].path, len(arms), draws, per_draw, limits, option)
    if problems:
        raise ScenarioError(problems)
    union = sorted(dict.fromkeys([*keys, *(p.key for a in arms for p in a.parameters)]))
    unit = tuple(unit_sample(len(union), draws, seed))
    return Study(tuple(arms), tuple(union), unit, per_draw, seed, central)


def study_problems(
    path: str, arms: int, draws: int, per_draw: int, limits: Limits, option: str
) -> list[Problem]:
    """Why ``draws`` draws of ``arms`` configurations, ``per_draw`` replications each, are too many."""
    made = f"configurations ({draws:,} draws x {arms} configurations)" if arms > 1 else "draws"
    problems = []
    too_many = limits.above(draws * arms, limits.configurations, made)
    if too_many:
        problems.append(Problem(path, option, too_many))
    per = limits.replication_problem(per_draw)
    if per:
        problems.append(Problem(path, "--per-draw", per))
    return problems


@frozen
class Rows:
    """A finished study's replications: the central run's, and each arm's per draw."""

    central: tuple[Mapping[str, float], ...]
    draws: tuple[tuple[tuple[Mapping[str, float], ...], ...], ...]  # [arm][draw][replication]

    def means(self, arm: int, metric: str) -> list[float]:
        """The metric's mean over the replications of each draw of ``arm`` (NaN: undefined in all)."""
        result = []
        for rows in self.draws[arm]:
            values = [r[metric] for r in rows if metric in r and not math.isnan(r[metric])]
            result.append(math.fsum(values) / len(values) if values else math.nan)
        return result


def draw_problems(study: Study, limits: Limits = DEFAULT_LIMITS) -> list[Problem]:
    """Each draw that is no valid scenario (ranges that together break a rule of the file: a mode
    outside its low and high, say), named by its number and values."""
    problems: list[Problem] = []
    for index, an_arm in enumerate(study.arms):
        file = read_file(an_arm.path, limits)
        for i, point in enumerate(study.points(index)):
            try:
                file.configured(point, f"draw {i + 1}", limits)
            except ScenarioError as error:
                first = error.problems[0]
                message = (
                    f"{first.message} (the declared ranges allow this combination: narrow them; "
                    f"{_drawn(an_arm, point)})"
                )
                problems.append(Problem(an_arm.path, first.path, message))
                return problems
    return problems


def _drawn(an_arm: Arm, point: Mapping[str, Any]) -> str:
    shown = [f"{p.key}={point[p.key]:.4g}" for p in an_arm.parameters[:4]]
    more = len(an_arm.parameters) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def run_study(
    the_study: Study,
    directory: str | Path,
    execution: Execution = DEFAULT_EXECUTION,
    progress: Callable[[int, int], None] | None = None,
) -> Rows:
    """Run (or finish) every sweep of the study in ``directory`` and gather the replications.

    A directory already holding this study's draws resumes them; one holding another study is
    refused. ``progress(done, total)`` is told finished tasks over the whole study.
    """
    directory = Path(directory)
    limits = execution.limits
    created = created_here(directory)
    with holding(directory):
        _check_directory(directory, the_study)
        problems = draw_problems(the_study, limits)
        if problems:
            if created:
                shutil.rmtree(directory, ignore_errors=True)  # a study refused leaves nothing behind
            raise ScenarioError(problems)
        plan = _plan(the_study)
        make_directory(directory)
        write_text(directory / STUDY, json.dumps(the_study.question(), indent=2))
        total = sum(len(points) * math.ceil(reps / BATCH) for _, _, points, reps in plan)
        done = [0]

        def told(steps: int, _total: int | None = None) -> None:
            done[0] += steps
            if progress is not None:
                progress(done[0], total)

        found: dict[str, list[list[dict[str, float]]]] = {}
        told_of = _once(execution.announce)
        for name, path, points, reps in plan:
            quiet = execution.but(progress=told, announce=told_of)
            found[name] = _sweep(path, directory / name, points, reps, the_study.seed, quiet)
    return _gather(the_study, found)


def _once(announce: Callable[[str], None] | None) -> Callable[[str], None] | None:
    """``announce``, told each backend once (the sweeps of a study often run on the same)."""
    if announce is None:
        return None
    seen: set[str] = set()

    def tell(name: str) -> None:
        if name not in seen:
            seen.add(name)
            announce(name)

    return tell


def _plan(the_study: Study) -> list[tuple[str, str, list[dict[str, Any]], int]]:
    """The study's sweeps: (directory name, file, points, replications)."""
    plan = []
    if the_study.central:
        first = the_study.arms[0]
        plan.append(("central", first.path, [dict(first.overrides)], the_study.central))
    for j, path in enumerate(the_study.files(), 1):
        points = [p for i, a in enumerate(the_study.arms) if a.path == path for p in the_study.points(i)]
        plan.append((f"draws-{j}", path, points, the_study.per_draw))
    return plan


def _check_directory(directory: Path, the_study: Study) -> None:
    """A directory holding another study's draws (another file, seed, number of draws) is refused."""
    path = directory / STUDY
    if not path.exists():
        if directory.exists() and any(p.name != ".lock" for p in directory.iterdir()):
            message = "is not empty and holds no study: choose another directory"
            raise ScenarioError([Problem(str(directory), "", message)])
        return
    try:
        held = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        held = None
    if held != the_study.question():
        message = (
            "holds the draws of another question (another file, configuration, seed or number of "
            "draws): choose another directory, or remove it to start over"
        )
        raise ScenarioError([Problem(str(directory), "", message)])


def _sweep(
    path: str,
    directory: Path,
    points: list[dict[str, Any]],
    replications: int,
    seed: int,
    execution: Execution,
) -> list[list[dict[str, float]]]:
    """One sweep of ``points``, started or resumed; each point's replication rows."""
    if not (directory / sweeps.MANIFEST).exists():
        design = Points(tuple(points))
        sweeps.start(path, directory, design, replications, seed, BATCH, limits=execution.limits)
    result = sweeps.execute(directory, execution)
    return _rows(result, len(points))


def _rows(result: sweeps.SweepResult, count: int) -> list[list[dict[str, float]]]:
    """Each configuration's replications as rows of metrics (an undefined metric NaN, as a run has it)."""
    import pyarrow.parquet as pq

    manifest = result.manifest()
    parameters = {k for c in manifest["configurations"] for k in c["parameters"]}
    table = pq.read_table(result.directory / "replications.parquet")
    skip = {"config_index", "configuration", "replication", *parameters}
    metrics = [name for name in table.column_names if name not in skip]
    columns = {name: table.column(name).to_pylist() for name in metrics}
    index = table.column("config_index").to_pylist()
    rows: list[list[dict[str, float]]] = [[] for _ in range(count)]
    for position, config in enumerate(index):
        row = {name: values[position] for name, values in columns.items()}
        rows[config].append({name: math.nan if v is None else float(v) for name, v in row.items()})
    return rows


def _gather(the_study: Study, found: Mapping[str, list[list[dict[str, float]]]]) -> Rows:
    central = tuple(found["central"][0]) if the_study.central else ()
    per_file = {path: iter(found[f"draws-{j}"]) for j, path in enumerate(the_study.files(), 1)}
    draws = []
    for an_arm in the_study.arms:
        rows = per_file[an_arm.path]
        draws.append(tuple(tuple(next(rows)) for _ in range(the_study.draws)))
    return Rows(central, tuple(draws))


def default_directory(stem: str, kind: str, the_study: Study) -> Path:
    """``runs/<stem>-<kind>-<digest>``: where a study's draws are kept unless told otherwise."""
    return Path("runs") / f"{stem}-{kind}-{the_study.digest()}"


def with_central(the_study: Study, replications: int) -> Study:
    """The study, also running the configuration at its central values ``replications`` times."""
    return attrs.evolve(the_study, central=replications)
