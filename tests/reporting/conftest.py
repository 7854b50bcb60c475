"""Small results of every kind, made once per test session, for the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.checking.check import check
from simulator.checking.reading import read_properties
from simulator.experiments import designs, sweeps
from simulator.experiments.comparison import compare
from simulator.experiments.run import run
from simulator.files.document import load_scenario, load_variant, read_file
from simulator.reporting import check as report_check
from simulator.reporting import documents
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "data" / "small-sweep.toml"
HOSTILE_NAME = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> $x^2$ & co'


def hostile_file(directory: Path) -> Path:
    """The small scenario renamed with a name made to run script if it were not escaped."""
    literal = "'''" + HOSTILE_NAME + "'''"  # a TOML literal string: no escapes needed
    text = SMALL.read_text("utf-8").replace('name = "small sweep"', f"name = {literal}")
    path = directory / "hostile.toml"
    path.write_text(text, "utf-8")
    return path


@pytest.fixture(scope="session")
def run_document() -> dict:
    return documents.run_document(run(load_scenario(SMALL), replications=3), ["mlasim", "run", str(SMALL)])


@pytest.fixture(scope="session")
def comparison():
    base = load_variant(SMALL, None)
    return compare([base, load_variant(SMALL, "required")], ["base", "required"], replications=3)


@pytest.fixture(scope="session")
def comparison_document(comparison) -> dict:
    return documents.comparison_document(comparison)


@pytest.fixture(scope="session")
def check_document() -> dict:
    scenario = load_scenario(SMALL)
    properties = read_properties(read_file(SMALL), scenario)[:2]
    results = check(scenario, properties, 5, 0)
    return report_check.document(results, scenario, 0, 5)


@pytest.fixture(scope="session")
def sweep_directory(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("sweep") / "run"
    design = designs.Design({"safeguards.dual_criminality.refusal_rate": [0.1, 0.5, 0.9]}, 0, {}, [])
    sweeps.sweep(SMALL, directory, design, replications=2, batch=2)
    return directory


@pytest.fixture(scope="session")
def sweep_document(sweep_directory) -> dict:
    return documents.read_saved(sweep_directory)[1]


# --- several requested States, fast channels, adaptive abuser, monitoring (issue 9) ---------------
SEVERAL = ROOT / "tests" / "data" / "small-several-states.toml"
#: Discovered abuse at eu comes to light quickly, so its SPRT flags the abuser and suspends it.
SUSPENDING = (
    "requested_state.eu.reputation.enabled=true",
    "requested_state.eu.reputation.discovery=1",
    "requested_state.eu.reputation.discovery_days=10",
)


def several(*sets: str):
    """The small several-State scenario, with ``--set`` style changes."""
    from simulator.files.document import load_configuration
    from simulator.files.overrides import parse_assignments

    return load_configuration(SEVERAL, None, parse_assignments(list(sets)))


def without_forum_shopping(scenario):
    """The same scenario with the abuser's forum shopping switched off (a strategy on/off pair)."""
    import attrs

    states = tuple(
        attrs.evolve(s, strategies=attrs.evolve(s.strategies, forum_shopping=None))
        for s in scenario.requesting_states
    )
    return attrs.evolve(scenario, requesting_states=states, name="no forum shopping")


@pytest.fixture(scope="session")
def several_result():
    return run(several(*SUSPENDING), replications=2)


@pytest.fixture(scope="session")
def several_document(several_result) -> dict:
    return documents.run_document(several_result)


@pytest.fixture(scope="session")
def several_comparison():
    shopping = several()
    return compare([without_forum_shopping(shopping), shopping], ["no shopping", "shopping"], replications=2)


@pytest.fixture(scope="session")
def several_comparison_document(several_comparison) -> dict:
    return documents.comparison_document(several_comparison)


#: Four settings, 36 configurations (the README's worked example has this shape); the horizon is set
#: alike in every configuration, so the page says it once.
WIDE_GRID = {
    "scenario.horizon_days": [400],
    "safeguards.dual_criminality.mode": ["waived", "discretionary", "required"],
    "safeguards.dual_criminality.refusal_rate": [0.2, 0.5, 0.8],
    "stages.legal_review.staff": [1, 2],
    "safeguards.data_protection": ["off", "conditions"],
}


@pytest.fixture(scope="session")
def wide_sweep_directory(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("wide") / "run"
    sweeps.sweep(SMALL, directory, designs.Design(WIDE_GRID, 0, {}, []), replications=2, batch=4)
    return directory


@pytest.fixture(scope="session")
def wide_sweep_document(wide_sweep_directory) -> dict:
    return documents.read_saved(wide_sweep_directory)[1]
