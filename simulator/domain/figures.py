"""Public figures: what published sources say about volumes, durations, grant shares and abuse caught.

A scenario's parameters are mostly assumptions; a few can lean on a published figure (the 6 to 24
months of MLA durations the Council of Europe's T-CY reported, the backlog of the US central
authority, the share of alerts INTERPOL refuses). Each such figure is one entry of
``data/public_figures.toml``, kept with its public source (``url``, and ``document`` where the url is
a summary of it), its year, what it does and does not measure (``measures``) and its **solidity**: A
the official data or document itself, B a reputable secondary source quoting it, C weak (a letter, an
aggregator), fit only as a loose bound.

A scenario file cites one as the source of a parameter's range: ``source = "pf:tcy-mla-duration-2014"``
(:data:`PREFIX` and the entry's id). Calibration targets cite them the same way, by id
(:func:`figure`), so every number the program compares with or rests on names where it comes from.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from importlib import resources

from attrs import frozen

#: How a scenario file cites a public figure as a source: ``"pf:<id>"``.
PREFIX = "pf:"
SOLIDITY = {
    "A": "the official data or document itself",
    "B": "a reputable secondary source quoting the official figure",
    "C": "weak (a letter, an aggregator): a loose bound only",
}


@frozen
class PublicFigure:
    """One published figure, with what it measures and how solid it is."""

    id: str
    quantity: str  # what the figure is, in words
    unit: str
    year: int
    measures: str  # what it does (and, by omission, does not) measure
    url: str
    solidity: str  # A, B or C (see SOLIDITY)
    value: float | None = None
    low: float | None = None  # a published range: low and high
    high: float | None = None
    bound: str | None = None  # "lower": the source says "more than" value
    document: str = ""  # the document the url summarises or mirrors, when it is not the document itself
    note: str = ""
    requests: int | None = None  # the number of requests a share rests on
    of: int | None = None  # the total a count is out of

    @property
    def citation(self) -> str:
        """``pf:<id>``: how a scenario file names this figure."""
        return PREFIX + self.id

    def figure_text(self) -> str:
        """The figure as a reader would say it: ``6 to 24 months, end to end``, ``more than 3000 ...``."""
        if self.low is not None and self.high is not None:
            return f"{self.low:g} to {self.high:g} {self.unit}"
        if self.value is None:
            return self.unit
        more = "more than " if self.bound == "lower" else ""
        return f"{more}{self.value:g} {self.unit}"

    def describe(self) -> str:
        """One line: the quantity, the figure, its year, solidity and source."""
        return f"{self.quantity}: {self.figure_text()} ({self.year}; solidity {self.solidity}); {self.url}"


@functools.cache
def public_figures() -> Mapping[str, PublicFigure]:
    """Every shipped public figure, by id (read once from the package data)."""
    text = resources.files("simulator.domain").joinpath("data/public_figures.toml").read_text("utf-8")
    return {key: PublicFigure(id=key, **entry) for key, entry in tomllib.loads(text).items()}


def figure(citation: str) -> PublicFigure:
    """The figure an id names, with or without its ``pf:`` prefix (a KeyError if there is none)."""
    key = citation[len(PREFIX) :] if citation.startswith(PREFIX) else citation
    return public_figures()[key]


def citations() -> list[str]:
    """Every figure as a scenario file cites it (``pf:<id>``), sorted."""
    return sorted(PREFIX + key for key in public_figures())
