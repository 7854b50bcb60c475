"""What every command shares: the errors a user can cause become one line and exit status 2."""

from __future__ import annotations

import errno
import sys

import pytest
import typer

import simulator.cli  # noqa: F401  (registers the commands)
from simulator.cli.common import app, fail, main, user_errors
from simulator.experiments.executors import BackendError
from simulator.files.output import OutputError
from simulator.files.overrides import OverrideError
from simulator.files.reader import Problem, ScenarioError
from tests.conftest import BASELINE

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


def _built_commands(argv: list[str], monkeypatch) -> tuple[list[str], int | str | None]:
    """The commands typer turned into click commands while ``main(argv)`` ran, and its exit status."""
    import typer.main

    built, convert = [], typer.main.get_command_from_info

    def spy(*args, **kwargs):
        command = convert(*args, **kwargs)
        built.append(command.name)
        return command

    monkeypatch.setattr(typer.main, "get_command_from_info", spy)
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    return built, exit_.value.code


@pytest.mark.parametrize(
    "argv, built",
    [
        (["validate", str(BASELINE)], ["validate"]),  # a command named first: only it is built
        (["validate", str(BASELINE), "--allow-large"], ["validate"]),
        (["--allow-large", "validate", str(BASELINE)], None),  # an option first: every command
        (["valdate", str(BASELINE)], None),  # an unknown name: every command (for the suggestion)
    ],
)
def test_the_command_line_builds_only_the_command_it_runs(argv, built, monkeypatch, capsys):
    everything = list(app.registered_commands)
    names, status = _built_commands(argv, monkeypatch)
    assert names == (built or names) and (built is not None or len(names) == len(everything) > 1)
    assert status == (2 if argv[0] == "valdate" else 0)
    assert app.registered_commands == everything  # the app is whole again afterwards
    if argv[0] == "valdate":
        assert "Did you mean 'validate'" in capsys.readouterr().err


def test_the_app_is_whole_again_after_a_failing_command(monkeypatch, capsys):
    everything = list(app.registered_commands)
    names, status = _built_commands(["run", str(BASELINE) + ".missing"], monkeypatch)
    assert names == ["run"] and status == 2 and app.registered_commands == everything
    assert "no such file" in capsys.readouterr().err


def test_shell_completion_sees_every_command(monkeypatch):
    from simulator.cli.common import only_command

    monkeypatch.setenv("_MLASIM_COMPLETE", "complete_bash")
    with only_command(["run"]):
        assert len(app.registered_commands) > 1
    monkeypatch.delenv("_MLASIM_COMPLETE")
    with only_command(["run"]):
        assert [c.callback.__name__ for c in app.registered_commands] == ["run"]


TEARDOWN = (
    "import atexit, sys\nfrom simulator.cli import main\n"
    "class Teardown:\n    def __del__(self):\n        print('torn down', flush=True)\n"
    "kept = Teardown()  # a module global: freed only when the interpreter is torn down\n"
    "atexit.register(lambda: print('exit handler', flush=True))\n"
    "print('start', flush=True)\n"
)


def _finish(code: str, *argv: str):
    import subprocess
    import sys

    from tests.conftest import ROOT

    return subprocess.run(
        [sys.executable, "-c", TEARDOWN + code, *argv], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


@pytest.mark.parametrize(
    "file, status, said", [(str(BASELINE), 0, ": ok"), ("no-such.toml", 2, "no-such.toml: no such file")]
)
def test_the_command_line_process_ends_without_tearing_the_interpreter_down(file, status, said):
    """``main()`` (the mlasim script) runs the exit handlers, flushes its output and keeps its status,
    but skips the teardown (0.15 s after a run); ``main(argv)``, as tests call it, exits normally."""
    done = _finish("sys.argv = ['mlasim', 'validate', sys.argv[1]]\nmain()", file)
    assert done.returncode == status and said in done.stdout + done.stderr
    assert "exit handler" in done.stdout and "torn down" not in done.stdout
    done = _finish("main(['validate', sys.argv[1]])", file)
    assert done.returncode == status and "exit handler" in done.stdout and "torn down" in done.stdout


def test_with_another_thread_running_the_process_exits_normally():
    code = (
        "import threading\nstop = threading.Event()\n"
        "threading.Thread(target=stop.wait, daemon=True).start()\n"
        "sys.argv = ['mlasim', 'validate', sys.argv[1]]\nmain()"
    )
    done = _finish(code, str(BASELINE))
    assert done.returncode == 0 and "torn down" in done.stdout


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts threads in /proc")
@pytest.mark.parametrize("given", [None, "2"])
def test_the_command_line_keeps_numpy_to_one_blas_thread_unless_told(given, monkeypatch):
    """numpy's OpenBLAS would start a spinning thread per core (0.2 s of CPU) that no command uses."""
    if given is None:
        monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("OPENBLAS_NUM_THREADS", given)
    code = (
        "import os\nreport = lambda: print('numpy' in sys.modules, len(os.listdir('/proc/self/task')), "
        "os.environ['OPENBLAS_NUM_THREADS'], flush=True)\n"
        "atexit.register(report)\n"
        "sys.argv = ['mlasim', 'run', sys.argv[1], '-n', '1', '-q']\nmain()"
    )
    done = _finish(code, str(BASELINE))
    loaded, threads, setting = done.stdout.split("exit handler")[0].splitlines()[-1].split()
    assert done.returncode == 0 and loaded == "True"
    assert (threads, setting) == (("1", "1") if given is None else (threads, given)) and int(threads) >= 1
    if given is not None:
        assert int(threads) > 1  # the user's choice is kept: OpenBLAS runs its threads
