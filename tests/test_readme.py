"""The README's and the documentation site's command examples print exactly what the pages show.

Each example is a ``console`` block after an ``<!-- example: NAME -->`` marker, starting with
``$ mlasim ...`` (optionally piped into ``head -n N`` or ``grep -v PATTERN``) and followed by the
output. This test runs the command and compares. A block may hold several commands, each
``$ mlasim ...`` line followed by its output; they run in order in the same directory (a sweep, then a
command that reads its run directory).

A page may also show a file the reader writes, as a block after a ``<!-- file: PATH -->`` marker
(PATH relative to the directory the reader works in): every example of the page runs in a directory
where the files shown above it on the page have been written, so a how-to's own scenario file is
validated and run exactly as shown. A ``pycon`` block after an example marker is a Python session,
run as a doctest (``--update`` does not rewrite it). Every ``console`` block of the README and the
site is an example (shell commands that are not run, such as ``make run``, are ``shell`` blocks).

After a deliberate change of output, refresh every page with ``python tests/test_readme.py --update``.
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
PAGES = [README, *sorted((ROOT / "docs").rglob("*.md"))]
EXAMPLE = re.compile(
    r"<!-- example: (?P<name>[\w-]+) -->\n```console\n\$ (?P<command>[^\n]+)\n(?P<output>.*?)```", re.S
)
PYCON = re.compile(r"<!-- example: (?P<name>[\w-]+) -->\n```pycon\n(?P<session>.*?)```", re.S)
FILE = re.compile(r"<!-- file: (?P<path>[\w./-]+) -->\n```\w*\n(?P<text>.*?)```", re.S)
CONSOLE = re.compile(r"^```console$", re.M)


def examples(text: str) -> list[re.Match]:
    return list(EXAMPLE.finditer(text))


def page_examples() -> list[tuple[Path, re.Match]]:
    return [(page, match) for page in PAGES for match in examples(page.read_text())]


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
    assert names, "the README shows no example run by the tests"


def test_readme_fits_on_two_screens_and_links_to_the_site():
    """The README is what a newcomer needs: the details live on the site, history in CHANGELOG.md."""
    text = README.read_text()
    assert len(text.splitlines()) <= 80, "the README outgrew two screens: move the details to docs/"
    links = re.findall(r"\]\((docs/[^)#]+)", text)
    assert "docs/index.md" in links
    assert all((ROOT / link).exists() for link in links), links
    assert "## 0." not in text, "version history belongs in CHANGELOG.md"


def test_every_page_example_has_a_unique_name():
    for page in PAGES:
        text = page.read_text()
        names = [m["name"] for m in [*examples(text), *PYCON.finditer(text)]]
        assert len(names) == len(set(names)), f"{page.relative_to(ROOT)}: {names}"


def test_every_console_block_is_a_run_example():
    """A console block shows a command and what it prints: the tests must run it."""
    for page in PAGES:
        text = page.read_text()
        blocks = len(CONSOLE.findall(text))
        assert blocks == len(examples(text)), (
            f"{page.relative_to(ROOT)}: {blocks} console blocks, {len(examples(text))} run as examples "
            "(mark each with <!-- example: NAME -->, or show a command that is not run as a shell block)"
        )


def workspace(directory: Path, page: Path | None = None, before: int = 0) -> Path:
    """A directory where the examples' relative paths work and what they write stays apart.

    With a page, the files it shows before offset ``before`` are written there, as the reader would.
    """
    for name in ("scenarios", "tests"):
        (directory / name).symlink_to(ROOT / name)
    if page is not None:
        for shown in FILE.finditer(page.read_text()[:before]):
            path = directory / shown["path"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(shown["text"])
    return directory


def steps(match: re.Match) -> list[tuple[str, str]]:
    """The block's commands, each with the output shown after it."""
    parts = re.split(r"^\$ ([^\n]+)\n", f"$ {match['command']}\n{match['output']}", flags=re.M)
    return list(zip(parts[1::2], parts[2::2], strict=True))


def render(match: re.Match) -> str:
    """The block as the commands print it today."""
    shown = "".join(f"$ {command}\n{execute(command)}" for command, _ in steps(match))
    return f"<!-- example: {match['name']} -->\n```console\n{shown}```"


def example_id(case) -> str:
    page, match = case
    return f"{page.relative_to(ROOT).with_suffix('')}:{match['name']}"


@pytest.mark.parametrize("case", page_examples(), ids=example_id)
def test_example_output_is_current(case, monkeypatch, tmp_path):
    page, match = case
    monkeypatch.chdir(workspace(tmp_path, page, match.start()))
    for command, output in steps(match):
        assert execute(command) == output, f"{example_id(case)}: {command}"


@pytest.mark.parametrize(
    "case", [(page, match) for page in PAGES for match in PYCON.finditer(page.read_text())], ids=example_id
)
def test_python_session_output_is_current(case, monkeypatch, tmp_path):
    """A ``pycon`` example (a Python prompt) prints what the page shows, as a doctest."""
    import doctest

    page, match = case
    monkeypatch.chdir(workspace(tmp_path, page, match.start()))
    test = doctest.DocTestParser().get_doctest(match["session"], {}, example_id(case), str(page), 0)
    report: list[str] = []
    result = doctest.DocTestRunner().run(test, out=report.append)
    assert result.attempted and not result.failed, "".join(report)


def update(only: list[str]) -> None:
    """Rewrite the examples of every page (or of the pages named) with what the commands print."""
    import os
    import tempfile

    for page in PAGES:
        if only and not any(page.match(pattern) or str(page).endswith(pattern) for pattern in only):
            continue
        text = page.read_text()
        for match in reversed(examples(text)):
            os.chdir(workspace(Path(tempfile.mkdtemp()), page, match.start()))
            text = text[: match.start()] + render(match) + text[match.end() :]
        page.write_text(text)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--update"]:
        sys.path.insert(0, str(ROOT))
        update(sys.argv[2:])
