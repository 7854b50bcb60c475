"""How an experiment runs: where (workers, a Dask scheduler), what it tells the user, within what limits.

An :class:`Execution` holds every setting of *how* work runs that is not *what* is computed: the
local worker processes (``--workers``) or the Dask scheduler (``--scheduler``), the progress display,
the line announcing the backend, the notes (a task file recomputed), and the :class:`Limits` of the
command (``--allow-large``). The command line builds it once and passes it, as one argument, to
every experiment (``run``, ``compare``, sweeps, sensitivity studies) and to ``check``; the results
never depend on it (every replication draws from its own streams). This follows the EMA Workbench's
evaluators, which carry the execution settings of an experiment on one object.

``progress`` is told finished work: ``progress(steps)`` (replications) or ``progress(steps, total)``
(tasks). For :func:`simulator.experiments.run.run`, ``None`` shows a small bar in a Jupyter notebook
and nothing elsewhere, ``False`` nothing; ``days(done, total)`` is told the simulated days covered
by the replications running in this process.

The public functions of ``simulator`` still take the settings one by one (``workers=``,
``scheduler=``...), as they did: :func:`execution_of` turns them into an :class:`Execution`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from attrs import frozen

from simulator.experiments.executors import Backend, backend
from simulator.files.limits import DEFAULT_LIMITS, Limits

#: The settings the public functions took one by one before :class:`Execution`.
SETTINGS = ("workers", "scheduler", "progress", "announce", "note", "days")


@frozen
class Execution:
    """Where an experiment's work runs, what it tells the user, and the limits it keeps."""

    workers: int | None = 1  # local worker processes; None: every core when the work pays for them
    scheduler: str | None = None  # a Dask scheduler's address, or "local"
    progress: Callable[..., None] | bool | None = None
    announce: Callable[[str], None] | None = None  # told the backend chosen, before work starts
    note: Callable[[str], None] | None = None  # told remarks that are not errors
    days: Callable[[float, float], None] | None = None
    limits: Limits = DEFAULT_LIMITS

    def backend(self, work: float | None = None) -> Backend:
        """The backend for ``work`` simulated requests (:func:`simulator.experiments.executors.backend`)."""
        return backend(self.workers, self.scheduler, work=work)

    def tell(self, line: str) -> None:
        """Pass a note on (nothing when there is no one to tell)."""
        if self.note is not None:
            self.note(line)

    def told(self, steps: int, total: int | None = None) -> None:
        """Tell the progress display of finished work (nothing without a callable display)."""
        if callable(self.progress):
            if total is None:
                self.progress(steps)
            else:
                self.progress(steps, total)

    def but(self, **changes: Any) -> Execution:
        """This execution with some settings changed."""
        return attrs.evolve(self, **changes)


#: The execution of the Python API's defaults: one process, no display, the default limits.
DEFAULT_EXECUTION = Execution()


def execution_of(execution: Execution | None = None, **settings: Any) -> Execution:
    """The :class:`Execution` of a public function's call: ``execution``, or the settings it was
    given one by one (``workers=2, scheduler=None`` ...: :data:`SETTINGS`, with ``limits``), not both.
    A setting given at its default value counts as not given."""
    defaults = {field.name: field.default for field in attrs.fields(Execution)}
    unknown = sorted(set(settings) - set(defaults))
    if unknown:
        raise TypeError(f"unexpected keyword argument {unknown[0]!r}")
    given = {name: value for name, value in settings.items() if value is not defaults[name]}
    if execution is None:
        return Execution(**given)
    if not isinstance(execution, Execution):
        raise TypeError(
            f"execution must be an Execution, not {type(execution).__name__} (pass workers= by name)"
        )
    if given:
        raise TypeError(f"give either execution= or {', '.join(f'{name}=' for name in given)}, not both")
    return execution
