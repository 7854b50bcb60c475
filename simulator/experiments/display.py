"""How results show themselves in a notebook and at a prompt: a short text and a compact HTML table.

A result object's ``repr`` is a few lines (what was run, the headline numbers with their
intervals), not its thousands of per-replication values. In Jupyter, ``_repr_html_`` gives a compact
table and, when the reporting layer is loaded (``import simulator`` loads it), the headline figure.

The experiments layer cannot import the reporting layer, so the figure comes through a registry:
:mod:`simulator.reporting.notebook` registers a renderer per kind of result, and this module calls
it when present. Without one, the table alone is shown.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from simulator.experiments.stats import Estimate

#: kind of result ("run", "comparison", "sweep", "check") -> function giving the HTML of its figure
FIGURES: dict[str, Callable[[Any], str]] = {}


def register_figure(kind: str, renderer: Callable[[Any], str]) -> None:
    """Show ``renderer(result)`` (HTML) under the table of every result of this kind."""
    FIGURES[kind] = renderer


def format_value(value: float, kind: str) -> str:
    """A share as a percentage, days to one decimal, a count with thousands separators."""
    if math.isnan(value):
        return "n/a"
    if kind == "share":
        return f"{100 * value:.1f}%"
    if kind == "days":
        return f"{value:.1f}"
    return f"{value:.1f}" if abs(value) < 1000 else f"{value:,.0f}"


def format_estimate(est: Estimate, kind: str) -> str:
    """``31.2% [28.1%, 34.3%]``; without an interval when fewer than two replications had a value."""
    mean = format_value(est.mean, kind)
    if math.isnan(est.ci_low):
        return mean if est.n else "n/a"
    return f"{mean} [{format_value(est.ci_low, kind)}, {format_value(est.ci_high, kind)}]"


def html_table(caption: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A small HTML table, every cell escaped."""
    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f"<table><caption style='text-align:left'>{escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def html(kind: str, result: Any, table: str) -> str:
    """The table, followed by the registered figure of this kind of result (if any)."""
    renderer = FIGURES.get(kind)
    if renderer is None:
        return table
    try:
        figure = renderer(result)
    except Exception as error:  # a figure must never hide the numbers
        figure = f"<p>(figure not drawn: {escape(type(error).__name__)})</p>"
    return f"<div>{table}{figure}</div>"


def counted(count: int, noun: str) -> str:
    """``1 replication``, ``2 replications``."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
