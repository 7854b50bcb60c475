"""Parameters: every number a scenario file holds, with the range it may take and what it rests on.

A number in a scenario file is usually an assumption: the share of a State's requests that are
abusive, the weight a reviewer gives a recognised target, the time a legal review takes. Any of them
may be written as a table that says so::

    abusive_share = { value = 0.25, low = 0.1, high = 0.4, source = "assumption" }
    mean = { value = 1.0, low = 0.5, high = 2.0, source = "pf:tcy-mla-duration-2014" }

``value`` is the central value (what a plain run uses: the table reads exactly as the plain number
would), ``low`` and ``high`` the range the value may plausibly take (both or neither), ``source``
what the range rests on: ``"assumption"`` (the default), an id of the file's ``[sources]`` table, or
a public figure shipped with mlasim (``"pf:<id>"``, :mod:`simulator.domain.figures`), and
``distribution`` how a draw spreads over the range: ``uniform`` (the default), ``triangular`` (peaked
at the value) or ``loguniform`` (even over orders of magnitude; low above 0). A plain number means
"an assumption, with no range".

The table form is read in one place, :meth:`simulator.files.reader.Table.number`, for every number
of a scenario, a declared setting or not (a stage's staff, a distribution's mean, a mix's weight);
each of ``value``, ``low`` and ``high`` is held to the number's own checks and bounds, and
``low <= value <= high``. Every number read is recorded as a :class:`Parameter` under the dotted key
an override uses (``requesting_state.authoritarian.abusive_share``,
``stages.legal_review.service.mean``), so the draws of an uncertainty study, a sweep and ``--set``
speak the same language. :func:`scenario_parameters` lists them; :func:`uncertain_parameters` those
with a range.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
from attrs import field, frozen

from simulator.domain.figures import PREFIX, citations, figure

#: What a range rests on when its table names nothing else.
ASSUMPTION = "assumption"
#: How a draw spreads over a parameter's range.
DISTRIBUTIONS = ("uniform", "triangular", "loguniform")
#: The keys of a parameter written as a table.
KEYS = ("value", "low", "high", "source", "distribution")


def _no_problem(value: float) -> str | None:
    return None


@frozen
class Parameter:
    """One number of a scenario file: its dotted key, central value, range, source and spread."""

    key: str  # the dotted key an override (a variant, --set, a draw) uses
    path: str  # where the file holds it, as a problem would name it: requesting_state[2].abusive_share
    value: float
    low: float | None = None
    high: float | None = None
    source: str = ASSUMPTION
    distribution: str = "uniform"
    integer: bool = False
    written: bool = False  # written as a table (value, range, source), not as a plain number
    meaning: str = ""  # a declared setting's meaning and unit (empty for other numbers)
    unit: str = ""
    check: Callable[[float], str | None] = field(default=_no_problem, eq=False, repr=False)

    @property
    def ranged(self) -> bool:
        """Its range has a width: a draw can move it."""
        return self.low is not None and self.high is not None and self.high > self.low

    def at(self, u: float) -> float | int:
        """The value at quantile ``u`` in [0, 1] of its distribution over the range (its value if none)."""
        if not self.ranged:
            return self.value
        low, high = float(self.low), float(self.high)  # type: ignore[arg-type]
        u = min(max(u, 0.0), 1.0)
        if self.integer and self.distribution == "uniform":
            return int(min(high, math.floor(low + u * (high - low + 1))))  # each whole number equally likely
        if self.distribution == "triangular":
            mode, width = float(self.value), high - low
            if u < (mode - low) / width:
                x = low + math.sqrt(u * width * (mode - low))
            else:
                x = high - math.sqrt((1 - u) * width * (high - mode))
        elif self.distribution == "loguniform":
            x = math.exp(math.log(low) + u * (math.log(high) - math.log(low)))
        else:
            x = low + u * (high - low)
        x = min(max(x, low), high)
        return round(x) if self.integer else x

    def range_text(self) -> str:
        """``0.1 - 0.4`` (``0.1 - 0.4, triangular``), or ``-`` without a range."""
        if self.low is None or self.high is None:
            return "-"
        spread = "" if self.distribution == "uniform" else f", {self.distribution}"
        return f"{self.low:g} - {self.high:g}{spread}"

    def to_dict(self) -> dict[str, Any]:
        """For JSON: its fields by name, but where the file holds it, how it is written and its check."""
        return attrs.asdict(self, filter=attrs.filters.exclude("path", "written", "check"))


@frozen
class Source:
    """An entry of a scenario file's ``[sources]`` table: what a range there rests on."""

    id: str
    title: str
    url: str = ""
    year: int | None = None
    note: str = ""

    def describe(self) -> str:
        """The source in one line: its title, year and address."""
        year = f" ({self.year})" if self.year else ""
        url = f"; {self.url}" if self.url else ""
        return f"{self.title}{year}{url}"


class Parameters:
    """The numbers a scenario file's reading has met, in reading order (see the module docstring).

    ``sources``: the ids of the file's ``[sources]`` table, which a range may cite besides
    ``"assumption"`` and the shipped public figures.
    """

    def __init__(self, sources: Collection[str] = ()) -> None:
        self.sources = set(sources)
        self.found: list[Parameter] = []

    def add(self, parameter: Parameter) -> None:
        """Record a number read."""
        self.found.append(parameter)

    def source_problem(self, source: str) -> str | None:
        """Why ``source`` names nothing a range can rest on, or None."""
        if source == ASSUMPTION or source in self.sources:
            return None
        if source.startswith(PREFIX):
            try:
                figure(source)
                return None
            except KeyError:
                known = citations()
        else:
            known = sorted(self.sources)
        from simulator.files.reader import suggestion  # the reader imports this module

        hint = suggestion(source, known)
        return (
            f'unknown source {source!r}{hint}: write "assumption", an id of the file\'s [sources] table, '
            'or a public figure "pf:<id>" (mlasim assumptions --figures lists them)'
        )


def cited_sources(parameters: Sequence[Parameter], sources: Mapping[str, Source]) -> dict[str, str]:
    """What each source the parameters cite is, in one line (``sources``: the file's own), by id."""
    described = {}
    for parameter in parameters:
        cited = parameter.source
        if cited == ASSUMPTION or cited in described:
            continue
        if cited in sources:
            described[cited] = sources[cited].describe()
        elif cited.startswith(PREFIX):
            described[cited] = figure(cited).describe()
    return described


def spread_problems(value: float, low: float | None, high: float | None, distribution: str) -> list:
    """(key, message) for each way a range contradicts its value or its distribution."""
    problems = []
    if (low is None) != (high is None):
        missing = "high" if high is None else "low"
        problems.append((missing, "is required with " + ("low" if missing == "high" else "high")))
        return problems
    if low is not None and low > value:
        problems.append(("low", f"must not be above value ({value:g}), not {low:g}"))
    if high is not None and high < value:
        problems.append(("high", f"must not be below value ({value:g}), not {high:g}"))
    if distribution not in DISTRIBUTIONS:
        from simulator.files.reader import suggestion

        hint = suggestion(distribution, DISTRIBUTIONS)
        problems.append(("distribution", f"must be one of {', '.join(DISTRIBUTIONS)}{hint}"))
    elif distribution == "loguniform" and low is not None and low <= 0:
        problems.append(("low", f"must be greater than 0 for a loguniform range, not {low:g}"))
    return problems


def scenario_parameters(
    path: Any, overrides: Mapping[str, Any] | None = None, limits: Any = None
) -> tuple[Parameter, ...]:
    """Every number of the scenario file at ``path`` (a path or a ScenarioFile), with ``overrides``
    (dotted keys) applied, in reading order: each one's dotted key, value, range (low, high: None
    without one), source and distribution. A ScenarioError if the file has problems."""
    from simulator.files.document import read_file
    from simulator.files.limits import DEFAULT_LIMITS

    limits = DEFAULT_LIMITS if limits is None else limits
    return read_file(path, limits).parameters(overrides or {}, limits=limits)


def uncertain_parameters(
    path: str | Path | Any, overrides: Mapping[str, Any] | None = None, limits: Any = None
) -> tuple[Parameter, ...]:
    """The parameters of :func:`scenario_parameters` whose range has a width (those a draw moves)."""
    return tuple(p for p in scenario_parameters(path, overrides, limits) if p.ranged)
