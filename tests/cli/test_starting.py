"""``mlasim init``, ``mlasim schema`` and shell completion, from the outside."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from simulator.cli import app
from tests.conftest import SCENARIOS

runner = CliRunner()


def test_init_copies_runnable_examples_and_refuses_to_overwrite(tmp_path):
    result = runner.invoke(app, ["init", str(tmp_path / "examples")])
    assert result.exit_code == 0, result.output
    assert "un-convention-baseline.toml" in result.output
    copied = sorted((tmp_path / "examples").glob("*.toml"))
    assert [p.name for p in copied] == sorted(p.name for p in SCENARIOS.glob("*.toml"))  # every shipped one
    validated = runner.invoke(app, ["validate", *map(str, copied)])
    assert validated.exit_code == 0 and validated.output.count(": ok") == len(copied) >= 6
    again = runner.invoke(app, ["init", str(tmp_path / "examples")])
    assert again.exit_code == 2 and "already exists" in again.output


def test_schema_prints_json_schema():
    result = runner.invoke(app, ["schema"])
    schema = json.loads(result.stdout)
    assert schema["$schema"].endswith("2020-12/schema") and "safeguards" in schema["properties"]


def test_shell_completion_is_offered():
    result = runner.invoke(app, ["--help"])
    assert "--install-completion" in result.output and "--show-completion" in result.output


def test_init_several_states_writes_a_starting_file_that_validates_and_runs(tmp_path):
    """Catches: a starting file for two States that does not validate as written."""
    written = runner.invoke(app, ["init", str(tmp_path), "--several-states"])
    assert written.exit_code == 0
    assert written.output.strip().splitlines()[0] == str(tmp_path / "two-states.toml")
    validated = runner.invoke(app, ["validate", str(tmp_path / "two-states.toml")])
    assert validated.exit_code == 0, validated.output
    again = runner.invoke(app, ["init", str(tmp_path), "--several-states"])
    assert again.exit_code == 2 and "already exists" in again.output
