"""The README's command examples print exactly what the README shows.

Each example is a ``console`` block after an ``<!-- example: NAME -->`` marker, starting with
``$ mlasim ...`` (optionally piped into ``head -n N``) and followed by the output. This test runs the
command and compares. After a deliberate change of output, refresh the README with
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

    command, *pipes = (part.strip() for part in command.split("|"))
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


@pytest.mark.parametrize("match", examples(README.read_text()), ids=lambda m: m["name"])
def test_example_output_is_current(match, monkeypatch, tmp_path):
    monkeypatch.chdir(workspace(tmp_path))
    assert execute(match["command"]) == match["output"]


def update() -> None:
    import os
    import tempfile

    os.chdir(workspace(Path(tempfile.mkdtemp())))
    text = README.read_text()
    for match in reversed(examples(text)):
        output = execute(match["command"])
        block = f"<!-- example: {match['name']} -->\n```console\n$ {match['command']}\n{output}```"
        text = text[: match.start()] + block + text[match.end() :]
    README.write_text(text)


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        sys.path.insert(0, str(ROOT))
        update()
