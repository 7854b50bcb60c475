"""The choices a request is drawn from, made directly at hypothesis's choice level.

A request in ``mlasim check`` is a few dozen small choices: which requesting State, which measure,
how many documents missing, each uniform of a screening round. Drawn as hypothesis *strategies*
(``st.sampled_from``, ``st.integers(...).map``, ``st.booleans``), each choice costs a strategy
dispatch, a span and validation, several times what the choice itself costs, and that overhead was
most of a check's time. :class:`Choices` makes the same choices with the same distributions
(a bounded integer, its bounds and near-bounds made more likely as ``st.integers`` does; a fair
boolean; an index into a list) straight on the test case's choice sequence, so hypothesis
generates, mutates and shrinks the same kinds of values (an index shrinks to the first option, an
integer and a uniform to 0, a boolean to False).

When the running hypothesis offers no choice-level drawing (another version), every choice falls
back to the equivalent strategy: slower, the same search.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from hypothesis import strategies as st

T = TypeVar("T")

#: A uniform is an integer of 20 bits over 2**20: fine enough for any probability in a scenario.
RESOLUTION = 2**20


def _bound_weights(low: int, high: int) -> dict[int, float] | None:
    """What ``st.integers(low, high)`` does for a wide range: its bounds and near-bounds made more
    likely (a uniform of exactly 0, or just under 1, is tried often)."""
    if high - low <= 127:
        return None
    return {low: 2 / 128, low + 1: 1 / 128, high - 1: 1 / 128, high: 2 / 128}


class Choices:
    """Draws for one test case, at the choice level when hypothesis allows it.

    Built from a composite strategy's ``draw`` (:meth:`of_draw`) or from ``st.data()``
    (:meth:`of_data`).
    """

    __slots__ = ("_draw", "_fast")

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any], fast: Any = None) -> None:
        self._draw = draw
        has = fast is not None and hasattr(fast, "draw_integer") and hasattr(fast, "draw_boolean")
        self._fast = fast if has else None

    @classmethod
    def of_draw(cls, draw: Callable[[st.SearchStrategy[Any]], Any]) -> Choices:
        """From an ``@st.composite`` strategy's ``draw`` (the test case's own drawing method)."""
        return cls(draw, getattr(draw, "__self__", None))

    @classmethod
    def of_data(cls, data: st.DataObject) -> Choices:
        """From ``st.data()``, to draw inside a test."""
        return cls(data.draw, getattr(data, "conjecture_data", None))

    def integer(self, low: int, high: int) -> int:
        """An integer in [low, high], as ``st.integers(low, high)`` draws it; shrinks to ``low``."""
        if self._fast is not None:
            return self._fast.draw_integer(low, high, weights=_bound_weights(low, high))
        return self._draw(st.integers(min_value=low, max_value=high))

    def boolean(self) -> bool:
        """A fair coin, as ``st.booleans()``; shrinks to False."""
        if self._fast is not None:
            return self._fast.draw_boolean()
        return self._draw(st.booleans())

    def real(self, low: float, high: float) -> float:
        """A float in [low, high], as ``st.floats(low, high)``; shrinks to the simplest in range."""
        if self._fast is not None and hasattr(self._fast, "draw_float"):
            return self._fast.draw_float(float(low), float(high), allow_nan=False)
        return self._draw(st.floats(min_value=low, max_value=high))

    def pick(self, options: Sequence[T]) -> T:
        """One of ``options``, as ``st.sampled_from(options)``; shrinks to the first."""
        return options[self.integer(0, len(options) - 1)]

    def unit(self) -> float:
        """A uniform in [0, 1) on a grid of ``RESOLUTION`` (:data:`fine_unit`); shrinks to 0."""
        return self.integer(0, RESOLUTION - 1) / RESOLUTION
