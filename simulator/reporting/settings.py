"""A study's configurations told apart by what they change: constant settings once, short names.

A sweep or a frontier lists many configurations, each a full set of settings (dotted keys of the
scenario file). Printing every key on every row buries what differs, so:

- the settings set alike in every configuration (``--set`` values, a grid of one value) are said
  once, in one line above the table (:func:`constant_line`);
- each setting that varies gets a column whose header is the shortest end of its key that tells it
  from the others (``mode`` for ``safeguards.dual_criminality.mode``, ``partner.requests_per_year``
  where two keys end alike), with the full keys in a key line when shortened (:func:`key_lines`);
- a configuration is named by its number in the sweep (``#7``), which the figures use too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from simulator.reporting.tables import isolate, wrap

#: A value longer than this is cut in a table cell (the JSON and the key keep it whole).
VALUE_WIDTH = 28


def value_text(value: Any) -> str:
    """A setting's value as a cell shows it: numbers with up to 4 significant digits, lists as JSON."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(",", ":"))
    return "(unset)" if value is None else isolate(str(value))


def cell(value: Any) -> str:
    """A value as a table cell shows it (:func:`value_text`), cut with ``...`` past ``VALUE_WIDTH``
    characters."""
    text = value_text(value)
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 3] + "..."


def split(parameters: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    """The settings alike in every configuration (key -> value), and the keys that vary, in order."""
    keys = list(dict.fromkeys(k for p in parameters for k in p))
    constant, varied = {}, []
    for key in keys:
        values = {repr(p.get(key)) for p in parameters}
        if len(values) == 1 and all(key in p for p in parameters):
            constant[key] = parameters[0][key]
        else:
            varied.append(key)
    return constant, varied


def short_names(keys: Sequence[str]) -> dict[str, str]:
    """Each key's shortest dotted ending that no other key shares."""
    found = {}
    for key in keys:
        parts = key.split(".")
        for n in range(1, len(parts) + 1):
            ending = ".".join(parts[-n:])
            if not any(other != key and (other == ending or other.endswith("." + ending)) for other in keys):
                found[key] = ending
                break
        else:
            found[key] = key
    return found


def constant_line(constant: Mapping[str, Any], indent: str = "") -> list[str]:
    """``same in every configuration: k=v, k=v`` (wrapped), or nothing."""
    if not constant:
        return []
    text = ", ".join(f"{key}={value_text(value)}" for key, value in constant.items())
    return wrap(f"{indent}same in every configuration: {text}")


def key_lines(varied: Sequence[str], indent: str = "") -> list[str]:
    """``settings varied: mode = safeguards.dual_criminality.mode, ...`` where a header is shortened."""
    names = short_names(varied)
    shortened = [f"{names[key]} = {key}" for key in varied if names[key] != key]
    if not shortened:
        return []
    return wrap(f"{indent}settings varied: {'; '.join(shortened)}")


def label(parameters: Mapping[str, Any], varied: Sequence[str]) -> str:
    """A configuration by the settings that vary only (``mode=waived, threshold=0.3``)."""
    names = short_names(varied)
    return ", ".join(f"{names[key]}={value_text(parameters.get(key))}" for key in varied)


def stacked(name: str, width: int) -> str:
    """A column header over several lines (split after ``_``, ``.`` or a space) when it is wider than
    the column's values (``width``), each line at least as wide as its longest piece allows."""
    if len(name) <= width:
        return name
    pieces, piece = [], ""
    for char in name:
        piece += char
        if char in "_. ":
            pieces.append(piece)
            piece = ""
    pieces.append(piece)
    lines, line = [], ""
    for piece in pieces:
        if line and len(line + piece) > width:
            lines.append(line.rstrip())
            line = piece
        else:
            line += piece
    lines.append(line.rstrip())
    return "\n".join(lines)
