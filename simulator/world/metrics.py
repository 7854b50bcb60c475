"""What each metric of a replication is: one declaration per metric, or per family of metrics.

A replication reports one flat mapping of metric name to value (:mod:`simulator.world.summary`,
:mod:`simulator.world.reach`). Each name there resolves to exactly one :class:`Metric`, declared
once beside the code that computes it, and read by everything that shows or uses the number: the
intervals' clipping (:meth:`Metric.bounds`), every table, figure and report (label, short label,
the one-sentence meaning, kind and unit), the frontier (which direction is better) and discovery.

A declaration names one metric (``abuse_pass_through``) or a **family**: a name with placeholders
in braces, one per State, provision, stage or channel (``state.{requester}.abuse_pass_through``,
``refusals.{provision}.abusive``). A placeholder stands for one dot-free part of the name (State
ids, provision ids, stage and channel names have no dots). :func:`resolve` finds the declaration
of a concrete name and what its placeholders stand for (:class:`Resolved`), so a label reads
``partner: abuse pass-through``.

**Kinds.** A *share* lies in [0, 1] (shown as a percentage), a *count* and a number of *days* are
never negative; :attr:`Metric.bounds` gives that range unless a declaration says otherwise, and a
metric's confidence interval is clipped to it (:mod:`simulator.experiments.stats`).

**For later work.** A calibration target or a spread (a range a public source gives for a metric)
hangs on a declaration by name: ``resolve("requested.us.abuse_pass_through")`` gives the family
``requested.{requested}.abuse_pass_through`` and ``{"requested": "us"}``, so a target can name a
metric per requested or requesting State; a trend (the backlog's growth over the second half of
the arrival window) names the backlog samples it is computed from. :attr:`Metric.metadata` carries
what such work adds to a declaration, as attrs fields carry theirs.
"""

from __future__ import annotations

import enum
import functools
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from attrs import field, frozen


class Kind(enum.StrEnum):
    """What a metric's number is: it sets the default bounds, the unit and how it is printed."""

    SHARE = "share"  # a fraction in [0, 1], printed as a percentage
    DAYS = "days"
    COUNT = "count"  # requests (or person-days, requests a day): never negative


class Better(enum.StrEnum):
    """Which direction is better for the people the safeguards protect (a frontier minimises)."""

    LOWER = "lower"
    HIGHER = "higher"
    NEITHER = "neither"  # a description of the load, not a goal (requests submitted)


DEFAULT_BOUNDS = {Kind.SHARE: (0.0, 1.0), Kind.DAYS: (0.0, math.inf), Kind.COUNT: (0.0, math.inf)}
DEFAULT_UNITS = {Kind.SHARE: "%", Kind.DAYS: "days", Kind.COUNT: "requests"}
UNBOUNDED = (-math.inf, math.inf)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _pattern(name: str) -> re.Pattern[str]:
    parts, last = [], 0
    for match in _PLACEHOLDER.finditer(name):
        parts += [re.escape(name[last : match.start()]), f"(?P<{match[1]}>[^.]+)"]
        last = match.end()
    return re.compile("".join([*parts, re.escape(name[last:])]))


@frozen
class Metric:
    """One metric, or one family of metrics (a name with ``{placeholders}``), and what it means.

    ``label`` is the long label of a headline table, ``short`` the column header of a narrow table
    or a figure's legend; both may use the name's placeholders. ``meaning`` is one sentence in plain
    words (the report prints it beside the number). ``section`` groups metrics as the JSON document
    nests them (``headline``, ``refusals``, ``state``, ``stage``, ``requested``...).
    """

    name: str
    label: str
    short: str
    kind: Kind
    better: Better
    meaning: str
    section: str
    unit: str = ""  # default: the kind's (%, days, requests)
    range: tuple[float, float] | None = None  # default: the kind's
    metadata: Mapping[str, Any] = field(factory=dict, eq=False)
    regex: re.Pattern[str] = field(init=False, eq=False, repr=False)

    @regex.default
    def _regex(self) -> re.Pattern[str]:
        return _pattern(self.name)

    @property
    def family(self) -> bool:
        """The declaration stands for many names (it has placeholders)."""
        return "{" in self.name

    @property
    def placeholders(self) -> tuple[str, ...]:
        """The placeholders of the name (``{requester}``...), in order."""
        return tuple(_PLACEHOLDER.findall(self.name))

    @property
    def bounds(self) -> tuple[float, float]:
        """The values the metric can take; its confidence interval is clipped to them."""
        return self.range or DEFAULT_BOUNDS[self.kind]

    @property
    def units(self) -> str:
        """The unit its values are in (the kind's unless declared)."""
        return self.unit or DEFAULT_UNITS[self.kind]

    def match(self, name: str) -> dict[str, str] | None:
        """What the placeholders stand for in ``name``, or None when the name is not of this family."""
        found = self.regex.fullmatch(name)
        return None if found is None else found.groupdict()


@frozen
class Resolved:
    """A concrete metric name with its declaration and what the placeholders stand for."""

    name: str
    metric: Metric
    bindings: Mapping[str, str] = field(factory=dict, eq=False)

    @property
    def kind(self) -> Kind:
        """The metric's kind (share, days, count)."""
        return self.metric.kind

    @property
    def label(self) -> str:
        """The long label, its placeholders filled in."""
        return self.metric.label.format(**self.bindings)

    @property
    def short(self) -> str:
        """The short label, its placeholders filled in."""
        return self.metric.short.format(**self.bindings)

    @property
    def meaning(self) -> str:
        """What the metric means, its placeholders filled in."""
        return self.metric.meaning.format(**self.bindings)

    @property
    def bounds(self) -> tuple[float, float]:
        """The values the metric can take."""
        return self.metric.bounds


class Catalogue:
    """Every declaration, and the look-ups the rest of the program makes by metric name."""

    def __init__(self, declarations: Iterable[Metric]) -> None:
        self.declarations = tuple(declarations)
        names = [m.name for m in self.declarations]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ValueError(f"metrics declared twice: {', '.join(duplicated)}")
        self._exact = {m.name: m for m in self.declarations if not m.family}
        self._families = [m for m in self.declarations if m.family]
        self._resolved: dict[str, Resolved | None] = {}

    def matches(self, name: str) -> list[Metric]:
        """Every declaration ``name`` belongs to (exactly one for a name the tally emits)."""
        found = [self._exact[name]] if name in self._exact else []
        return found + [m for m in self._families if m.match(name) is not None]

    def resolve(self, name: str) -> Resolved | None:
        """The declaration of ``name`` with its placeholders filled; None if undeclared or ambiguous."""
        if name not in self._resolved:
            found = self.matches(name)
            self._resolved[name] = (
                Resolved(name, found[0], found[0].match(name) or {}) if len(found) == 1 else None
            )
        return self._resolved[name]

    def __getitem__(self, name: str) -> Resolved:
        resolved = self.resolve(name)
        if resolved is None:
            raise KeyError(f"no single declaration of the metric {name!r}")
        return resolved

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.resolve(name) is not None

    def bounds(self, name: str) -> tuple[float, float]:
        """The range a metric's interval is clipped to (unclipped if the name is not declared)."""
        resolved = self.resolve(name)
        return UNBOUNDED if resolved is None else resolved.bounds

    def kind(self, name: str, default: Kind = Kind.COUNT) -> Kind:
        """The kind of metric ``name`` (``default`` if no declaration matches it)."""
        resolved = self.resolve(name)
        return default if resolved is None else resolved.kind

    def label(self, name: str) -> str:
        """The long label of metric ``name`` (the name itself if no declaration matches it)."""
        resolved = self.resolve(name)
        return name if resolved is None else resolved.label

    def short(self, name: str) -> str:
        """The short label of metric ``name`` (the name itself if no declaration matches it)."""
        resolved = self.resolve(name)
        return name if resolved is None else resolved.short

    def meaning(self, name: str) -> str:
        """What metric ``name`` means (empty if no declaration matches it)."""
        resolved = self.resolve(name)
        return "" if resolved is None else resolved.meaning

    def section(self, name: str) -> list[Metric]:
        """The declarations of one section, in declaration order."""
        return [m for m in self.declarations if m.section == name]


@functools.cache
def catalogue() -> Catalogue:
    """The declarations of every metric a replication reports (the summary's, then the routes')."""
    from simulator.world import reach, summary

    return Catalogue((*summary.METRICS, *reach.METRICS, *reach.PROVIDER_METRICS))


def metric(name: str) -> Resolved:
    """The declaration of a concrete metric name (KeyError if there is not exactly one)."""
    return catalogue()[name]


def metric_range(name: str) -> tuple[float, float]:
    """The values a metric can take (its declaration's bounds): what its interval is clipped to."""
    return catalogue().bounds(name)


def headline() -> tuple[Metric, ...]:
    """The headline metrics (shares, durations, the backlog), in the order tables show them."""
    return tuple(catalogue().section("headline"))


def requests() -> tuple[Metric, ...]:
    """The requests of one replication by how they ended, and the surveillance granted (means)."""
    return tuple(catalogue().section("requests"))
