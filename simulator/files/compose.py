"""Scenario files that compose: a State, or a whole file, taken from another file.

A user who wants the shipped baseline's requested State beside her own should not have to renest
every table by hand. Two keys take parts of another file (the *compose* phase of reading a file,
:mod:`simulator.files.document`):

- ``extends = "other.toml"`` at the top of a file: the other file is the base, and this file's tables
  are laid over it, key by key; entries of ``[[requested_state]]``, ``[[requesting_state]]`` and
  ``[[variant]]`` are matched by ``id`` (a variant by ``name``), new ones added after the base's. A
  file in the several-State form extending a one-State file replaces the base's requested State, and
  leaves out the variants and sweep written for it (an entry takes the State back with ``from``);
- ``from = "other.toml"`` in a ``[[requested_state]]`` or ``[[requesting_state]]`` entry: that
  file's State (``other.toml#id`` picks one by id where it has several) is the entry's base. A
  requested State written in the one-State form (its stages, routes, safeguards... as top-level
  tables) is renested into the entry; the entry's own keys are laid over it, so one line changes one
  setting.

A path is read relative to the file that names it; a bare file name found nowhere there is taken
from the shipped example scenarios (``from = "un-convention-baseline.toml"`` works from any folder).
A chain of files is followed at most :data:`MAX_CHAIN` deep; a file that comes back (a cycle), a
missing file or id, a ``from`` where no State can be, are each one line naming the file and the key.
A State taken with ``from`` brings the other file's ``[sources]`` entries its ranges cite (an entry
of the same id in this file wins).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from simulator.files.examples import example_directory
from simulator.files.reader import Problem, ScenarioError
from simulator.files.requested import PARTS

#: How many files a chain of ``extends`` and ``from`` may pass through.
MAX_CHAIN = 8
#: The arrays of tables whose entries are matched when a file extends another, and by which key.
ENTRY_KEYS = {"requested_state": "id", "requesting_state": "id", "variant": "name"}
#: Reads another file's TOML document (phase 1 of reading, with all its checks).
Reader = Callable[[str], dict[str, Any]]


def compose(
    document: dict[str, Any], source: str, read: Reader, chain: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``document`` (read from ``source``) with every ``extends`` and ``from`` resolved."""
    chain = (*chain, _identity(source))
    if "extends" in document:
        base = _other(document, "extends", source, read, chain)
        own = {k: v for k, v in document.items() if k != "extends"}
        if isinstance(base.get("requested_state"), dict) and isinstance(own.get("requested_state"), list):
            # several States in place of the base's one: its State, the parts that are its, and the
            # variants and sweep written for them go (an entry takes the State back with `from`)
            base = {k: v for k, v in base.items() if k not in ("requested_state", "variant", "sweep", *PARTS)}
        document = laid_over(base, own)
    brought: dict[str, Any] = {}  # the [sources] entries the States taken with `from` cite
    for key in ("requested_state", "requesting_state"):
        entries = document.get(key)
        if isinstance(entries, list):
            document[key] = [
                _entry(entry, f"{key}[{i}]", key, source, read, chain, brought)
                if isinstance(entry, dict)
                else entry
                for i, entry in enumerate(entries)
            ]
        elif isinstance(entries, dict) and "from" in entries:
            raise _problem(
                source, f"{key}.from", "takes a State only in a [[" + key + "]] entry (several States)"
            )
    if brought:
        own = document.get("sources")
        own = own if isinstance(own, dict) else {}
        document["sources"] = {**brought, **own}  # the file's own entry of the same id wins
    return document


def _cited(value: Any) -> set[str]:
    """The source ids a part of a document cites (``source = "..."`` in a number's table form)."""
    if isinstance(value, dict):
        found = {value["source"]} if isinstance(value.get("source"), str) else set()
        return found.union(*(_cited(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_cited(v) for v in value))
    return set()


def laid_over(base: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    """``own`` laid over ``base``: tables merged key by key, entries of arrays of tables by id or name,
    anything else replaced."""
    merged = copy.deepcopy(dict(base))
    for key, value in own.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = laid_over(merged[key], value)
        elif key in ENTRY_KEYS and isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = _entries_laid_over(merged[key], value, ENTRY_KEYS[key])
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _entries_laid_over(base: list, own: list, match: str) -> list:
    entries = [copy.deepcopy(e) for e in base]
    for entry in own:
        found = next(
            (i for i, e in enumerate(entries) if isinstance(e, dict) and isinstance(entry, dict)
             and match in entry and e.get(match) == entry[match]),
            None,
        )  # fmt: skip
        if found is None:
            entries.append(copy.deepcopy(entry))
        else:
            entries[found] = laid_over(entries[found], entry)
    return entries


def _entry(entry: dict, where: str, key: str, source: str, read: Reader, chain: tuple[str, ...],
           brought: dict[str, Any]) -> dict:  # fmt: skip
    """One ``[[key]]`` entry with its ``from`` resolved (entries without one are kept as written); the
    other file's ``[sources]`` entries the State cites go into ``brought``."""
    if "from" not in entry:
        return entry
    reference = entry["from"]
    if not isinstance(reference, str) or not reference.strip():
        raise _problem(source, f"{where}.from", "must name a file, e.g. 'other.toml' or 'other.toml#id'")
    name, _, wanted = reference.partition("#")
    other_source, other = _resolve(name, where + ".from", source, read, chain)
    base = _state(other, key, wanted, other_source, f"{where}.from")
    sources = other.get("sources")
    if isinstance(sources, dict):
        brought.update({k: copy.deepcopy(sources[k]) for k in _cited(base) if k in sources})
    own = {k: v for k, v in entry.items() if k != "from"}
    return laid_over(base, own)


def _state(document: Mapping[str, Any], key: str, wanted: str, source: str, where: str) -> dict:
    """The State ``wanted`` (by id; empty: the only one) of another file, in the entry form."""
    value = document.get(key)
    if key == "requested_state" and isinstance(value, dict):  # the one-State form: renest its parts
        state = {**copy.deepcopy(value), **{p: copy.deepcopy(document[p]) for p in PARTS if p in document}}
        state.setdefault("id", "requested")
        candidates = [state]
    elif isinstance(value, list):
        candidates = [copy.deepcopy(e) for e in value if isinstance(e, dict)]
    else:
        raise _problem(source, key, f"holds no [[{key}]] to take (named by {where})")
    ids = [str(c.get("id", "")) for c in candidates]
    if not wanted:
        if len(candidates) != 1:
            raise _problem(
                source, key, f"holds several States ({', '.join(ids)}): name one in {where}, 'file#id'"
            )
        return candidates[0]
    if wanted not in ids:
        raise _problem(
            source, key, f"holds no State with id {wanted!r} (named by {where}); ids: {', '.join(ids)}"
        )
    return candidates[ids.index(wanted)]


def _other(document: Mapping[str, Any], key: str, source: str, read: Reader, chain: tuple[str, ...]) -> dict:
    reference = document[key]
    if not isinstance(reference, str) or not reference.strip():
        raise _problem(source, key, "must name the file this one extends, e.g. 'un-convention-baseline.toml'")
    return _resolve(reference, key, source, read, chain)[1]


def _resolve(name: str, where: str, source: str, read: Reader, chain: tuple[str, ...]) -> tuple[str, dict]:
    """The other file named ``name`` by ``source`` (at ``where``): its path and its composed document."""
    path = Path(source).parent / name
    if not path.exists() and Path(name).name == name:
        try:
            shipped = example_directory() / name
        except FileNotFoundError:
            shipped = path
        path = shipped if shipped.exists() else path
    if not path.exists():
        raise _problem(source, where, f"no file {name!r} (read relative to this file, or a shipped example)")
    other = str(path)
    if _identity(other) in chain:
        names = " -> ".join([*(Path(c).name for c in chain), path.name])
        raise _problem(source, where, f"forms a cycle of files: {names}")
    if len(chain) >= MAX_CHAIN:
        raise _problem(source, where, f"a chain of more than {MAX_CHAIN} files: keep it shorter")
    return other, compose(read(other), other, read, chain)


def _identity(source: str) -> str:
    return str(Path(source).resolve())


def _problem(source: str, where: str, message: str) -> ScenarioError:
    return ScenarioError([Problem(source, where, message)])
