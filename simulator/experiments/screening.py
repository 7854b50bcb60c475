"""What the headline rests on: every parameter of a scenario, its range and source, and its weight.

``mlasim assumptions FILE`` lists the numbers of a scenario (:mod:`simulator.files.parameters`) and
screens those with a declared range: a small Latin hypercube of draws over the ranges, each draw run
on the same random numbers (:mod:`simulator.experiments.draws`), and for each parameter the share of
each headline metric's spread it explains (the squared rank correlation of its draws with the
metric's: :mod:`simulator.experiments.spread`). It is a screening, cheap and coarse: it ranks the
parameters and tells those that matter from those that do not, it does not apportion the variance
exactly (Sobol indices do that, at many times the cost: ``mlasim sensitivity``).

**Which assumptions deserve a range?** A number without one cannot move in a draw, so the screening
cannot rank it. With ``provisional`` (``--provisional 0.5``), every number of the situation without
a range gets one for the screening only: its value times ``1 - f`` to ``1 + f``, kept within its
bounds, whole for a count; left out are the run's settings (never parameters), the ends of a
distribution's range (``low``/``mode``/``high``, which cannot move alone), and the days of surges
and floods (which must keep their order). The numbers that then rank high are those whose range is
worth finding out; a draw that still breaks a rule of the file (two numbers that must keep their
order) leaves the number it names out, and the result says how many were left out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from simulator.experiments import spread
from simulator.experiments.draws import Arm, default_directory, draw_problems, run_study, study
from simulator.experiments.execution import DEFAULT_EXECUTION, Execution
from simulator.experiments.uncertainty import configuration_overrides
from simulator.files.document import ScenarioFile, read_file
from simulator.files.parameters import Parameter, cited_sources
from simulator.files.reader import Problem, ScenarioError

#: Draws and replications of a screening (``mlasim assumptions``): see ``bench/uncertainty.py``.
DRAWS = 64
PER_DRAW = 2
#: The headline metrics whose spread the screening apportions.
METRICS = ("abuse_pass_through", "legitimate_refusal_rate", "legitimate_days_median")
SHARE = "squared rank correlation of a parameter's draws with the metric's (share of its spread)"
#: Numbers a provisional range leaves alone (see the module docstring).
ORDERED = ("low", "mode", "high")
#: Halvings toward the value when a provisional end breaks a number's bounds.
HALVINGS = 20


@frozen
class Weight:
    """One parameter with the share of each metric's spread it explains (NaN: not screened)."""

    parameter: Parameter
    shares: Mapping[str, float]
    distinct: Mapping[str, bool]
    provisional: bool = False  # its range was given for the screening only

    @property
    def importance(self) -> float:
        """The largest share it explains among the metrics (what the ranking rests on)."""
        found = [v for v in self.shares.values() if not math.isnan(v)]
        return max(found) if found else math.nan

    def to_dict(self) -> dict[str, Any]:
        """For JSON: the parameter, its provisional range if any, and the share of each metric's spread it
        explains."""
        return {
            **self.parameter.to_dict(),
            "provisional": self.provisional,
            "shares": {m: _json(v) for m, v in self.shares.items()},
            "distinct": dict(self.distinct),
        }


@frozen
class Screening:
    """The numbers of a scenario, those with a range ranked by the share of the headline they move."""

    scenario: str
    source: str
    weights: tuple[Weight, ...]  # screened, from the most important
    unranged: tuple[Parameter, ...]  # numbers without a range (assumptions as plain numbers)
    draws: int
    per_draw: int
    seed: int
    metrics: tuple[str, ...] = METRICS
    floor: float = math.nan  # a share below this cannot be told from no effect
    provisional: float | None = None
    left_out: int = 0  # numbers a provisional range left alone, or that broke a draw
    sources: Mapping[str, str] = attrs.field(factory=dict)
    directory: str = attrs.field(default="", eq=False)

    def to_dict(self) -> dict[str, Any]:
        """For JSON: what was screened, each parameter ranked, and the numbers without a range."""
        return {
            "scenario": self.scenario,
            "file": self.source,
            "draws": self.draws,
            "replications_per_draw": self.per_draw,
            "seed": self.seed,
            "metrics": list(self.metrics),
            "share": SHARE,
            "noise_floor": _json(self.floor),
            "provisional": self.provisional,
            "left_out": self.left_out,
            "parameters": [w.to_dict() for w in self.weights],
            "without_range": [p.to_dict() for p in self.unranged],
            "sources": dict(self.sources),
        }


def _json(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def provisional_range(parameter: Parameter, fraction: float) -> Parameter | None:
    """``parameter`` with the range ``value x (1 -/+ fraction)`` within its bounds (None: left alone)."""
    key = parameter.key
    if key.rsplit(".", 1)[-1] in ORDERED or ".surge." in key or ".windows." in key or parameter.value == 0:
        return None
    low, high = (_within(parameter, parameter.value * (1 + s * fraction)) for s in (-1, 1))
    low, high = min(low, high), max(low, high)
    if parameter.integer:
        low, high = math.ceil(low), math.floor(high)
    if not low < high:
        return None
    return attrs.evolve(parameter, low=low, high=high, source=f"provisional ±{100 * fraction:g}%")


def _within(parameter: Parameter, end: float) -> float:
    """``end``, or the nearest point toward the value that passes the number's own checks."""
    value = parameter.value
    for _ in range(HALVINGS):
        if parameter.check(round(end) if parameter.integer else end) is None:
            return end
        end = value + (end - value) / 2
    return value


def screen(
    path: str | Path | ScenarioFile,
    variant: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    draws: int = DRAWS,
    per_draw: int = PER_DRAW,
    seed: int | None = None,
    provisional: float | None = None,
    directory: str | Path | None = None,
    execution: Execution = DEFAULT_EXECUTION,
    progress=None,
    run: bool = True,
) -> Screening:
    """Screen the parameters of a configuration (see the module docstring); ``run`` False: list them."""
    limits = execution.limits
    file = read_file(path, limits)
    changes = configuration_overrides(file, variant, overrides)
    scenario = file.configuration(variant, overrides, limits)
    reading = file.reading(changes, limits=limits)
    seed = scenario.seed if seed is None else seed
    numbers = reading.parameters
    ranged = [p for p in numbers if p.ranged]
    made: list[Parameter] = []
    if provisional is not None:
        if not 0 < provisional < 1:
            message = (
                f"must be a fraction between 0 and 1 (0.5: half the value either way), not {provisional}"
            )
            raise ScenarioError([Problem(file.source, "--provisional", message)])
        open_ = [p for p in numbers if p.low is None]  # a zero-width range is declared: kept as it is
        made = [q for p in open_ if (q := provisional_range(p, provisional)) is not None]
    unranged = tuple(p for p in numbers if not p.ranged)
    left_out = sum(p.low is None for p in unranged) - len(made) if provisional is not None else 0
    sources = cited_sources(ranged, reading.sources)
    base = Screening(scenario.name, file.source, (), unranged, draws, per_draw, seed, sources=sources)
    base = attrs.evolve(base, provisional=provisional, left_out=left_out)
    screened = ranged + made
    if not run or not screened:
        weights = tuple(
            Weight(p, dict.fromkeys(METRICS, math.nan), dict.fromkeys(METRICS, False)) for p in ranged
        )
        return attrs.evolve(base, weights=weights)
    the_arm, dropped = _valid_arm(
        Arm(scenario.name, file.source, changes, tuple(screened)), draws, seed, limits
    )
    the_study = study([the_arm], draws, per_draw, seed, limits=limits, option="--draws")
    stem = Path(file.source).stem
    where = Path(directory) if directory is not None else default_directory(stem, "assumptions", the_study)
    rows = run_study(the_study, where, execution, progress)
    weights = _weights(the_study, rows, {p.key for p in made})
    return attrs.evolve(
        base,
        weights=weights,
        unranged=tuple(p for p in unranged if p.key not in {w.parameter.key for w in weights}),
        floor=spread.noise_floor(draws, len(the_study.keys)),
        left_out=left_out + dropped,
        directory=str(where),
    )


def _valid_arm(the_arm: Arm, draws: int, seed: int, limits) -> tuple[Arm, int]:
    """The arm without the provisional parameters that make a draw invalid (declared ones never
    dropped: an invalid draw of declared ranges is the user's to fix, and is reported)."""
    dropped = 0
    while True:
        problems = draw_problems(study([the_arm], draws, 1, seed, limits=limits, option="--draws"), limits)
        if not problems:
            return the_arm, dropped
        named = [p for p in the_arm.parameters if _provisional(p) and _names(p, problems[0])]
        if not named:
            raise ScenarioError(problems)
        the_arm = attrs.evolve(the_arm, parameters=tuple(p for p in the_arm.parameters if p not in named))
        dropped += len(named)


def _provisional(parameter: Parameter) -> bool:
    return parameter.source.startswith("provisional")


def _names(parameter: Parameter, problem: Problem) -> bool:
    """The problem is about this number, or about the table holding it."""
    return problem.path == parameter.path or parameter.path.startswith(problem.path + ".")


def _weights(the_study, rows, made: set[str]) -> tuple[Weight, ...]:
    values = {m: rows.means(0, m) for m in METRICS}
    floor = spread.noise_floor(the_study.draws, len(the_study.keys))
    columns = {key: [row[k] for row in the_study.unit] for k, key in enumerate(the_study.keys)}
    found = []
    for parameter in the_study.arms[0].parameters:
        shares = {m: spread.explained([columns[parameter.key]], values[m])[0] for m in METRICS}
        distinct = {m: not math.isnan(v) and v > floor for m, v in shares.items()}
        found.append(Weight(parameter, shares, distinct, parameter.key in made))
    found.sort(key=lambda w: (-(w.importance if not math.isnan(w.importance) else -1), w.parameter.key))
    return tuple(found)
