"""Reading settings from a scenario file by their declarations.

A settings class (the safeguards, a fast channel's rules, monitoring, the load effect, a requesting
State's behaviour) declares each of its fields once (:mod:`simulator.domain.settings`): its kind,
bounds, default and meaning. This module reads a TOML table into such a class by those declarations,
so no reader restates a default or a bound: a switch is ``true``/``false``, a number must lie within
its declared bounds (the message says why the bound is what it is), a choice is one of its words, a
set of names is an array of names from its universe (or a word naming a whole set), a part is a
nested table read the same way. A key left out takes the default. Every problem is reported with its
field path and the reading goes on with a valid stand-in, so the user learns of every problem at once
and no half-read value breaks a class's own checks.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, TypeVar

import attrs

from simulator.domain.settings import Kind, Setting, declared, word
from simulator.files.reader import REQUIRED, Table, suggestion
from simulator.files.values import distribution, mix

T = TypeVar("T")


def read_settings(t: Table, cls: type[T], default: T | None = None, skip: Collection[str] = ()) -> T:
    """A ``cls`` read from table ``t`` (keys left out: ``default``'s values, else the fields' own).

    The table is finished: a key nobody reads is reported with a "did you mean".
    """
    value = cls(**read_fields(t, cls, default, skip))
    t.finish()
    return value


def read_fields(t: Table, cls: type, default: Any = None, skip: Collection[str] = ()) -> dict[str, Any]:
    """The declared settings of ``cls`` in table ``t``, by field name (``skip``: fields read elsewhere)."""
    values = {}
    for attribute, setting in declared(cls):
        if attribute.name in skip:
            continue
        if default is not None:
            fallback = getattr(default, attribute.name)
        elif setting.required:
            fallback = REQUIRED
        elif isinstance(attribute.default, attrs.Factory):
            fallback = attribute.default.factory()
        else:
            fallback = attribute.default
        values[attribute.name] = read_value(t, attribute.name, setting, fallback)
    return values


def read_value(t: Table, key: str, setting: Setting, fallback: Any) -> Any:
    """One setting from table ``t`` (``fallback``: its value when the key is left out, or REQUIRED)."""
    kind = setting.kind
    if kind is Kind.FLAG:
        return t.flag(key, fallback)
    if kind in (Kind.NUMBER, Kind.INTEGER):
        return _number(t, key, setting, fallback)
    if kind is Kind.CHOICE:
        return _choice(t, key, setting, fallback)
    if kind is Kind.NAMES:
        return _names(t, key, setting, fallback)
    if kind is Kind.PART:
        return _part(t, key, setting, fallback)
    if kind is Kind.DISTRIBUTION:
        return distribution(t, key, None if fallback is REQUIRED else fallback, score=setting.score)
    if kind is Kind.MIX:
        return _mix(t, key, setting, fallback)
    raise ValueError(f"no reader for settings of kind {kind}")


def stand_in(setting: Setting) -> float:
    """A valid number for a setting whose value in the file could not be used (reading goes on)."""
    low, high = setting.minimum, setting.maximum
    if low is None:
        return 0.0 if high is None or high >= 0 else high
    if not setting.above_minimum:
        return low
    if high is not None:
        return (low + high) / 2
    return low + 1


def _number(t: Table, key: str, setting: Setting, fallback: Any) -> float:
    """A declared number: its type, its declared bounds (for a range: value, low and high alike)."""
    integer = setting.kind is Kind.INTEGER
    before = len(t.problems)
    about = {"meaning": setting.meaning, "unit": setting.unit}
    value = t.number(key, fallback, integer=integer, bound=setting.bound_problem, **about)
    if len(t.problems) > before:
        return stand_in(setting) if fallback is REQUIRED else fallback
    if not t.has(key):
        return value
    return int(value) if integer else value


def _choice(t: Table, key: str, setting: Setting, fallback: Any) -> Any:
    value = t.data.get(key)
    t.used.add(key)
    if key not in t.data:
        if fallback is REQUIRED:
            t.problem(key, "is required")
            return setting.choices[0]
        return fallback
    words = setting.words()
    by_word = dict(zip(words, setting.choices, strict=True))
    by_word.update({str(getattr(c, "value", c)): c for c in setting.choices})  # an enumeration's value
    if isinstance(value, str) and value in by_word:
        return by_word[value]
    hint = suggestion(value, words) if isinstance(value, str) else ""
    t.problem(key, f"must be one of {', '.join(words)}, not {value!r}{hint}")
    return setting.choices[0] if fallback is REQUIRED else fallback


def _names(t: Table, key: str, setting: Setting, fallback: Any) -> frozenset[Any]:
    value = t.data.get(key)
    if isinstance(value, str) and setting.aliases:
        t.used.add(key)
        if value in setting.aliases:
            return frozenset(setting.convert(name) for name in setting.aliases[value]())
        words = ", ".join(repr(word) for word in setting.aliases)
        hint = suggestion(value, setting.aliases)
        t.problem(key, f"must be {words} or a list of {setting.noun}, not {value!r}{hint}")
        return fallback
    default = REQUIRED if fallback is REQUIRED else sorted(str(getattr(n, "value", n)) for n in fallback)
    return frozenset(setting.convert(name) for name in t.names(key, setting.names(), default))


def _part(t: Table, key: str, setting: Setting, fallback: Any) -> Any:
    if setting.optional and not t.has(key):
        t.used.add(key)
        return None
    before = len(t.problems)
    table = t.table(key)
    if len(t.problems) > before:  # not a table: reported
        return fallback
    return read_settings(table, setting.part, None if setting.optional else fallback)


def _mix(t: Table, key: str, setting: Setting, fallback: Any) -> Any:
    if not t.has(key) and fallback is not REQUIRED:
        t.used.add(key)
        return fallback
    return mix(t, key, setting.names())


def written(setting: Setting, value: Any) -> Any:
    """A setting's value as a scenario file writes it (None: left out)."""
    if setting.kind is Kind.CHOICE:
        return word(value)
    if setting.kind is Kind.NAMES:
        return sorted(str(getattr(name, "value", name)) for name in value)
    if setting.kind is Kind.PART:
        return None if value is None else settings_table(value)
    if setting.kind in (Kind.DISTRIBUTION, Kind.MIX):
        return None  # written by their own modules
    return value


def settings_table(value: Any) -> dict[str, Any]:
    """A settings value as the TOML table a scenario file holds (every declared field written), which
    :func:`read_settings` reads back into an equal value."""
    table = {}
    for attribute, setting in declared(type(value)):
        held = written(setting, getattr(value, attribute.name))
        if held is not None:
            table[attribute.name] = held
    return table
