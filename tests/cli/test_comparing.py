"""``mlasim compare`` from the outside: what a strategy buys the abuser, paired by replication."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from simulator.cli import app
from tests.conftest import ROOT

SEVERAL = ROOT / "tests" / "data" / "small-several-states.toml"
runner = CliRunner()


def without_forum_shopping(directory):
    """The small several-State scenario with the abuser's forum shopping removed from the file."""
    text = SEVERAL.read_text("utf-8").replace('name = "small several States"', 'name = "no shopping"')
    start = text.index("[requesting_state.strategies.forum_shopping]")
    end = text.index("[requesting_state.strategies.flooding]")
    path = directory / "no-shopping.toml"
    path.write_text(text[:start] + text[end:], "utf-8")
    return path


def test_compare_shows_the_paired_difference_in_abusive_cases_reached_and_the_routes(tmp_path):
    base = without_forum_shopping(tmp_path)
    args = ["compare", str(base), str(SEVERAL), "--replications", "2", "--quiet"]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    text = done.stdout
    differences = text[text.index("B minus A: small several States minus no shopping (paired") :]
    assert "abusive cases that got the data anywhere" in differences.split("\n\n")[0]
    for heading in ("By requested State (A, and", "By channel (A, and", "Monitoring (A, and"):
        assert heading in text
    doc = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    alternative = doc["configurations"][1]
    assert alternative["difference"]["abusive_cases_reached"]["n"] == 2
    assert "requested.eu.abuse_pass_through" in alternative["route_differences"]
