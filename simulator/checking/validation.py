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
from simulator.files.limits import DEFAULT_LIMITS, Limits
from simulator.files.loader import read_toml
from simulator.files.overrides import check_file
from simulator.files.reader import Problem, ScenarioError


def file_problems(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> list[Problem]:
    """Every problem of the scenario file at ``path``: scenario, variants, sweep, properties
    (against ``limits``, the command line's)."""
    try:
        document = read_toml(path)
    except ScenarioError as error:
        return error.problems
    problems: list[Problem] = []
    scenario = None
    try:
        scenario = check_file(path, limits)
    except ScenarioError as error:
        problems += error.problems
    try:
        design, sweep_problems = design_from_file(path)
    except ScenarioError as error:  # "variants = 'all'" with broken variants: reported above
        design, sweep_problems = None, [p for p in error.problems if p not in problems]
    problems += sweep_problems
    if scenario is not None:
        if design is not None and not sweep_problems and (design.grid or design.lhs or design.variants):
            problems += design_problems(path, design, scenario.seed, limits)
        try:
            read_properties(document, str(path), scenario)
        except ScenarioError as error:
            problems += error.problems
    return list(dict.fromkeys(problems))
