"""Targets: published figures a scenario is held against, read from a TOML file.

A target file lists ``[[target]]`` tables, each one figure from the public record::

    [[target]]
    id = "tcy-duration"
    metric = "legitimate_days_median"        # any metric mlasim reports (see `mlasim metrics`)
    quantity = "MLA response times reported by Parties to the Budapest Convention"
    low = 6                                  # the observed range...
    high = 24                                # ...or `value` with `sd`, or one bound with `sd`
    unit = "months"                          # converted to the metric's unit (days)
    discrepancy = 1                          # model discrepancy: what the model cannot represent
    year = 2014
    source = "Council of Europe, T-CY(2013)17rev"
    solidity = "B"                           # A official, B reputable secondary, C weak
    measures = "MLA duration, submission to data received (the requesting State's view)"
    use = "fit"                              # or "validate": held out of the fit

A target that rests on public figures shipped with mlasim cites them, ``figures =
["pf:tcy-mla-duration-2014"]`` (see :mod:`simulator.domain.figures`): its ``source``, ``year``,
``solidity`` and ``measures`` then default to theirs (the latest year, the weakest grade), and a
target citing one figure takes its quantity and its observed value or range unless it gives its own
(a target derived from a figure, such as a growth worked out from a backlog, gives its own and says
how in ``measures``).

**What is observed.** ``value`` with its standard deviation ``sd`` (the figure's own uncertainty); or
a range ``low``-``high``, read as its middle with ``sd`` = a sixth of its width unless ``sd`` is
given (so a figure at either end has an implausibility of 3 when nothing else is uncertain); or one
bound, ``low`` ("more than 3,000") or ``high``, with ``sd`` saying how sharp it is. ``discrepancy``
(a standard deviation, default 0) is the model discrepancy of history matching: how far the model
may stand from the world even at its best parameters. All are in ``unit``; a duration may be given
in days, weeks, months or years and a share as a fraction or in %, and is converted to the metric's
unit; a count keeps the number it is given.

**Parameters.** A ``[[parameter]]`` table gives a range to fit within (``key`` a dotted override key
as ``--set`` takes, ``low``, ``high``, and why, in ``source``): the ranges ``mlasim calibrate`` fits
when neither the scenario file nor the command line gives them.

Reading collects every problem as one line naming the file and the field (``target[2].high: ...``),
as a scenario file's are: an unknown metric, a range the wrong way round, a missing source, a unit
that does not fit the metric. :func:`target_problems` checks the targets against one scenario: a
metric of a requesting State the scenario does not have is one line too.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from simulator.domain.figures import SOLIDITY, PublicFigure, citations, figure
from simulator.files.reader import REQUIRED, Problem, ScenarioError, Table, suggestion
from simulator.world.metrics import Kind, catalogue

USES = ("fit", "validate")
#: Units a target may be given in, per kind of metric, and the factor to the metric's unit.
UNITS: dict[Kind, dict[str, float]] = {
    Kind.DAYS: {"days": 1.0, "day": 1.0, "weeks": 7.0, "months": 365.25 / 12, "years": 365.25},
    Kind.SHARE: {"fraction": 1.0, "share": 1.0, "probability": 1.0, "%": 0.01, "percent": 0.01},
}
#: Largest target file read (the shipped ones are a few kB).
MAX_BYTES = 1_000_000


@frozen
class Target:
    """One published figure, in the unit of the metric it constrains."""

    id: str
    metric: str
    quantity: str
    source: str
    solidity: str
    measures: str
    year: int
    unit: str  # as the file gives it (the values below are in the metric's unit)
    use: str = "fit"
    value: float | None = None
    low: float | None = None
    high: float | None = None
    sd: float = 0.0
    discrepancy: float = 0.0
    note: str = ""
    figures: tuple[str, ...] = ()  # the public figures it rests on, as ``pf:<id>``

    @property
    def fitted(self) -> bool:
        """Whether the figure is fitted to (else it is held out, to validate)."""
        return self.use == "fit"

    @property
    def observed(self) -> float:
        """The observed value implausibility is measured from (a range's middle, or a bound)."""
        if self.value is not None:
            return self.value
        if self.low is not None and self.high is not None:
            return (self.low + self.high) / 2
        return self.low if self.low is not None else self.high

    @property
    def observation_variance(self) -> float:
        """The figure's own variance plus the model discrepancy's: the part of the implausibility's
        denominator that does not come from the simulation."""
        return self.sd**2 + self.discrepancy**2

    def distance(self, simulated: Any) -> Any:
        """How far a simulated value (or an array of them) stands from what was observed (0 on the
        right side of a bound)."""
        import numpy as np

        if self.value is None and (self.low is None) != (self.high is None):
            if self.low is not None:
                return np.maximum(0.0, self.low - simulated)
            return np.maximum(0.0, simulated - self.high)
        return np.abs(simulated - self.observed)

    def implausibility(self, simulated: float, simulation_variance: float = 0.0) -> float:
        """|simulated - observed| / sqrt(observation var + model discrepancy + simulation var)."""
        variance = self.observation_variance + max(0.0, simulation_variance)
        distance = self.distance(simulated)
        if distance == 0:
            return 0.0
        return float(distance / math.sqrt(variance)) if variance > 0 else math.inf

    def shown(self, scale: float = 1.0) -> str:
        """The observed figure as a short text in the metric's unit times ``scale`` (a share: 100)."""

        def number(x: float) -> str:
            x *= scale
            return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"

        if self.value is not None:
            return f"{number(self.value)} ± {number(self.sd)}"
        if self.low is not None and self.high is not None:
            return f"{number(self.low)}-{number(self.high)}"
        return f"≥ {number(self.low)}" if self.low is not None else f"≤ {number(self.high)}"


@frozen
class Range:
    """A parameter to fit: a dotted override key and the range its value may take."""

    key: str
    low: float
    high: float
    source: str = ""

    @property
    def integer(self) -> bool:
        """Whether the range is of whole numbers."""
        return isinstance(self.low, int) and isinstance(self.high, int)


@frozen
class Targets:
    """A target file: its figures and the parameter ranges it gives."""

    path: str
    name: str
    targets: tuple[Target, ...]
    ranges: tuple[Range, ...] = ()

    @property
    def fitting(self) -> tuple[Target, ...]:
        """The figures fitted to."""
        return tuple(t for t in self.targets if t.fitted)

    @property
    def held_out(self) -> tuple[Target, ...]:
        """The figures held out, to validate the fit."""
        return tuple(t for t in self.targets if not t.fitted)


def read_targets(path: str | Path) -> Targets:
    """Read and check a target file; a :class:`ScenarioError` lists every problem (one line each)."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ScenarioError([Problem(source, "", f"cannot be read ({error.strerror or error})")]) from None
    if len(data) > MAX_BYTES:
        raise ScenarioError([Problem(source, "", f"is larger than {MAX_BYTES:,} bytes: not a target file")])
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError([Problem(source, "", "is not UTF-8 text")]) from None
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError([Problem(source, "", f"is not valid TOML: {error}")]) from None
    return parse_targets(document, source)


def parse_targets(document: Mapping[str, Any], source: str) -> Targets:
    """The targets of a TOML document (already parsed); every problem at once."""
    problems: list[Problem] = []
    top = Table(document, "", source, problems)
    header = top.table("targets")
    name = header.text("name", "") or Path(source).stem
    header.text("description", "")
    header.finish()
    targets = [_target(t) for t in top.tables("target", required=True)]
    ranges = [_range(t) for t in top.tables("parameter")]
    top.finish()
    seen: set[str] = set()
    for i, target in enumerate(targets):
        if target is not None and target.id in seen:
            problems.append(Problem(source, f"target[{i}].id", f"{target.id!r} is given twice"))
        seen.add(target.id if target is not None else "")
    keys = [r.key for r in ranges if r is not None]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(Problem(source, "parameter", f"{key!r} is given twice"))
    if problems:
        raise ScenarioError(problems)
    return Targets(source, name, tuple(targets), tuple(ranges))


def _target(t: Table) -> Target | None:
    before = len(t.problems)
    ident = t.text("id")
    metric = t.text("metric")
    kind = _metric_kind(t, metric)
    unit = t.text("unit")
    scale = _scale(t, unit, kind)
    cited = [figure(c) for c in t.names("figures", citations(), ())]
    told = _told_by(cited)
    values = {key: t.number(key, None) for key in ("value", "low", "high", "sd", "discrepancy")}
    if len(cited) == 1 and all(values[k] is None for k in ("value", "low", "high")):
        values.update({k: told[k] for k in ("value", "low", "high")})
    fields = {
        "quantity": t.text("quantity", told.get("quantity", REQUIRED)),
        "source": t.text("source", told.get("source", REQUIRED)),
        "measures": t.text("measures", told.get("measures", REQUIRED)),
        "note": t.text("note", ""),
        "year": int(t.number("year", told.get("year", REQUIRED), integer=True, minimum=1900, maximum=2100)),
        "solidity": _solidity(t, told.get("solidity", REQUIRED)),
        "use": _use(t),
        "figures": tuple(f.citation for f in cited),
    }
    for key in ("source", "quantity", "measures"):
        if key in t.data and not str(t.data[key]).strip():
            t.problem(key, "must not be empty: say where the figure comes from and what it counts")
    _check_observation(t, values)
    t.finish()
    if len(t.problems) > before:
        return None
    converted = {k: (None if v is None else v * scale) for k, v in values.items()}
    ranged = converted["value"] is None and None not in (converted["low"], converted["high"])
    if ranged and converted["sd"] is None:
        converted["sd"] = (converted["high"] - converted["low"]) / 6
    converted["sd"] = converted["sd"] or 0.0
    converted["discrepancy"] = converted["discrepancy"] or 0.0
    return Target(id=ident, metric=metric, unit=unit, **fields, **converted)


def _told_by(cited: Sequence[PublicFigure]) -> dict[str, Any]:
    """What the public figures a target cites say for it: its source (their documents and urls),
    the latest year, the weakest solidity and what they measure; a single figure's quantity and
    observed value or range too (a lower bound, "more than", as ``low``)."""
    if not cited:
        return {}
    told: dict[str, Any] = {
        "source": "; ".join(dict.fromkeys(f"{f.document} {f.url}".strip() for f in cited)),
        "year": max(f.year for f in cited),
        "solidity": max(f.solidity for f in cited),
        "measures": "; ".join(dict.fromkeys(f.measures for f in cited)),
    }
    if len(cited) == 1:
        (one,) = cited
        lower, upper = one.bound == "lower", one.bound == "upper"
        told.update(quantity=one.quantity, value=None if lower or upper else one.value)
        told.update(low=one.value if lower else one.low, high=one.value if upper else one.high)
    return told


def _metric_kind(t: Table, metric: str) -> Kind | None:
    if not metric:
        return None
    resolved = catalogue().resolve(metric)
    if resolved is None:
        names = [m.name for m in catalogue().declarations]
        t.problem("metric", f"unknown metric {metric!r}{suggestion(metric, names)} (see `mlasim metrics`)")
        return None
    return resolved.kind


def _scale(t: Table, unit: str, kind: Kind | None) -> float:
    if kind is None or not unit or kind not in UNITS:
        return 1.0
    units = UNITS[kind]
    if unit not in units:
        allowed = ", ".join(units)
        t.problem("unit", f"{unit!r} does not fit a metric in {kind.value}: use one of {allowed}")
        return 1.0
    return units[unit]


def _solidity(t: Table, default: Any = REQUIRED) -> str:
    grade = t.text("solidity", default)
    if grade and grade not in SOLIDITY:
        t.problem("solidity", f"must be A, B or C ({'; '.join(f'{k}: {v}' for k, v in SOLIDITY.items())})")
    return grade


def _use(t: Table) -> str:
    use = t.text("use", "fit")
    if use not in USES:
        t.problem("use", f"must be 'fit' or 'validate' (held out of the fit), not {use!r}")
    return use


def _check_observation(t: Table, values: Mapping[str, float | None]) -> None:
    value, low, high, sd = values["value"], values["low"], values["high"], values["sd"]
    for key in ("sd", "discrepancy"):
        if values[key] is not None and values[key] < 0:
            t.problem(key, f"must be at least 0 (a standard deviation), not {values[key]}")
    if value is not None and (low is not None or high is not None):
        t.problem("value", "give either value (with sd) or a range (low, high), not both")
    elif value is None and low is None and high is None:
        t.problem("value", "is required: the observed value (with sd), or a range (low, high)")
    elif low is not None and high is not None and low > high:
        t.problem("high", f"the range is the wrong way round: low {low:g} is above high {high:g}")
    elif (value is not None or (low is None) != (high is None)) and not (sd or values["discrepancy"]):
        what = "a value" if value is not None else "a single bound"
        t.problem("sd", f"is required above 0 with {what}: how uncertain the figure is")


def _range(t: Table) -> Range | None:
    before = len(t.problems)
    key = t.text("key")
    low, high = t.number("low"), t.number("high")
    source = t.text("source", "")
    t.finish()
    if len(t.problems) == before and low >= high:
        t.problem("high", f"the range must be low < high, not {low:g} to {high:g}")
    return Range(key, low, high, source) if len(t.problems) == before else None


def shipped() -> dict[str, Path]:
    """The target files shipped with mlasim, by name (``simulator/domain/data/targets/NAME.toml``)."""
    folder = Path(__file__).resolve().parent.parent / "domain" / "data" / "targets"
    return {path.stem: path for path in sorted(folder.glob("*.toml"))}


def parse_ranges(texts: Sequence[str], where: str = "--range") -> list[Range]:
    """``KEY=LOW,HIGH`` from the command line, as :class:`Range` entries (a ScenarioError if bad)."""
    from simulator.files.overrides import parse_value

    ranges, problems = [], []
    for text in texts:
        key, _, rest = text.partition("=")
        parts = [parse_value(p.strip()) for p in rest.split(",")]
        numeric = all(isinstance(p, int | float) and not isinstance(p, bool) for p in parts)
        if not key or len(parts) != 2 or not numeric or not parts[0] < parts[1]:
            problems.append(Problem(where, text, "must be KEY=LOW,HIGH with numbers, LOW below HIGH"))
            continue
        ranges.append(Range(key.strip(), parts[0], parts[1], "given on the command line"))
    if problems:
        raise ScenarioError(problems)
    return ranges


def target_problems(targets: Targets, scenario: Any) -> list[Problem]:
    """A problem for each target naming a metric ``scenario`` does not produce (a requesting State,
    requested State, stage or year it does not have)."""
    have = {
        "requester": {s.id for s in scenario.requesting_states},
        "requested": {s.id for s in scenario.requested_states} if scenario.several else set(),
        "stage": {stage.value for s in scenario.requested_states for stage in s.stages},
        "year": {str(y) for y in range(1, math.ceil(scenario.horizon_days / 365.0) + 1)}
        if scenario.horizon_days > 365.0
        else set(),
    }
    problems = []
    for i, target in enumerate(targets.targets):
        resolved = catalogue().resolve(target.metric)
        for placeholder, bound in (resolved.bindings if resolved else {}).items():
            if placeholder in have and bound not in have[placeholder]:
                known = ", ".join(sorted(have[placeholder])) or "none"
                message = (
                    f"{target.metric!r}: the scenario {scenario.name!r} produces no such metric "
                    f"(its {placeholder} names: {known})"
                )
                problems.append(Problem(targets.path, f"target[{i}].metric", message))
    return problems


def check_against(targets: Targets, scenario: Any) -> None:
    """Raise a :class:`ScenarioError` if a target names a metric ``scenario`` does not produce."""
    problems = target_problems(targets, scenario)
    if problems:
        raise ScenarioError(problems)
