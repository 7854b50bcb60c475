"""Scenario discovery: for which ranges of the swept settings does an outcome hold?

A sweep ran many configurations; a condition on their results (``abuse_pass_through < 0.2 and
legitimate_refusal_rate < 0.05``) marks some of them as *cases of interest*. PRIM, the patient rule
induction method (Friedman and Fisher 1999), as used in scenario discovery (Bryant and Lempert
2010; the EMA Workbench), looks for a *box*, a range per setting (a set of values for a mode), that
holds many of those cases and few others. It starts from the box holding every configuration and
peels off, a small share (``peel_alpha``) at a time, the slice of one setting's range whose removal
raises the share of cases of interest inside most, then pastes back what it peeled too eagerly.

Each step of this *peeling trajectory* trades:

- **coverage**: cases of interest inside the box / all cases of interest (how much of what we want
  the box explains),
- **density**: cases of interest inside the box / configurations inside the box (how reliably a
  configuration in the box has the outcome),
- **mass**: configurations inside / all configurations.

The box reported is the densest step whose coverage is at least ``min_coverage`` (of the cases of
interest earlier boxes left out); the whole trajectory comes with it, to choose another trade-off.
After a box, PRIM looks for the next one among the configurations the earlier boxes left out.
The algorithm is the ``prim`` package's (a standalone version of the EMA Workbench's); a case is a
configuration, with the metric's mean over its replications.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from attrs import frozen

from simulator.experiments.conditions import Condition
from simulator.experiments.sweeps import SweepResult, read_manifest
from simulator.files.overrides import OverrideError

#: Defaults of the search (those of the EMA Workbench).
PEEL_ALPHA = 0.05
MASS_MIN = 0.05
MIN_COVERAGE = 0.8


@frozen
class Restriction:
    """A box's limit on one setting: a range (None: that side not restricted), or the values kept."""

    setting: str
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] = ()

    def describe(self) -> str:
        """The limit as a reader sees it: ``<= 0.3``, ``>= 0.1``, ``0.1 .. 0.3``, or the values kept as
        ``a | b``."""
        if self.values:
            return " | ".join(str(v) for v in self.values)
        if self.low is None:
            return f"<= {self.high:.4g}"
        if self.high is None:
            return f">= {self.low:.4g}"
        return f"{self.low:.4g} .. {self.high:.4g}"

    def to_dict(self) -> dict[str, Any]:
        """For JSON: the setting with ``low`` and ``high`` (None: that side not restricted), or its
        ``values``."""
        if self.values:
            return {"setting": self.setting, "values": list(self.values)}
        return {"setting": self.setting, "low": self.low, "high": self.high}


@frozen
class Step:
    """One step of a peeling trajectory: its coverage, density and mass, and how many settings it
    restricts."""

    coverage: float
    density: float
    mass: float
    restricted: int


@frozen
class Box:
    """One PRIM box: its limits on the restricted settings, its statistics and its trajectory."""

    restrictions: tuple[Restriction, ...]
    step: int  # the chosen step of the trajectory
    trajectory: tuple[Step, ...]
    inside: int  # configurations inside
    interesting_inside: int

    @property
    def chosen(self) -> Step:
        """The step the box reports: the densest with enough coverage."""
        return self.trajectory[self.step]

    def to_dict(self) -> dict[str, Any]:
        """For JSON: the chosen step's coverage, density and mass, the counts inside, the restrictions and
        the whole peeling trajectory."""
        s = self.chosen
        return {
            "coverage": s.coverage,
            "density": s.density,
            "mass": s.mass,
            "configurations_inside": self.inside,
            "of_interest_inside": self.interesting_inside,
            "restrictions": [r.to_dict() for r in self.restrictions],
            "step": self.step,
            "peeling_trajectory": [
                {"coverage": t.coverage, "density": t.density, "mass": t.mass, "restricted": t.restricted}
                for t in self.trajectory
            ],
        }


@frozen
class Discovery:
    """What PRIM found in a sweep: the condition, the settings searched, the configurations (all, and
    of interest) and the boxes in the order found."""

    condition: str
    settings: tuple[str, ...]
    cases: int
    of_interest: int
    boxes: tuple[Box, ...]
    source: str = ""
    min_coverage: float = MIN_COVERAGE

    def to_dict(self) -> dict[str, Any]:
        """The JSON document ``mlasim discover --format json`` prints."""
        return {
            "condition": self.condition,
            "run_directory": self.source,
            "settings": list(self.settings),
            "configurations": self.cases,
            "of_interest": self.of_interest,
            "peel_alpha": PEEL_ALPHA,
            "min_coverage": self.min_coverage,
            "boxes": [b.to_dict() for b in self.boxes],
        }


def find_boxes(
    settings,
    interesting: Sequence[bool],
    max_boxes: int = 2,
    min_coverage: float = MIN_COVERAGE,
    peel_alpha: float = PEEL_ALPHA,
    mass_min: float = MASS_MIN,
) -> list[Box]:
    """PRIM boxes over ``settings`` (a DataFrame, one row per case) for the cases marked interesting."""
    import prim
    from prim.scenario_discovery_util import determine_restricted_dims

    y = np.asarray(interesting, dtype=bool)
    if not y.any() or y.all():
        return []
    search = prim.Prim(
        settings, y, threshold=0.5, threshold_type=">", peel_alpha=peel_alpha, mass_min=mass_min
    )
    boxes: list[Box] = []
    while len(boxes) < max_boxes:
        found = search.find_box()
        if found is None:
            break
        frame = found.peeling_trajectory
        trajectory = tuple(
            Step(float(r["coverage"]), float(r["density"]), float(r["mass"]), int(r["res dim"]))
            for _, r in frame.iterrows()
        )
        # a later box can only cover what earlier boxes left: its threshold is of those cases
        left = y[search.yi_remaining].sum() / y.sum()
        eligible = [i for i, t in enumerate(trajectory) if t.coverage >= min_coverage * left - 1e-12] or [0]
        step = max(eligible, key=lambda i: (trajectory[i].density, i))
        if trajectory[step].density <= y[search.yi_remaining].mean():
            break  # no denser than what is left: nothing more to find
        found.select(step)
        limits = found._box_lims[
            step
        ]  # the prim package keeps a box's limits per step (as its own code reads them)
        restrictions = []
        for name in determine_restricted_dims(limits, search._box_init):
            low, high = limits[name][0], limits[name][1]
            if isinstance(low, set):
                order = list(dict.fromkeys(settings[name]))
                restrictions.append(Restriction(name, values=tuple(v for v in order if v in low)))
            else:  # a side left where the data end is not restricted
                first, last = search._box_init[name][0], search._box_init[name][1]
                restrictions.append(
                    Restriction(
                        name, None if low <= first else float(low), None if high >= last else float(high)
                    )
                )
        inside = len(found.yi)
        boxes.append(Box(tuple(restrictions), step, trajectory, inside, int(y[found.yi].sum())))
    return boxes


def settings_frame(directory: Path):
    """The swept settings of a run directory, one row per configuration (lists as JSON text)."""
    import pandas as pd

    manifest = read_manifest(directory)
    rows = [c["parameters"] for c in manifest["configurations"]]
    names = sorted({k for row in rows for k in row})
    columns = {}
    for name in names:
        values = [row.get(name) for row in rows]
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            columns[name] = values
        else:
            columns[name] = pd.Series(
                [
                    json.dumps(v) if isinstance(v, list | dict) else ("(unset)" if v is None else v)
                    for v in values
                ],
                dtype=object,
            )
    return pd.DataFrame(columns)


def discover(
    directory: str | Path,
    condition: Condition,
    max_boxes: int = 2,
    min_coverage: float = MIN_COVERAGE,
) -> Discovery:
    """PRIM boxes of a sweep's configurations where ``condition`` holds on their means."""
    directory = Path(directory)
    summary = SweepResult(directory).summary().sort_values("config_index")
    known = [c[: -len(".mean")] for c in summary.columns if c.endswith(".mean")]
    condition.check(known, "--where")
    settings = settings_frame(directory)
    varied = [name for name in settings.columns if settings[name].nunique() > 1]
    if not varied:
        raise OverrideError(f"{directory}: the sweep varied no setting: nothing to discover")
    records = summary.to_dict("records")
    interesting = [condition.holds({m: _number(r[f"{m}.mean"]) for m in condition.metrics}) for r in records]
    boxes = find_boxes(settings[varied], interesting, max_boxes, min_coverage)
    return Discovery(
        str(condition), tuple(varied), len(records), sum(interesting), tuple(boxes), str(directory)
    )


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)
