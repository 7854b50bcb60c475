"""Presenting what a scenario rests on: each parameter, its range, its source and its weight.

``mlasim assumptions FILE`` prints the parameters with a declared range first, ranked by the largest
share of a headline metric's spread each explains, with its value, range and source; then the count
of the numbers that are plain assumptions (``--all`` lists them); then what each cited source is.
"""

from __future__ import annotations

import json
import math

from simulator.domain.figures import SOLIDITY, public_figures
from simulator.experiments.display import counted
from simulator.experiments.screening import Screening, Weight
from simulator.reporting.tables import isolate, text_table, wrapped
from simulator.world.metrics import catalogue

SHORT = {
    "abuse_pass_through": "abuse",
    "legitimate_refusal_rate": "refusals",
    "legitimate_days_median": "days",
}


def share_text(weight: Weight, metric: str) -> str:
    """``41%`` (``(3%)`` in brackets when it cannot be told from no effect); ``-`` not screened."""
    value = weight.shares.get(metric, math.nan)
    if math.isnan(value):
        return "-"
    text = f"{100 * value:.0f}%"
    return text if weight.distinct.get(metric) else f"({text})"


def value_text(value: float) -> str:
    """A parameter's value in four significant digits (thousands separated)."""
    return f"{value:,.4g}" if abs(value) >= 1000 else f"{value:.4g}"


#: The parameter column is cut at dots into lines of at most this many characters.
KEY_WIDTH = 30


def key_lines(key: str, width: int = KEY_WIDTH) -> str:
    """A dotted key cut before dots into lines of at most ``width`` (continuations indented)."""
    lines, current = [], ""
    for part in key.split("."):
        piece = part if not current else f".{part}"
        if current and len(current) + len(piece) > width:
            lines.append(current)
            current = "  " + piece
        else:
            current += piece
    return "\n".join([*lines, current])


def source_marks(found: Screening) -> dict[str, str]:
    """``[1]``, ``[2]``... for each cited source (``assumption`` stays a word)."""
    return {key: f"[{i}]" for i, key in enumerate(found.sources, 1)}


def as_table(found: Screening, every: bool = False) -> str:
    """The parameters with a range ranked by weight, the plain numbers counted (listed with ``every``)."""
    lines = [f"{isolate(found.scenario)}  ({isolate(found.source)})"]
    screened = any(not math.isnan(w.importance) for w in found.weights)
    if screened:
        what = ", ".join(f"{SHORT[m]} = {catalogue().label(m)}" for m in found.metrics)
        lines += [
            f"share of each headline metric's spread a parameter explains ({what}), over {found.draws} "
            f"draws of the ranges ({counted(found.per_draw, 'replication')} each, the same random numbers); "
            f"(in brackets): not told apart from no effect (below {100 * found.floor:.0f}%)",
        ]
        if found.provisional is not None:
            lines.append(
                f"ranges marked * are provisional (value ±{100 * found.provisional:g}%, for this screening "
                f"only); {found.left_out} numbers could not take one (ends of a distribution's range, "
                "days of a surge or flood, zero, or a draw that broke a rule of the file)"
            )
    lines.append("")
    marks = source_marks(found)
    if found.weights:
        header = ("parameter", "value", "range", "source", *(SHORT[m] for m in found.metrics))
        rows = [
            (
                key_lines(w.parameter.key),
                value_text(w.parameter.value),
                w.parameter.range_text() + ("*" if w.provisional else ""),
                "-" if w.provisional else marks.get(w.parameter.source, w.parameter.source),
                *(share_text(w, m) for m in found.metrics),
            )
            for w in found.weights
        ]
        lines += text_table(header, rows, left=(True, False, False, True))
    else:
        lines.append("  no parameter of this scenario has a declared range of non-zero width")
    count = len(found.unranged)
    if every and count:
        lines += ["", f"Numbers without a range ({count}; each an assumption unless it names a source)"]
        lines += text_table(
            ("parameter", "value", "source"),
            [(key_lines(p.key), value_text(p.value), marks.get(p.source, p.source)) for p in found.unranged],
            left=(True, False, True),
        )
    elif count:
        lines += ["", f"and {count} numbers without a range, each an assumption (--all lists them)"]
    if found.sources:
        lines += ["", "Sources"]
        lines += [f"  {marks[key]} {key}: {text}" for key, text in found.sources.items()]
    return "\n".join(wrapped(lines))


def as_json(found: Screening) -> str:
    """The screening as the JSON document ``--format json`` prints."""
    return json.dumps(found.to_dict(), indent=2, allow_nan=False)


def figures_table() -> str:
    """The shipped public figures a range may cite (``source = "pf:<id>"``)."""
    lines = ['Public figures a range may cite as source = "pf:<id>"', ""]
    for figure in public_figures().values():
        lines.append(f"{figure.citation}  ({figure.year}, solidity {figure.solidity})")
        lines.append(f"    {figure.quantity}: {figure.figure_text()}")
        lines.append(f"    measures: {figure.measures}")
        lines.append(f"    {figure.url}")
    lines += ["", "Solidity: " + "; ".join(f"{k} = {v}" for k, v in SOLIDITY.items())]
    return "\n".join(wrapped(lines))


def html_section(document: dict) -> str:
    """The report page of a screening: every parameter with a range, its source and its weight."""
    from html import escape

    from simulator.reporting.html import table, text

    metrics = document["metrics"]
    floor = document.get("noise_floor")
    note = (
        f"A share is the squared rank correlation of a parameter's draws with the metric's over the "
        f"{document['draws']} draws: the share of that metric's spread it explains. "
        + (f"Below {100 * floor:.0f}% it cannot be told from no effect." if floor is not None else "")
    )
    rows = []
    for entry in document["parameters"]:
        shares = [entry["shares"].get(m) for m in metrics]
        cells = ["-" if v is None else f"{100 * v:.0f}%" for v in shares]
        spread = "-" if entry.get("low") is None else f"{entry['low']:g} - {entry['high']:g}"
        source = "provisional" if entry.get("provisional") else entry["source"]
        rows.append((text(entry["key"]), escape(f"{entry['value']:g}"), escape(spread), text(source),
                     *(escape(c) for c in cells), text(entry.get("meaning") or "")))  # fmt: skip
    header = ("parameter", "value", "range", "source", *(SHORT.get(m, m) for m in metrics), "meaning")
    parts = ["<h2>Parameters with a range</h2>", f"<p>{text(note)}</p>", table(header, rows)]
    unranged = document.get("without_range") or []
    if unranged:
        parts.append(f"<h2>Numbers without a range</h2><p>{len(unranged)} numbers, each an assumption.</p>")
        listed = [(text(p["key"]), escape(f"{p['value']:g}"), text(p.get("meaning") or "")) for p in unranged]
        parts.append(table(("parameter", "value", "meaning"), listed))
    sources = document.get("sources") or {}
    if sources:
        items = "".join(f"<li><code>{text(k)}</code>: {text(v)}</li>" for k, v in sources.items())
        parts.append(f"<h2>Sources</h2><ul>{items}</ul>")
    return "".join(parts)
