"""Writing result files without destroying anything.

A result file is written to a temporary file beside its target and renamed into place only when it
is complete, so an interrupted or failed command never leaves half a file where a good one was, and
never leaves its temporary file behind. The rename replaces only a regular, writable file (or
creates a new one): a path that is a symbolic link, a directory, a named pipe (FIFO), a device or a
read-only file is refused with one line, because renaming over it would silently replace the link,
the pipe or the device node with a plain file, or overwrite a file its owner protected.

A temporary file's name holds its writer's process id (``.NAME.PID.<random>.tmp``), so that a process
cleaning up after one that was killed (a sweep's resume) removes only what a process no longer running
left behind (:func:`writer_of`).

A new file gets the permissions the umask allows (``0644`` under the usual umask ``022``), so
colleagues on a shared server can read results; a replaced file keeps its permissions.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path


class OutputError(Exception):
    """An output path that must not be written: one line naming the path and why."""


def target_problem(path: str | Path) -> str | None:
    """Why ``path`` must not be replaced by a new file, or None when it may (regular file or no file)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        return f"cannot be checked: {error.strerror}"
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        return (
            f"is a symbolic link (to {os.readlink(path)}): not replaced; give the path it points to "
            "to write there"
        )
    if stat.S_ISDIR(mode):
        return "is a directory, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a regular file: not replaced"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file: not replaced"
    if not stat.S_ISREG(mode):
        return "is not a regular file: not replaced"
    if not mode & 0o222:
        return "is read-only: not replaced; make it writable or choose another path"
    return None


def new_file_mode() -> int:
    """The permissions a new file gets under the current umask (``0o644`` under umask ``022``)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomically(path: str | Path, write: Callable[[str], None]) -> None:
    """Call ``write(temporary_path)``, then rename the temporary file onto ``path``.

    Raises :class:`OutputError` for a path that must not be replaced (see :func:`target_problem`)
    and ``OSError`` when the directory cannot be written; the temporary file never stays behind.
    """
    path = Path(path)
    problem = target_problem(path)
    if problem:
        raise OutputError(f"{path}: {problem}")
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else new_file_mode()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def writer_of(temporary: str | Path) -> int | None:
    """The process id of the writer of a temporary file of :func:`write_atomically` (None if its
    name holds none: a file of another program, or of an older mlasim)."""
    parts = Path(temporary).name.split(".")
    if len(parts) >= 5 and parts[-1] == "tmp" and parts[-3].isdigit():
        return int(parts[-3])
    return None


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    write_atomically(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def make_directory(path: str | Path) -> Path:
    """Create ``path`` (and its parents) as a directory the umask lets others read, or say why not."""
    path = Path(path)
    if path.is_symlink() and not path.is_dir():
        raise OutputError(f"{path}: is a symbolic link to nothing usable, not a directory")
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: exists and is not a directory")
    path.mkdir(parents=True, exist_ok=True)
    return path
