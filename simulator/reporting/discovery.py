"""Presenting scenario discovery: each PRIM box's limits, coverage, density, and peeling trajectory."""

from __future__ import annotations

import json
import re

from simulator.experiments.discovery import PEEL_ALPHA, Box, Discovery
from simulator.reporting import settings
from simulator.reporting.tables import text_table, wrapped
from simulator.world.metrics import Kind, catalogue

#: Steps of a peeling trajectory the table shows (evenly spread, the chosen one always); JSON has all.
SHOWN_STEPS = 8


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def _steps(box: Box) -> list[int]:
    count = len(box.trajectory)
    if count <= SHOWN_STEPS:
        return list(range(count))
    spread = {round(i * (count - 1) / (SHOWN_STEPS - 1)) for i in range(SHOWN_STEPS)}
    return sorted(spread | {box.step})


def _metric_lines(condition: str) -> list[str]:
    """What each metric of the condition is, as declared (a share is written as a fraction)."""
    lines = []
    for name in dict.fromkeys(re.findall(r"[A-Za-z_][\w.\-]*", condition)):
        found = catalogue().resolve(name)
        if found is not None:
            unit = "a share (0.2 is 20%)" if found.kind is Kind.SHARE else found.metric.units
            lines.append(f"  {name}: {found.label}, {unit}")
    return lines


def as_table(d: Discovery) -> str:
    """The condition and its metrics, the configurations of interest, then each box's limits and
    peeling trajectory (some of its steps; the JSON has all), or why there is no box."""
    share = d.of_interest / d.cases if d.cases else 0.0
    short = settings.short_names(d.settings)
    lines = [
        f"Scenario discovery in {d.source}: where {d.condition}",
        *_metric_lines(d.condition),
        f"{d.cases} configurations (each the mean of its replications), {d.of_interest} of interest "
        f"({_pct(share)}); PRIM over {', '.join(short[s] for s in d.settings)}",
        *settings.key_lines(d.settings),
        "coverage = cases of interest inside / all cases of interest; density = cases of interest inside "
        "/ configurations inside; mass = configurations inside / all",
    ]
    if not d.boxes:
        if d.of_interest in (0, d.cases):
            reason = "no configuration" if d.of_interest == 0 else "every configuration"
            lines += ["", f"no box: {reason} meets the condition"]
        else:
            lines += [
                "",
                f"no box covering at least {_pct(d.min_coverage)} of the cases of interest is denser than "
                "the whole space: try a lower --min-coverage",
            ]
        return "\n".join(wrapped(lines))
    for number, box in enumerate(d.boxes, 1):
        s = box.chosen
        lines += [
            "",
            f"Box {number}: coverage {_pct(s.coverage)}, density {_pct(s.density)}, mass {_pct(s.mass)} "
            f"({box.interesting_inside} of the {box.inside} configurations inside are of interest)",
        ]
        rows = [(short.get(r.setting, r.setting), r.describe()) for r in box.restrictions]
        lines += text_table(
            ("setting", "restricted to"), rows or [("(none)", "the whole space")], left=(True, True)
        )
        lines += [
            "",
            f"  peeling trajectory of box {number} (step {box.step} chosen; peel alpha {PEEL_ALPHA})",
        ]
        traj = [
            (
                f"{i}{' *' if i == box.step else ''}",
                _pct(box.trajectory[i].coverage),
                _pct(box.trajectory[i].density),
                _pct(box.trajectory[i].mass),
                str(box.trajectory[i].restricted),
            )
            for i in _steps(box)
        ]
        lines += text_table(("step", "coverage", "density", "mass", "restricted"), traj, indent="    ")
    return "\n".join(wrapped(lines))


def as_json(d: Discovery) -> str:
    """The discovery document (:meth:`~simulator.experiments.discovery.Discovery.to_dict`), strict JSON."""
    return json.dumps(d.to_dict(), indent=2, allow_nan=False)


FORMATTERS = {"table": as_table, "json": as_json}
