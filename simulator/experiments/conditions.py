"""Conditions on metrics as a person writes them: ``pass_through < 0.2 and refusal_rate < 0.05``.

A condition is one or more comparisons joined by ``and``; each compares a metric (a column of a
sweep's summary: its mean over replications) with a number using ``<``, ``<=``, ``>``, ``>=``. Shares
are written as fractions (0.2 for 20%). Nothing else is evaluated: a condition is parsed, never
passed to ``eval``, so a typo is reported, with the metric names a sweep has to offer.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Collection, Mapping

from attrs import frozen

from simulator.files.overrides import OverrideError
from simulator.files.reader import suggestion

OPERATORS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}
_CLAUSE = re.compile(
    r"^\s*([A-Za-z_][\w.\-]*)\s*(<=|>=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$"
)


@frozen
class Comparison:
    """One clause: a metric compared with a number, as ``pass_through < 0.2``."""

    metric: str
    op: str
    value: float

    def holds(self, metric_value: float) -> bool:
        """False for an undefined (NaN) value: a comparison with nothing cannot hold."""
        return bool(OPERATORS[self.op](metric_value, self.value))

    def __str__(self) -> str:
        return f"{self.metric} {self.op} {self.value:g}"


@frozen
class Condition:
    """Comparisons that must all hold (written joined by ``and``)."""

    clauses: tuple[Comparison, ...]

    @property
    def metrics(self) -> tuple[str, ...]:
        """The metrics the clauses name, each once, in the order written."""
        return tuple(dict.fromkeys(c.metric for c in self.clauses))

    def holds(self, values: Mapping[str, float]) -> bool:
        """Whether every clause holds for these metric values (an undefined value, NaN, fails its clause)."""
        return all(c.holds(values[c.metric]) for c in self.clauses)

    def check(self, known: Collection[str], option: str) -> None:
        """Every metric is one of ``known``, or an error naming the nearest."""
        check_metrics(self.metrics, known, option)

    def __str__(self) -> str:
        return " and ".join(str(c) for c in self.clauses)


def check_metrics(names: Collection[str], known: Collection[str], option: str) -> None:
    """Every name is one of ``known``, or a one-line error naming the nearest."""
    for name in names:
        if name not in known:
            raise OverrideError(f"{option}: no metric {name!r}{suggestion(name, known)}")


def parse_condition(text: str, option: str = "--where") -> Condition:
    """``"a < 0.2 and b >= 1"`` -> a :class:`Condition`; one-line error otherwise."""
    clauses = []
    for part in re.split(r"\s+and\s+", text.strip()):
        match = _CLAUSE.match(part)
        if not match:
            raise OverrideError(
                f"{option} {text!r}: cannot read {part.strip()!r}; write METRIC < NUMBER "
                "(or <=, >, >=), joined by 'and'"
            )
        clauses.append(Comparison(match[1], match[2], float(match[3])))
    return Condition(tuple(clauses))
