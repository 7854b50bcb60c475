"""The headline over the assumptions: each metric's noise interval beside its spread over the ranges.

``mlasim run FILE --uncertainty [N]`` answers two questions at once. *How precisely does the model
give this number?* The central run (every parameter at its value, the scenario's replications)
gives each headline metric with its 95% interval over replications: the noise interval. *How much
does the number hang on what we assumed?* ``N`` draws over the declared ranges
(:mod:`simulator.experiments.draws`), each run on the same random numbers with a few replications,
give the metric's spread over the assumptions, how precisely the spread's ends are known, and the
parameters that drive it (:mod:`simulator.experiments.spread`).

The defaults, :data:`DRAWS` draws of :data:`PER_DRAW` replications, were chosen on the shipped
baseline (``bench/uncertainty.py``), for a budget of about 280 replications (two minutes on two
cores): on 64 draws of 4 replications, replication noise made up 4% of the variance of the abuse
pass-through's spread with all four replications, 10% with two of them, and the spread's ends were
known to about ±5 points; 128 draws of 2 replications cost the same and know the ends to about ±3.5
points (the interval of a percentile narrows as the square root of the draws) for a spread about 5%
wider from noise, which the output reports. A scenario without a declared range gets no spread (one
line says so), never a spread of zero width.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
from attrs import field, frozen

from simulator.experiments import spread
from simulator.experiments.display import counted, format_value
from simulator.experiments.draws import Study, arm, default_directory, run_study, study
from simulator.experiments.execution import DEFAULT_EXECUTION, Execution
from simulator.experiments.run import RunResult, result_of
from simulator.files.document import ScenarioFile, read_file
from simulator.files.overrides import variant_overrides
from simulator.files.parameters import Parameter, cited_sources
from simulator.files.reader import Problem, ScenarioError
from simulator.world.metrics import catalogue, headline

#: Draws of ``--uncertainty`` without a number (see the module docstring).
DRAWS = 128
#: Replications of each draw.
PER_DRAW = 2
#: Drivers named beside each metric.
DRIVERS_SHOWN = 3
SAMPLING = "Latin hypercube over the declared ranges (scipy.stats.qmc), common random numbers"
SPREAD = f"{spread.LOW_PERCENTILE:g}th to {spread.HIGH_PERCENTILE:g}th percentile of the draws' means"
DRIVERS = "squared rank correlation of a parameter's draws with the metric's (its share of the spread)"
#: What a scenario without a declared range prints instead of a spread.
NO_RANGE = (
    "no spread over the assumptions: no parameter of this scenario has a declared range of non-zero "
    "width (write one as { value = ..., low = ..., high = ..., source = ... }; mlasim assumptions FILE)"
)


@frozen
class Driver:
    """A parameter and the share of a metric's spread it explains."""

    key: str
    share: float  # squared rank correlation over the draws
    distinct: bool  # above the noise floor of the number of draws

    def to_dict(self) -> dict[str, Any]:
        """For JSON: the parameter, the share it explains, and whether that share is told apart from noise."""
        return {"key": self.key, "share": _json(self.share), "distinct": self.distinct}


@frozen
class Spread:
    """A metric over the draws: its 5th-95th percentile spread, each end's interval, its drivers."""

    metric: str
    low: float
    high: float
    low_interval: tuple[float, float]
    high_interval: tuple[float, float]
    median: float
    draws: int  # draws in which the metric is defined
    noise_share: float  # at most this share of the spread's variance is replication noise
    drivers: tuple[Driver, ...]  # every parameter, from the largest share

    @property
    def precision(self) -> float:
        """How far either end may be off: the larger half-width of the two ends' intervals."""
        widths = [(b - a) / 2 for a, b in (self.low_interval, self.high_interval)]
        return max(widths) if not any(math.isnan(w) for w in widths) else math.nan

    def top(self, count: int = DRIVERS_SHOWN) -> tuple[Driver, ...]:
        """The first ``count`` drivers that stand above the noise floor."""
        return tuple(d for d in self.drivers if d.distinct)[:count]

    def text(self, kind: str) -> str:
        """``9.1% to 31.0% (±2.1)``: the spread and how far either end may be off (points for a share)."""
        if math.isnan(self.low):
            return "n/a"
        if self.low == self.high:
            return f"{format_value(self.low, kind)}, no spread"
        scale = 100 if kind == "share" else 1
        plus = "" if math.isnan(self.precision) else f" (±{scale * self.precision:.1f})"
        return f"{format_value(self.low, kind)} to {format_value(self.high, kind)}{plus}"

    def to_dict(self) -> dict[str, Any]:
        """For JSON: the spread's ends with their intervals, the median, the draws, the noise and the
        drivers."""
        return {
            "low": _json(self.low),
            "high": _json(self.high),
            "low_interval": [_json(v) for v in self.low_interval],
            "high_interval": [_json(v) for v in self.high_interval],
            "median": _json(self.median),
            "draws": self.draws,
            "noise_share_at_most": _json(self.noise_share),
            "drivers": [d.to_dict() for d in self.drivers],
        }


@frozen
class Uncertainty:
    """The draws of one configuration: their parameters, their unit sample, each metric's means."""

    parameters: tuple[Parameter, ...]
    keys: tuple[str, ...]
    unit: tuple[tuple[float, ...], ...]  # [draw][key]
    per_draw: int
    seed: int
    values: Mapping[str, tuple[tuple[float, ...], ...]]  # metric -> [draw][replication] (NaN: undefined)
    sources: Mapping[str, str] = field(factory=dict)  # what each cited source is, by id
    directory: str = field(default="", eq=False)

    @property
    def means(self) -> dict[str, tuple[float, ...]]:
        """Each metric's mean over the replications of each draw (NaN where undefined in all)."""
        return {name: tuple(_mean(row) for row in rows) for name, rows in self.values.items()}

    @property
    def draws(self) -> int:
        """How many draws were made."""
        return len(self.unit)

    @property
    def declared(self) -> bool:
        """Some parameter has a range: there is a spread to show."""
        return bool(self.parameters)

    def values(self, key: str) -> list[float]:
        """The drawn values of parameter ``key``, draw by draw."""
        parameter = next(p for p in self.parameters if p.key == key)
        column = self.keys.index(key)
        return [float(parameter.at(row[column])) for row in self.unit]

    def spread(self, metric: str) -> Spread:
        """The spread of ``metric`` over the draws, and the parameters that drive it."""
        values = [_mean(row) for row in self.values[metric]]
        n = int(spread.defined(values).size)
        columns = [[row[k] for row in self.unit] for k in range(len(self.keys))]
        shares = spread.explained(columns, values)
        floor = spread.noise_floor(n, len(self.keys))
        found = [
            Driver(key, share, not math.isnan(share) and share > floor)
            for key, share in zip(self.keys, shares, strict=True)
        ]
        drivers = sorted(found, key=lambda d: (-_finite(d.share), d.key))
        return Spread(
            metric,
            spread.percentile(values, spread.LOW_PERCENTILE),
            spread.percentile(values, spread.HIGH_PERCENTILE),
            spread.percentile_interval(values, spread.LOW_PERCENTILE),
            spread.percentile_interval(values, spread.HIGH_PERCENTILE),
            spread.percentile(values, 50.0),
            n,
            spread.noise_share(self.values[metric]),
            tuple(drivers),
        )

    def spreads(self) -> dict[str, Spread]:
        """The spread of every headline metric the draws report."""
        return {m.name: self.spread(m.name) for m in headline() if m.name in self.values}

    def describe(self) -> str:
        """``5th-95th percentile of 64 draws over 12 declared ranges, 4 replications each``."""
        return (
            f"{spread.LOW_PERCENTILE:g}th-{spread.HIGH_PERCENTILE:g}th percentile of {self.draws} draws over "
            f"{len(self.parameters)} declared ranges, {counted(self.per_draw, 'replication')} each "
            f"(± how far either end may be off, {100 * spread.PRECISION:.0f}%)"
        )

    def summary_lines(self, metrics: Sequence[str]) -> list[str]:
        """A few lines for a repr: each metric's spread and first drivers, or why there is none."""
        if not self.declared:
            return [f"  {NO_RANGE}"]
        lines = [f"  over the assumptions ({self.describe()}):"]
        for name in metrics:
            found = self.spread(name)
            drivers = ", ".join(d.key for d in found.top()) or "no driver told apart from noise"
            lines.append(f"    {catalogue().label(name)}: {found.text(catalogue().kind(name))}; {drivers}")
        return lines

    def to_dict(self) -> dict[str, Any]:
        """For JSON: how the draws were made, the parameters, and each metric's spread."""
        document: dict[str, Any] = {
            "draws": self.draws,
            "replications_per_draw": self.per_draw,
            "seed": self.seed,
            "sampling": SAMPLING,
            "spread": SPREAD,
            "precision": f"{100 * spread.PRECISION:.0f}% order-statistic interval of each end",
            "drivers": DRIVERS,
            "parameters": [p.to_dict() for p in self.parameters],
            "sources": dict(self.sources),
        }
        if not self.declared:
            document["note"] = NO_RANGE
            return document
        document["metrics"] = {name: s.to_dict() for name, s in self.spreads().items()}
        document["draw_means"] = {name: [_json(v) for v in values] for name, values in self.means.items()}
        return document


def _finite(value: float) -> float:
    return -math.inf if math.isnan(value) else value


def _json(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _mean(values: Sequence[float]) -> float:
    data = [v for v in values if not math.isnan(v)]
    return math.fsum(data) / len(data) if data else math.nan


def summarised(the_study: Study, rows, arm: int = 0) -> Uncertainty:
    """Every headline metric of arm ``arm``, draw by draw and replication by replication."""
    values = {
        m.name: tuple(tuple(r.get(m.name, math.nan) for r in reps) for reps in rows.draws[arm])
        for m in headline()
    }
    chosen = the_study.arms[arm]
    return Uncertainty(
        chosen.parameters, the_study.keys, the_study.unit, the_study.per_draw, the_study.seed, values
    )


def configuration_overrides(
    file: ScenarioFile, variant: str | None, overrides: Mapping[str, Any] | None
) -> dict[str, Any]:
    """A variant's changes (``a+b``), then ``overrides``: what a configuration sets on the file."""
    return {**variant_overrides(file.document, file.source, variant), **(overrides or {})}


def run_uncertain(
    path: str | Path | ScenarioFile,
    variant: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    draws: int = DRAWS,
    per_draw: int = PER_DRAW,
    replications: int | None = None,
    seed: int | None = None,
    directory: str | Path | None = None,
    execution: Execution = DEFAULT_EXECUTION,
    progress=None,
) -> RunResult:
    """The configuration's run at its central values, with its spread over ``draws`` draws.

    The result is the central run's (``replications``, default the scenario's), with
    :attr:`RunResult.uncertainty`; a scenario without a declared range gets an :class:`Uncertainty`
    without parameters (and no draw is run). The draws are kept in ``directory`` (default
    ``runs/<file>-uncertainty-<digest>``), where asking again resumes them.
    """
    if draws < 2:
        raise ScenarioError([Problem(str(path), "--uncertainty", f"needs at least 2 draws, not {draws}")])
    if per_draw < 1:
        raise ScenarioError(
            [Problem(str(path), "--per-draw", f"needs at least 1 replication, not {per_draw}")]
        )
    limits = execution.limits
    file = read_file(path, limits)
    changes = configuration_overrides(file, variant, overrides)
    central = file.configuration(variant, overrides, limits)
    seed = central.seed if seed is None else seed
    count = central.replications if replications is None else replications
    the_arm = arm(central.name, file, changes, limits)
    the_study = study([the_arm], draws, per_draw, seed, central=count, limits=limits)
    if not the_arm.parameters:
        from simulator.experiments.run import run

        result = run(central, count, seed, execution)
        empty = Uncertainty((), (), (), per_draw, seed, {})
        return RunResult(result.scenario, result.seed, result.rows, result.estimates, empty)
    where = (
        Path(directory)
        if directory is not None
        else default_directory(Path(file.source).stem, "uncertainty", the_study)
    )
    rows = run_study(the_study, where, execution, progress)
    found = summarised(the_study, rows)
    reading = file.reading(changes, limits=limits)
    sources = cited_sources(found.parameters, reading.sources)
    base = result_of(central, seed, rows.central)
    uncertainty = attrs.evolve(found, sources=sources, directory=str(where))
    return RunResult(base.scenario, base.seed, base.rows, base.estimates, uncertainty)


def metric_label(name: str) -> str:
    """The label of metric ``name`` as its declaration gives it."""
    return catalogue().label(name)
