"""The package's layers import one way: domain, world, files, experiments, checking, reporting, serving,
cli.

A module's folder tells its layer. This test walks every module's syntax tree (imports inside
functions included) and fails on any import of a higher layer, so the architecture the folders show
is the one the code has. It is itself tested on a planted upward import.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "simulator"

#: The layers from the bottom up; each may import only those before it.
LAYERS = ("domain", "world", "files", "experiments", "checking", "reporting", "serving", "cli")


def layer_of(module: str) -> int | None:
    """The layer index of a dotted module name inside ``simulator``, or None for the package root."""
    parts = module.split(".")
    if parts[0] != "simulator" or len(parts) < 2:
        return None
    return LAYERS.index(parts[1]) if parts[1] in LAYERS else None


def imported_modules(tree: ast.AST, package: str) -> list[tuple[int, list[str]]]:
    """Each import statement's line and the modules it may name (relative to ``package`` resolved)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, [alias.name]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from simulator import world` names a subpackage; `from simulator import __version__` does not.
            found.append((node.lineno, [base, *(f"{base}.{alias.name}" for alias in node.names)]))
    return found


def upward_imports(package: Path) -> list[str]:
    """One line per import of a higher layer, as ``path:line: layer imports layer (module)``."""
    problems = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package.parent).with_suffix("")
        here = ".".join(relative.parts[:-1] if relative.name == "__init__" else relative.parts)
        own = layer_of(here)
        if own is None:
            continue
        home = here if relative.name == "__init__" else here.rpartition(".")[0]
        for line, names in imported_modules(ast.parse(path.read_text("utf-8")), home):
            layers = [(layer, name) for name in names if (layer := layer_of(name)) is not None]
            if layers and (highest := max(layers))[0] > own:
                problems.append(f"{path}:{line}: {LAYERS[own]} imports {LAYERS[highest[0]]} ({highest[1]})")
    return problems


def test_every_module_sits_in_a_layer() -> None:
    stray = [p.name for p in PACKAGE.glob("*.py") if p.stem not in {"__init__", "__main__", *LAYERS}] + [
        p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name not in {*LAYERS, "__pycache__"}
    ]
    assert stray == [], f"modules outside every layer: {stray}"


def test_no_module_imports_a_higher_layer() -> None:
    assert upward_imports(PACKAGE) == []


@pytest.mark.parametrize(
    ("where", "planted"),
    [
        ("domain/rules.py", "from simulator.world.pipeline import simulate\n"),
        ("world/tally.py", "import simulator.experiments.stats\n"),
        ("files/loader.py", "def late():\n    from simulator.reporting import trace\n"),
        ("experiments/stats.py", "from simulator import checking\n"),
        ("reporting/run.py", "from simulator.cli import app\n"),
        ("reporting/html.py", "from simulator.serving import page\n"),
        ("serving/page.py", "from simulator.cli.common import fail\n"),
        ("domain/model.py", "from ..files import reader\n"),
    ],
)
def test_a_planted_upward_import_is_caught(tmp_path: Path, where: str, planted: str) -> None:
    copy = tmp_path / "simulator"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / where).open("a", encoding="utf-8") as module:
        module.write("\n" + planted)
    problems = upward_imports(copy)
    assert len(problems) == 1
    assert problems[0].startswith(f"{copy / where}:")


def test_downward_and_root_imports_are_allowed(tmp_path: Path) -> None:
    copy = tmp_path / "simulator"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / "reporting" / "run.py").open("a", encoding="utf-8") as module:
        module.write("\nfrom simulator import __version__\nfrom simulator.domain import rules\n")
    assert upward_imports(copy) == []


def test_relative_imports_resolve_from_the_package(tmp_path: Path) -> None:
    copy = tmp_path / "simulator"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "domain" / "__init__.py").write_text("from . import rules\nfrom ..world import tally\n")
    assert [p.split(": ", 1)[1] for p in upward_imports(copy)] == [
        "domain imports world (simulator.world.tally)"
    ]
