"""Validation: every check any command applies to a scenario file, in one pass.

A file is used by several commands, and each checks what it needs: ``run`` the scenario, ``compare``
its variants, ``sweep`` its ``[sweep]`` table and every configuration the design produces, ``check``
its properties; reading any of them also checks the numbers' limits and the distributions'
numerical sanity (:mod:`simulator.files.limits`). ``mlasim validate`` runs all of these and reports
every problem found, so a file that validates is accepted by every command, and one run of
``validate`` shows everything to fix.
"""

from __future__ import annotations

from pathlib import Path

from simulator.checking.reading import read_properties
from simulator.experiments.designs import design_from_file
from simulator.experiments.sweeps import design_problems
from simulator.files.document import read_file
from simulator.files.limits import DEFAULT_LIMITS, Limits
from simulator.files.reader import Problem, ScenarioError


def file_problems(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> list[Problem]:
    """Every problem of the scenario file at ``path``: scenario, variants, sweep, properties
    (against ``limits``, the command line's), each reported once; or of a target file (``[[target]]``
    tables and no ``[scenario]``: :mod:`simulator.files.targets`)."""
    try:
        file = read_file(path, limits)
    except ScenarioError as error:
        return error.problems
    if "target" in file.document and "scenario" not in file.document:  # a target file (mlasim calibrate)
        from simulator.files.targets import parse_targets

        try:
            parse_targets(file.document, file.source)
        except ScenarioError as error:
            return error.problems
        return []
    problems = file.problems(limits)
    scenario = None if problems else file.base(limits)
    try:
        design, sweep_problems = design_from_file(file)
    except ScenarioError:  # "variants = 'all'" with broken variants: reported with the variants
        design, sweep_problems = None, []
    problems += sweep_problems
    if scenario is not None:
        if design is not None and not sweep_problems and (design.grid or design.lhs or design.variants):
            problems += design_problems(file.path, design, scenario.seed, limits)
        try:
            read_properties(file, scenario)
        except ScenarioError as error:
            problems += error.problems
    return problems
