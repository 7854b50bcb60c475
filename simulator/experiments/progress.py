"""Progress under a notebook cell for the long calls of the public API.

In a Jupyter kernel (or Colab), :func:`simulator.run` and the other long calls draw a bar under the
running cell (replications or tasks done, and the simulated days of the replication running in
this process), unless called with ``progress=False``. A script or a terminal gets no bar from the
API: the command line draws its own (:mod:`simulator.cli.common`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape


def in_notebook() -> bool:
    """Whether this is a Jupyter kernel (or Colab), where a display can be updated under a cell."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    kind = type(shell)
    return shell is not None and (kind.__name__ == "ZMQInteractiveShell" or "google.colab" in str(kind))


@contextmanager
def notebook_progress(
    progress: bool | None, description: str, total: int
) -> Iterator[NotebookProgress | None]:
    """In a notebook, unless ``progress`` is False: a :class:`NotebookProgress`, finished on leaving.

    Elsewhere None (a script or a terminal gets no bar from the API; the command line has its own).
    """
    if progress is False or not in_notebook():
        yield None
        return
    bar = NotebookProgress(description, total)
    try:
        yield bar
    finally:
        bar.finish()


class NotebookProgress:
    """A bar under the running cell: finished out of all, the simulated days, the time taken.

    Drawn as HTML through IPython's updatable display (``display_id``), which every Jupyter front
    end renders; rich's live display would need ipywidgets, which mlasim does not depend on. Updated
    at most every :attr:`EVERY` seconds.
    """

    EVERY = 0.25

    def __init__(self, description: str, total: int) -> None:
        from IPython.display import HTML, display

        self._html = HTML
        self.description = description
        self.total, self.done = total, 0
        self.days_done, self.days_total = 0.0, 0.0
        self.started = self.shown = time.monotonic()
        self.finished = False
        self.handle = display(HTML(self.html()), display_id=True)

    def __call__(self, steps: int, total: int | None = None) -> None:
        """``steps`` more finished (out of ``total``, when the caller knows it better now)."""
        self.done += steps
        if total is not None:
            self.total = total
        self.refresh()

    def days(self, done: float, total: float) -> None:
        """The replication running in this process has simulated ``done`` of ``total`` days."""
        self.days_done, self.days_total = done, total
        self.refresh()

    def refresh(self, now: bool = False) -> None:
        """Redraw the bar, unless it was drawn less than :attr:`EVERY` seconds ago (``now``: at once)."""
        if now or time.monotonic() - self.shown >= self.EVERY:
            self.shown = time.monotonic()
            self.handle.update(self._html(self.html()))

    def finish(self) -> None:
        """Draw the bar a last time: finished out of all, and the time taken."""
        self.finished = True
        self.refresh(now=True)

    def html(self) -> str:
        """The bar as HTML: a progress element (the simulated days while a replication runs, else the
        share finished) and its words."""
        total = max(self.total, self.done)  # a comparison to a precision adds replications
        fraction = self.done / total if total else 1.0
        words = f"{self.done}/{total} {self.description}"
        if self.days_total and not self.finished:
            fraction = self.days_done / self.days_total
            words += f", simulated days {self.days_done:,.0f} of {self.days_total:,.0f}"
        words += f" ({time.monotonic() - self.started:.0f} s{'' if self.finished else ' so far'})"
        return (
            f'<div class="mlasim-progress"><progress value="{fraction:.4f}" max="1"></progress> '
            f"{escape(words)}</div>"
        )
