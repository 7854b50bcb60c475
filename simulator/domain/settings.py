"""Settings: what a scenario may set, declared once, on the field that holds it.

A requested State's safeguards, its fast channels' rules, its load effect, a requesting State's
behaviour: each is a frozen attrs class whose fields are *settings*. A setting is declared with one of
the functions below, which give the field

- its **default** (the convention as written, or the model's stated assumption),
- its **bounds** (a probability lies in [0, 1], preserved data are kept at least the 60 days of
  Art 42(7)), enforced by an attrs validator, so a value built in Python is held to them as a file is,
- its **unit** and a one-line **meaning**,
- the direction in which it makes a requested State **stricter** (a switch turned on, an evidence bar
  lowered, a mode moved up its order), where it has one.

Everything else reads these declarations instead of restating them: the scenario-file reader
(:mod:`simulator.files.settings`), the JSON Schema (:mod:`simulator.files.schema`), the hypothesis
strategies (:mod:`simulator.checking.strategies`), and the report of what a stricter configuration
changed. A numeric setting may carry a range and a source in a scenario file: its declared bounds are
the limits such a range must respect.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any

import attrs
from attrs import frozen

#: The key under which a field's :class:`Setting` is kept in its attrs ``metadata``.
SETTING = "mlasim.setting"


class Kind(enum.StrEnum):
    """What a setting holds, and so how a file writes it."""

    FLAG = "flag"  # true or false
    NUMBER = "number"  # a real number within bounds
    INTEGER = "integer"  # a whole number within bounds
    CHOICE = "choice"  # one of a fixed list of words (an enumeration's members)
    NAMES = "names"  # a set of names from a universe (protected grounds, measures, provisions)
    PART = "part"  # a nested table of settings
    DISTRIBUTION = "distribution"  # a probability distribution (read by the files layer)
    MIX = "mix"  # a table of name = weight (read by the files layer)


class Stricter(enum.StrEnum):
    """Which way a setting makes a requested State stricter (refusing more, never less)."""

    HIGHER = "higher"  # a larger number, or a switch turned on
    LOWER = "lower"  # a smaller number (an evidence bar), or a switch turned off
    MORE = "more"  # more names (grounds covered)
    FEWER = "fewer"  # fewer names (measures exempted)
    ORDER = "order"  # a choice further along ``Setting.order``


@frozen
class Setting:
    """The declaration of one setting (see the module docstring)."""

    kind: Kind
    meaning: str
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    above_minimum: bool = False  # the minimum itself is excluded (a mean delay above 0)
    below_maximum: bool = False  # the maximum itself is excluded
    bound_note: str = ""  # why the bound is what it is, printed with a value outside it
    choices: tuple[Any, ...] = ()  # CHOICE: the members, in the order a file lists them
    universe: Callable[[], Collection[str]] | None = None  # NAMES, MIX: the names allowed
    convert: Callable[[str], Any] = str  # NAMES: a name as the field holds it (a Measure...)
    aliases: Mapping[str, Callable[[], frozenset[str]]] = attrs.field(factory=dict)  # NAMES: words for sets
    noun: str = "names"  # NAMES: what the names are, in messages ("provision ids")
    stricter: Stricter | None = None
    order: tuple[Any, ...] = ()  # Stricter.ORDER: laxest first
    examples: tuple[float, ...] = ()  # values the strategies draw (else the whole declared range)
    typical: tuple[float, float] | None = None  # the range strategies draw from where bounds leave it open
    part: type | None = None  # PART: the class of the nested table
    optional: bool = False  # PART: absent unless the file has the table (the field may be None)
    score: bool = False  # DISTRIBUTION: values in [0, 1]
    required: bool = False  # no default: a file must give it

    @property
    def numeric(self) -> bool:
        """Whether the setting is a number (real or whole)."""
        return self.kind in (Kind.NUMBER, Kind.INTEGER)

    def names(self) -> list[str]:
        """The names a NAMES or MIX setting may hold, sorted."""
        return sorted(self.universe()) if self.universe is not None else []

    def words(self) -> list[str]:
        """The words a file writes for a CHOICE setting."""
        return [word(member) for member in self.choices]

    def bound_problem(self, value: float) -> str | None:
        """Why ``value`` breaks the bounds, or None (NaN and infinities are refused too)."""
        if not math.isfinite(value):
            return f"must be a finite number, not {value}"
        low, high = self.minimum, self.maximum
        too_low = low is not None and (value < low or (self.above_minimum and value == low))
        too_high = high is not None and (value > high or (self.below_maximum and value == high))
        if not (too_low or too_high):
            return None
        if low == 0 and high == 1:
            strictly = " strictly" if self.above_minimum and self.below_maximum else ""
            if self.above_minimum == self.below_maximum:
                return f"must be a probability{strictly} between 0 and 1, not {value}"
        note = f" ({self.bound_note})" if self.bound_note else ""
        unit = f" {self.unit}" if self.unit in ("days", "years") else ""
        if too_low:
            relation = "greater than" if self.above_minimum else "at least"
            return f"must be {relation} {low:g}{unit}{note}, not {value}"
        relation = "below" if self.below_maximum else "at most"
        return f"must be {relation} {high:g}{unit}{note}, not {value}"

    def span(self) -> tuple[float, float]:
        """The closed interval the strategies draw a number from (bounds, or a working range)."""
        if self.typical is not None:
            return self.typical
        low = self.minimum if self.minimum is not None else 0.0
        high = self.maximum if self.maximum is not None else max(2 * low, low + 10.0)
        return low, high


def word(member: Any) -> str:
    """How a file writes a choice: an enumeration member's name in lower case, or the string itself."""
    return member.name.lower() if isinstance(member, enum.Enum) else str(member)


def declared(cls: type) -> Iterator[tuple[attrs.Attribute, Setting]]:
    """The fields of ``cls`` that are settings, with their declarations, in declaration order."""
    for attribute in attrs.fields(cls):
        setting = attribute.metadata.get(SETTING)
        if setting is not None:
            yield attribute, setting


def setting_of(cls: type, name: str) -> Setting:
    """The declaration of field ``name`` of ``cls`` (a KeyError if it is not a setting)."""
    setting = attrs.fields_dict(cls)[name].metadata.get(SETTING)
    if setting is None:
        raise KeyError(f"{cls.__name__}.{name} is not a declared setting")
    return setting


def _validate(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    """The attrs validator of every setting: bounds, choices and names as declared."""
    setting: Setting = attribute.metadata[SETTING]
    where = f"{type(instance).__name__}.{attribute.name}"
    if setting.numeric:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"{where} must be a number, not {value!r}")
        problem = setting.bound_problem(value)
        if problem is not None:
            raise ValueError(f"{where} {problem}")
    elif setting.kind is Kind.CHOICE and value not in setting.choices:
        raise ValueError(f"{where} must be one of {', '.join(setting.words())}, not {value!r}")
    elif setting.kind is Kind.NAMES and setting.universe is not None:
        allowed = {setting.convert(name) for name in setting.universe()}
        unknown = sorted(str(v) for v in value if v not in allowed)
        if unknown:
            raise ValueError(f"{where}: unknown name(s) {', '.join(unknown)}")


_NO_DEFAULT: Any = attrs.NOTHING


def _field(setting: Setting, default: Any = _NO_DEFAULT, factory: Callable[[], Any] | None = None) -> Any:
    validated = setting.kind in (Kind.NUMBER, Kind.INTEGER, Kind.CHOICE, Kind.NAMES)
    validator = _validate if validated else None
    metadata = {SETTING: attrs.evolve(setting, required=default is _NO_DEFAULT and factory is None)}
    if factory is not None:
        return attrs.field(factory=factory, validator=validator, metadata=metadata)
    return attrs.field(default=default, validator=validator, metadata=metadata)


def flag(default: bool, meaning: str, *, stricter: bool = False, laxer: bool = False) -> Any:
    """A switch. ``stricter``: turning it on makes the requested State stricter; ``laxer``: turning it
    on makes it laxer (it gives assistance it could otherwise refuse)."""
    direction = Stricter.HIGHER if stricter else Stricter.LOWER if laxer else None
    return _field(Setting(Kind.FLAG, meaning, stricter=direction), default)


def number(
    default: float = _NO_DEFAULT,
    meaning: str = "",
    *,
    unit: str = "",
    minimum: float | None = 0.0,
    maximum: float | None = None,
    above_minimum: bool = False,
    below_maximum: bool = False,
    bound_note: str = "",
    stricter: Stricter | None = None,
    examples: tuple[float, ...] = (),
    typical: tuple[float, float] | None = None,
) -> Any:
    """A real number (by default at least 0)."""
    setting = Setting(
        Kind.NUMBER,
        meaning,
        unit=unit,
        minimum=minimum,
        maximum=maximum,
        above_minimum=above_minimum,
        below_maximum=below_maximum,
        bound_note=bound_note,
        stricter=stricter,
        examples=examples,
        typical=typical,
    )
    return _field(setting, default)


def share(
    default: float = _NO_DEFAULT,
    meaning: str = "",
    *,
    unit: str = "share",
    stricter: Stricter | None = None,
    examples: tuple[float, ...] = (),
    open_interval: bool = False,
) -> Any:
    """A share, probability or score in [0, 1] (``open_interval``: in (0, 1))."""
    return number(
        default,
        meaning,
        unit=unit,
        minimum=0.0,
        maximum=1.0,
        above_minimum=open_interval,
        below_maximum=open_interval,
        stricter=stricter,
        examples=examples,
    )


def count(
    default: int = _NO_DEFAULT,
    meaning: str = "",
    *,
    unit: str = "",
    minimum: int = 0,
    maximum: int | None = None,
    stricter: Stricter | None = None,
    typical: tuple[int, int] | None = None,
) -> Any:
    """A whole number (by default at least 0)."""
    setting = Setting(
        Kind.INTEGER,
        meaning,
        unit=unit,
        minimum=minimum,
        maximum=maximum,
        stricter=stricter,
        typical=typical,
    )
    return _field(setting, default)


def choice(default: Any, meaning: str, choices: Collection[Any], *, order: tuple[Any, ...] = ()) -> Any:
    """One of ``choices`` (an enumeration, or words); ``order``: laxest to strictest, if it has one."""
    setting = Setting(
        Kind.CHOICE,
        meaning,
        choices=tuple(choices),
        stricter=Stricter.ORDER if order else None,
        order=tuple(order),
    )
    return _field(setting, default)


def names(
    factory: Callable[[], frozenset[Any]],
    meaning: str,
    universe: Callable[[], Collection[str]],
    *,
    convert: Callable[[str], Any] = str,
    aliases: Mapping[str, Callable[[], frozenset[str]]] | None = None,
    noun: str = "names",
    stricter: Stricter | None = None,
) -> Any:
    """A set of names drawn from ``universe()``; ``aliases``: words a file may write for a whole set."""
    setting = Setting(
        Kind.NAMES,
        meaning,
        universe=universe,
        convert=convert,
        aliases=dict(aliases or {}),
        noun=noun,
        stricter=stricter,
    )
    return _field(setting, factory=factory)


def part(cls: type, meaning: str, *, optional: bool = False) -> Any:
    """A nested table of settings of class ``cls`` (``optional``: None unless the file has it)."""
    setting = Setting(Kind.PART, meaning, part=cls, optional=optional)
    return _field(setting, None) if optional else _field(setting, factory=cls)


def distribution(
    default: Any = _NO_DEFAULT,
    meaning: str = "",
    *,
    factory: Callable[[], Any] | None = None,
    unit: str = "days",
    score: bool = False,
) -> Any:
    """A probability distribution (a world-layer value; ``score``: its values lie in [0, 1])."""
    setting = Setting(Kind.DISTRIBUTION, meaning, unit="" if score else unit, score=score)
    return _field(setting, default, factory)


def mix(
    default: Any = _NO_DEFAULT,
    meaning: str = "",
    *,
    factory: Callable[[], Any] | None = None,
    universe: Callable[[], Collection[str]] | None = None,
) -> Any:
    """A table of name = weight over ``universe()`` (a world-layer value)."""
    return _field(Setting(Kind.MIX, meaning, universe=universe), default, factory)


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Setting, Any]]:
    """Every setting of a settings value, recursively: (dotted path, declaration, value)."""
    for attribute, setting in declared(type(value)):
        here = f"{path}.{attribute.name}" if path else attribute.name
        held = getattr(value, attribute.name)
        if setting.kind is Kind.PART and held is not None:
            yield from walk(held, here)
        else:
            yield here, setting, held


def paths(cls: type, path: str = "") -> Iterator[tuple[str, Setting]]:
    """Every setting a class declares, recursively through its parts: (dotted path, declaration)."""
    for attribute, setting in declared(cls):
        here = f"{path}.{attribute.name}" if path else attribute.name
        if setting.kind is Kind.PART:
            yield from paths(setting.part, here)
        else:
            yield here, setting
