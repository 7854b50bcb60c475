"""What every command shares: the errors a user can cause become one line and exit status 2."""

from __future__ import annotations

import errno

import pytest
import typer

from simulator.cli.common import fail, user_errors
from simulator.experiments.executors import BackendError
from simulator.files.output import OutputError
from simulator.files.overrides import OverrideError
from simulator.files.reader import Problem, ScenarioError

TWO_PROBLEMS = [Problem("s.toml", "scenario.seed", "must be an integer"), Problem("s.toml", "", "x")]


def _exit_of(error: BaseException, capsys) -> tuple[int, str]:
    with pytest.raises(typer.Exit) as caught, user_errors():
        raise error
    assert caught.value.__cause__ is None and caught.value.__suppress_context__  # "from None"
    return caught.value.exit_code, capsys.readouterr().err


@pytest.mark.parametrize(
    "error, line",
    [
        (
            ScenarioError(TWO_PROBLEMS),
            "mlasim: s.toml: scenario.seed: must be an integer (and 1 more problem: see 'mlasim validate')",
        ),
        (BackendError("--scheduler x: cannot connect"), "mlasim: --scheduler x: cannot connect"),
        (OverrideError("s.toml (--set): nosuch: unknown key"), "mlasim: s.toml (--set): nosuch: unknown key"),
        (OutputError("out.csv: is a directory"), "mlasim: out.csv: is a directory"),
        (OSError(errno.EACCES, "Permission denied", "runs/x"), "mlasim: runs/x: Permission denied"),
        (OSError("disk full"), "mlasim: output: disk full"),
    ],
)
def test_a_user_error_is_one_line_and_status_2(error, line, capsys):
    assert _exit_of(error, capsys) == (2, line + "\n")


@pytest.mark.parametrize("error", [RuntimeError("a bug"), KeyError("k"), KeyboardInterrupt()])
def test_other_errors_pass_through_unchanged(error, capsys):
    with pytest.raises(type(error)) as caught, user_errors():
        raise error
    assert caught.value is error and capsys.readouterr().err == ""


def test_an_exit_raised_inside_keeps_its_status_and_says_nothing_more(capsys):
    with pytest.raises(typer.Exit) as caught, user_errors():
        raise fail("compare needs two or more files")
    assert caught.value.exit_code == 2
    assert capsys.readouterr().err == "mlasim: compare needs two or more files\n"
    with pytest.raises(typer.Exit) as caught, user_errors():
        raise typer.Exit(1)
    assert caught.value.exit_code == 1 and capsys.readouterr().err == ""
