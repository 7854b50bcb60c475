"""Simulated estimates of ``replications`` properties: the same verdict and numbers on any backend."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from simulator.checking.check import check
from simulator.checking.estimates import matching_shares
from simulator.checking.reading import read_properties
from simulator.cli import app
from simulator.experiments.execution import Execution
from simulator.experiments.executors import Serial
from simulator.files.loader import load_scenario, read_toml

SMALL = Path(__file__).resolve().parents[2] / "tests" / "data" / "small-sweep.toml"
PROPERTY = """
[[property]]
name = "abuse-mostly-stopped"
scope = "replications"
given = { abusive = true }
expect = { outcome_in = ["handed_over"], probability_at_most = 0.9, replications = REPLICATIONS }
"""


def with_property(directory: Path, replications: int = 6) -> Path:
    """The small sweep scenario with a ``replications`` property, ``abuse-mostly-stopped``."""
    path = directory / "with-property.toml"
    path.write_text(SMALL.read_text() + PROPERTY.replace("REPLICATIONS", str(replications)))
    return path


def test_check_on_two_workers_gives_what_one_process_gives(tmp_path):
    scenario_file = with_property(tmp_path)
    args = ["check", str(scenario_file), "-p", "abuse-mostly-stopped", "--format", "json"]
    serial = CliRunner().invoke(app, [*args, "--workers", "1"])
    pooled = CliRunner().invoke(app, [*args, "--workers", "2"])
    assert serial.exit_code == pooled.exit_code == 0
    assert serial.stdout == pooled.stdout
    assert pooled.stderr == "mlasim: backend: process pool, 2 workers\n"
    estimate = json.loads(serial.stdout)["properties"][0]["estimate"]
    assert estimate["n"] == 6 and 0 < estimate["mean"] < 0.9


def test_a_task_gives_one_share_per_replication_and_the_api_reassembles_them(tmp_path):
    scenario_file = with_property(tmp_path)
    scenario = load_scenario(scenario_file)
    prop = read_properties(read_toml(scenario_file), str(scenario_file), scenario)[-1]
    pieces = matching_shares((scenario, prop, 0, (0, 1))) + matching_shares((scenario, prop, 0, (2,)))
    whole = matching_shares((scenario, prop, 0, (0, 1, 2)))
    assert pieces == whole and [r for r, _ in whole] == [0, 1, 2]
    said = []
    result = check(scenario, [prop], seed=0, execution=Execution(workers=1, announce=said.append))[0]
    assert said == [Serial().name] and result.examples == 6
