"""``mlasim run`` as a user sees it: progress on a terminal only, and warnings beside the headline.

The progress bar is drawn on standard error when it is a terminal: these tests give the command a
pseudo-terminal (:mod:`pty`) as standard error and read what it drew, or run it through typer's
CliRunner, whose standard error is not a terminal.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from simulator.cli import app
from tests.conftest import BASELINE, ROOT

SATURATED = ROOT / "tests" / "data" / "saturated.toml"
runner = CliRunner()
pty = pytest.importorskip("pty")  # POSIX only


def on_a_terminal(*args: str) -> bytes:
    """What ``mlasim ARGS`` draws on standard error when that is a terminal (stdout discarded)."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", *args],
        stdout=subprocess.DEVNULL,
        stderr=slave,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
    )
    os.close(slave)
    drawn = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        drawn += chunk
    os.close(master)
    assert process.wait(timeout=300) == 0
    return drawn


def test_one_long_replication_shows_the_simulated_day_advancing():
    drawn = on_a_terminal("run", str(BASELINE), "-n", "1", "-f", "json")
    end = 730  # the baseline: 365 days of arrivals and 365 of follow-up
    days = {int(d) for d in re.findall(rb"(\d+)/%d" % end, drawn)}
    assert b"simulated days" in drawn and b"replications" in drawn
    assert end in days and len(days - {0, end}) >= 2, days  # seen part-way, more than once


def test_quiet_draws_nothing_on_a_terminal():
    drawn = on_a_terminal("run", str(SATURATED), "-n", "1", "-f", "json", "--quiet")
    assert b"replications" not in drawn and b"simulated days" not in drawn
    assert b"warning" in drawn  # the warnings still come


def test_nothing_is_drawn_when_standard_error_is_not_a_terminal():
    done = runner.invoke(app, ["run", str(SATURATED), "-n", "1", "-f", "json"])
    assert done.exit_code == 0
    assert "simulated days" not in done.stderr and "\x1b[" not in done.stderr
    assert done.stderr.startswith("mlasim: backend: serial")  # one replication: in this process


def test_a_saturated_run_warns_in_json_and_on_standard_error():
    done = runner.invoke(app, ["run", str(SATURATED), "-f", "json", "--quiet"])
    warnings = json.loads(done.stdout)["warnings"]
    assert len(warnings) == 3 and "the backlog grew" in warnings[2]
    assert done.stderr.count("mlasim: warning:") == 3
    assert "the backlog grew" in done.stderr


def test_a_saturated_run_warns_beside_the_headline_in_the_table(tmp_path):
    page = tmp_path / "page.html"
    done = runner.invoke(app, ["run", str(SATURATED), "--quiet", "--report", str(page)])
    assert "abuse pass-through (granted / decided) (!)" in done.stdout
    assert "(!) warning: the requested State falls behind" in done.stdout
    assert "the backlog grew" in page.read_text("utf-8")


def test_the_baseline_carries_no_warning():
    done = runner.invoke(app, ["run", str(BASELINE), "-n", "2", "-w", "1", "-f", "json", "--quiet"])
    assert json.loads(done.stdout)["warnings"] == []
    assert "warning" not in done.stderr


SEVERAL = ROOT / "tests" / "data" / "small-several-states.toml"


def test_run_of_several_states_prints_the_route_sections_and_json_carries_them():
    done = runner.invoke(app, ["run", str(SEVERAL), "--quiet"])
    assert done.exit_code == 0, done.output
    for heading in ("By requested State", "By channel", "Monitoring (flagged in k of n", "Flood requests"):
        assert heading in done.stdout
    doc = json.loads(runner.invoke(app, ["run", str(SEVERAL), "--quiet", "-f", "json"]).stdout)
    assert {"requested_states", "channels", "monitoring", "counts", "monitoring_rules"} <= set(doc)
    assert doc["monitoring"]["us"]["authoritarian"]["flagged"]["n"] == 2


def explain_case(*args: str):
    return runner.invoke(app, ["explain", str(SEVERAL), *args])


def test_explain_of_a_follow_up_shows_its_whole_case():
    from simulator.world.requesters import FOLLOW_UP_BASE

    doc = json.loads(explain_case("--request", "24", "-f", "json").stdout)
    follow_ups = [i for i in doc["requests"] if i >= FOLLOW_UP_BASE]
    assert doc["case"] == 24 and follow_ups, doc["requests"]
    case = explain_case("--request", "24").stdout
    again = explain_case("--request", str(follow_ups[0]))
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[1:] == case.splitlines()[1:]
    assert f"case 24: {len(doc['requests'])} requests" in case


def test_explain_of_a_follow_up_that_never_came_is_a_user_error():
    done = explain_case("--request", str((1 << 40) * 9 + 24))
    assert done.exit_code == 2 and "did not arrive in replication 0" in done.output
    assert str(1 << 40) not in done.output and "numbered from 0 in order of arrival" in done.output


def test_validate_prints_a_readable_number_of_problems_and_counts_the_rest(tmp_path):
    """Catches: a file of thousands of unknown keys printing thousands of lines."""
    from simulator.cli.running import SHOWN_PROBLEMS

    path = tmp_path / "many.toml"
    path.write_text(
        BASELINE.read_text().replace("[scenario]", "[scenario]\n" + "\n".join(f"x{i} = 1" for i in range(80)))
    )
    result = runner.invoke(app, ["validate", str(path)])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == SHOWN_PROBLEMS + 1
    assert lines[-1] == f"{path}: ... and {80 - SHOWN_PROBLEMS} more problems"


def test_a_run_near_the_ceiling_first_says_what_it_may_cost(tmp_path):
    """Up to 400,200 requests a replication (every abusive case refused 10,000 times): a note with
    the time and memory before the work; the replication itself, refusing nothing, is quick."""
    import tomli_w

    from tests.conftest import deep_update, document

    fresh = {
        "probability": 1.0,
        "max_attempts": 10_000,
        "delay_days": {"distribution": "fixed", "value": 1.0},
    }
    path = tmp_path / "near.toml"
    path.write_text(
        tomli_w.dumps(deep_update(document(), "requesting_state.0.strategies.fresh_request", fresh))
    )
    result = runner.invoke(app, ["run", str(path), "-n", "1", "-w", "1", "-q"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        "mlasim: note: a large run: up to about 400,200 requests in each of 1 replication: about "
    )
    assert "of memory per worker process" in result.stderr
