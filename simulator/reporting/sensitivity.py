"""Presenting a sensitivity study: each setting's indices with their bootstrap intervals, ranked."""

from __future__ import annotations

import json
import math

from simulator.experiments.sensitivity import StudyResult
from simulator.reporting import settings
from simulator.reporting.frontier import kind
from simulator.reporting.tables import text_table, wrapped


def _index(value: float, half: float) -> str:
    if math.isnan(value):
        return "n/a"
    return f"{value:.2f} [{value - half:.2f}, {value + half:.2f}]"


def _effect(value: float, half: float, share: bool) -> str:
    """mu*: in percentage points for a share, else in the metric's unit."""
    if math.isnan(value):
        return "n/a"
    if share:
        return f"{100 * value:.1f} pts [{100 * (value - half):.1f}, {100 * (value + half):.1f}]"
    return f"{value:.3g} [{value - half:.3g}, {value + half:.3g}]"


def as_table(result: StudyResult) -> str:
    """The design and the metric's range over the configurations, then each setting's indices with
    their intervals, most influential first (and each pair's, with second order)."""
    study, ind = result.study, result.indices
    configurations = len(result.outputs)
    if study.method == "sobol":
        design = f"Sobol (Saltelli design), {study.samples} base samples"
    else:
        design = f"Morris (elementary effects), {study.samples} trajectories"
    lines = [
        f"Sensitivity of {result.metric}: {design}",
        f"{configurations} configurations x {result.replications} replications on common random numbers, "
        f"seed {result.seed}; run directory {result.directory}",
        f"metric over the configurations: {min(result.outputs):.4g} .. {max(result.outputs):.4g}",
        "[low, high] = 95% bootstrap interval; settings ranked by "
        + ("total-order index" if study.method == "sobol" else "mu*"),
        "",
    ]
    ranges = {p.key: p.describe() for p in study.parameters}
    short = settings.short_names(list(ranges))
    lines[-1:-1] = settings.key_lines(list(ranges))
    order = ind.ranking()
    position = {name: i for i, name in enumerate(ind.names)}
    if study.method == "sobol":
        header = ("setting", "values", "first-order S1", "total-order ST")
        rows = [
            (
                short[name],
                ranges[name],
                _index(ind.first[position[name]], ind.first_conf[position[name]]),
                _index(ind.total[position[name]], ind.total_conf[position[name]]),
            )
            for name in order
        ]
    else:
        share = kind(result.metric) == "share"
        header = ("setting", "values", "mu* (mean |effect|)", "sigma")
        rows = [
            (
                short[name],
                ranges[name],
                _effect(ind.mu_star[position[name]], ind.mu_star_conf[position[name]], share),
                _effect(ind.sigma[position[name]], 0.0, share).split(" [")[0],
            )
            for name in order
        ]
    lines += text_table(header, rows)
    if ind.second:
        pairs = [
            (
                f"{short[ind.names[i]]} x {short[ind.names[j]]}",
                _index(ind.second[i][j], ind.second_conf[i][j]),
            )
            for i in range(len(ind.names))
            for j in range(i + 1, len(ind.names))
        ]
        lines += ["", *text_table(("pair", "second-order S2"), pairs)]
    return "\n".join(wrapped(lines))


def as_json(result: StudyResult) -> str:
    """The study document (:meth:`~simulator.experiments.sensitivity.StudyResult.to_dict`), strict JSON."""
    return json.dumps(result.to_dict(), indent=2, allow_nan=False)


FORMATTERS = {"table": as_table, "json": as_json}
