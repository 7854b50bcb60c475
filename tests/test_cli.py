"""The mlasim command line, driven from the outside as a user would."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from simulator.checking.strategies import scenario_documents
from simulator.cli import app, main
from tests.conftest import BASELINE

runner = CliRunner()
REFERENCE_ARGS = ["--replications", "3"]


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_run_prints_the_table_with_intervals_and_citations():
    result = invoke("run", str(BASELINE), *REFERENCE_ARGS)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "3 replications, seed 20241224" in out
    assert "abuse pass-through (granted / decided)" in out
    assert "95% Student-t confidence interval" in out
    assert "UNCC Art 40(22)" in out and "discrimination clause" in out
    assert "authoritarian" in out


def test_run_json_has_mean_interval_and_n_for_every_metric():
    result = invoke("run", str(BASELINE), *REFERENCE_ARGS, "--format", "json", "--seed", "5")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["scenario"] == "UN convention baseline"
    assert (doc["seed"], doc["replications"]) == (5, 3)
    assert doc["version"]
    pass_through = doc["metrics"]["abuse_pass_through"]
    assert set(pass_through) == {"mean", "ci_low", "ci_high", "n"}
    assert pass_through["ci_low"] <= pass_through["mean"] <= pass_through["ci_high"]
    assert doc["refusals"]["uncc-40-22"]["citation"].startswith("UNCC Art 40(22)")


def test_run_csv_has_one_row_per_metric():
    result = invoke("run", str(BASELINE), *REFERENCE_ARGS, "--format", "csv")
    lines = [line for line in result.stdout.strip().splitlines() if not line.startswith("#")]
    assert lines[0] == "metric,mean,ci_low,ci_high,n"
    assert any(line.startswith("abuse_pass_through,") for line in lines)


def test_run_writes_the_output_file_atomically(tmp_path):
    out = tmp_path / "sub" / "result.json"
    result = invoke("run", str(BASELINE), *REFERENCE_ARGS, "--format", "json", "--out", str(out))
    assert result.exit_code == 0
    assert json.loads(out.read_text())["replications"] == 3
    assert [p.name for p in out.parent.iterdir()] == ["result.json"]


def test_a_broken_file_gives_one_line_and_exit_2(tmp_path):
    broken = tmp_path / "broken.toml"
    ranged = 'abusive_share = { value = 0.25, low = 0.1, high = 0.4, source = "assumption" }'
    assert ranged in BASELINE.read_text()
    broken.write_text(BASELINE.read_text().replace(ranged, "abusive_share = 2.5"))
    result = invoke("run", str(broken))
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"mlasim: {broken}: requesting_state[2].abusive_share: must be a probability between 0 and 1, not 2.5"
    ]
    assert "Traceback" not in result.output


def test_a_failed_run_leaves_an_existing_output_file_alone(tmp_path):
    out = tmp_path / "result.json"
    out.write_text("earlier result\n")
    result = invoke("run", str(tmp_path / "missing.toml"), "--out", str(out))
    assert result.exit_code == 2
    assert out.read_text() == "earlier result\n"


def test_validate_reports_ok_and_every_problem(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(
        BASELINE.read_text()
        .replace('mode = "discretionary"', 'mode = "sometimes"')
        .replace("[safeguards.consultation]", "[safeguards.consultaton]")
    )
    result = invoke("validate", str(BASELINE), str(broken))
    assert result.exit_code == 2
    assert f"{BASELINE}: ok" in result.output
    assert "safeguards.dual_criminality.mode: must be one of" in result.output
    assert "safeguards.consultaton: unknown key (did you mean 'consultation'?)" in result.output


def test_explain_prints_a_trace_with_citations():
    result = invoke("explain", str(BASELINE), "--request", "78")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Request 78, replication 0")
    assert "hidden truth: ABUSIVE" in out
    assert "REFUSE [UNCC Art 40(9)" in out  # a 40(9) decline: no consultation under the treaty
    assert "UNCC Art 40(27)" not in out.split("checked:")[-1]
    assert "Outcome: REFUSED" in out


def test_explain_json_lists_the_events():
    result = invoke("explain", str(BASELINE), "--request", "3", "--format", "json")
    doc = json.loads(result.output)
    kinds = [e["kind"] for e in doc["events"]]
    assert kinds[0] == "arrived" and "decided" in kinds


def test_explain_an_unknown_request_is_a_user_error():
    result = invoke("explain", str(BASELINE), "--request", "999999")
    assert result.exit_code == 2
    assert "request 999999 did not arrive in replication 0" in result.output


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", str(BASELINE), "--format", "xml"], "Invalid value for '--format'"),
        (["run", str(BASELINE), "--replications", "0"], "Invalid value for '--replications'"),
        (["run"], "Missing argument 'FILE'"),
        (["explain", str(BASELINE)], "Missing option '--request'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(capsys, argv, message):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_main_exits_0_on_success_and_2_on_bad_file(capsys, tmp_path):
    with pytest.raises(SystemExit) as exited:
        main(["validate", str(BASELINE)])
    assert exited.value.code == 0
    with pytest.raises(SystemExit) as exited:
        main(["run", str(tmp_path / "none.toml")])
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip() == f"mlasim: {tmp_path / 'none.toml'}: no such file"


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0 and result.output.startswith("mlasim ")


def test_compare_two_files_prints_paired_differences_and_flips():
    result = invoke(
        "compare", str(BASELINE), str(BASELINE.parent / "us-doj-scrutiny.toml"), "-n", "3", "-w", "1", "-q"
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "US DOJ scrutiny minus UN convention baseline (paired by replication)" in out
    assert "excludes 0" in out and "unpaired" in out
    # The baseline's domestic law already asks a judge's warrant for content (2703(a)/(b) in the US file),
    # so abusive requests flip on what it does not ask: a subpoena for subscriber data.
    assert "abusive: granted -> refused" in out and "now refused under 18 U.S.C. 2703(c)(2)" in out


def test_compare_variants_of_one_file_as_json():
    result = invoke(
        "compare", str(BASELINE), "--variant", "dual-criminality-required", "-n", "3", "-w", "1", "-q",
        "--format", "json",
    )  # fmt: skip
    doc = json.loads(result.output)
    labels = [c["label"] for c in doc["configurations"]]
    assert labels == ["UN convention baseline", "dual-criminality-required"]
    assert doc["same_requests"] is True
    diff = doc["configurations"][1]["difference"]["abuse_pass_through"]
    assert set(diff) >= {"mean", "ci_low", "ci_high", "n", "excludes_zero", "unpaired_half_width"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", str(BASELINE)], "compare needs two or more files"),
        (["compare", str(BASELINE), "--variant", "nope"], "no variant named 'nope'"),
        (["compare", str(BASELINE), str(BASELINE), "--variant", "flooded"], "give a single FILE"),
        (["sweep"], "sweep needs a FILE, or --resume DIR"),
        (["sweep", str(BASELINE), "--grid", "safeguards.x"], "--grid safeguards.x: give KEY=VALUE"),
        (["sweep", "--resume", "/nonexistent"], "not a sweep run directory"),
        (
            ["compare", str(BASELINE), str(BASELINE), "--precision", "0"],
            "--precision: must be a half-width greater than 0",
        ),
    ],
)
def test_experiment_commands_reject_bad_requests_in_one_line(args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_sweep_prints_each_configuration_and_writes_the_run_directory(tmp_path):
    small = BASELINE.parent.parent / "tests" / "data" / "small-sweep.toml"
    result = invoke("sweep", str(small), "--out", str(tmp_path / "run"), "-n", "2", "-w", "1", "-q")
    assert result.exit_code == 0, result.output
    assert "2 configurations x 2 replications" in result.output
    assert "refusal_rate = safeguards.dual_criminality.refusal_rate" in result.output  # the column's key
    row = next(line.split() for line in result.output.splitlines() if line.startswith("  1 "))
    assert row[:2] == ["1", "0.2"]
    assert (tmp_path / "run" / "summary.parquet").exists()
    again = invoke("sweep", str(small), "--out", str(tmp_path / "run"), "-q")
    assert again.exit_code == 2 and "already holds a sweep" in again.output
    resumed = invoke("sweep", "--resume", str(tmp_path / "run"), "-q", "-w", "1")
    assert resumed.exit_code == 0 and "2 configurations" in resumed.output


def test_sweep_latin_hypercube_and_variants(tmp_path):
    small = BASELINE.parent.parent / "tests" / "data" / "small-sweep.toml"
    result = invoke(
        "sweep", str(small), "--out", str(tmp_path / "run"), "-n", "2", "-w", "1", "-q",
        "--lhs", "3", "--variants", "all", "--file-sweep",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "6 configurations" in result.output  # 1 variant x 2 grid values x 3 LHS points
    assert "variant=required" in result.output


# --- what-ifs: --set, --variant a+b, the file's [sweep] only when asked, --dry-run ----------------

SMALL = BASELINE.parent.parent / "tests" / "data" / "small-sweep.toml"


@pytest.mark.parametrize(
    "command",
    [
        ["run", str(SMALL), "-n", "2"],
        ["compare", str(SMALL), "--variant", "required", "-n", "2", "-q"],
        ["check", str(SMALL), "--max-examples", "1"],
        ["sweep", str(SMALL), "-n", "2", "-q", "--dry-run"],
        ["explain", str(SMALL), "--request", "0"],
        [
            "sensitivity",
            str(SMALL),
            "--param",
            "stages.legal_review.staff=1,2",
            "--param",
            "scenario.seed=1,2",
        ],
    ],
    ids=lambda c: c[0],
)
def test_a_misspelt_set_key_is_one_line_with_a_suggestion_and_exit_2(command):
    result = invoke(*command, "--set", "safeguards.dual_criminality.mdoe=required")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"mlasim: {SMALL} (--set): safeguards.dual_criminality.mdoe: unknown key (did you mean 'mode'?)"
    ]


def test_set_changes_the_run_and_variants_combine():
    base = json.loads(invoke("run", str(SMALL), "-n", "2", "-w", "1", "-f", "json").stdout)
    strict = invoke("run", str(SMALL), "-n", "2", "-w", "1", "-f", "json",
                    "--set", "safeguards.dual_criminality.refusal_rate=1.0")  # fmt: skip
    changed = json.loads(strict.stdout)
    assert changed["scenario"] == "small sweep / safeguards.dual_criminality.refusal_rate=1.0"
    assert changed["metrics"]["abuse_pass_through"]["mean"] < base["metrics"]["abuse_pass_through"]["mean"]
    combined = invoke("run", str(SMALL), "-n", "2", "-w", "1", "--variant", "required+requird")
    assert (
        combined.exit_code == 2 and "no variant named 'requird' (did you mean 'required'?)" in combined.output
    )


def test_compare_json_lists_the_flipped_requests_that_explain_replays():
    result = invoke("compare", str(SMALL), "--variant", "required", "-n", "2", "-w", "1", "-q", "-f", "json")
    flipped = json.loads(result.output)["configurations"][1]["flipped_requests"]
    assert flipped and {f["replication"] for f in flipped} == {0, 1}
    first = flipped[0]
    replay = [
        "explain",
        str(SMALL),
        "--request",
        str(first["request"]),
        "--replication",
        str(first["replication"]),
    ]
    assert "Outcome: GRANTED" in invoke(*replay).output
    assert "Outcome: REFUSED" in invoke(*replay, "--variant", "required").output
    table = invoke("compare", str(SMALL), "--variant", "required", "-n", "2", "-w", "1", "-q").output
    assert f"abusive: granted -> refused: {first['replication']}/{first['request']}," in table


def test_the_file_sweep_only_when_asked_and_a_dry_run_that_runs_nothing(tmp_path):
    grid = ["--grid", 'safeguards.discrimination.grounds=["race"],["race","religion"]']
    asked = invoke("sweep", str(SMALL), *grid, "-n", "2", "--dry-run", "--out", str(tmp_path / "r"))
    assert asked.exit_code == 0, asked.output
    assert "2 configurations x 2 replications" in asked.output
    assert "safeguards.discrimination.grounds=['race', 'religion']" in asked.output
    assert "estimate: about" in asked.output and not (tmp_path / "r").exists()
    both = invoke("sweep", str(SMALL), *grid, "--file-sweep", "-n", "2", "--dry-run")
    assert "4 configurations x 2 replications" in both.output
    file_only = invoke("sweep", str(SMALL), "-n", "2", "--dry-run")
    assert "2 configurations" in file_only.output and "refusal_rate=0.8" in file_only.output
    none = invoke(
        "sweep", str(SMALL), "--no-file-sweep", "--set", "scenario.horizon_days=100", "-n", "2", "--dry-run"
    )
    assert "1 configurations" in none.output and "scenario.horizon_days=100" in none.output
    what_if = invoke("sweep", str(SMALL), "--set", "scenario.horizon_days=100", "-n", "2", "--dry-run")
    assert "2 configurations" in what_if.output  # --set is no design: the file's [sweep], changed
    assert "scenario.horizon_days=100, safeguards.dual_criminality.refusal_rate=0.8" in what_if.output


def test_validate_checks_variants_and_the_sweep_table(tmp_path):
    broken = tmp_path / "v.toml"
    broken.write_text(
        BASELINE.read_text().replace(
            '"safeguards.dual_criminality.mode" = "required"',
            '"safeguards.dual_criminality.mod" = "required"',
        )
    )
    result = invoke("validate", str(broken))
    assert result.exit_code == 2
    assert (
        "(variant 'dual-criminality-required'): safeguards.dual_criminality.mod: unknown key" in result.output
    )


# --- scenario files fuzzed: never a traceback, a broken file is one line and exit 2 -------------

JUNK = st.one_of(
    st.integers(-5, 5), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8), st.booleans(),
    st.lists(st.integers(), max_size=2), st.fixed_dictionaries({"x": st.integers()}),
)  # fmt: skip


def paths_of(node, prefix=()):
    """Every (path, value) of a nested document: tables, arrays of tables and leaves."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, value in items:
        yield (*prefix, key), value
        yield from paths_of(value, (*prefix, key))


@st.composite
def broken_documents(draw):
    doc = draw(scenario_documents())
    path = draw(st.sampled_from(list(paths_of(doc))))[0]
    *parents, last = path
    node = doc
    for key in parents:
        node = node[key]
    action = draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "delete":
        del node[last]
    elif action == "replace":
        node[last] = draw(JUNK)
    elif isinstance(node, dict):
        node[draw(st.sampled_from(["extra", "mode", "stafff", "rounds"]))] = draw(JUNK)
    return doc


def run_cli(argv):
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            main(argv)
        except SystemExit as exited:
            return exited.code, out.getvalue(), err.getvalue()
    raise AssertionError("main() always exits")


FUZZ_DIRECTORY = tempfile.TemporaryDirectory(prefix="mlasim-fuzz-")  # removed when the tests end


def write(text: str | dict) -> str:
    path = tempfile.mktemp(suffix=".toml", dir=FUZZ_DIRECTORY.name)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text if isinstance(text, str) else tomli_w.dumps(text))
    return path


@settings(max_examples=40, deadline=None)
@given(scenario_documents())
def test_generated_valid_files_validate_and_run(document):
    path = write(document)
    code, out, err = run_cli(["validate", path])
    assert code == 0 and out.strip().endswith(": ok"), err
    code, out, err = run_cli(["run", path, "-n", "1", "-w", "1"])
    assert code == 0, err
    assert "abuse pass-through" in out


@settings(max_examples=150, deadline=None)
@given(broken_documents())
def test_broken_files_fail_in_one_line_with_exit_2(document):
    path = write(document)
    code, _, err = run_cli(["validate", path])
    assert code in (0, 2)
    code, out, err = run_cli(["run", path, "-n", "1", "-w", "1"])
    assert code in (0, 2)
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"mlasim: {path}"), err
    else:
        assert "abuse pass-through" in out


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_corrupted_text_never_gives_a_traceback(data):
    text = BASELINE.read_text()
    start = data.draw(st.integers(0, len(text) - 1))
    junk = data.draw(st.text(max_size=6))
    corrupted = text[:start] + junk + text[start + data.draw(st.integers(0, 10)) :]
    path = write(corrupted)
    code, _, err = run_cli(["validate", path])
    assert code in (0, 2)
    if code == 2:
        assert all(line.startswith(path) for line in err.strip().splitlines())


def test_sweep_output_and_manifest_problems_are_one_line(tmp_path):
    small = BASELINE.parent.parent / "tests" / "data" / "small-sweep.toml"
    blocker = tmp_path / "afile"
    blocker.write_text("not a directory")
    for out in (blocker, blocker / "sub"):
        code, _, err = run_cli(["sweep", str(small), "--out", str(out), "-n", "1", "-w", "1", "-q"])
        assert code == 2 and len(err.strip().splitlines()) == 1 and "afile" in err, err
    run = tmp_path / "run"
    run.mkdir()
    (run / "manifest.json").write_text("{ broken")
    code, _, err = run_cli(["sweep", "--resume", str(run), "-q"])
    assert code == 2 and "is not a readable sweep manifest" in err and len(err.strip().splitlines()) == 1
    (run / "manifest.json").write_text(json.dumps({
        "scenario_file": str(small), "scenario_sha256": "x", "configurations": [], "seed": 1,
        "replications": 1, "batch": 1, "version": "0.0.1",
    }))  # fmt: skip
    code, _, err = run_cli(["sweep", "--resume", str(run), "-q"])
    assert code == 2 and "was written by mlasim 0.0.1" in err
