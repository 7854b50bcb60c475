"""The README's command examples print exactly what the README shows.

Each example is a ``console`` block after an ``<!-- example: NAME -->`` marker, starting with
``$ mlasim ...`` (optionally piped into ``head -n N``) and followed by the output. This test runs the
command and compares. A block may hold several commands, each ``$ mlasim ...`` line followed by its
output; they run in order in the same directory (a sweep, then a command that reads its run
directory). After a deliberate change of output, refresh the README with
``python tests/test_readme.py --update``.
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
EXAMPLE = re.compile(
    r"<!-- example: (?P<name>[\w-]+) -->\n```console\n\$ (?P<command>[^\n]+)\n(?P<output>.*?)```", re.S
)


def examples(text: str) -> list[re.Match]:
    return list(EXAMPLE.finditer(text))


def execute(command: str) -> str:
    from simulator.cli import app

    # `| head -n N` or `| grep -v '^#'` at the end; a | inside quotes is part of an argument
    command, *pipes = (part.strip() for part in re.split(r"\s\|\s*(?=(?:head|grep)\s)", command))
    argv = shlex.split(command)
    assert argv[0] == "mlasim"
    result = CliRunner().invoke(app, argv[1:])
    lines = result.output.splitlines()
    for pipe in pipes:  # `head -n N`, or `grep -v '^#'` (drops a CSV's provenance comment)
        words = shlex.split(pipe)
        if words[0] == "head":
            lines = lines[: int(words[-1])]
        else:
            assert words[:2] == ["grep", "-v"], pipe
            lines = [line for line in lines if not re.search(words[2], line)]
    return "\n".join(lines) + "\n"


def test_readme_has_examples():
    names = {m["name"] for m in examples(README.read_text())}
    assert {"run", "json", "validate", "run-broken", "explain"} <= names


def workspace(directory: Path) -> Path:
    """A directory where the examples' relative paths work and what they write stays apart."""
    for name in ("scenarios", "tests"):
        (directory / name).symlink_to(ROOT / name)
    return directory


def steps(match: re.Match) -> list[tuple[str, str]]:
    """The block's commands, each with the output shown after it."""
    parts = re.split(r"^\$ ([^\n]+)\n", f"$ {match['command']}\n{match['output']}", flags=re.M)
    return list(zip(parts[1::2], parts[2::2], strict=True))


def render(match: re.Match) -> str:
    """The block as the commands print it today."""
    shown = "".join(f"$ {command}\n{execute(command)}" for command, _ in steps(match))
    return f"<!-- example: {match['name']} -->\n```console\n{shown}```"


@pytest.mark.parametrize("match", examples(README.read_text()), ids=lambda m: m["name"])
def test_example_output_is_current(match, monkeypatch, tmp_path):
    monkeypatch.chdir(workspace(tmp_path))
    for command, output in steps(match):
        assert execute(command) == output, command


def update() -> None:
    import os
    import tempfile

    os.chdir(workspace(Path(tempfile.mkdtemp())))
    text = README.read_text()
    for match in reversed(examples(text)):
        text = text[: match.start()] + render(match) + text[match.end() :]
    README.write_text(text)


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        sys.path.insert(0, str(ROOT))
        update()
