"""Where data leave around the central authority, in the outputs of ``run`` and ``compare``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.reporting.providers import basis_rows, flat_estimates
from simulator.reporting.routes import flat_estimates as all_flat
from tests.conftest import ROOT

SMALL = str(ROOT / "tests" / "data" / "small-routes.toml")
runner = CliRunner()


@pytest.fixture(scope="module")
def ran() -> str:
    result = runner.invoke(app, ["run", SMALL, "--quiet"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def document() -> dict:
    result = runner.invoke(app, ["run", SMALL, "--quiet", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_run_shows_each_provider_its_answers_by_requester_and_the_provisions(ran):
    assert "By provider (data it held" in ran
    assert "Providers' direct answers (share of a State's direct requests with some data produced)" in ran
    assert "By provision (data handed over under it" in ran
    assert "18 U.S.C. 2702(c)(6)" in ran and "Budapest 2AP Art 7" in ran
    assert "Budapest 2AP Art 6" not in ran  # nothing left under it: no row
    assert max(len(line) for line in ran.splitlines()) <= 100


def test_json_blocks_and_their_round_trip(document):
    assert set(document["providers"]) == {"mail", "social"}
    assert "partner" in document["providers"]["mail"]["by_requester"]
    assert document["granted_under"]["us-2702-c-6"]["citation"] == "18 U.S.C. 2702(c)(6)"
    flat = flat_estimates(document, lambda entry: entry)
    assert "provider.mail.partner.some_data_share" in flat and "granted_under.2ap-7.legitimate" in flat
    assert "provider.mail.abusive_handed_over" in all_flat(document)
    rows = basis_rows(all_flat(document))
    assert any(row[0].startswith("18 U.S.C. 2702(c)(6)") for row in rows)


def test_compare_across_regimes_shows_data_by_provider_and_by_provision():
    result = runner.invoke(app, ["compare", SMALL, "--variant", "no-protocol", "--quiet"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "By provider (A, and each alternative's paired difference)" in text
    section = text[text.index("By provision data left under") :]
    line = next(row for row in section.splitlines() if "legitimate data handed over under 2ap-7" in row)
    difference = line.split()[-3]  # "B minus A": without the Protocol no direct order leaves
    assert difference.startswith("-") and float(difference) < 0, line
    line = next(row for row in section.splitlines() if "legitimate data handed over under us-2702-c-6" in row)
    assert line.split()[-3].startswith("+"), line  # ...they go as voluntary requests instead
