"""Writing results never destroys: only regular writable files are replaced, atomically, umask honoured."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from simulator.files.output import OutputError, make_directory, new_file_mode, write_atomically, write_text


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_new_file_gets_the_mode_the_umask_allows(tmp_path, umask_022):
    write_text(tmp_path / "new.txt", "x\n")
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644 == new_file_mode()
    os.umask(0o077)
    write_text(tmp_path / "private.txt", "x\n")
    assert stat.S_IMODE((tmp_path / "private.txt").stat().st_mode) == 0o600


def test_a_replaced_file_keeps_its_mode(tmp_path, umask_022):
    path = tmp_path / "result.txt"
    path.write_text("old\n")
    path.chmod(0o664)
    write_text(path, "new\n")
    assert path.read_text() == "new\n" and stat.S_IMODE(path.stat().st_mode) == 0o664


def _symlink(tmp_path: Path) -> Path:
    (tmp_path / "real.txt").write_text("precious\n")
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "real.txt")
    return link


def _fifo(tmp_path: Path) -> Path:
    os.mkfifo(tmp_path / "pipe")
    return tmp_path / "pipe"


def _read_only(tmp_path: Path) -> Path:
    path = tmp_path / "frozen.txt"
    path.write_text("precious\n")
    path.chmod(0o444)
    return path


def _directory(tmp_path: Path) -> Path:
    (tmp_path / "folder").mkdir()
    return tmp_path / "folder"


@pytest.mark.parametrize(
    "make, reason",
    [
        (_symlink, "is a symbolic link"),
        (_fifo, r"is a named pipe \(FIFO\)"),
        (_read_only, "is read-only"),
        (_directory, "is a directory"),
        (lambda _: Path("/dev/null"), "is a device"),
    ],
    ids=["symlink", "fifo", "read-only", "directory", "device"],
)
def test_what_is_not_a_regular_writable_file_is_refused_and_left_alone(tmp_path, make, reason):
    target = make(tmp_path)
    before = os.lstat(target)
    with pytest.raises(OutputError, match=reason) as caught:
        write_text(target, "new\n")
    assert str(caught.value).startswith(f"{target}: ") and "\n" not in str(caught.value)
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino, after.st_size) == (before.st_mode, before.st_ino, before.st_size)
    assert not list(tmp_path.glob(".*.tmp"))
    if target.name == "link.txt":
        assert (tmp_path / "real.txt").read_text() == "precious\n"


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "result.txt"
    path.write_text("good\n")

    def broken(tmp: str) -> None:
        Path(tmp).write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        write_atomically(path, broken)
    assert path.read_text() == "good\n"
    assert [p.name for p in tmp_path.iterdir()] == ["result.txt"]


def test_make_directory_refuses_a_file(tmp_path):
    (tmp_path / "afile").write_text("")
    with pytest.raises(OutputError, match="exists and is not a directory"):
        make_directory(tmp_path / "afile")
    assert make_directory(tmp_path / "a" / "b").is_dir()
