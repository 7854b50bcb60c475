"""Outputs that never eat inputs, checked before any work.

A command's output paths (``--out``, ``--report``, ``--figures``) are checked when it starts, before
anything is read, simulated or written, so that no mistake costs a run or an input:

- an output may not be any input of the command (the scenario file, a saved result, a file of a run
  directory it reads or writes: ``mlasim run X.toml --out X.toml`` would replace the scenario with
  its result), nor another output of it (``--out P --report P`` would keep only the page);
- it may not be a path that must not be replaced (a link, a directory, a pipe, a device, a
  read-only file: :func:`simulator.files.output.target_problem`);
- its directory must be writable, and have some room: a file is created there and removed (the
  surest test, where permissions, read-only mounts and quotas all have their say), and the free
  space is asked of the file system where it can tell.

Each problem is one line naming the option, the path and what is wrong, and exit status 2.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from simulator.cli.common import fail
from simulator.files.output import target_problem

#: The files a run directory holds that no output may replace (``tasks/`` and its files too).
RUN_DIRECTORY_FILES = (
    "manifest.json",
    "scenario.toml",
    "replications.parquet",
    "summary.parquet",
    "summary.csv",
    "study.json",
    ".lock",
)
#: The least free space an output's directory must have (a result, a page: well under this).
MIN_FREE_BYTES = 1_000_000


def output_problems(
    outputs: Mapping[str, Path | None],
    inputs: Sequence[Path] = (),
    run_directories: Sequence[Path] = (),
    directories: Mapping[str, Path | None] | None = None,
    need_bytes: int = MIN_FREE_BYTES,
) -> list[str]:
    """Every problem of a command's outputs, each a line ``--out X.toml: ...`` (see the module
    docstring). ``outputs`` maps an option to its file (None: not given); ``inputs`` are the files the
    command reads; ``run_directories`` the run directories it reads or writes (not as outputs);
    ``directories`` the options naming a directory written into (``--figures``, a sweep's ``--out``)."""
    given = {option: (Path(path), False) for option, path in outputs.items() if path is not None}
    given |= {option: (Path(path), True) for option, path in (directories or {}).items() if path is not None}
    problems = []
    seen: dict[str, str] = {}
    for option, (path, is_directory) in given.items():
        written_in = run_directories if not is_directory else ()
        problem = _clash(path, inputs, written_in) or _kind(path, is_directory)
        key = _key(path)
        if problem is None and key in seen:
            problem = f"is also {seen[key]}: one output would replace the other"
        seen.setdefault(key, option)
        if problem is None:
            problem = _room(path if is_directory else path.parent, need_bytes)
        if problem:
            problems.append(f"{option} {path}: {problem}")
    figures = (directories or {}).get("--figures")
    if figures is not None:
        for source in inputs:
            if _key(Path(source).parent) == _key(Path(figures)) and Path(source).suffix in (".svg", ".png"):
                problems.append(f"--figures {figures}: holds {source}, an input a figure could replace")
    return problems


def _key(path: Path) -> str:
    """The path as the file system will resolve it (links followed, relative made absolute)."""
    return os.path.realpath(path)


def _clash(path: Path, inputs: Sequence[Path], run_directories: Sequence[Path]) -> str | None:
    """Why ``path`` would replace an input or a run directory's file, or None."""
    for source in inputs:
        if _same(path, Path(source)):
            return "is an input of this command: it would be replaced by the output; choose another path"
    for directory in run_directories:
        key, root = Path(_key(path)), Path(_key(Path(directory)))
        if key == root:
            return "is the run directory; choose a file outside it, or a new name in it"
        if (key.parent == root and key.name in RUN_DIRECTORY_FILES) or root / "tasks" in key.parents:
            return f"is a file of the run directory {directory}: it would be replaced; choose another path"
    return None


def _same(one: Path, other: Path) -> bool:
    try:
        if one.exists() and other.exists():
            return os.path.samefile(one, other)
    except OSError:
        pass
    return _key(one) == _key(other)


def _kind(path: Path, is_directory: bool) -> str | None:
    """Why ``path`` must not be written (as a file, or a directory written into), or None."""
    if is_directory:
        return "exists and is not a directory" if path.exists() and not path.is_dir() else None
    return target_problem(path)


def _room(directory: Path, need_bytes: int) -> str | None:
    """Why no file can be written in ``directory`` (or where it would be created), or None."""
    existing = Path(os.path.abspath(directory))
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is not a directory"
    try:
        fd, probe = tempfile.mkstemp(prefix=".mlasim-probe-", dir=existing)
    except OSError as error:
        return f"cannot write in {existing}: {error.strerror or error}"
    os.close(fd)
    os.unlink(probe)
    try:
        free = shutil.disk_usage(existing).free
    except OSError:
        return None
    if free < need_bytes:
        return f"only {free / 1e6:.1f} MB free in {existing}, {need_bytes / 1e6:.1f} MB needed"
    return None


def check_outputs(
    outputs: dict[str, Path | None],
    inputs: list[Path] | tuple[Path, ...] = (),
    run_directories: list[Path] | tuple[Path, ...] = (),
    directories: dict[str, Path | None] | None = None,
) -> None:
    """Refuse, before any work, outputs that would replace an input or each other, or that cannot be
    written (:mod:`simulator.cli.outputs`): the first problem in one line, exit status 2.
    ``directories``: the options naming a directory to write into (``--figures``, a sweep's ``--out``)."""
    problems = output_problems(outputs, inputs, run_directories, directories)
    if problems:
        more = len(problems) - 1
        raise fail(problems[0] + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""))
