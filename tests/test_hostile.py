"""Results you can trust under misuse: every case of issue 10, tried from the outside as a user would.

Sweeps that meet stale, edited, truncated, empty or corrupted files; ``--grid`` over run settings;
``--out`` onto links, pipes, devices, directories and read-only files; numbers that explode; files
that used to pass ``validate`` and then crash; interruptions; help texts. Each must give correct data
or one line and exit status 2, never a traceback.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

import simulator
from simulator.checking.validation import file_problems
from simulator.cli import main
from simulator.files.document import load_scenario
from simulator.files.limits import REQUEST_CEILING
from simulator.files.loader import ScenarioError
from simulator.reporting.run import as_json
from simulator.reporting.trace import UnknownRequest, explain, format_trace
from tests.conftest import BASELINE, ROOT, deep_update, document

SMALL = ROOT / "tests" / "data" / "small-sweep.toml"
GRID = "safeguards.dual_criminality.refusal_rate=0.2,0.8"


def run_cli(*argv: str) -> tuple[int, str, str]:
    """``mlasim ARGV`` through the console entry point: exit status, standard output, standard error."""
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            main(list(argv))
        except SystemExit as exited:
            return exited.code, out.getvalue(), err.getvalue()
    raise AssertionError("main() always exits")


def one_line_error(code: int, err: str, *fragments: str) -> None:
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in err, err


def write_toml(directory: Path, doc: dict, name: str = "s.toml") -> str:
    path = directory / name
    path.write_text(tomli_w.dumps(doc))
    return str(path)


def sweep_cli(out: Path, *extra: str) -> tuple[int, str, str]:
    return run_cli("sweep", str(SMALL), "--out", str(out), "--grid", GRID, "-n", "2", "-w", "1", "-q", *extra)


def replications_of(directory: Path):
    return pq.read_table(directory / "replications.parquet")


# --- 1. sweep integrity ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    """A finished sweep: 2 configurations x 2 replications, batches of 1 (4 task files)."""
    directory = tmp_path_factory.mktemp("finished") / "run"
    code, _, err = sweep_cli(directory, "--batch", "1")
    assert code == 0, err
    return directory


def copy_of(finished: Path, tmp_path: Path) -> Path:
    directory = tmp_path / "copy"
    shutil.copytree(finished, directory)
    (directory / "replications.parquet").unlink()
    return directory


def test_a_stale_directory_is_refused_then_forced_into_correct_data(finished, tmp_path):
    directory = copy_of(finished, tmp_path)
    (directory / "manifest.json").unlink()  # the old seed's task files stay
    code, _, err = sweep_cli(directory, "--batch", "1", "--seed", "12")
    one_line_error(code, err, "is not empty and holds no sweep manifest", "--force")
    code, _, err = sweep_cli(directory, "--batch", "1", "--seed", "12", "--force")
    assert code == 0, err
    assert err.count("seed differ") == 4 and "Traceback" not in err
    code, _, err = sweep_cli(tmp_path / "fresh", "--batch", "1", "--seed", "12")
    assert replications_of(directory).equals(replications_of(tmp_path / "fresh"))
    assert not replications_of(directory).equals(replications_of(finished))


def test_a_directory_holding_a_sweep_is_refused_without_force(finished):
    code, _, err = sweep_cli(finished, "--batch", "1")
    one_line_error(code, err, "already holds a sweep", f"--resume {finished}")


def test_an_edited_batch_never_duplicates_rows(finished, tmp_path):
    directory = copy_of(finished, tmp_path)
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest["batch"] = 2
    (directory / "manifest.json").write_text(json.dumps(manifest))
    code, _, err = run_cli("sweep", "--resume", str(directory), "-w", "1", "-q")
    assert code == 0, err
    assert replications_of(directory).num_rows == 4
    assert replications_of(directory).equals(replications_of(finished))


@pytest.mark.parametrize(
    "damage, reason",
    [
        (lambda p: p.write_bytes(p.read_bytes()[:100]), "cannot be read (truncated or corrupt"),
        (lambda p: p.write_bytes(b""), "is empty"),
        (lambda p: p.write_bytes(p.read_bytes()[:4] + b"\x00" * 400 + p.read_bytes()[404:]), "recomputing"),
    ],
    ids=["truncated", "empty", "corrupted"],
)
def test_a_damaged_task_file_is_named_and_recomputed(finished, tmp_path, damage, reason):
    directory = copy_of(finished, tmp_path)
    victim = sorted((directory / "tasks").glob("*.parquet"))[1]
    damage(victim)
    code, _, err = run_cli("sweep", "--resume", str(directory), "-w", "1", "-q")
    assert code == 0, err
    assert err.count("\n") == 1 and str(victim) in err and reason in err and "Traceback" not in err
    assert replications_of(directory).equals(replications_of(finished))


def test_resume_refuses_the_settings_it_would_ignore(finished):
    code, _, err = run_cli("sweep", "--resume", str(finished), "--seed", "3", "--batch", "2", "-q")
    one_line_error(code, err, "--resume takes the sweep's settings from", "drop --seed, --batch")


def test_a_moved_run_directory_resumes(finished, tmp_path):
    directory = copy_of(finished, tmp_path)
    moved = tmp_path / "moved"
    directory.rename(moved)
    code, _, err = run_cli("sweep", "--resume", str(moved), "-w", "1", "-q")
    assert code == 0, err
    assert replications_of(moved).equals(replications_of(finished))


# --- 2. run settings are not design factors ----------------------------------------------------
@pytest.mark.parametrize("key", ["scenario.seed", "scenario.replications"])
def test_grid_over_a_run_setting_is_refused_in_one_line(tmp_path, key):
    code, _, err = run_cli("sweep", str(SMALL), "--out", str(tmp_path / "r"), "--grid", f"{key}=1,2", "-q")
    one_line_error(code, err, f"{key} is not a design factor")
    assert not (tmp_path / "r").exists()


# --- 3. --out never destroys -------------------------------------------------------------------
def _targets(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "real.txt").write_text("precious\n")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "frozen.txt").write_text("precious\n")
    (tmp_path / "frozen.txt").chmod(0o444)
    (tmp_path / "folder").mkdir()
    return {
        "is a symbolic link": tmp_path / "link.txt",
        "is a named pipe": tmp_path / "pipe",
        "is read-only": tmp_path / "frozen.txt",
        "is a directory": tmp_path / "folder",
        "is a device": Path("/dev/full"),
    }


def test_out_refuses_what_it_would_destroy_and_leaves_it_alone(tmp_path):
    small = write_toml(tmp_path, document())
    for reason, target in _targets(tmp_path).items():
        before = os.lstat(target)
        code, _, err = run_cli("run", small, "-n", "1", "-w", "1", "--out", str(target))
        one_line_error(code, err, str(target), reason)
        after = os.lstat(target)
        assert (after.st_mode, after.st_ino, after.st_size) == (before.st_mode, before.st_ino, before.st_size)
    assert (tmp_path / "real.txt").read_text() == "precious\n"
    assert not list(tmp_path.glob(".*.tmp"))


def test_every_output_honours_the_umask(tmp_path):
    previous = os.umask(0o022)
    try:
        small = write_toml(tmp_path, document())
        code, _, err = run_cli(
            "run", small, "-n", "1", "-w", "1", "-f", "json", "--out", str(tmp_path / "r.json")
        )
        assert code == 0, err
        code, _, err = sweep_cli(tmp_path / "sweep")
        assert code == 0, err
    finally:
        os.umask(previous)
    files = [tmp_path / "r.json", *(p for p in (tmp_path / "sweep").rglob("*") if p.is_file())]
    assert len(files) > 6
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o644}


# --- 4. limits and warnings --------------------------------------------------------------------
@pytest.mark.parametrize(
    "dotted, value, message",
    [
        ("requesting_state.0.requests_per_year", 1e9, "above the ceiling of 1,000,000"),
        ("scenario.horizon_days", 1e12, "scenario.horizon_days: must be at most 36500 days"),
        (
            "requesting_state.0.surge",
            [{"start_day": 0, "end_day": 10, "multiplier": 1e12}],
            "multiplier: must be at most 1000",
        ),
        (
            "stages.execution.service",
            {"distribution": "lognormal", "mean": 1e300, "sd": 1e300},
            "must be at most 1e+09",
        ),
        (
            "stages.execution.service",
            {"distribution": "lognormal", "mean": 1e6, "sd": 1e8},
            "draws durations up to",
        ),
        (
            "stages.execution.service",
            {"distribution": "lognormal", "mean": 1e-300, "sd": 1e8},
            "cannot be sampled",
        ),
        (
            "requesting_state.0.measures",
            {"subscriber_info": 1.7e308, "traffic_data": 1.7e308},
            "weights are too large",
        ),
        ("requesting_state.0.id", "", "must be a non-empty identifier"),
    ],
    ids=["rate", "horizon", "multiplier", "huge-lognormal", "heavy-tail", "tiny-mean", "weights", "empty-id"],
)
def test_numbers_that_would_explode_are_refused_in_one_line(tmp_path, dotted, value, message):
    path = write_toml(tmp_path, deep_update(document(), dotted, value))
    code, _, err = run_cli("validate", path)
    assert code == 2 and message in err and "Traceback" not in err
    assert all(line.startswith(f"{path}: ") for line in err.strip().splitlines())  # a line per problem
    for command in (["run", path, "-n", "1", "-w", "1"], ["explain", path, "-r", "0"]):
        code, _, err = run_cli(*command)
        one_line_error(code, err, message)


def test_allow_large_lets_a_large_scenario_through(tmp_path):
    path = write_toml(tmp_path, deep_update(document(), "requesting_state.0.requests_per_year", 3e6))
    code, _, err = run_cli("validate", path)
    one_line_error(code, err, "--allow-large", f"{REQUEST_CEILING:,}")
    code, out, err = run_cli("validate", path, "--allow-large")
    assert code == 0 and out.strip().endswith(": ok"), err
    code, out, err = run_cli("--allow-large", "validate", path)  # before the command: for any command
    assert code == 0 and out.strip().endswith(": ok"), err
    code, _, err = run_cli("compare", path, path, "-n", "1")  # and only for that invocation
    one_line_error(code, err, "--allow-large")


def test_a_saturated_run_warns_beside_the_headline_in_table_and_json(tmp_path):
    saturated = deep_update(
        document(), "stages.execution", {"staff": 1, "service": {"distribution": "fixed", "value": 5.0}}
    )
    path = write_toml(tmp_path, saturated)
    code, out, err = run_cli("run", path, "-n", "2", "-w", "1")
    assert code == 0, err
    assert "abuse pass-through (granted / decided) (!)" in out
    assert "(!) warning: " in out and "of abusive requests are still pending" in out
    code, out, err = run_cli("run", path, "-n", "2", "-w", "1", "-f", "json", "-q")
    warnings = json.loads(out)["warnings"]
    assert any("abusive requests are still pending" in w for w in warnings)
    assert err.startswith("mlasim: warning: ")
    calm = write_toml(tmp_path, document(), "calm.toml")
    code, out, err = run_cli("run", calm, "-n", "2", "-w", "1", "-f", "json")
    assert json.loads(out)["warnings"] == [] and "(!)" not in err


# --- 5. one validation, and a fuzz of extreme numbers ------------------------------------------
def test_validate_reports_scenario_sweep_and_property_problems_in_one_pass(tmp_path):
    doc = deep_update(document(), "requesting_state.0.abusive_share", 1.5)
    doc["sweep"] = {"grid": {"safeguards.dual_criminality.mode": ["sometimes"], "scenario.seed": [1, 2]}}
    doc["property"] = [{"name": "p", "kind": "no-such-kind"}]
    path = write_toml(tmp_path, doc)
    code, _, err = run_cli("validate", path)
    assert code == 2
    lines = err.strip().splitlines()
    assert any("abusive_share" in line for line in lines)
    assert any("scenario.seed is not a design factor" in line for line in lines)
    fixed = deep_update(doc, "requesting_state.0.abusive_share", 0.5)
    del fixed["sweep"]["grid"]["scenario.seed"]
    path = write_toml(tmp_path, fixed)
    code, _, err = run_cli("validate", path)
    lines = err.strip().splitlines()
    assert any("mode=sometimes" in line for line in lines), lines  # a configuration 'sweep' would reject
    assert any("property" in line for line in lines), lines  # and the property, in the same run


EXTREMES = [0, 5e-324, 1e-300, 1e-9, 1.0, 1e9, 1e300, 1e308, 1.7e308, math.inf, -math.inf, math.nan, -1.0]
FIELDS = [
    "scenario.horizon_days",
    "scenario.follow_up_days",
    "scenario.warmup_days",
    "requesting_state.0.requests_per_year",
    "requesting_state.0.abusive_share",
    "requesting_state.0.measures.subscriber_info",
    "requesting_state.0.abuse.labels.extremism",
    "requesting_state.0.abuse.disguise.a",
    "requesting_state.0.response_days.value",
    "requesting_state.0.surge.0.multiplier",
    "requesting_state.0.surge.0.end_day",
    "stages.execution.service.mean",
    "stages.execution.service.sd",
    "safeguards.evidence_weights.requester_record",
]


def _fuzz_base() -> dict:
    doc = document()
    doc["stages"]["execution"]["service"] = {"distribution": "lognormal", "mean": 1.0, "sd": 1.0}
    doc["requesting_state"][0]["surge"] = [{"start_day": 10.0, "end_day": 20.0, "multiplier": 2.0}]
    return doc


FUZZ = tempfile.TemporaryDirectory(prefix="mlasim-hostile-")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(FIELDS), st.sampled_from(EXTREMES)), min_size=1, max_size=3))
def test_extreme_numbers_are_refused_in_one_line_or_run_to_finite_numbers(changes):
    doc = _fuzz_base()
    for dotted, value in changes:
        doc = deep_update(doc, dotted, value)
    path = Path(FUZZ.name) / "fuzz.toml"
    path.write_text(tomli_w.dumps(doc))
    problems = file_problems(path)
    if problems:
        for problem in problems:
            assert "\n" not in str(problem) and str(problem).startswith(str(path))
        return
    scenario = load_scenario(path)
    result = simulator.run(scenario, replications=1, workers=1)
    as_json(result)  # refuses NaN and infinities (allow_nan=False)
    with contextlib.suppress(UnknownRequest):
        assert "nan" not in format_trace(explain(scenario, 0, 0, None)).lower()


# --- 6. no traceback ---------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["compare", "sweep", "run", "validate", "check"])
def test_help_renders_brackets_and_shows_no_bool_metavar(command):
    code, out, _ = run_cli(command, "--help")
    assert code == 0
    assert "<bool>" not in out
    if command in ("compare", "sweep"):
        assert "[[variant]]" in out


def test_run_has_quiet_and_allow_large(tmp_path):
    small = write_toml(tmp_path, document())
    code, out, err = run_cli("run", small, "-n", "1", "-w", "1", "--quiet", "--allow-large")
    assert code == 0 and err == "" and "1 replications" in out


def test_an_unexpected_error_is_one_line(monkeypatch, tmp_path):
    from simulator.cli import running

    def broken(*args, **kwargs):
        raise RuntimeError("something no user could cause")

    monkeypatch.setattr(running, "run_experiment", broken)
    small = write_toml(tmp_path, document())
    code, _, err = run_cli("run", small, "-n", "1")
    one_line_error(code, err, "internal error RuntimeError: something no user could cause")


def test_ctrl_c_says_where_the_partial_sweep_is_and_how_to_resume(tmp_path):
    directory = tmp_path / "interrupted"
    command = [
        sys.executable, "-m", "simulator", "sweep", str(SMALL), "--out", str(directory), "--grid", GRID,
        "-n", "6", "--batch", "1", "-w", "1", "-q",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list((directory / "tasks").glob("*.parquet")):
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.strip().splitlines() == [
        f"mlasim: interrupted; the finished tasks are kept in {directory}: "
        f"go on with 'mlasim sweep --resume {directory}'"
    ]
    code, _, err = run_cli("sweep", "--resume", str(directory), "-w", "1", "-q")
    assert code == 0, err
    assert replications_of(directory).num_rows == 12


def test_the_baseline_still_validates():
    assert file_problems(BASELINE) == []
    with pytest.raises(ScenarioError, match="--allow-large"):
        simulator.parse_scenario(
            deep_update(document(), "requesting_state.0.requests_per_year", 1e8), "big.toml"
        )
