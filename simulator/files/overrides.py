"""Configurations as overrides: dotted keys that change a base scenario.

A policy question is usually "the same situation, with this one safeguard changed". A *variant*
names such a change, as dotted keys into the scenario document::

    [[variant]]
    name = "dual-criminality-required"
    description = "Art 40(9) as a mandatory ground"
    [variant.set]
    "safeguards.dual_criminality.mode" = "required"
    "requesting_state.authoritarian.requests_per_year" = 1500

A key addresses tables by name and arrays of tables by the ``id`` of an entry (or its index); the
value replaces whatever was there. So ``requesting_state.<id>.<path>`` changes one requesting State,
and, in a file with several ``[[requested_state]]`` entries, ``requested_state.<id>.<path>`` one
requested State (``requested_state.eu.monitoring.threshold``); a one-State file keeps its top-level
paths (``safeguards.x``, ``channels.emergency.detection``, ``monitoring.threshold``). Tables missing
on the way are created, so a key can switch a strategy on:
``requesting_state.authoritarian.strategies.splitting.share = 1``.

Written without quotes, ``safeguards.dual_criminality.mode = "required"`` is a nested table to
TOML; it is followed down to the value it sets, so it changes that one value, not the whole
``safeguards`` table (see :func:`flatten`). The same dotted keys are what ``mlasim sweep --grid``
varies. A variant is applied to the raw document and the result validated
like any scenario file, so a bad override is reported with its path like any other mistake.

What-ifs from the command line use the same keys: ``--set KEY=VALUE`` (:func:`parse_assignments`)
changes one value on top of the file (and of any variant), and ``--variant a+b`` combines variants,
applied left to right (a key set by both takes ``b``'s value; :func:`load_configuration`).
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping, Sequence
from typing import Any

from attrs import frozen

from simulator.files.loader import EXPERIMENT_KEYS
from simulator.files.reader import Problem, ScenarioError, Table, suggestion


@frozen
class Variant:
    """A ``[[variant]]`` of a scenario file: its name, what it changes, and its dotted-key overrides."""

    name: str
    description: str
    overrides: Mapping[str, Any]  # dotted key -> value


class OverrideError(ValueError):
    """A dotted key that does not lead anywhere in the document."""


def parse_value(text: str) -> Any:
    """A command-line value read as TOML (``0.5``, ``true``, ``[1, 2]``), else as a plain string."""
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text


def split_values(text: str) -> list[str]:
    """``0.2,0.8`` -> ``["0.2", "0.8"]``, splitting only at commas outside brackets and quotes.

    So a list is one value: ``["sex","race"],["sex"]`` gives two values, each a list.
    """
    values, depth, quote, current = [], 0, "", []
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        elif char == "," and depth == 0:
            values.append("".join(current))
            current = []
            continue
        current.append(char)
    values.append("".join(current))
    return [v.strip() for v in values]


def parse_assignments(items: Sequence[str], option: str = "--set") -> dict[str, Any]:
    """``["a.b=1", "c=[1, 2]"]`` -> ``{"a.b": 1, "c": [1, 2]}`` (values read as TOML)."""
    result: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise OverrideError(f"{option} {item}: give KEY=VALUE (a dotted key, as in a variant)")
        result[key.strip()] = parse_value(value.strip())
    return result


def apply_override(document: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``dotted`` in ``document`` (in place), creating tables on the way where needed."""
    parts = dotted.split(".")
    if not all(parts):
        raise OverrideError(f"'{dotted}' is not a dotted key")
    node: Any = document
    walked: list[str] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            node_index = _entry_index(node, part, ".".join(walked))
            if last:
                node[node_index] = value
                return
            node = node[node_index]
        elif isinstance(node, dict):
            if last:
                node[part] = value
                return
            node = node.setdefault(part, {})
        else:
            raise OverrideError(f"'{'.'.join(walked)}' is a value, not a table: cannot set '{dotted}'")
        walked.append(part)


def _entry_index(entries: list, key: str, where: str) -> int:
    ids = [e.get("id") for e in entries if isinstance(e, dict)]
    if key in ids:
        return ids.index(key)
    if key.isdigit() and int(key) < len(entries):
        return int(key)
    known = [str(i) for i in ids if i is not None]
    raise OverrideError(
        f"'{where}' has no entry '{key}'{suggestion(key, known)}; entries: {', '.join(known) or 'none'}"
    )


def flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Dotted keys and the values they set, from a ``set`` table however it was written.

    ``"a.b.c" = 1`` (a quoted key) sets a whole value; ``a.b.c = 1`` or ``[variant.set.a.b]`` reach
    the same place through nested tables, which are followed down to their values. A table reached
    under a quoted dotted key, a distribution (it has a ``distribution`` key) or a number with its
    range (a ``value`` key: :mod:`simulator.files.parameters`) is a value.
    """
    result: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and "." not in key and not {"distribution", "value"} & set(value):
            result.update(flatten(value, path))
        else:
            result[path] = value
    return result


def with_overrides(document: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` with every override applied, experiment tables removed."""
    result = {k: copy.deepcopy(v) for k, v in document.items() if k not in EXPERIMENT_KEYS}
    for dotted, value in overrides.items():
        apply_override(result, dotted, value)
    return result


def read_variants(document: Mapping[str, Any], source: str) -> list[Variant]:
    """The ``[[variant]]`` tables of a document, checked (names unique, overrides well formed)."""
    problems: list[Problem] = []
    root = Table({"variant": document.get("variant", [])}, "", source, problems)
    variants = []
    for table in root.tables("variant"):
        name = table.text("name")
        description = table.text("description", "")
        overrides = table.table("set", required=True).data
        table.finish()
        if any(v.name == name for v in variants):
            table.problem("name", f"duplicate variant name {name!r}")
        variants.append(Variant(name, description, flatten(overrides)))
    if problems:
        raise ScenarioError(problems)
    return variants


def variant_overrides(document: Mapping[str, Any], source: str, variant: str | None) -> dict[str, Any]:
    """The overrides of ``variant`` (``a+b``: ``a``'s, then ``b``'s on top); none for ``None``."""
    if variant is None:
        return {}
    variants = {v.name: v for v in read_variants(document, source)}
    changes: dict[str, Any] = {}
    for name in variant.split("+"):
        if name not in variants:
            hint = suggestion(name, variants)
            listed = ", ".join(variants) or "none"
            raise ScenarioError(
                [Problem(source, "variant", f"no variant named {name!r}{hint}; variants: {listed}")]
            )
        changes.update(variants[name].overrides)
    return changes
