"""Text that fits a terminal: tables and lines of at most :data:`WIDTH` columns.

Every table a command prints goes through :func:`text_table`. When its columns do not fit, the
first column (the row labels: a metric, a provision, a configuration) is wrapped over several lines,
down to :data:`LABEL_MIN` columns; if the table is still too wide, its other columns are cut into
blocks, one after the other, each repeating the row labels (as a wide data frame is printed), so
a comparison of any number of configurations still fits. A prose line longer than the width is
wrapped at spaces with a hanging indent (:func:`wrap`).

Text from a scenario (a name, a label, a value) is *isolated* before it is set among other words
(:func:`isolate`): a right-to-left override inside a name reverses nothing after it.

Numbers are printed so that a difference never hides: :func:`signed` gives one decimal more when a
non-zero value rounds to zero at one decimal, and ``~0`` (never ``-0.0``) for a value that is zero
or below half the last digit it is printed to.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Iterable, Sequence

WIDTH = 100
LABEL_MIN = 24  # the row labels are never wrapped narrower than this
GAP = "  "


def _wrap_cell(text: str, width: int) -> list[str]:
    if len(text) <= width:
        return [text]
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


def _block(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    indent: str,
    label_width: int | None,
    left: Sequence[bool] = (),
) -> list[str]:
    """One table whose first column is wrapped to ``label_width`` (None: not wrapped)."""
    height = max(h.count("\n") for h in header) + 1  # a header may be several lines (bottom-aligned)
    heads = [[""] * (height - h.count("\n") - 1) + h.split("\n") for h in header]
    body = [
        [
            _wrap_cell(row[0], label_width) if label_width is not None else row[0].split("\n"),
            *(c.split("\n") for c in row[1:]),
        ]
        for row in rows
    ]
    wrapped = [heads, *body]
    widths = [max(len(line) for row in wrapped for line in row[j]) for j in range(len(header))]
    lines = []
    for i, row in enumerate(wrapped):
        height = max(len(cell) for cell in row)
        for k in range(height):
            parts = []
            for j, cell in enumerate(row):
                text = cell[k] if k < len(cell) else ""
                flush_left = j == 0 or (j < len(left) and left[j])
                parts.append(text.ljust(widths[j]) if flush_left else text.rjust(widths[j]))
            lines.append(indent + GAP.join(parts).rstrip())
        if i == 0:
            lines.append(indent + GAP.join("-" * w for w in widths))
    return lines


def _width(lines: Iterable[str]) -> int:
    return max((len(line) for line in lines), default=0)


def text_table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    indent: str = "  ",
    width: int = WIDTH,
    left: Sequence[bool] = (),
) -> list[str]:
    """Lines of a table within ``width`` columns: labels left-aligned, the other columns right-aligned
    unless ``left`` says so (one flag per column: text rather than numbers). A cell may hold several
    lines (``\n``).

    Too wide, the row labels are wrapped, then the other columns cut into blocks (see the module
    docstring); each block is separated from the next by an empty line.
    """
    header = [str(h) for h in header]
    rows = [[str(c) for c in row] for row in rows]
    lines = _block(header, rows, indent, None, left)
    if _width(lines) <= width:
        return lines
    columns = list(zip(header, *rows, strict=True))
    widths = [max(len(line) for c in column for line in c.split("\n")) for column in columns]
    others = sum(widths[1:]) + len(GAP) * (len(widths) - 1)
    label = max(LABEL_MIN, width - len(indent) - others)
    if label < widths[0]:
        lines = _block(header, rows, indent, label, left)
        if _width(lines) <= width:
            return lines
    label = min(widths[0], max(LABEL_MIN, (width - len(indent)) // 3))
    blocks, current, used = [], [], len(indent) + label
    for j in range(1, len(header)):
        if current and used + len(GAP) + widths[j] > width:
            blocks.append(current)
            current, used = [], len(indent) + label
        current.append(j)
        used += len(GAP) + widths[j]
    blocks.append(current)
    lines = []
    for b, block in enumerate(blocks):
        if b:
            lines.append("")
        lines += _block(
            [header[0], *(header[j] for j in block)],
            [[row[0], *(row[j] for j in block)] for row in rows],
            indent,
            label,
            [True, *(j < len(left) and left[j] for j in block)],
        )
    return lines


def section(title: str, header: Sequence[str], rows: Sequence[Sequence[str]], table: Callable) -> list[str]:
    """A table under its title, after a blank line (``table`` lays out a header and rows); no rows,
    no section."""
    return ["", title, *table(header, rows)] if rows else []


def wrap(line: str, width: int = WIDTH, indent: str | None = None) -> list[str]:
    """A prose line wrapped at spaces within ``width``; the continuation lines indented as the first
    line's leading spaces plus two (or by ``indent``)."""
    if len(line) <= width:
        return [line]
    lead = line[: len(line) - len(line.lstrip(" "))]
    follow = lead + "  " if indent is None else indent
    return textwrap.wrap(
        line.strip(),
        width,
        initial_indent=lead,
        subsequent_indent=follow,
        break_long_words=True,
        break_on_hyphens=False,
    )


def wrapped(lines: Iterable[str], width: int = WIDTH) -> list[str]:
    """Every line within ``width`` (tables should come from :func:`text_table`, which already fits)."""
    return [part for line in lines for part in (wrap(line, width) if line else [line])]


def decimals_for(value: float, places: int = 1) -> int:
    """The decimals to print ``value`` with: ``places``, or more while a non-zero value rounds to zero
    (up to ``places + 2``)."""
    shown = places
    while shown < places + 2 and value != 0 and round(abs(value), shown) == 0:
        shown += 1
    return shown


def signed(value: float, places: int = 1) -> str:
    """``+1.2``, ``-0.04`` (one decimal more where one would show zero), ``~0`` for zero or a value
    below half the last printed digit; ``n/a`` for NaN."""
    if math.isnan(value):
        return "n/a"
    shown = decimals_for(value, places)
    if round(value, shown) == 0:
        return "~0"
    return f"{value:+.{shown}f}"


#: Bidirectional controls that open an embedding or override (closed by PDF) or an isolate (by PDI).
_EMBEDDINGS, _ISOLATES, _PDF, _PDI = "\u202a\u202b\u202d\u202e", "\u2066\u2067\u2068", "\u202c", "\u2069"


def isolate(value: str) -> str:
    """``value`` with the embeddings and overrides it opens closed, inside a first-strong isolate
    (FSI ... PDI), so its direction cannot spill onto the text around it; unchanged when it holds
    no bidirectional control."""
    if not any(c in value for c in _EMBEDDINGS + _ISOLATES + _PDF + _PDI):
        return value
    stack: list[str] = []
    for char in value:
        if char in _EMBEDDINGS or char in _ISOLATES:
            stack.append(_PDF if char in _EMBEDDINGS else _PDI)
        elif char in (_PDF, _PDI) and stack and stack[-1] == char:
            stack.pop()
    return "\u2068" + value + "".join(reversed(stack)) + _PDI
