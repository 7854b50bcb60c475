"""Shared by the bench tests: a bench script loaded as a module, and a queue that keeps what it gets."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.conftest import ROOT


def load_bench(script: str) -> ModuleType:
    """``bench/<script>.py`` as a module (benches are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"{script}_bench", ROOT / "bench" / f"{script}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


class Kept:
    """Stands in for the queue a measuring process puts its result on."""

    def put(self, measured):
        self.measured = measured
