"""``mlasim assumptions``, ``run --uncertainty``, ``compare --robust`` and ``frontier --robust`` as a user
types them: outputs within 100 columns, one-line errors with exit status 2, the same JSON on one and two
workers."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from simulator.cli import app
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "data" / "small-uncertain.toml"
runner = CliRunner()


def mlasim(*args: object, status: int = 0):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == status, result.output
    return result


def narrow(text: str) -> bool:
    return all(len(line) <= 100 for line in text.splitlines())


def test_run_with_uncertainty_prints_both_intervals_and_the_drivers(tmp_path):
    shown = mlasim(
        "run", SMALL, "--uncertainty", "8", "--per-draw", "2", "--study-dir", tmp_path / "s", "--brief", "-q"
    )
    assert "central [95% CI]" in shown.stdout and "over the assumptions" in shown.stdout
    assert "What drives the spread" in shown.stdout and narrow(shown.stdout)
    page = tmp_path / "page.html"
    mlasim(
        "run",
        SMALL,
        "--uncertainty",
        "8",
        "--per-draw",
        "2",
        "--study-dir",
        tmp_path / "s",
        "--report",
        page,
        "-q",
    )
    html = page.read_text()
    assert "Over the assumptions" in html and 'id="figure-spread"' in html and "desk-study" in html


def test_uncertainty_alone_takes_the_default_number_of_draws(tmp_path, monkeypatch):
    import simulator.experiments.uncertainty as uncertainty

    monkeypatch.setattr(uncertainty, "DRAWS", 4)  # read when the command runs
    shown = mlasim(
        "run", SMALL, "--uncertainty", "--per-draw", "1", "--study-dir", tmp_path / "s", "-f", "json", "-q"
    )
    assert json.loads(shown.stdout)["uncertainty"]["draws"] == 4


def test_the_same_seed_gives_the_same_json_on_one_and_two_workers(tmp_path):
    common = ("run", SMALL, "--uncertainty", "6", "--per-draw", "2", "-f", "json", "-q")
    one = mlasim(*common, "--workers", "1", "--study-dir", tmp_path / "one")
    two = mlasim(*common, "--workers", "2", "--study-dir", tmp_path / "two")
    assert one.stdout == two.stdout and json.loads(one.stdout)["uncertainty"]["draws"] == 6


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (
            "low = 0.05, high = 0.4",
            "low = 0.3, high = 0.4",
            "requesting_state[0].abusive_share.low: must not be above value",
        ),
        (
            "low = 0.05, high = 0.4",
            "low = 0.05, high = 1.4",
            "requesting_state[0].abusive_share.high: must be a probability",
        ),
        (
            'source = "desk-study"',
            'source = "pf:desk-study"',
            "stages.legal_review.service.mean.source: unknown source",
        ),
    ],
)
def test_a_malformed_range_is_one_line_and_exit_status_2(tmp_path, old, new, where):
    broken = tmp_path / "broken.toml"
    broken.write_text(SMALL.read_text().replace(old, new))
    for command in (("run", broken, "--uncertainty", "4"), ("assumptions", broken), ("validate", broken)):
        result = mlasim(*command, status=2)
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and where in lines[0], result.output


def test_assumptions_lists_screens_and_reports(tmp_path):
    listed = mlasim("assumptions", SMALL, "--no-screen")
    assert "stages.legal_review.service" in listed.stdout and "numbers without a range" in listed.stdout
    screened = mlasim("assumptions", SMALL, "--draws", "8", "--study-dir", tmp_path / "s", "--all", "-q")
    assert narrow(screened.stdout) and "Numbers without a range" in screened.stdout
    saved = tmp_path / "a.json"
    mlasim(
        "assumptions", SMALL, "--draws", "8", "--study-dir", tmp_path / "s", "-f", "json", "-o", saved, "-q"
    )
    page = tmp_path / "a.html"
    mlasim("report", saved, "-o", page)
    assert "Parameters with a range" in page.read_text()
    figures = mlasim("assumptions", "--figures")
    assert "pf:tcy-mla-duration-2014" in figures.stdout and narrow(figures.stdout)


def test_compare_robust_and_its_verdict(tmp_path):
    shown = mlasim(
        "compare", SMALL, "-v", "required", "--robust", "6", "--study-dir", tmp_path / "r", "-q",
        "--satisfy", "abuse_pass_through <= 0.3",
    )  # fmt: skip
    assert "B lowers abuse pass-through in 6 of 6 draws" in shown.stdout and narrow(shown.stdout)
    as_json = mlasim(
        "compare", SMALL, "-v", "required", "--robust", "6", "--study-dir", tmp_path / "r", "-q",
        "-f", "json", "--satisfy", "abuse_pass_through <= 0.3",
    )  # fmt: skip
    assert json.loads(as_json.stdout)["configurations"][1]["satisficing"]["met"] == 6
    mlasim("compare", SMALL, "-v", "required", "--satisfy", "abuse_pass_through <= 0.3", status=2)


def test_frontier_robust_on_a_sweep(tmp_path):
    sweep = tmp_path / "sweep"
    mlasim(
        "sweep",
        SMALL,
        "--grid",
        "safeguards.dual_criminality.mode=waived,required",
        "-n",
        "2",
        "--out",
        sweep,
        "-q",
    )
    shown = mlasim("frontier", sweep, "--robust", "4", "--per-draw", "1", "-q")
    words = " ".join(shown.stdout.split())  # a long temporary path wraps the first line
    assert "across the assumptions" in words and "mode=required" in words and narrow(shown.stdout)
    document = json.loads(
        mlasim("frontier", sweep, "--robust", "4", "--per-draw", "1", "-q", "-f", "json").stdout
    )
    assert [c["label"] for c in document["frontier"]] == ["safeguards.dual_criminality.mode=required"]
    assert len(list(sweep.glob("robust-*/draws-1/tasks/*.parquet"))) == 2 * 4  # kept in the sweep's directory


@pytest.mark.parametrize(
    ("command", "named"),
    [
        (("run", SMALL, "--uncertainty", "20000"), "--uncertainty: 20,000 draws, above the limit"),
        (("compare", SMALL, "-v", "required", "--robust", "6000"), "--robust: 12,000 configurations"),
        (("assumptions", SMALL, "--draws", "20000"), "--draws: 20,000 draws, above the limit"),
        (("run", SMALL, "--uncertainty", "4", "--per-draw", "20000"), "--per-draw: 20,000 replications"),
    ],
)
def test_too_many_draws_are_one_line_naming_the_option_before_anything_is_made(tmp_path, command, named):
    result = mlasim(*command, "--study-dir", tmp_path / "s", status=2)
    assert result.output.count("\n") == 1 and named in result.output and "--allow-large" in result.output
    assert not (tmp_path / "s").exists()
