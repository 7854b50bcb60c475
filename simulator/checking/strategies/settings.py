"""Strategies for settings, derived from their declarations (:mod:`simulator.domain.settings`).

Every field a settings class declares is drawn over its declared space: a switch either way, a
number within its bounds (or its examples), a choice among its members, a set of names from its
universe, a part by the same rule. Nothing is listed by hand, so a new setting is varied the day it
is declared (a guard test checks that every declared field takes more than one value).

:func:`stricter` moves each setting that has a direction of strictness that way, by a drawn amount
(a switch may turn on, an evidence bar fall, a mode move up its order, grounds join, exemptions go);
every choice shrinks to "unchanged". Procedures (rounds, consultation, memory) and weights stay as
they are: a stricter configuration refuses on more, it does not read requests differently.

:func:`documents` draws a settings table as a scenario file writes it (TOML-ready values, with
distributions and mixes), for whole generated scenario files.
"""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import strategies as st

from simulator.checking.strategies.choices import Choices
from simulator.domain.settings import Kind, Setting, Stricter, declared
from simulator.files.settings import written


def _number(setting: Setting) -> st.SearchStrategy[float]:
    if setting.examples:
        return st.sampled_from(setting.examples)
    low, high = setting.span()
    if setting.kind is Kind.INTEGER:
        return st.integers(min_value=int(low) + setting.above_minimum, max_value=int(high))
    return st.floats(
        min_value=low,
        max_value=high,
        exclude_min=setting.above_minimum and low == setting.minimum,
        exclude_max=setting.below_maximum and high == setting.maximum,
        allow_nan=False,
    )


def value_of(setting: Setting) -> st.SearchStrategy[Any]:
    """Any value a declared setting may hold (distributions and mixes are the files layer's)."""
    kind = setting.kind
    if kind is Kind.FLAG:
        return st.booleans()
    if kind in (Kind.NUMBER, Kind.INTEGER):
        return _number(setting)
    if kind is Kind.CHOICE:
        return st.sampled_from(setting.choices)
    if kind is Kind.NAMES:
        return st.frozensets(st.sampled_from(setting.names())).map(
            lambda chosen: frozenset(setting.convert(name) for name in chosen)
        )
    if kind is Kind.PART:
        drawn = settings(setting.part)
        return st.none() | drawn if setting.optional else drawn
    raise ValueError(f"no strategy for settings of kind {kind}: draw it where it is built")


def settings(cls: type, **given: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Any ``cls`` (a settings class): each declared field drawn over its declared space, except those
    ``given`` (strategies by field name)."""
    fields = {attribute.name: value_of(setting) for attribute, setting in declared(cls)}
    return st.builds(cls, **{**fields, **given})


def _stricter_value(choose: Choices, setting: Setting, value: Any) -> Any:
    direction = setting.stricter
    if setting.kind is Kind.PART:
        return _stricter(choose, value) if value is not None else None
    if direction is None:
        return value
    if setting.kind is Kind.FLAG:
        return value and choose.boolean() if direction is Stricter.LOWER else value or choose.boolean()
    if setting.kind is Kind.NUMBER:
        low, high = setting.span()
        if direction is Stricter.HIGHER:
            top = max(high, value)
            return choose.real(value, top) if value < top else value
        return choose.real(low, value) if value > low else value
    if setting.kind is Kind.CHOICE:
        return choose.pick(list(setting.order[setting.order.index(value) :]))
    if direction is Stricter.FEWER:
        return frozenset(name for name in sorted(value) if choose.boolean())
    joined = [name for name in map(setting.convert, setting.names()) if name not in value]
    return value | frozenset(name for name in joined if choose.boolean())


def _stricter(choose: Choices, base: Any) -> Any:
    changes = {
        attribute.name: _stricter_value(choose, setting, getattr(base, attribute.name))
        for attribute, setting in declared(type(base))
    }
    return attrs.evolve(base, **changes)


@st.composite
def stricter(draw: st.DrawFn, base: Any) -> Any:
    """A value at least as strict as ``base`` in every setting that has a direction of strictness."""
    return _stricter(Choices.of_draw(draw), base)


def durations() -> st.SearchStrategy[dict[str, Any]]:
    """A distribution of durations as a file writes it: small positive days, so a run is quick."""
    positive = st.floats(min_value=0.05, max_value=20.0)
    triangular = st.lists(positive, min_size=3, max_size=3).map(sorted)
    return st.one_of(
        st.builds(lambda v: {"distribution": "fixed", "value": v}, positive),
        st.builds(lambda m: {"distribution": "exponential", "mean": m}, positive),
        st.builds(
            lambda m, r: {"distribution": "lognormal", "mean": m, "sd": m * r}, positive, st.floats(0.1, 2.0)
        ),
        triangular.map(lambda t: {"distribution": "triangular", "low": t[0], "mode": t[1], "high": t[2]}),
    )


def scores() -> st.SearchStrategy[dict[str, Any]]:
    """A distribution of scores in [0, 1] as a file writes it (a beta)."""
    shape = st.floats(min_value=0.5, max_value=5.0)
    return st.builds(lambda a, b: {"distribution": "beta", "a": a, "b": b}, shape, shape)


def weights(names: list[str]) -> st.SearchStrategy[dict[str, float]]:
    """A mix as a file writes it: a few names of ``names`` with positive weights."""
    return st.dictionaries(
        st.sampled_from(names), st.floats(min_value=0.1, max_value=5.0), min_size=1, max_size=4
    )


def written_value_of(setting: Setting) -> st.SearchStrategy[Any]:
    """Any value of a declared setting, as a scenario file writes it."""
    if setting.kind is Kind.DISTRIBUTION:
        return scores() if setting.score else durations()
    if setting.kind is Kind.MIX:
        return weights(setting.names())
    if setting.kind is Kind.PART:
        drawn = documents(setting.part)
        return st.none() | drawn if setting.optional else drawn
    return value_of(setting).map(lambda value: written(setting, value))


@st.composite
def documents(draw: st.DrawFn, cls: type, **given: st.SearchStrategy[Any]) -> dict[str, Any]:
    """Any ``cls`` written as a scenario file's table: every declared setting drawn over its declared
    space (:func:`settings`), except those ``given`` (strategies of written values by field name); a
    None drawn (an optional part left out) is not written."""
    table = {}
    for attribute, setting in declared(cls):
        strategy = given[attribute.name] if attribute.name in given else written_value_of(setting)
        value = draw(strategy)
        if value is not None:
            table[attribute.name] = value
    return table
