"""The hypothesis search behind ``mlasim check``, kept apart from what it searches for.

- :func:`search` runs one hypothesis search, deterministic for a seed, writing no example database
  and seeing none of mlasim's own literals (:func:`no_local_constants`), so that what a check finds
  depends only on the scenario, the property and the seed; it leaves the global random generators
  alone (:func:`global_randoms_untouched`), which nothing a search runs reads, and keeps the cyclic
  garbage collector to what the search allocates (:func:`heap_frozen`);
- :class:`LazyRounds` and :class:`LazyBlock` give a request's life its draws round by round, each
  drawn from hypothesis only when the life first reads it (most lives have one or two rounds), and
  aim the first round's chance events (a disguise seen through, a person recognised) at the
  combinations a property is about.
"""

from __future__ import annotations

import atexit
import gc
import shutil
import tempfile
from collections.abc import Sequence
from contextlib import contextmanager, nullcontext

from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis import given as for_all
from hypothesis import seed as with_seed
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from simulator.checking.properties import Case
from simulator.checking.strategies import UNTIMED_SERVICE, slot_value
from simulator.checking.strategies.choices import Choices
from simulator.domain.catalogue import load as load_catalogue
from simulator.world.requesters import ROUND_SLOTS, RoundSlot


class Violation(AssertionError):
    """Raised by a search's test when a request breaks the property, so that hypothesis shrinks it."""

    pass


@contextmanager
def private_storage():
    """Keep hypothesis's files (example database, caches) out of the user's directory: in a temporary
    directory of this process (one for all its searches, removed when it exits)."""
    with no_local_constants():
        set_hypothesis_home_dir(_private_home())
        try:
            yield
        finally:
            set_hypothesis_home_dir(None)


_HOME: list[str] = []


def _private_home() -> str:
    if not _HOME:
        _HOME.append(tempfile.mkdtemp(prefix="mlasim-check-"))
        atexit.register(shutil.rmtree, _HOME[0], True)
    return _HOME[0]


@contextmanager
def no_local_constants():
    """Keep the search independent of which of mlasim's modules happen to be loaded.

    Hypothesis seeds its draws with number and string literals it finds in the *local* modules
    loaded (those outside site-packages): with mlasim installed editable, loading one more module of
    it (or adding a literal anywhere in it) would change what a check finds for the same seed. The
    search here sees no local constants, only hypothesis's own.
    """
    try:
        from hypothesis.internal.conjecture import providers

        original = providers._get_local_constants
    except (ImportError, AttributeError):  # another hypothesis version: nothing to switch off
        yield
        return
    providers._get_local_constants = providers.Constants
    providers.CONSTANTS_CACHE.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = original
        providers.CONSTANTS_CACHE.cache.clear()


@contextmanager
def global_randoms_untouched():
    """Skip hypothesis's care for the global random generators, which costs an eighth of a search.

    Around every test case hypothesis saves the state of the ``random`` module's generator, its own
    and numpy's global one, seeds them, and restores them afterwards; around every draw of the test's
    arguments it compares the ``random`` module's state before and after (to warn of a strategy that
    uses it). That is for tests that use the global generators. Nothing a check runs does (mlasim's
    randomness comes only from the numpy Generators passed to it, and hypothesis draws from its own
    engine's generator), so the search is the same without it: the same test cases, in the same
    order, with the same outcomes.
    """
    try:
        from hypothesis import control, core
        from hypothesis.strategies._internal import core as strategies_core

        originals = (
            core.deterministic_PRNG,
            control.deprecate_random_in_strategy,
            strategies_core.deprecate_random_in_strategy,
        )
    except (ImportError, AttributeError):  # another hypothesis version: leave it as it is
        yield
        return
    core.deterministic_PRNG = _unseeded
    control.deprecate_random_in_strategy = strategies_core.deprecate_random_in_strategy = _unwatched
    try:
        yield
    finally:
        (
            core.deterministic_PRNG,
            control.deprecate_random_in_strategy,
            strategies_core.deprecate_random_in_strategy,
        ) = originals


@contextmanager
def heap_frozen():
    """Keep the cyclic garbage collector's full collections off what was there before the search.

    A search allocates a great deal (a test case, its choices and spans, hypothesis's tree of what it
    tried), so the collector runs often, and now and then a full collection goes through every
    object of the process: numpy, scipy, simpy, hypothesis and mlasim's modules, some 70 ms each
    time, an eighth of a search's time. Frozen (:func:`gc.freeze`), those objects are left out of
    collections until the search ends; what the search allocates is collected as usual. Nothing is
    collected that would not be, only later; what a search finds does not depend on when the
    collector runs. Left as it is when something else has frozen objects.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _unseeded(seed: int = 0) -> nullcontext:
    return nullcontext()


def _unwatched(fmt: str, *args: object) -> nullcontext:
    return nullcontext()


def search(strategy, test, max_examples: int, seed: int) -> None:
    """Run ``test`` on up to ``max_examples`` examples of ``strategy``, deterministic for ``seed``.

    Returns when every example passes; otherwise raises what ``test`` raised on the simplest failing
    example hypothesis shrank to (hypothesis's ``Unsatisfiable`` if it rejected every example).
    """
    run = settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        print_blob=False,
        report_multiple_bugs=False,
        # no "explain" phase: it costs more than the search and the trace explains the example
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    )(with_seed(seed)(for_all(strategy)(test)))
    with private_storage(), global_randoms_untouched(), heap_frozen():
        run()


class LazyBlock(Sequence):
    """One round's draws, each drawn from hypothesis only when the life first reads it.

    Draws shrink towards 0, which means "nothing unusual": every chance event happens but a
    postponement. For the first round, whether the reviewer sees through the disguise and whether it
    recognises the person are drawn as events with their probability for this request (``events``),
    so that hypothesis can aim at a combination of signals instead of waiting for it by chance; there
    they shrink towards "not seen".
    """

    def __init__(self, data: st.DataObject | Choices, events: dict[int, float] | None = None) -> None:
        self.choose = data if isinstance(data, Choices) else Choices.of_data(data)
        self.events = events or {}
        self.values: dict[int, float] = {}

    def __len__(self) -> int:
        return ROUND_SLOTS

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(ROUND_SLOTS))]
        if index >= RoundSlot.SERVICE:
            return UNTIMED_SERVICE
        if index not in self.values:
            self.values[index] = self._draw(index)
        return self.values[index]

    def _draw(self, index: int) -> float:
        value = self.choose.unit()
        if index in self.events:
            p = self.events[index]
            happens = self.choose.boolean()
            return value * p if happens else p + value * (1.0 - p)
        return slot_value(index, value)


class LazyRounds:
    """Round draws drawn from hypothesis only when a round happens (most lives have one or two)."""

    def __init__(self, data: st.DataObject, case: Case) -> None:
        self.choose = Choices.of_data(data)
        visibility = load_catalogue().targets[case.request.truth.target].visibility
        self.first_events = {RoundSlot.TARGET_RECOGNITION: visibility * case.thoroughness}
        if case.request.truth.conduct != case.request.submission.offence:
            self.first_events[RoundSlot.SEE_THROUGH] = (1.0 - case.request.truth.disguise) * case.thoroughness
        self.blocks: list[LazyBlock] = []

    def __call__(self, index: int) -> Sequence[float]:
        """The draws of round ``index`` (0 the first), each drawn when the life first reads it."""
        while len(self.blocks) <= index:
            self.blocks.append(LazyBlock(self.choose, None if self.blocks else self.first_events))
        return self.blocks[index]

    def drawn(self) -> tuple[tuple[float, ...], ...]:
        """The rounds as the life read them, one full block each (for :class:`Case` ``rounds``), drawing
        nothing more: a slot the life never read gets the value a 0 draw gives (reading the life
        again reads the same slots, so that value is never used)."""
        blocks = self.blocks or [LazyBlock(self.choose)]
        return tuple(
            tuple(
                block.values.get(i, slot_value(i, 0.0)) if i < RoundSlot.SERVICE else UNTIMED_SERVICE
                for i in range(ROUND_SLOTS)
            )
            for block in blocks
        )
