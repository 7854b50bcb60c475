"""The choices a request is drawn from, made directly on hypothesis's test case.

A request in ``mlasim check`` is a few dozen small choices: which requesting State, which measure,
how many documents missing, each uniform of a screening round. Drawn through hypothesis
*strategies* (``st.sampled_from``, ``st.integers(...).map``, ``st.booleans``), each choice costs a
strategy dispatch (validation, bookkeeping, a check of the global random state) several times what
the choice itself costs, and that overhead was most of a check's time. :class:`Choices` makes each
choice the way the strategy it stands for makes it: the same choice (an index, a bounded integer
whose bounds and near-bounds are made more likely, a fair coin, a bounded float) in the same spans
under the same labels. The spans matter: hypothesis's mutator copies one span's choices over
another span of the same label (it finds many counterexamples by copying a large uniform into the
slot that needs one), and its shrinker works on them. With the same choices in the same spans,
hypothesis generates, mutates and shrinks exactly as it did through the strategies: for a seed,
a check tries the same requests and finds the same counterexamples, only faster.

When the running hypothesis offers no choice-level drawing (another version), every choice falls
back to the strategy it stands for: slower, the same search.
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


#: A uniform as a strategy: what :meth:`Choices.unit` stands for.
fine_unit = st.integers(min_value=0, max_value=RESOLUTION - 1).map(lambda i: i / RESOLUTION)

#: The span labels of the strategies the choices stand for, as hypothesis computes them.
_UNIT = fine_unit.label
_INTEGER = st.integers(min_value=0, max_value=1).label  # every st.integers has its class's label
_BOOLEAN = st.booleans().label
try:  # the span a mapped strategy opens around its draw
    from hypothesis.strategies._internal.strategies import MAPPED_SEARCH_STRATEGY_DO_DRAW_LABEL as _MAPPED
except ImportError:  # another hypothesis version: then no choice-level drawing either (see Choices)
    _MAPPED = None


def pick_label(options: Sequence[Any]) -> int:
    """The label ``st.sampled_from(options)`` draws under (``st.just``'s for a single option), asked of
    hypothesis once per options: it depends on the options that can be hashed."""
    try:
        key: tuple = (tuple(options),)
        label = _PICKS.get(key)
    except TypeError:  # some cannot be hashed: hypothesis labels by those that can
        key = ("some", len(options) == 1, tuple(option for option in options if _hashable(option)))
        label = _PICKS.get(key)
    if label is None:
        label = _PICKS[key] = st.sampled_from(options).label
    return label


_PICKS: dict[tuple, int] = {}


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


_FLOATS: dict[tuple[float, float], Any] = {}


def _floats(low: float, high: float) -> Any:
    """The float strategy ``st.floats(low, high)`` stands for (its bounds, its smallest magnitude), or
    None if it is not one plain float strategy."""
    key = (low, high)
    if key not in _FLOATS:
        inner = getattr(st.floats(min_value=low, max_value=high), "wrapped_strategy", None)
        plain = all(hasattr(inner, name) for name in ("min_value", "max_value", "smallest_nonzero_magnitude"))
        _FLOATS[key] = inner if plain and hasattr(inner, "allow_nan") else None
    return _FLOATS[key]


_CHOICE_LEVEL = ("draw_integer", "draw_boolean", "draw_float", "start_span", "stop_span")


def _choice_level(data: Any) -> Any:
    """The test case itself, if choices can be made on it directly (else None: draw strategies)."""
    if data is None or _MAPPED is None or not all(hasattr(data, name) for name in _CHOICE_LEVEL):
        return None
    return data


class Choices:
    """Draws for one test case, at the choice level when hypothesis allows it.

    Built from a composite strategy's ``draw`` (:meth:`of_draw`) or from ``st.data()``
    (:meth:`of_data`). Each choice is made in a span of its kind, as a strategy's draw is.
    """

    __slots__ = ("_draw", "_fast")

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any], fast: Any = None) -> None:
        self._draw = draw
        self._fast = _choice_level(fast)

    @classmethod
    def of_draw(cls, draw: Callable[[st.SearchStrategy[Any]], Any]) -> Choices:
        """From an ``@st.composite`` strategy's ``draw`` (the test case's own drawing method)."""
        return cls(draw, getattr(draw, "__self__", None))

    @classmethod
    def of_data(cls, data: st.DataObject) -> Choices:
        """From ``st.data()``, to draw inside a test."""
        return cls(data.draw, getattr(data, "conjecture_data", None))

    def _integer(self, low: int, high: int) -> int:
        fast = self._fast
        fast.start_span(_INTEGER)
        value = fast.draw_integer(low, high, weights=_bound_weights(low, high))
        fast.stop_span()
        return value

    def integer(self, low: int, high: int) -> int:
        """An integer in [low, high], as ``st.integers(low, high)`` draws it; shrinks to ``low``."""
        if self._fast is not None:
            return self._integer(low, high)
        return self._draw(st.integers(min_value=low, max_value=high))

    def boolean(self) -> bool:
        """A fair coin, as ``st.booleans()``; shrinks to False."""
        if self._fast is not None:
            self._fast.start_span(_BOOLEAN)
            value = self._fast.draw_boolean()
            self._fast.stop_span()
            return value
        return self._draw(st.booleans())

    def real(self, low: float, high: float) -> float:
        """A float in [low, high], as ``st.floats(low, high)``; shrinks to the simplest in range."""
        floats = _floats(low, high)
        if self._fast is not None and floats is not None:
            self._fast.start_span(floats.label)
            value = self._fast.draw_float(
                floats.min_value,
                floats.max_value,
                allow_nan=floats.allow_nan,
                smallest_nonzero_magnitude=floats.smallest_nonzero_magnitude,
            )
            self._fast.stop_span()
            return value
        return self._draw(st.floats(min_value=low, max_value=high))

    def pick(self, options: Sequence[T], label: int | None = None) -> T:
        """One of ``options``, as ``st.sampled_from(options)``; shrinks to the first. One option is
        no choice at all, as ``st.sampled_from([x])`` is ``st.just(x)``. ``label``: the options'
        :func:`pick_label`, for a caller that picks from the same options again and again."""
        if self._fast is None:
            return self._draw(st.sampled_from(options))
        fast = self._fast
        fast.start_span(pick_label(options) if label is None else label)
        index = 0 if len(options) == 1 else fast.draw_integer(0, len(options) - 1)
        fast.stop_span()
        return options[index]

    def unit(self) -> float:
        """A uniform in [0, 1) on a grid of ``RESOLUTION`` (:data:`fine_unit`); shrinks to 0."""
        if self._fast is not None:  # as fine_unit: a mapped span around an integer's
            fast = self._fast
            fast.start_span(_UNIT)
            fast.start_span(_MAPPED)
            value = self._integer(0, RESOLUTION - 1)
            fast.stop_span()
            fast.stop_span()
            return value / RESOLUTION
        return self._draw(fine_unit)
