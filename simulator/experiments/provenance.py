"""Provenance: what produced a result, so any figure can be traced back and reproduced.

A result is only as good as the record of what made it: the scenario exactly as the simulator read
it, the seed, the number of replications, the versions of mlasim and of the libraries whose
behaviour the numbers rest on (Python, numpy for the random streams, SimPy for the clock), and the
git commit when mlasim runs from a checkout.

The scenario's fingerprint is the SHA-256 of its *parsed* form (every field, defaults included, in
a canonical JSON), so two files that differ by one value have different fingerprints while a
reformatted file or an added comment keeps its own; the file's text is recorded beside it.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import json
import platform
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from simulator import __version__
from simulator.world.scenario import Scenario


def _plain(_instance: Any, _field: Any, value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    return value


def canonical(scenario: Scenario) -> str:
    """The scenario as canonical JSON: sorted keys, enums by value, sets sorted; the file path left out."""
    document = attrs.asdict(scenario, recurse=True, value_serializer=_plain)
    document.pop("source", None)
    return json.dumps(document, sort_keys=True, separators=(",", ":"), default=repr)


def scenario_sha256(scenario: Scenario) -> str:
    """The SHA-256 of :func:`canonical`: equal exactly when the simulator sees the same scenario."""
    return hashlib.sha256(canonical(scenario).encode("utf-8")).hexdigest()


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@functools.cache
def git_commit() -> str | None:
    """The commit of the checkout mlasim runs from (with ``+dirty`` for local changes), or None."""
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{commit}+dirty" if dirty else commit


def environment() -> dict[str, str | None]:
    """Versions the numbers rest on."""
    import numpy
    import simpy

    return {
        "mlasim": __version__,
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "simpy": simpy.__version__,
    }


def provenance(
    scenario: Scenario, *, seed: int, replications: int, command: Sequence[str] | None = None
) -> dict[str, Any]:
    """The provenance block of one configuration's result (JSON-ready)."""
    source = Path(scenario.source) if scenario.source else None
    text = source.read_text("utf-8") if source is not None and source.is_file() else None
    return {
        "scenario_name": scenario.name,
        "scenario_file": scenario.source,
        "scenario_sha256": scenario_sha256(scenario),
        "scenario_file_sha256": file_sha256(source) if text is not None else None,
        "scenario_text": text,
        "seed": seed,
        "replications": replications,
        "command": list(command) if command is not None else None,
        **environment(),
    }
