"""Reading untrusted TOML tables with precise, collected error messages.

A scenario file is user input. Every problem in it should come back as one line naming the file,
the dotted path of the field (``requesting_state[1].abuse.disguise.a``) and what is wrong, with a
"did you mean" for misspelt keys and names. :class:`Table` wraps one TOML table: each accessor
checks a value's type and range, records a :class:`Problem` when it is wrong and returns a harmless
fallback so reading goes on and the user learns of every problem at once. Keys nobody asked for
are reported by :meth:`Table.finish`.
"""

from __future__ import annotations

import difflib
import enum
import math
from collections.abc import Callable, Collection, Iterator, Mapping
from functools import partial
from typing import Any, TypeVar

from attrs import frozen

from simulator.files.parameters import ASSUMPTION, Parameter, Parameters, spread_problems

E = TypeVar("E", bound=enum.Enum)
_MISSING: Any = object()
#: Pass as ``default`` to make a key required.
REQUIRED: Any = _MISSING


@frozen
class Problem:
    """One thing wrong in a file: the file, the dotted path of the field, what is wrong."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class ScenarioError(Exception):
    """A scenario file (or a set of overrides) that cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems

    def one_line(self) -> str:
        """The first problem, with a count of the others: what a command prints before exiting 2."""
        first = str(self.problems[0])
        rest = len(self.problems) - 1
        if rest:
            first += f" (and {rest} more problem{'s' if rest > 1 else ''}: see 'mlasim validate')"
        return first


def suggestion(word: str, choices: Collection[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices`` to a misspelt ``word``, or nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _type_name(value: object) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def number_problem(
    value: Any,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    positive: bool = False,
    integer: bool = False,
    bound: Callable[[float], str | None] | None = None,
) -> str | None:
    """Why ``value`` is not a number that passes these checks, or None."""
    kind = "an integer" if integer else "a number"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"must be {kind}, not {_type_name(value)}"
    if integer and not isinstance(value, int):
        return f"must be {kind}, not {value!r}"
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number, not {value}"
    if positive and value <= 0:
        return f"must be greater than 0, not {value}"
    if minimum is not None and value < minimum:
        return f"must be at least {minimum:g}, not {value}"
    if maximum is not None and value > maximum:
        return f"must be at most {maximum:g}, not {value}"
    return bound(value) if bound is not None else None


def _probability_problem(value: float) -> str | None:
    return None if 0.0 <= value <= 1.0 else f"must be a probability between 0 and 1, not {value}"


def _entry_key(item: Mapping[str, Any], index: int) -> str:
    """How an override names entry ``index`` of an array of tables: its ``id``, else its index."""
    identifier = item.get("id")
    return identifier if isinstance(identifier, str) and identifier and "." not in identifier else str(index)


class Table:
    """One TOML table being read, with its dotted path and the problem list it reports into."""

    def __init__(
        self,
        data: Mapping[str, Any],
        path: str,
        file: str,
        problems: list[Problem],
        *,
        key: str | None = None,
        parameters: Parameters | None = None,
    ) -> None:
        self.data = data
        self.path = path
        self.file = file
        self.problems = problems
        self.used: set[str] = set()
        self.missing: dict[str, int] = {}  # required keys not found -> index of their problem
        #: the dotted key an override gives this table (entries of an array by their ``id``)
        self.key = path if key is None else key
        #: where the numbers read are recorded; None: a number must be plain (no range, no source)
        self.parameters = parameters

    def where(self, key: str | int) -> str:
        """The dotted path of ``key`` (an index of an array: ``path[i]``) in this table."""
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    def dotted(self, key: str) -> str:
        """The dotted key an override uses for ``key`` of this table."""
        return f"{self.key}.{key}" if self.key else key

    def child(self, data: Mapping[str, Any], path: str, key: str, ranges: bool = True) -> Table:
        """A nested table, reporting into the same problems (``ranges``: its numbers recorded too)."""
        return Table(
            data, path, self.file, self.problems, key=key, parameters=self.parameters if ranges else None
        )

    def problem(self, key: str | int | None, message: str) -> None:
        """Report ``message`` about ``key`` of this table (None: about the table itself)."""
        path = self.path if key is None else self.where(key)
        self.problems.append(Problem(self.file, path, message))

    def has(self, key: str) -> bool:
        """Whether the table holds ``key``."""
        return key in self.data

    def _raw(self, key: str, default: Any) -> Any:
        self.used.add(key)
        if key not in self.data:
            if default is _MISSING:
                self.missing[key] = len(self.problems)
                self.problem(key, "is required")
            return _MISSING
        return self.data[key]

    # --- scalars ----------------------------------------------------------------------------------
    def text(self, key: str, default: Any = _MISSING) -> str:
        """A string (``default`` when absent; required when no default)."""
        value = self._raw(key, default)
        if value is _MISSING:
            return default if default is not _MISSING else ""
        if not isinstance(value, str):
            self.problem(key, f"must be a string, not {_type_name(value)}")
            return ""
        return value

    def flag(self, key: str, default: Any = _MISSING) -> bool:
        """``true`` or ``false`` (``default`` when absent; required when no default)."""
        value = self._raw(key, default)
        if value is _MISSING:
            return bool(default) if default is not _MISSING else False
        if not isinstance(value, bool):
            self.problem(key, f"must be true or false, not {_type_name(value)}")
            return False
        return value

    def number(
        self,
        key: str,
        default: Any = _MISSING,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        positive: bool = False,
        integer: bool = False,
        bound: Callable[[float], str | None] | None = None,
        meaning: str = "",
        unit: str = "",
    ) -> float:
        """A number (``bound``: a declared setting's own check; ``meaning``, ``unit``: what it is).

        Where numbers are recorded (a scenario's tables), the number may also be written as a table
        with a range and a source (:mod:`simulator.files.parameters`): ``value``, ``low`` and ``high``
        are each held to the same checks, and the central ``value`` is what is returned.
        """
        value = self._raw(key, default)
        fallback = default if default is not _MISSING else (minimum or 1)
        if value is _MISSING:
            return fallback
        check = partial(
            number_problem,
            minimum=minimum,
            maximum=maximum,
            positive=positive,
            integer=integer,
            bound=bound,
        )
        if isinstance(value, dict) and self.parameters is not None:
            return self._ranged(key, value, fallback, check, integer, meaning, unit)
        problem = check(value)
        if problem:
            self.problem(key, problem)
            return fallback
        if self.parameters is not None:
            about = {"integer": integer, "meaning": meaning, "unit": unit, "check": check}
            self.parameters.add(Parameter(self.dotted(key), self.where(key), value, **about))
        return value

    def _ranged(
        self,
        key: str,
        spec: Mapping[str, Any],
        fallback: float,
        check: Callable[[Any], str | None],
        integer: bool,
        meaning: str,
        unit: str,
    ) -> float:
        """A number written as ``{ value, low, high, source, distribution }``."""
        assert self.parameters is not None
        table = self.child(spec, self.where(key), self.dotted(key), ranges=False)
        before = len(self.problems)
        values = {}
        for part in ("value", "low", "high"):
            raw = table._raw(part, _MISSING if part == "value" else None)
            if raw is _MISSING or raw is None:
                values[part] = None
                continue
            problem = check(raw)
            if problem:
                table.problem(part, problem)
            values[part] = raw
        source = table.text("source", ASSUMPTION)
        spread = table.text("distribution", "uniform")
        table.finish()
        central, low, high = values["value"], values["low"], values["high"]
        if len(self.problems) > before or central is None:
            return fallback
        for part, message in spread_problems(central, low, high, spread):
            table.problem(part, message)
        problem = self.parameters.source_problem(source)
        if problem:
            table.problem("source", problem)
        if len(self.problems) > before:
            return fallback
        where = (self.dotted(key), self.where(key))
        recorded = Parameter(*where, central, low, high, source, spread, integer, True, meaning, unit, check)
        self.parameters.add(recorded)
        return central

    def probability(self, key: str, default: Any = _MISSING) -> float:
        """A number between 0 and 1."""
        return self.number(key, default, bound=_probability_problem)

    def choice(self, key: str, enum_type: type[E], default: Any = _MISSING) -> E:
        """A member of ``enum_type``, written as its name or value (``default`` when absent)."""
        value = self._raw(key, default)
        if value is _MISSING:
            return default if default is not _MISSING else next(iter(enum_type))
        names = {member.name.lower(): member for member in enum_type}
        names.update({str(member.value): member for member in enum_type})
        if isinstance(value, str) and value in names:
            return names[value]
        allowed = [m.name.lower() for m in enum_type]
        hint = suggestion(value, allowed) if isinstance(value, str) else ""
        self.problem(key, f"must be one of {', '.join(allowed)}, not {value!r}{hint}")
        return next(iter(enum_type))

    def names(self, key: str, allowed: Collection[str], default: Any = _MISSING) -> tuple[str, ...]:
        """An array of names, each one of ``allowed``."""
        value = self._raw(key, default)
        if value is _MISSING:
            return tuple(default) if default is not _MISSING else ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(key, "must be an array of strings")
            return ()
        good = []
        for i, name in enumerate(value):
            if name in allowed:
                good.append(name)
            else:
                self.problem(key, f"item {i}: unknown name {name!r}{suggestion(name, allowed)}")
        return tuple(good)

    # --- nested tables ----------------------------------------------------------------------------
    def table(self, key: str, required: bool = False, ranges: bool = True) -> Table:
        """A nested table (``ranges`` False: its numbers must be plain, as the run's settings are)."""
        value = self._raw(key, _MISSING if required else None)
        if value is _MISSING or value is None:
            return self.child({}, self.where(key), self.dotted(key), ranges)
        if not isinstance(value, dict):
            self.problem(key, f"must be a table, not {_type_name(value)}")
            return self.child({}, self.where(key), self.dotted(key), ranges)
        return self.child(value, self.where(key), self.dotted(key), ranges)

    def tables(self, key: str, required: bool = False) -> list[Table]:
        """An array of tables (``[[key]]``)."""
        value = self._raw(key, _MISSING if required else None)
        if value is _MISSING or value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(key, "must be an array of tables ([[...]] entries)")
            return []
        if required and not value:
            self.problem(key, "needs at least one entry")
        where = self.where(key)
        return [
            self.child(item, f"{where}[{i}]", f"{self.dotted(key)}.{_entry_key(item, i)}")
            for i, item in enumerate(value)
        ]

    def weights(self, key: str, allowed: Collection[str], default: Any = _MISSING) -> dict:
        """A table of name = non-negative weight, names from ``allowed``, weights not all zero."""
        sub = self._raw(key, default)
        if sub is _MISSING:
            return dict(default) if default is not _MISSING else {}
        if not isinstance(sub, dict):
            self.problem(key, f"must be a table of name = weight, not {_type_name(sub)}")
            return {}
        table = self.child(sub, self.where(key), self.dotted(key))
        result = {name: table.number(name, minimum=0) for name in table.named(allowed, "name")}
        if result and sum(result.values()) <= 0:
            self.problem(key, "weights must not all be zero")
            return {}
        if not math.isfinite(sum(result.values())):
            self.problem(
                key, "weights are too large: their sum is not a finite number (use shares, e.g. 0.3)"
            )
            return {}
        if not sub:
            self.problem(key, "needs at least one name = weight entry")
        return result

    def named(self, allowed: Collection[str], what: str) -> Iterator[str]:
        """This table's keys that are names from ``allowed``, in order; each other key is reported, as it
        comes, as an unknown ``what``."""
        for name in self.data:
            if name in allowed:
                yield name
            else:
                self.problem(name, f"unknown {what}{suggestion(name, allowed)}")
                self.used.add(name)

    def finish(self) -> None:
        """Report keys that were present but never read (misspellings, unsupported options).

        A misspelt required key is one line: the unknown key, the one it resembles, and that the
        latter is required (not a bare "is required" that hides the typo)."""
        known = self.used
        for key in self.data:
            if key in known:
                continue
            close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
            if close and close[0] in self.missing:
                where, meant = self.missing.pop(close[0]), close[0]
                message = f"unknown key (did you mean '{meant}'?); {meant} is required"
                self.problems[where] = Problem(self.file, self.where(key), message)
            else:
                self.problem(key, f"unknown key{suggestion(key, known)}")
