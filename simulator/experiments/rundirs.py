"""A run directory held by one process at a time, and the disk a sweep needs.

Two commands working in one run directory at once (two ``mlasim sweep --resume DIR``, or a resume
started while the sweep still runs) would both compute every missing task, and each would delete
the other's temporary files at start-up. So a process that starts or resumes a sweep first takes
an exclusive **lock** on the directory: an OS file lock (``flock``) on its ``.lock`` file, which
the operating system releases when the process ends, however it ends (``kill -9`` included). The
file itself stays and means nothing: it is never "stale". The holder writes its process id into
it, so a second process is refused with one line naming the first (:class:`RunDirectoryBusy`).
Where the OS has no ``flock`` (Windows), nothing is locked.

The lock is re-entrant within a process: starting a sweep and then running it (``mlasim sweep``)
holds it once, from the start to the last result file.

A sweep's files take some room: :func:`sweep_bytes` estimates it before anything runs, so that a
disk that cannot hold them is found before the work, not after hours of it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock
    fcntl = None  # type: ignore[assignment]

#: The lock file of a run directory (its lock, not its existence, says it is in use).
LOCK = ".lock"
#: What a task file takes on disk besides its rows (Parquet footer, identity, environment), and a
#: row of every metric in a task file and in the result files together (measured: 181 metrics).
TASK_BYTES = 24_000
ROW_BYTES = 6_000

#: Run directories this process holds: resolved path -> (lock file descriptor, depth).
_HELD: dict[Path, tuple[int, int]] = {}
#: Run directories this process created to lock them (a failed start removes them).
_CREATED: set[Path] = set()


class RunDirectoryBusy(Exception):
    """Another process works in the run directory: one line naming it."""


@contextmanager
def holding(directory: str | Path) -> Iterator[None]:
    """Hold ``directory``'s lock while the block runs (created if missing); raise
    :class:`RunDirectoryBusy` if another process holds it."""
    key = Path(directory).resolve()
    if key in _HELD:
        fd, depth = _HELD[key]
        _HELD[key] = (fd, depth + 1)
        try:
            yield
        finally:
            fd, depth = _HELD[key]
            _HELD[key] = (fd, depth - 1)
        return
    if not key.exists():
        _CREATED.add(key)
    try:
        fd = _lock(Path(directory))
    except BaseException:
        _CREATED.discard(key)
        raise
    _HELD[key] = (fd, 1)
    try:
        yield
    finally:
        del _HELD[key]
        _CREATED.discard(key)
        if fd >= 0:
            os.close(fd)  # releases the lock


def _lock(directory: Path) -> int:
    """The open lock file of ``directory``, locked by this process (-1 where nothing can be locked)."""
    if fcntl is None:
        return -1
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOCK
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _holder(fd)
        os.close(fd)
        raise RunDirectoryBusy(
            f"{directory}: another mlasim process ({holder}) is working in this run directory; wait for "
            "it to end (or stop it), then resume"
        ) from None
    except OSError:  # a file system without locks (some network mounts): go on unlocked
        return fd
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def _holder(fd: int) -> str:
    """``process 1234`` from the lock file's content (what its holder wrote), or a vaguer word."""
    try:
        pid = int(os.pread(fd, 32, 0).decode().split()[0])
    except (OSError, ValueError, IndexError):
        return "its process id unknown"
    return f"process {pid}"


def held(directory: str | Path) -> bool:
    """Whether this process holds ``directory``'s lock."""
    return Path(directory).resolve() in _HELD


def created_here(directory: str | Path) -> bool:
    """Whether ``directory`` is new: missing, or created by this process to lock it."""
    path = Path(directory)
    return not path.exists() or path.resolve() in _CREATED


def alive(pid: int) -> bool:
    """Whether a process ``pid`` runs (on this machine)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as another user
        return True
    return True


def sweep_bytes(tasks: int, rows: int) -> int:
    """About what a sweep of ``tasks`` task files and ``rows`` replications writes on disk."""
    return tasks * TASK_BYTES + rows * ROW_BYTES


def free_bytes(directory: str | Path) -> int | None:
    """Free space where ``directory`` is (or would be created), None where it cannot be known."""
    path = Path(directory).resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None


def refuse_occupied(directory: Path, force: bool, manifest: str, holding: str, occupied: str) -> None:
    """A run directory must be new, empty, or (with ``force``) taken over knowingly: one line,
    ``holding`` when it already holds a ``manifest`` (what to do with that run), ``occupied`` when
    it holds other files."""
    from simulator.files.reader import Problem, ScenarioError

    if directory.exists() and not directory.is_dir():
        raise ScenarioError([Problem(str(directory), "", "exists and is not a directory")])
    if force or not directory.exists() or not any(p.name != LOCK for p in directory.iterdir()):
        return
    message = holding if (directory / manifest).exists() else occupied
    raise ScenarioError([Problem(str(directory), "", message)])
