"""How many mutants of the decision core do the domain tests and the pinned results kill?

A mutant is the package with one small change in one module of ``simulator/domain/``: a comparison
turned (``<`` into ``<=``, ``is`` into ``is not``...), ``and`` into ``or``, a ``not`` dropped, a number
moved by one, ``True`` into ``False``, a provision id replaced by another of the catalogue, a function
returning ``None`` at its first ``return``, two neighbouring records of a tuple swapped (two rules of a
stage in the other order). This script samples mutants with a seed, runs ``tests/domain`` and
``tests/test_pinned.py`` against each in a scratch copy of the checkout (the checkout is never
touched), and prints the share killed (a test failed, or the run passed its time limit) with the
survivors, which say what the tests do not pin.

    python bench/mutants.py                      # 100 mutants of the domain layer, seed 1
    python bench/mutants.py --count 30 --module rules.py --module monitoring.py
"""

from __future__ import annotations

import argparse
import ast
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = ROOT / "simulator" / "domain"
TESTS = ("tests/domain", "tests/test_pinned.py")
PROVISION_ID = re.compile(r"^(uncc|budapest|us)-[0-9a-z-]+$")
TURNED = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In,
}  # fmt: skip


def docstrings(tree: ast.Module) -> set[int]:
    """The ids of the string constants that are docstrings (never mutated)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def sites(tree: ast.Module, provisions: list[str]) -> list[tuple[str, int, ast.AST]]:
    """Every place a mutation can be made: (operator, line, node)."""
    skip = docstrings(tree)
    annotations = {
        id(n) for node in ast.walk(tree) for n in ast.walk(getattr(node, "annotation", None) or ast.Pass())
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in annotations:
            continue
        if isinstance(node, ast.Compare):
            found += [("compare", node.lineno, node)] if type(node.ops[0]) in TURNED else []
        elif isinstance(node, ast.BoolOp):
            found.append(("boolean", node.lineno, node))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            found.append(("not", node.lineno, node))
        elif isinstance(node, ast.Constant) and id(node) not in skip:
            if isinstance(node.value, bool):
                found.append(("flag", node.lineno, node))
            elif isinstance(node.value, int | float):
                found.append(("number", node.lineno, node))
            elif isinstance(node.value, str) and PROVISION_ID.match(node.value) and len(provisions) > 1:
                found.append(("provision", node.lineno, node))
        elif isinstance(node, ast.FunctionDef) and any(gives_something(n) for n in ast.walk(node)):
            found.append(("return", node.lineno, node))
        elif (
            isinstance(node, ast.Tuple)
            and len(node.elts) > 1
            and all(isinstance(e, ast.Call) for e in node.elts)
        ):
            found.append(("order", node.lineno, node))
    return found


def gives_something(node: ast.AST) -> bool:
    """A ``return`` with a value other than None (turning ``return None`` into itself is no mutant)."""
    if not isinstance(node, ast.Return) or node.value is None:
        return False
    return not (isinstance(node.value, ast.Constant) and node.value.value is None)


def _calls(nodes: list[ast.AST]) -> list[bool]:
    return [isinstance(n, ast.Call) for n in nodes]


def mutate(kind: str, node: ast.AST, rng: random.Random, provisions: list[str]) -> str:
    """Change ``node`` in place; a few words saying how."""
    if kind == "compare":
        before = type(node.ops[0])
        node.ops[0] = TURNED[before]()
        return f"{before.__name__} -> {TURNED[before].__name__}"
    if kind == "boolean":
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        return "and <-> or"
    if kind == "not":
        node.op = ast.UAdd()  # +x of a bool is its int: the negation dropped
        return "not dropped"
    if kind == "flag":
        node.value = not node.value
        return f"{not node.value} -> {node.value}"
    if kind == "number":
        before = node.value
        node.value = before + 1 if before in (0, 0.0) or rng.random() < 0.5 else before - 1
        return f"{before} -> {node.value}"
    if kind == "provision":
        before = node.value
        node.value = rng.choice([p for p in provisions if p != before])
        return f"{before} -> {node.value}"
    if kind == "return":
        for sub in ast.walk(node):
            if gives_something(sub):
                sub.value = ast.Constant(None)
                return "first return gives None"
        return "nothing"
    i = rng.randrange(len(node.elts) - 1)
    node.elts[i], node.elts[i + 1] = node.elts[i + 1], node.elts[i]
    return f"records {i} and {i + 1} swapped"


def catalogue_ids() -> list[str]:
    """The ids of the provision catalogue, which a mutant may cite instead of the original's."""
    import tomllib

    return sorted(tomllib.loads((DOMAIN / "data" / "provisions.toml").read_text(encoding="utf-8")))


def run_tests(scratch: Path, limit: float) -> str:
    """Run the domain and pinned tests in the mutated copy ``scratch``: killed, survived, or killed by the
    time limit."""
    command = [sys.executable, "-m", "pytest", *TESTS, "-x", "-q", "-p", "no:cacheprovider", "-n", "0"]
    try:
        done = subprocess.run(command, cwd=scratch, capture_output=True, timeout=limit, check=False)
    except subprocess.TimeoutExpired:
        return "killed (time limit)"
    return "survived" if done.returncode == 0 else "killed"


def main() -> None:
    """Sample mutants of the decision core's modules and report the share the tests kill."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--module", action="append", help="a module of simulator/domain (default: all)")
    parser.add_argument("--limit", type=float, default=600.0, help="seconds a test run may take")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    provisions = catalogue_ids()
    modules = [DOMAIN / m for m in args.module] if args.module else sorted(DOMAIN.glob("*.py"))
    candidates = []
    for module in modules:
        tree = ast.parse(module.read_text(encoding="utf-8"))
        candidates += [(module, i) for i, _ in enumerate(sites(tree, provisions))]
    chosen = rng.sample(candidates, min(args.count, len(candidates)))
    with tempfile.TemporaryDirectory(prefix="mlasim-mutants-") as folder:
        scratch = Path(folder)
        for part in ("simulator", "tests", "scenarios", "pyproject.toml"):
            source = ROOT / part
            (shutil.copytree if source.is_dir() else shutil.copyfile)(source, scratch / part)
        killed, survivors, started = 0, [], time.perf_counter()
        for number, (module, index) in enumerate(chosen, 1):
            target = scratch / module.relative_to(ROOT)
            original = module.read_text(encoding="utf-8")
            tree = ast.parse(original)
            kind, line, node = sites(tree, provisions)[index]
            how = mutate(kind, node, rng, provisions)
            target.write_text(ast.unparse(tree), encoding="utf-8")
            verdict = run_tests(scratch, args.limit)
            target.write_text(original, encoding="utf-8")
            killed += verdict != "survived"
            label = f"{module.name}:{line} {kind}: {how}"
            if verdict == "survived":
                survivors.append(label)
            print(f"[{number}/{len(chosen)}] {verdict:<20} {label}", flush=True)
    total = len(chosen)
    seconds = time.perf_counter() - started
    print(f"\n{killed} of {total} mutants killed ({killed / total:.0%}) in {seconds:.0f} s")
    print("survivors:" if survivors else "no survivor", *survivors, sep="\n  ")


if __name__ == "__main__":
    main()
