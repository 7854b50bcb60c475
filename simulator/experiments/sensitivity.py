"""Global sensitivity: which of several settings moves a result most, over their whole ranges.

A comparison answers "what does this one change do?". A sensitivity study asks "of these settings,
varied together over their plausible ranges, which ones matter?". Each setting is a dotted key (as in
a variant) with a range (``KEY=LOW,HIGH``; integers when both ends are) or a list of values
(``KEY=a|b|c``, for a mode or an on/off switch). A design from SALib (https://salib.readthedocs.io)
places points in the unit cube, each point becomes a configuration, every configuration runs the same
replications on common random numbers (a sweep: same executors, same run directory, resumable), and
SALib turns the metric's mean per configuration into indices:

- **Sobol** (Saltelli's design, ``N x (D + 2)`` configurations, ``N x (2D + 2)`` with second order):
  the *first-order* index S1 is the share of the metric's variance a setting explains alone, the
  *total-order* ST the share it explains with all its interactions, *second-order* S2 the share a pair
  explains together beyond their own effects; each with a bootstrap confidence interval. Indices are
  estimates: with few samples they can stray below 0 or above 1, and their intervals say so.
- **Morris** (elementary effects, ``N x (D + 1)`` configurations): ``mu*``, the mean absolute change
  of the metric when a setting moves one step across its range, with a bootstrap interval, and
  ``sigma``, how much that change depends on the other settings. Cheaper; a ranking, not a share.

A list of values is sampled by cutting [0, 1] into equal parts, one per value. The metric's mean
over replications still carries replication noise; with common random numbers it is the same noise
for every configuration, so it shifts the metric rather than scattering it, but a noisy metric
inflates no index only if there are enough replications: read the intervals.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from attrs import field, frozen

from simulator.experiments import sweeps
from simulator.experiments.execution import DEFAULT_EXECUTION, Execution
from simulator.files.document import load_configuration, read_file
from simulator.files.limits import DEFAULT_LIMITS, Limits
from simulator.files.overrides import OverrideError, parse_value, split_values
from simulator.files.reader import Problem, ScenarioError, suggestion
from simulator.world.metrics import catalogue
from simulator.world.tally import Tally

METHODS = ("sobol", "morris")
#: Bootstrap resamples for the intervals of the indices.
RESAMPLES = 200
#: Morris: levels of the grid each setting moves on.
MORRIS_LEVELS = 4


@frozen
class Parameter:
    """A setting to vary: a dotted key over ``[low, high]``, or over a list of values."""

    key: str
    low: float | None = None
    high: float | None = None
    levels: tuple[Any, ...] = ()

    @property
    def integer(self) -> bool:
        """Whether both ends are integers: the setting then takes whole values only."""
        return isinstance(self.low, int) and isinstance(self.high, int)

    def value(self, u: float) -> Any:
        """The setting's value at ``u`` in [0, 1]."""
        if self.levels:
            return self.levels[min(int(u * len(self.levels)), len(self.levels) - 1)]
        assert self.low is not None and self.high is not None
        if self.integer:
            return min(self.high, self.low + int(u * (self.high - self.low + 1)))
        return self.low + u * (self.high - self.low)

    def describe(self) -> str:
        """The range as ``0.1 .. 0.5``, or the values as ``cusum | sprt``."""
        if self.levels:
            return " | ".join(str(v) for v in self.levels)
        return f"{self.low:g} .. {self.high:g}"

    def to_dict(self) -> dict[str, Any]:
        """For JSON: the key with ``low`` and ``high``, or with its ``values``."""
        if self.levels:
            return {"key": self.key, "values": list(self.levels)}
        return {"key": self.key, "low": self.low, "high": self.high}


def parse_parameter(text: str) -> Parameter:
    """``KEY=LOW,HIGH`` (numbers, LOW < HIGH) or ``KEY=V1|V2|...`` (values read as TOML)."""
    key, sep, spec = text.partition("=")
    key, spec = key.strip(), spec.strip()
    if not sep or not key or not spec:
        raise OverrideError(f"--param {text}: give KEY=LOW,HIGH or KEY=V1|V2|...")
    if "|" in spec:
        levels = tuple(parse_value(v.strip()) for v in spec.split("|"))
        if len(levels) < 2 or len({repr(v) for v in levels}) < len(levels):
            raise OverrideError(f"--param {text}: give two or more different values, V1|V2|...")
        return Parameter(key, levels=levels)
    bounds = [parse_value(v) for v in split_values(spec)]
    numbers = all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds)
    if len(bounds) != 2 or not numbers or not bounds[0] < bounds[1]:
        raise OverrideError(f"--param {text}: give KEY=LOW,HIGH with numbers LOW < HIGH, or KEY=V1|V2|...")
    return Parameter(key, bounds[0], bounds[1])


@frozen
class Indices:
    """A metric's sensitivity indices per setting (NaN where the method gives none)."""

    method: str
    names: tuple[str, ...]
    first: tuple[float, ...] = ()
    first_conf: tuple[float, ...] = ()
    total: tuple[float, ...] = ()
    total_conf: tuple[float, ...] = ()
    second: tuple[tuple[float, ...], ...] = ()  # [i][j] for i < j
    second_conf: tuple[tuple[float, ...], ...] = ()
    mu_star: tuple[float, ...] = ()
    mu_star_conf: tuple[float, ...] = ()
    sigma: tuple[float, ...] = ()

    def importance(self) -> tuple[float, ...]:
        """What the ranking rests on: the total-order index (Sobol) or mu* (Morris)."""
        return self.total if self.method == "sobol" else self.mu_star

    def ranking(self) -> list[str]:
        """Settings from the most to the least influential."""
        order = sorted(range(len(self.names)), key=lambda i: -_finite(self.importance()[i]))
        return [self.names[i] for i in order]

    def to_dict(self) -> dict[str, Any]:
        """For JSON: the method, the ranking and each setting's indices with their intervals (None for
        NaN), then each pair's second-order index when computed."""

        def interval(value: float, half: float) -> dict[str, float | None]:
            return {"value": _json(value), "ci_low": _json(value - half), "ci_high": _json(value + half)}

        per: dict[str, Any] = {}
        for i, name in enumerate(self.names):
            entry: dict[str, Any] = {}
            if self.method == "sobol":
                entry["first_order"] = interval(self.first[i], self.first_conf[i])
                entry["total_order"] = interval(self.total[i], self.total_conf[i])
            else:
                entry["mu_star"] = interval(self.mu_star[i], self.mu_star_conf[i])
                entry["sigma"] = _json(self.sigma[i])
            per[name] = entry
        document: dict[str, Any] = {"method": self.method, "ranking": self.ranking(), "indices": per}
        if self.second:
            document["second_order"] = [
                {
                    "pair": [self.names[i], self.names[j]],
                    **interval(self.second[i][j], self.second_conf[i][j]),
                }
                for i in range(len(self.names))
                for j in range(i + 1, len(self.names))
            ]
        return document


def _finite(value: float) -> float:
    return -math.inf if math.isnan(value) else value


def _json(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


@frozen
class Study:
    """A sensitivity design: settings, method, base samples and seed.

    It serves as a sweep design (:func:`points`; no grid, no Latin hypercube, no variants), so a
    study runs, and resumes, as a sweep does.
    """

    parameters: tuple[Parameter, ...]
    method: str = "sobol"
    samples: int = 8
    second_order: bool = False
    fixed: Mapping[str, Any] = field(factory=dict)  # --set: the same in every configuration
    grid: Mapping[str, Sequence[Any]] = field(factory=dict)  # what a sweep design has, empty here
    lhs: int = 0
    ranges: Mapping[str, tuple[float, float]] = field(factory=dict)
    variants: Sequence[str] = ()

    def __attrs_post_init__(self) -> None:
        if self.method not in METHODS:
            raise OverrideError(f"--method {self.method}: must be one of {', '.join(METHODS)}")
        keys = [p.key for p in self.parameters]
        if len(keys) < 2 or len(set(keys)) < len(keys):
            raise OverrideError("sensitivity needs two or more --param, each with a different key")
        if self.samples < 2:
            raise OverrideError(f"--samples {self.samples}: give at least 2")

    @property
    def names(self) -> tuple[str, ...]:
        """The settings' dotted keys, in the order of the indices."""
        return tuple(p.key for p in self.parameters)

    @property
    def size(self) -> int:
        """How many configurations :meth:`points` makes (SALib's sample sizes), counted without
        sampling: Sobol N(D + 2), or N(2D + 2) with second order; Morris N(D + 1)."""
        d = len(self.parameters)
        if self.method == "sobol":
            return self.samples * (2 * d + 2 if self.second_order else d + 2)
        return self.samples * (d + 1)

    def problem(self) -> dict[str, Any]:
        """SALib's problem: every setting over the unit interval (mapped to its values later)."""
        return {
            "num_vars": len(self.parameters),
            "names": list(self.names),
            "bounds": [[0.0, 1.0]] * len(self.parameters),
        }

    def unit_sample(self, seed: int) -> np.ndarray:
        """The design's points in the unit cube, one row per configuration."""
        with _quiet_salib():
            if self.method == "sobol":
                from SALib.sample import sobol

                return sobol.sample(
                    self.problem(), self.samples, calc_second_order=self.second_order, seed=seed
                )
            from SALib.sample import morris

            return morris.sample(self.problem(), self.samples, num_levels=MORRIS_LEVELS, seed=seed)

    @property
    def notes(self) -> list[str]:
        """What the user should know about the design before it runs, in one line each."""
        if self.method == "sobol" and self.samples & (self.samples - 1):
            lower = 1 << (self.samples.bit_length() - 1)
            return [
                f"--samples {self.samples} is not a power of 2 (try {lower} or {2 * lower}): Sobol' points "
                "lose their balance"
            ]
        return []

    def points(self, seed: int) -> list[dict[str, Any]]:
        """The configurations, as dotted overrides."""
        return [
            {**self.fixed, **{p.key: p.value(float(u)) for p, u in zip(self.parameters, row, strict=True)}}
            for row in self.unit_sample(seed)
        ]

    def analyse(self, outputs: Sequence[float], seed: int) -> Indices:
        """The indices of ``outputs`` (one per configuration, in the order of :func:`points`)."""
        with _quiet_salib():
            return self._analyse(np.asarray(outputs, dtype=float), seed)

    def _analyse(self, y: np.ndarray, seed: int) -> Indices:
        if self.method == "sobol":
            from SALib.analyze import sobol

            found = sobol.analyze(
                self.problem(), y, calc_second_order=self.second_order, num_resamples=RESAMPLES, seed=seed
            )
            second = second_conf = ()
            if self.second_order:
                second = tuple(tuple(float(v) for v in row) for row in found["S2"])
                second_conf = tuple(tuple(float(v) for v in row) for row in found["S2_conf"])
            return Indices(
                "sobol", self.names,
                first=_floats(found["S1"]), first_conf=_floats(found["S1_conf"]),
                total=_floats(found["ST"]), total_conf=_floats(found["ST_conf"]),
                second=second, second_conf=second_conf,
            )  # fmt: skip
        from SALib.analyze import morris

        x = self.unit_sample(seed)
        found = morris.analyze(
            self.problem(), x, y, num_resamples=RESAMPLES, num_levels=MORRIS_LEVELS, seed=seed
        )
        return Indices(
            "morris", self.names,
            mu_star=_floats(found["mu_star"]), mu_star_conf=_floats(found["mu_star_conf"]),
            sigma=_floats(found["sigma"]),
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """What ``sensitivity.json`` keeps of the design: method, samples, second order, settings and the
        ``--set`` values."""
        return {
            "method": self.method,
            "samples": self.samples,
            "second_order": self.second_order,
            "parameters": [p.to_dict() for p in self.parameters],
            "fixed": dict(self.fixed),
        }

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Study:
        """The design :meth:`to_dict` wrote, checked again as when it was made."""
        parameters = tuple(
            Parameter(p["key"], levels=tuple(p["values"]))
            if "values" in p
            else Parameter(p["key"], p["low"], p["high"])
            for p in document["parameters"]
        )
        return cls(
            parameters,
            document["method"],
            document["samples"],
            document["second_order"],
            document.get("fixed", {}),
        )


def _floats(values: Any) -> tuple[float, ...]:
    return tuple(float(v) for v in np.asarray(values, dtype=float))


# --- running a study on the simulator, as a sweep -------------------------------------------------

STUDY_FILE = "sensitivity.json"


@frozen
class StudyResult:
    """A finished study: its design, the metric's mean per configuration and the indices."""

    study: Study
    metric: str
    seed: int
    replications: int
    outputs: tuple[float, ...]
    indices: Indices
    directory: Path

    def to_dict(self) -> dict[str, Any]:
        """The JSON document ``mlasim sensitivity --format json`` prints."""
        return {
            "metric": self.metric,
            "seed": self.seed,
            "replications": self.replications,
            "configurations": len(self.outputs),
            "run_directory": str(self.directory),
            **self.study.to_dict(),
            **self.indices.to_dict(),
        }


@contextmanager
def _quiet_salib():
    """SALib's own warnings (with site-packages paths) kept off the user's screen: :attr:`Study.notes`
    says what matters, in one line."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def start_study(
    path: str | Path,
    directory: str | Path,
    study: Study,
    metric: str,
    replications: int | None = None,
    seed: int | None = None,
    batch: int = 5,
    limits: Limits = DEFAULT_LIMITS,
) -> None:
    """Validate every configuration of the study and write its run directory's manifest.

    Each of the study's :attr:`~Study.notes` is issued as one :class:`UserWarning` (the command line
    prints it as a note).
    """
    check_metric(path, metric)
    for note in study.notes:
        warnings.warn(note, UserWarning, stacklevel=2)
    if study.fixed:
        load_configuration(path, None, study.fixed, limits)  # a bad --set key: one problem, named as --set
    manifest = sweeps.start(path, directory, study, replications, seed, batch, limits=limits)
    record = {"metric": metric, **study.to_dict(), "seed": manifest["seed"]}
    Path(directory, STUDY_FILE).write_text(json.dumps(record, indent=2))


def check_metric(path: str | Path, metric: str) -> None:
    """A metric a replication of the file reports (names as in ``mlasim run --format json``)."""
    base = read_file(path).base()
    known = set(Tally(0.0, [s.id for s in base.requesting_states], []).summary())
    declared = catalogue().resolve(metric)
    if metric in known or (declared is not None and declared.metric.section in ("refusals", "stage")):
        return
    raise ScenarioError([Problem(str(path), "--metric", f"no metric {metric!r}{suggestion(metric, known)}")])


def finish_study(directory: str | Path, execution: Execution = DEFAULT_EXECUTION) -> StudyResult:
    """Run the study's missing tasks (a sweep's) as ``execution`` says, then compute the indices."""
    directory = Path(directory)
    try:
        record = json.loads((directory / STUDY_FILE).read_text(encoding="utf-8"))
        study, metric, seed = Study.from_dict(record), record["metric"], record["seed"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        where = directory / STUDY_FILE
        raise ScenarioError(
            [Problem(str(where), "", f"is not a readable sensitivity study ({error})")]
        ) from None
    result = sweeps.execute(directory, execution)
    summary = result.summary()
    column = f"{metric}.mean"
    if column not in summary.columns:
        known = sorted(c[: -len(".mean")] for c in summary.columns if c.endswith(".mean"))
        raise ScenarioError(
            [Problem(str(directory), "metric", f"no metric {metric!r}{suggestion(metric, known)}")]
        )
    outputs = tuple(float(v) for v in summary.sort_values("config_index")[column])
    undefined = [i for i, v in enumerate(outputs) if math.isnan(v)]
    if undefined:
        message = (
            f"{metric} is undefined in {len(undefined)} configuration(s) (first: {undefined[0]}): "
            "nothing to divide in every replication; choose another metric or more replications"
        )
        raise ScenarioError([Problem(str(directory), "metric", message)])
    indices = study.analyse(outputs, seed)
    return StudyResult(study, metric, seed, result.manifest()["replications"], outputs, indices, directory)
