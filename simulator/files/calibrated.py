"""A calibrated scenario file: the original, its comments and layout kept, with the fitted values.

``mlasim calibrate`` fits some of a scenario's numbers to published figures. The calibrated file is
the scenario file as its author wrote it (edited with tomlkit, which keeps comments, order and
spacing), each fitted value replaced where it stands, or added where the file left it at its
default. A fitted value is written in the table form every number may take (see
:mod:`simulator.files.parameters`), ``{ value = 14.2, low = 12, high = 17, source = "calibration" }``:
the range is what the fit leaves non-implausible, and ``calibration`` is an entry of the file's
``[sources]`` table saying which targets of which file it was fitted to, when, and what share of
the space survived; the comment on its line gives the prior range (``# calibrated to targets a, b:
non-implausible 12 to 17 (prior 4 to 20)``). A value no point of the space left non-implausible
keeps the plain form and says so. A header comment above the original one says when and how the
file was calibrated and where the fit table is.

A key addresses the document as overrides do (:mod:`simulator.files.overrides`): tables by name, an
array of tables by the ``id`` of an entry or its index.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from attrs import frozen


@frozen
class Calibrated:
    """One fitted parameter: its value, the range the fit leaves, the prior range, what it fits."""

    key: str
    value: float
    low: float | None  # None: no point was left non-implausible
    high: float | None
    prior: tuple[float, float]
    targets: Sequence[str]

    def comment(self) -> str:
        """What the calibrated file says of the value: the targets, the range not ruled out, the prior."""
        fitted = f"calibrated to targets {', '.join(self.targets)}"
        prior = f"prior {_number(self.prior[0])} to {_number(self.prior[1])}"
        if self.low is None:
            return f"{fitted}: least implausible value found, none non-implausible ({prior})"
        return f"{fitted}: non-implausible {_number(self.low)} to {_number(self.high)} ({prior})"


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, int) else f"{value:.4g}"


#: The id of the ``[sources]`` entry a calibrated value cites.
SOURCE = "calibration"
#: Significant digits of a calibrated value (the region is far wider than the fourth digit).
SIGNIFICANT = 4
#: How the header a calibration writes above a file's own begins.
HEADER_START = "# Calibrated by mlasim calibrate"


def calibrated_text(text: str, parameters: Sequence[Calibrated], header: Sequence[str],
                    name_suffix: str = " (calibrated)",
                    source: Mapping[str, Any] | None = None) -> str:  # fmt: skip
    """``text`` (a scenario file) with each parameter's value set (with its range and ``source``,
    written as ``[sources.calibration]``) and commented, and ``header`` (lines, without ``#``) as a
    comment above the file's own."""
    import tomlkit

    document = tomlkit.parse(_without_header(text))
    for parameter in parameters:
        _set(document, parameter.key.split("."), _written(parameter), parameter.comment())
    if any(p.low is not None for p in parameters):
        sources = document.get("sources")
        if sources is None:
            document["sources"] = sources = tomlkit.table()
        sources[SOURCE] = dict(source or {"title": "mlasim calibrate: history matching to published figures"})
    scenario = document.get("scenario")
    named = scenario.get("name") if scenario is not None else None
    if isinstance(named, str) and name_suffix.strip(" ()").lower() not in named.lower():
        scenario["name"] = str(named) + name_suffix  # "US calibrated" calibrated again keeps its name
    written = tomlkit.dumps(document)
    return "".join(f"# {line}\n" if line else "#\n" for line in header) + "#\n" + written


def _written(parameter: Calibrated) -> Any:
    """The value as the file will hold it: with the range the fit leaves and its source when some
    point was left non-implausible (the range widened to hold the value), else the plain value."""
    import tomlkit

    if parameter.low is None or parameter.high is None:
        return parameter.value
    table = tomlkit.inline_table()
    low = min(rounded(parameter.low), parameter.value)
    high = max(rounded(parameter.high), parameter.value)
    table.update({"value": parameter.value, "low": low, "high": high, "source": SOURCE})
    return table


def rounded(value: Any, digits: int = SIGNIFICANT) -> Any:
    """A calibrated number as the file will hold it: ``digits`` significant digits (integers kept).
    The final check runs the rounded point, so the file holds exactly what its fit table reports."""
    if isinstance(value, bool) or not isinstance(value, float) or value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def _without_header(text: str) -> str:
    """``text`` without the header an earlier calibration wrote above the author's (a file
    calibrated again carries one header, the latest)."""
    lines = text.splitlines(keepends=True)
    if not lines or not lines[0].startswith(HEADER_START):
        return text
    end = next((i for i, line in enumerate(lines) if line.strip() == "#"), len(lines) - 1)
    return "".join(lines[end + 1 :])


def _set(container: Any, parts: list[str], value: Any, comment: str) -> None:
    """Set the value at ``parts`` (creating tables on the way), commenting the line it is on."""
    import tomlkit
    from tomlkit.items import AoT, InlineTable

    head, rest = parts[0], parts[1:]
    if isinstance(container, AoT | list):
        entry = _entry(container, head)
        _set(entry, rest, value, comment)
        return
    if not rest:
        item = value if isinstance(value, InlineTable) else tomlkit.item(value)
        if not isinstance(container, InlineTable):
            item.comment(_kept(container.get(head), comment))
        container[head] = item
        return
    if head not in container:
        container[head] = (
            tomlkit.table() if not isinstance(container, InlineTable) else tomlkit.inline_table()
        )
    child = container[head]
    if isinstance(child, InlineTable):
        _set(child, rest, value, comment)
        child.comment(_kept(child, comment))  # an inline table's members cannot carry comments
        return
    _set(child, rest, value, comment)


def _kept(item: Any, comment: str) -> str:
    """``comment`` after the comment the line already had (the author's note is kept)."""
    trivia = getattr(item, "trivia", None)
    before = (trivia.comment if trivia is not None else "").lstrip("#").strip()
    if not before or comment in before:
        return comment
    return f"{before}; {comment}"


def _entry(array: Any, key: str) -> Any:
    for entry in array:
        if str(entry.get("id", "")) == key:
            return entry
    if key.isdigit() and int(key) < len(array):
        return array[int(key)]
    raise KeyError(key)


def header_lines(scenario: str, targets: str, fitted: Sequence[str], held_out: Sequence[str],
                 when: str, share: float) -> list[str]:  # fmt: skip
    """The header comment of a calibrated file (what was fitted, to what, what was held out)."""
    import textwrap

    text = (
        f"{HEADER_START[2:]} on {when} from {scenario} to the targets of {targets} "
        f"(fitted: {', '.join(fitted)}; held out to validate: {', '.join(held_out) or 'none'}). "
        f"History matching left {share:.2%} of the parameter space non-implausible. Each fitted value "
        "below says so on its line, with its range; the fit table is fit.csv beside this file and "
        "`mlasim calibrate --check THIS_FILE TARGETS` prints it again."
    )
    return textwrap.wrap(text, 98, break_on_hyphens=False, break_long_words=False)
