"""Values every part of a scenario file uses: distributions, mixes of names, identifiers.

A distribution is a table ``{ distribution = "lognormal", mean = 20, sd = 10 }`` naming a family of
:data:`simulator.world.distributions.FAMILIES` and its parameters; a *score* (a strength of facts, a
disguise) must stay in [0, 1]. A mix is a table of ``name = weight``, normalised to shares. An
identifier names a State in outputs and in override keys (``requesting_state.<id>.<path>``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from simulator.domain.model import Stage
from simulator.files.limits import distribution_problems
from simulator.files.reader import REQUIRED, Table, suggestion
from simulator.world.distributions import FAMILIES, Distribution, Exponential
from simulator.world.scenario import Mix, StageConfig

STATE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def state_id(t: Table, default: Any = REQUIRED) -> str:
    """The ``id`` of a State's table: letters, digits, '-' or '_'."""
    value = t.text("id", default)
    if isinstance(t.data.get("id"), str) and not STATE_ID.match(value):
        t.problem(
            "id",
            "must be a non-empty identifier: letters, digits, '-' or '_' (it names the State in outputs)",
        )
    return value


def unique_ids(root: Table, key: str, ids: list[str]) -> None:
    """Report each repeated id of the ``[[key]]`` entries."""
    seen: set[str] = set()
    for i, value in enumerate(ids):
        if value in seen:
            root.problem(f"{key}[{i}].id", f"duplicate id {value!r}")
        seen.add(value)


def distribution(
    table: Table, key: str, default: Distribution | None = None, *, score: bool = False
) -> Distribution:
    """A ``{ distribution = "lognormal", mean = 20, sd = 10 }`` table; ``score``: values in [0, 1]."""
    fallback = default or Exponential(1.0)
    if not table.has(key):
        if default is None:
            table.problem(key, "is required")
        table.used.add(key)
        return fallback
    spec = table.table(key)
    family = spec.text("distribution")
    if family not in FAMILIES:
        if family:
            spec.problem(
                "distribution",
                f"unknown distribution {family!r}{suggestion(family, FAMILIES)}; "
                f"one of {', '.join(FAMILIES)}",
            )
        spec.used.update(spec.data)
        return fallback
    cls, parameters = FAMILIES[family]
    values = {p: spec.number(p, minimum=0) for p in parameters}
    spec.finish()
    before = len(table.problems)
    _check_distribution(spec, family, values, score)
    if len(table.problems) == before:
        _check_numerical_sanity(spec, cls, values, score)
    return cls(**values) if len(table.problems) == before else fallback


def _check_numerical_sanity(spec: Table, cls: type, values: dict[str, float], score: bool) -> None:
    """Bounds and sampling sanity of a distribution (see :mod:`simulator.files.limits`)."""
    for parameter, message in distribution_problems(cls, values, score):
        spec.problem(parameter or None, message)


def _check_distribution(spec: Table, family: str, v: dict[str, float], score: bool) -> None:
    if family in ("exponential", "lognormal") and v["mean"] <= 0:
        spec.problem("mean", "must be greater than 0")
    if family == "lognormal" and v["sd"] <= 0:
        spec.problem("sd", "must be greater than 0")
    if family == "beta":
        for p in ("a", "b"):
            if v[p] <= 0:
                spec.problem(p, "must be greater than 0")
    if family == "uniform" and v["low"] > v["high"]:
        spec.problem("high", f"must not be below low ({v['low']:g})")
    if family == "triangular" and not v["low"] <= v["mode"] <= v["high"]:
        spec.problem("mode", "must lie between low and high")
    if score:
        if family in ("exponential", "lognormal"):
            spec.problem("distribution", f"{family} is unbounded; a score needs values in [0, 1]")
        for p in ("value", "low", "mode", "high"):
            if p in v and v[p] > 1:
                spec.problem(p, f"must be at most 1 for a score, not {v[p]:g}")


def mix(table: Table, key: str, allowed: Any, default: Mapping[str, float] = REQUIRED) -> Mix:
    """A table of name = weight (weights are normalised to shares)."""
    weights = table.weights(key, allowed, default)
    return Mix.of(weights) if weights else Mix((next(iter(allowed)),), (1.0,))


def stage_configs(t: Table, allowed: tuple[Stage, ...]) -> dict[Stage, StageConfig]:
    """``stage = { staff, service }`` tables for the stages in ``allowed`` (others are left unread)."""
    stages = {}
    for stage in allowed:
        if not t.has(stage.value):
            t.used.add(stage.value)
            continue
        st = t.table(stage.value)
        stages[stage] = StageConfig(
            staff=int(st.number("staff", minimum=0, integer=True)),
            service=distribution(st, "service"),
        )
        st.finish()
    return stages
