"""Experimental designs for sweeps: which configurations to run.

A configuration is a set of dotted-key overrides of a base scenario (see :mod:`simulator.files.overrides`).
A sweep's configurations are the product of three designs, each defaulting to "no change":

- a **grid**: listed values per dotted key, full factorial;
- a **Latin hypercube** of ``lhs`` points over declared ``ranges`` (``scipy.stats.qmc``): each range
  is cut into ``lhs`` equal strata and each stratum sampled once, so few points cover the space; a
  range with integer ends (a staff count) gives integers;
- the file's named **variants**.

The seed and the number of replications are settings of the whole sweep, not design factors: every
configuration runs the same replications with the same seed, so that configurations are compared on
the same requests. A design that varies ``scenario.seed`` or ``scenario.replications`` is refused
(use ``--seed`` / ``--replications``, or one sweep per seed).

A scenario file can declare its sweep in a ``[sweep]`` table (``grid``, ``lhs``, ``ranges``,
``variants``). It is the sweep when the command line asks for none; a design given on the command line
replaces it, unless the file's table is asked for too (:func:`select_design`), so a sweep never runs
configurations nobody asked for.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import field, frozen

from simulator.files.document import ScenarioFile, read_file
from simulator.files.reader import Problem
from simulator.world import coverage
from simulator.world.scenario import Scenario

#: Scenario keys that are settings of the whole sweep, never design factors.
RUN_SETTINGS = {
    "scenario.seed": "every configuration runs the sweep's seed (--seed); run one sweep per seed",
    "scenario.replications": "every configuration runs the sweep's replications (--replications)",
}


@frozen
class Design:
    """What to vary: grid values per dotted key, LHS points over ranges, and variant names."""

    grid: Mapping[str, Sequence[Any]] = field(factory=dict)
    lhs: int = 0
    ranges: Mapping[str, tuple[float, float]] = field(factory=dict)
    variants: Sequence[str] = ()

    @property
    def size(self) -> int:
        """How many configurations :meth:`points` makes, counted without making them (a plan is
        checked against its bounds before anything is built)."""
        return max(1, len(self.variants)) * math.prod(len(v) for v in self.grid.values()) * max(1, self.lhs)

    def points(self, seed: int) -> list[dict[str, Any]]:
        """The configurations, each as dotted overrides (``variant`` names a variant)."""
        grid = [
            dict(zip(self.grid, values, strict=True)) for values in itertools.product(*self.grid.values())
        ]
        lhs = latin_hypercube(self.ranges, self.lhs, seed) if self.lhs else [{}]
        variants = [{"variant": name} for name in self.variants] or [{}]
        return [{**v, **g, **h} for v in variants for g in grid for h in lhs]


def latin_hypercube(
    ranges: Mapping[str, tuple[float, float]], points: int, seed: int
) -> list[dict[str, Any]]:
    """``points`` Latin-hypercube points over ``ranges``; a range with integer ends gives integers."""
    from scipy.stats import qmc

    names = sorted(ranges)
    sample = qmc.LatinHypercube(d=len(names), seed=seed).random(points)
    result = []
    for row in sample:
        point = {}
        for name, u in zip(names, row, strict=True):
            low, high = ranges[name]
            if isinstance(low, int) and isinstance(high, int):
                point[name] = min(high, low + int(u * (high - low + 1)))
            else:
                point[name] = low + u * (high - low)
        result.append(point)
    return result


def run_setting_problems(design: Design, source: str, where: str = "sweep") -> list[Problem]:
    """A problem for each run setting (seed, replications) the design tries to vary."""
    problems = []
    for kind, keys in (("grid", design.grid), ("ranges", design.ranges)):
        for key in keys:
            if key in RUN_SETTINGS:
                message = f"{key} is not a design factor: {RUN_SETTINGS[key]}"
                problems.append(Problem(source, f"{where}.{kind}", message))
    return problems


def design_from_file(path: str | Path | ScenarioFile) -> tuple[Design, list[Problem]]:
    """The ``[sweep]`` table of a scenario file: ``grid``, ``lhs``, ``ranges``, ``variants``."""
    file = read_file(path)
    table = file.table("sweep")
    table = {} if table is None else table
    problems: list[Problem] = []
    source = file.source
    if not isinstance(table, dict):
        return Design(), [Problem(source, "sweep", "must be a table")]
    unknown = set(table) - {"grid", "lhs", "ranges", "variants"}
    problems += [Problem(source, f"sweep.{k}", "unknown key") for k in sorted(unknown)]
    grid = table.get("grid", {})
    if not isinstance(grid, dict) or not all(isinstance(v, list) and v for v in grid.values()):
        problems.append(
            Problem(source, "sweep.grid", 'must map dotted keys to non-empty arrays: "a.b" = [1, 2]')
        )
        grid = {}
    ranges = table.get("ranges", {})
    if not isinstance(ranges, dict) or not all(_is_range(v) for v in ranges.values()):
        problems.append(
            Problem(source, "sweep.ranges", 'must map dotted keys to [low, high]: "a.b" = [0.2, 0.9]')
        )
        ranges = {}
    lhs = table.get("lhs", 0)
    if isinstance(lhs, bool) or not isinstance(lhs, int) or lhs < 0:
        problems.append(Problem(source, "sweep.lhs", "must be a whole number of points"))
        lhs = 0
    variants = table.get("variants", [])
    if variants == "all":
        variants = [v.name for v in file.variants()]
    if not isinstance(variants, list):
        problems.append(Problem(source, "sweep.variants", 'must be an array of variant names, or "all"'))
        variants = []
    design = Design(grid, lhs, {k: tuple(v) for k, v in ranges.items()}, variants)
    return design, problems + run_setting_problems(design, source)


def _is_range(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        and value[0] <= value[1]
    )


def select_design(file_design: Design, asked: Design, use_file: bool | None = None) -> Design:
    """The design a sweep runs: the command line's (``asked``), the file's, or both.

    ``use_file`` None: the file's ``[sweep]`` when the command line asks for nothing, else only what
    it asks (with the file's ranges for ``--lhs`` when it gives none: ranges add no configuration by
    themselves). True: the command line's design on top of the file's (grid keys and ranges of the
    command line win). False: never the file's.
    """
    nothing_asked = not (asked.grid or asked.lhs or asked.ranges or asked.variants)
    if use_file is None and nothing_asked:
        return file_design
    if use_file:
        return Design(
            {**file_design.grid, **asked.grid},
            asked.lhs or file_design.lhs,
            {**file_design.ranges, **asked.ranges},
            list(asked.variants) or list(file_design.variants),
        )
    ranges = asked.ranges or (file_design.ranges if use_file is None and asked.lhs else {})
    return Design(dict(asked.grid), asked.lhs, dict(ranges), list(asked.variants))


def inert_settings(base: Scenario, points: Sequence[Mapping[str, Any]]) -> list[str]:
    """One line per setting the study varies that can change no decision of ``base`` (a safeguard whose
    stage no route passes, or that stays switched off: :func:`simulator.world.coverage.inert`)."""
    varied = list(dict.fromkeys(key for point in points for key in point if key != "variant"))
    lines = []
    for key in varied:
        reason = coverage.inert(base, key, varied)
        if reason is not None:
            lines.append(f"{key} has no effect on any request ({reason}): its results will not differ")
    return lines
