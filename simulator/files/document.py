"""A scenario file, read once: its TOML document, and the scenarios, variants and tables taken from it.

Every command starts from a file, and reading one goes through named phases, each reporting its
problems as one line naming the file and the field path:

1. **read** (:func:`read_file`): the bytes (at most :data:`MAX_FILE_BYTES` unless ``--allow-large``),
   as UTF-8 text, as a TOML document nested at most :data:`MAX_DEPTH` deep; the parts it takes from
   other files (``extends``, ``from``: :mod:`simulator.files.compose`) laid in;
2. **compose** (:meth:`ScenarioFile.configured`): a variant's and the command line's overrides applied
   to a copy of the document (:mod:`simulator.files.overrides`);
3. **validate and build** (:func:`simulator.files.loader.parse_scenario`): each table read by its
   reader, every problem collected, the frozen objects built from values already checked;
4. **cross-field checks**: what no single table can say (times and volumes against the limits, the
   channels a requester uses against those offered).

:func:`read_file` is the one place a scenario file is read from disk: it keeps each file's
:class:`ScenarioFile` by path, size and modification time, so a command that needs the scenario, its
variants, its ``[sweep]`` design and its properties reads and parses the file once, and a file edited
in between is read again. A :class:`ScenarioFile` keeps the scenarios it has built, per limits.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
from attrs import field, frozen

from simulator.files.compose import compose
from simulator.files.limits import DEFAULT_LIMITS, Limits
from simulator.files.loader import Reading, read_scenario
from simulator.files.overrides import OverrideError, Variant, read_variants, variant_overrides, with_overrides
from simulator.files.parameters import Parameter
from simulator.files.reader import Problem, ScenarioError
from simulator.world.scenario import Scenario

#: Largest scenario file read without ``--allow-large`` (shipped files are 10-20 kB).
MAX_FILE_BYTES = 1_000_000
#: Deepest nesting of tables and arrays a scenario file may have (shipped files: 5).
MAX_DEPTH = 32


@frozen
class ScenarioFile:
    """One scenario file as read: where it is, its TOML document, and the SHA-256 of its bytes."""

    path: str
    document: Mapping[str, Any]  # composed: the parts taken from other files included
    sha256: str
    others: tuple[tuple[str, int, int], ...] = ()  # other files it takes parts from: path, size, mtime
    _built: dict = field(factory=dict, eq=False, repr=False)  # (overrides, label, limits) -> Reading

    @classmethod
    def of(cls, document: Mapping[str, Any], source: str) -> ScenarioFile:
        """A document held in memory (not read from disk) as a scenario file named ``source``."""
        return cls(source, document, "")

    @property
    def source(self) -> str:
        """How problems and outputs name the file."""
        return self.path

    def table(self, key: str) -> Any:
        """One of the file's experiment tables (``sweep``, ``property``, ``variant``), as written."""
        return self.document.get(key)

    def variants(self) -> list[Variant]:
        """The ``[[variant]]`` tables, checked (a ScenarioError lists every problem)."""
        if "variants" not in self._built:
            self._built["variants"] = read_variants(self.document, self.source)
        return list(self._built["variants"])

    def base(self, limits: Limits = DEFAULT_LIMITS) -> Scenario:
        """The scenario as the file states it (built once per limits)."""
        return self.configured({}, "", limits)

    def configured(
        self, overrides: Mapping[str, Any], label: str, limits: Limits = DEFAULT_LIMITS
    ) -> Scenario:
        """The scenario with ``overrides`` (dotted keys) applied; problems name the configuration
        ``label``."""
        return self.reading(overrides, label, limits).scenario

    def reading(
        self, overrides: Mapping[str, Any], label: str = "", limits: Limits = DEFAULT_LIMITS
    ) -> Reading:
        """The scenario with ``overrides`` applied and the parameters read on the way (built once)."""
        key = (tuple(sorted((k, repr(v)) for k, v in overrides.items())), label, limits)
        if key not in self._built:
            self._built[key] = read_scenario(
                self.composed(overrides, label), f"{self.source} ({label})" if label else self.source, limits
            )
            _remember(self._built[key].scenario, self, overrides)
        return self._built[key]

    def parameters(
        self, overrides: Mapping[str, Any] | None = None, label: str = "", limits: Limits = DEFAULT_LIMITS
    ) -> tuple[Parameter, ...]:
        """Every number of the scenario (with ``overrides`` applied), its range and its source
        (:mod:`simulator.files.parameters`)."""
        return self.reading(overrides or {}, label, limits).parameters

    def composed(self, overrides: Mapping[str, Any], label: str = "") -> dict[str, Any]:
        """The document with ``overrides`` applied and its experiment tables left out (phase 2)."""
        try:
            return with_overrides(self.document, overrides)
        except OverrideError as error:
            raise ScenarioError([Problem(self.source, label, str(error))]) from None

    def configuration(
        self,
        variant: str | None = None,
        overrides: Mapping[str, Any] | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> Scenario:
        """The scenario with ``variant`` (``a+b`` for several) and then ``overrides`` applied, named for
        what changed: ``base / a+b`` for variants, ``base / key=value`` for overrides."""
        base = self.base(limits)
        if variant is None and not overrides:
            return base
        changes, labels = variant_overrides(self.document, self.source, variant), []
        if variant is not None:
            labels.append(variant)
        if overrides:
            changes = {**changes, **overrides}
            labels += [f"{k}={v}" for k, v in overrides.items()]
        where = f"variant '{variant}'" if variant is not None else ""
        if overrides:
            where = ", ".join([*([where] if where else []), "--set"])
        scenario = self.configured(changes, where, limits)
        named = attrs.evolve(scenario, name=f"{base.name} / {', '.join(labels)}")
        _remember(named, self, changes)
        return named

    def problems(self, limits: Limits = DEFAULT_LIMITS) -> list[Problem]:
        """Every problem of the scenario and of each variant, each reported once: a variant's line is
        one the variant's own changes cause (its base's problems are the base's)."""
        found: list[Problem] = []
        try:
            self.base(limits)
        except ScenarioError as error:
            found += error.problems
        seen = {(p.path, p.message) for p in found}
        try:
            variants = self.variants()
        except ScenarioError as error:
            return found + error.problems
        for variant in variants:
            try:
                self.configured(variant.overrides, f"variant '{variant.name}'", limits)
            except ScenarioError as error:
                for problem in error.problems:
                    if (problem.path, problem.message) not in seen:
                        seen.add((problem.path, problem.message))
                        found.append(problem)
        return found


#: Scenarios built from a file in this process: id -> (the scenario, weakly; its file; its overrides).
_ORIGINS: dict[int, tuple[weakref.ref, ScenarioFile, dict[str, Any]]] = {}


def _remember(scenario: Scenario, file: ScenarioFile, overrides: Mapping[str, Any]) -> None:
    key, origins = id(scenario), _ORIGINS  # the callback keeps the table: it may run at exit

    def forget(_: weakref.ref) -> None:
        origins.pop(key, None)

    _ORIGINS[key] = (weakref.ref(scenario, forget), file, dict(overrides))


def origin(scenario: Scenario) -> tuple[ScenarioFile, dict[str, Any]] | None:
    """The file and overrides a scenario was built from in this process (None: built otherwise, by
    :func:`~simulator.files.loader.parse_scenario` or ``attrs.evolve``)."""
    found = _ORIGINS.get(id(scenario))
    if found is None or found[0]() is not scenario:
        return None
    return found[1], dict(found[2])


def read_file(path: str | Path | ScenarioFile, limits: Limits = DEFAULT_LIMITS) -> ScenarioFile:
    """The scenario file at ``path``, read and parsed once per version of the file (phase 1)."""
    if isinstance(path, ScenarioFile):
        return path
    source = str(path)
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise _unreadable(source, "no such file") from None
    except OSError as error:
        raise _unreadable(source, f"cannot be read: {error.strerror}") from None
    key = (os.path.abspath(source), source, status.st_size, status.st_mtime_ns, limits.allow_large)
    cached = _READ.get(key)
    if cached is not None and not all(_unchanged(*other) for other in cached.others):
        cached = None
    if cached is None:
        cached = _READ[key] = _read(source, limits)
        while len(_READ) > _KEPT:
            del _READ[next(iter(_READ))]
    return cached


#: Files read in this process, by path, size and modification time (the last few).
_READ: dict[tuple, ScenarioFile] = {}
_KEPT = 16


def _unchanged(path: str, size: int, mtime: int) -> bool:
    try:
        status = os.stat(path)
    except OSError:
        return False
    return (status.st_size, status.st_mtime_ns) == (size, mtime)


def _unreadable(source: str, message: str) -> ScenarioError:
    return ScenarioError([Problem(source, "", message)])


def _read(source: str, limits: Limits) -> ScenarioFile:
    """Phase 1 for ``source`` and every file it takes parts from (``extends``, ``from``)."""
    data, document = _parse(source, limits)
    others: list[tuple[str, int, int]] = []

    def read_other(path: str) -> dict[str, Any]:
        status = os.stat(path)
        others.append((os.path.abspath(path), status.st_size, status.st_mtime_ns))
        return _parse(path, limits)[1]

    document = compose(document, source, read_other)
    return ScenarioFile(source, document, hashlib.sha256(data).hexdigest(), tuple(others))


def _parse(source: str, limits: Limits) -> tuple[bytes, dict[str, Any]]:
    """A file's bytes and its TOML document, or a ScenarioError naming what stops reading it."""
    path = Path(source)
    if path.is_dir():
        raise _unreadable(source, "is a directory, not a scenario file")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1) if not limits.allow_large else handle.read()
    except OSError as error:
        raise _unreadable(source, f"cannot be read: {error.strerror}") from None
    if len(data) > MAX_FILE_BYTES and not limits.allow_large:
        raise _unreadable(
            source,
            f"is larger than {MAX_FILE_BYTES // 1000:,} kB, too large for a scenario file (shipped ones are "
            "10-20 kB); pass --allow-large if it really is one",
        )
    text = _text(source, data)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _unreadable(source, f"is not valid TOML: {error}") from None
    except RecursionError:
        raise _unreadable(source, f"nests tables or arrays too deeply (at most {MAX_DEPTH} levels)") from None
    depth = nesting(document)
    if depth > MAX_DEPTH:
        raise _unreadable(source, f"nests tables or arrays {depth} levels deep, more than {MAX_DEPTH}")
    return data, document


def _text(source: str, data: bytes) -> str:
    """The file's bytes as text: UTF-8 (a byte-order mark tolerated), else one line saying what it is."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _unreadable(source, "is UTF-16 text: save it as UTF-8")
    if b"\x00" in data:
        raise _unreadable(source, f"contains a NUL byte (at byte {data.index(0)}): it is not a text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _unreadable(source, f"is not UTF-8 text (byte {error.start} cannot be decoded)") from None


def nesting(value: Any) -> int:
    """How deep tables and arrays nest in a TOML value (a scalar: 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def load_scenario(path: str | Path | ScenarioFile, limits: Limits = DEFAULT_LIMITS) -> Scenario:
    """Read and validate a scenario file (against ``limits``: see :mod:`simulator.files.limits`)."""
    return read_file(path, limits).base(limits)


def load_configuration(
    path: str | Path | ScenarioFile,
    variant: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Scenario:
    """The scenario in ``path`` with ``variant`` (``a+b`` for several) and then ``overrides`` applied."""
    return read_file(path, limits).configuration(variant, overrides, limits)


def load_variant(
    path: str | Path | ScenarioFile, name: str | None, limits: Limits = DEFAULT_LIMITS
) -> Scenario:
    """The scenario in ``path`` (``name=None``) or one of its variants (``a+b`` combines), validated."""
    return load_configuration(path, name, limits=limits)


def check_file(path: str | Path | ScenarioFile, limits: Limits = DEFAULT_LIMITS) -> Scenario:
    """Validate a file completely, the scenario and each of its variants; the base scenario."""
    file = read_file(path, limits)
    problems = file.problems(limits)
    if problems:
        raise ScenarioError(problems)
    return file.base(limits)
