"""A what-if: the scenario as loaded, with some settings changed, read from a page's address.

The address carries the changes as dotted keys with values written as in TOML, the keys and values
of ``--set`` (:mod:`simulator.files.overrides`): ``?safeguards.dual_criminality.mode=required&
safeguards.discrimination.grounds=["sex","race"]``. A value that is not valid TOML is a word. The
what-if is built as every configuration is, by applying the changes to the file's document and
reading the result (:class:`simulator.files.document.ScenarioFile`), so a value out of bounds, an
unknown key or a volume above the limits is refused with the same one line a command prints.
Before that, an address is bounded: at most :data:`MAX_CHANGES` changes, keys of at most
:data:`MAX_KEY` characters in the characters of a dotted key, values of at most :data:`MAX_VALUE`.

A what-if is written back as a scenario file (:func:`scenario_text`) that ``mlasim run`` reads: the
loaded file's own text (its comments, sources and assumptions kept) with each changed line
rewritten and marked, or, where a change has no line of its own to rewrite (a requesting State's
setting, a table the file leaves out), the whole document written anew below a header that lists
the changes. A file that takes parts from other files (``extends``, ``from``:
:mod:`simulator.files.compose`) is always written whole, those parts laid in, so the what-if runs
wherever it is saved.
"""

from __future__ import annotations

import re
import threading
import tomllib
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

import tomli_w
from attrs import field, frozen

from simulator.files.document import ScenarioFile
from simulator.files.limits import DEFAULT_LIMITS, Limits
from simulator.files.loader import parse_scenario
from simulator.files.overrides import OverrideError, parse_value
from simulator.files.parameters import Parameter, cited_sources
from simulator.files.reader import Problem, ScenarioError
from simulator.serving.controls import Control, controls, ranged_parameters
from simulator.world.scenario import Scenario

#: Bounds on an address, checked before anything is read or built.
MAX_CHANGES = 64
MAX_KEY = 200
MAX_VALUE = 2_000
#: What-ifs built and kept per loaded file (the last ones: a page's controls go back and forth).
KEPT = 32
_KEY = re.compile(r"^[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)*$")


class WhatIfError(ValueError):
    """A what-if that cannot be built: the one line the page shows."""


def read_changes(items: Iterable[tuple[str, str]], ignore: Iterable[str] = ()) -> dict[str, Any]:
    """The changes an address carries, as dotted key -> value (values read as TOML, else words)."""
    skipped, changes = set(ignore), {}
    for key, text in items:
        if key in skipped:
            continue
        if len(changes) >= MAX_CHANGES:
            raise WhatIfError(f"the address changes more than {MAX_CHANGES} settings")
        if len(key) > MAX_KEY or not _KEY.match(key):
            shown = key if len(key) <= 60 else key[:57] + "..."
            raise WhatIfError(f"{shown!r} is not a dotted key (as in 'safeguards.dual_criminality.mode')")
        if len(text) > MAX_VALUE:
            raise WhatIfError(f"{key}: the value is longer than {MAX_VALUE:,} characters")
        if not text.strip():
            raise WhatIfError(f"{key}: give a value")
        try:
            changes[key] = parse_value(text.strip())
        except RecursionError:
            raise WhatIfError(f"{key}: the value nests too deeply") from None
    return changes


def address(changes: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The address's query items for ``changes`` (the inverse of :func:`read_changes`)."""
    return [(key, toml_literal(value)) for key, value in changes.items()]


def toml_literal(value: Any) -> str:
    """A value as a TOML literal, a plain word left as it is (``required``, ``0.5``, ``["a","b"]``)."""
    if isinstance(value, str) and _KEY.match(value) and parse_value(value) == value:
        return value
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


@frozen
class Loaded:
    """A scenario file as the page serves it: its document, the scenario it states, and what-ifs of it."""

    file: ScenarioFile
    text: str  # the file's text, for the scenario a what-if is written as
    base: Scenario
    limits: Limits = DEFAULT_LIMITS
    #: the file's numbers with a range or a source, by dotted key; what each source cited is, by id
    parameters: Mapping[str, Parameter] = field(factory=dict, eq=False, repr=False)
    sources: Mapping[str, str] = field(factory=dict, eq=False, repr=False)
    _built: OrderedDict = field(factory=OrderedDict, eq=False, repr=False)
    _lock: threading.Lock = field(factory=threading.Lock, eq=False, repr=False)

    @classmethod
    def load(cls, file: ScenarioFile, text: str, limits: Limits = DEFAULT_LIMITS) -> Loaded:
        """The page's scenario: ``file`` (its ``text`` as read), the scenario it states, and the
        ranges and sources it declares."""
        reading = file.reading({}, "", limits)
        found = reading.parameters
        return cls(
            file,
            text,
            reading.scenario,
            limits,
            ranged_parameters(found),
            cited_sources(found, reading.sources),
        )

    def controls(self, whatif: Scenario | None = None) -> list[Control]:
        """The page's controls, valued as in ``whatif`` (default: as loaded), with their ranges."""
        return controls(self.base, whatif, self.parameters, self.sources)

    def loaded_value(self, key: str) -> Any:
        """What the file sets ``key`` to (None where it leaves it to the default, or in a list)."""
        node: Any = self.file.document
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    @property
    def source(self) -> str:
        """The scenario file the page was started with."""
        return self.file.source

    def scenario(self, changes: Mapping[str, Any]) -> Scenario:
        """The what-if's scenario (the base without changes); a WhatIfError says what is wrong."""
        if not changes:
            return self.base
        key = tuple(sorted((k, repr(v)) for k, v in changes.items()))
        with self._lock:
            if key in self._built:
                self._built.move_to_end(key)
                return self._built[key]
        try:
            document = self.file.composed(changes, "what-if")
            scenario = parse_scenario(document, f"{self.source} (what-if)", self.limits)
        except ScenarioError as error:
            raise WhatIfError(error.one_line()) from None
        except OverrideError as error:
            raise WhatIfError(str(ScenarioError([Problem(self.source, "what-if", str(error))]))) from None
        except RecursionError:
            raise WhatIfError(f"{self.source} (what-if): the changes nest too deeply") from None
        with self._lock:
            self._built[key] = scenario
            while len(self._built) > KEPT:
                self._built.popitem(last=False)
        return scenario


def scenario_text(loaded: Loaded, changes: Mapping[str, Any], was: Mapping[str, Any]) -> str:
    """The what-if as a scenario file ``mlasim run`` reads; ``was``: each changed key's loaded value."""
    wanted = loaded.file.composed(changes)
    header = [
        f"# What-if of {loaded.source}, written by 'mlasim serve'. Changes from the scenario as loaded:",
        *(
            f"#   {key} = {toml_literal(value)}   (was {_shown(was.get(key))})"
            for key, value in changes.items()
        ),
        *([] if changes else ["#   none"]),
        "",
    ]
    # a file that takes parts from others (extends, from) names them relative to where it is: its
    # what-if is written whole, so it runs wherever it is saved
    edited = None if loaded.file.others else _edited(loaded.text, changes, was)
    if edited is not None and _same(edited, wanted):
        return "\n".join(header) + edited
    rewritten = tomli_w.dumps(wanted)
    if loaded.file.others:
        note = (
            "# Written whole, with the parts it takes from other files (extends, from) laid in, so it"
            " runs\n# wherever it is saved; its comments are in the original.\n\n"
        )
    else:
        note = "# The file is written anew (its comments are in the original); the changes are above.\n\n"
    return "\n".join(header) + note + rewritten


def _shown(value: Any) -> str:
    return "not set" if value is None else toml_literal(value)


def _same(text: str, wanted: Mapping[str, Any]) -> bool:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    kept = {k: v for k, v in document.items() if k in wanted}
    return kept == dict(wanted)


def _edited(text: str, changes: Mapping[str, Any], was: Mapping[str, Any]) -> str | None:
    """The file's text with each change's line rewritten, or None when a change has no line of its own."""
    lines = text.split("\n")
    for key, value in changes.items():
        table, _, name = key.rpartition(".")
        line = f"{name} = {toml_literal_strict(value)}   # what-if: was {_shown(was.get(key))}"
        start = _header(lines, table)
        if start is None:
            if not table or table.split(".")[0] in ("requesting_state", "requested_state"):
                return None
            lines += ["", f"[{table}]", line]
            continue
        index = _line_of(lines, start, name)
        if index is None:
            lines.insert(start + 1, line)
        elif index < 0:
            return None
        else:
            lines[index] = line
    return "\n".join(lines)


def toml_literal_strict(value: Any) -> str:
    """A value as a TOML literal (a word quoted)."""
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


def _header(lines: list[str], table: str) -> int | None:
    """The line of the header ``[table]``, or None."""
    header = re.compile(r"^\s*\[\s*" + re.escape(table) + r"\s*\]\s*(#.*)?$")
    return next((i for i, line in enumerate(lines) if header.match(line)), None)


def _line_of(lines: list[str], start: int, name: str) -> int | None:
    """The line under the header at ``start`` that sets ``name``: None if none does, -1 if it is not
    written on one line."""
    setting = re.compile(r"^\s*" + re.escape(name) + r"\s*=")
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line.lstrip().startswith("["):
            return None
        if setting.match(line):
            value = line.split("=", 1)[1]
            return i if value.count("[") == value.count("]") and value.count("{") == value.count("}") else -1
    return None
