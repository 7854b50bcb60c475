"""What every command shares: the typer app, option types, one-line errors, atomic output, progress.

A user error (bad file, bad value, unreachable scheduler, an output path that must not be replaced)
prints one line naming the file, the field and the problem, and exits with status 2; no traceback.
Output files are written atomically (:mod:`simulator.files.output`), so an interrupted or failed
command never leaves a half-written file in place of a good one, and never replaces a link, a pipe,
a device or a read-only file. Ctrl-C ends a command with one line saying what was kept and how to
go on. Help texts are plain text, so ``[[variant]]`` reads as written.

**Start-up.** ``mlasim --help`` and ``mlasim validate`` must answer at once, so importing the command
line loads typer and light modules only: each command imports the layers it uses (the simulation,
numpy, pandas, the reports) in its body, and the option types here need nothing but the standard
library (``tests/test_startup.py`` checks it).
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, ClassVar, NoReturn

import typer
from typer.core import TyperCommand

from simulator import __version__
from simulator.files.output import OutputError, target_problem, write_text

app = typer.Typer(
    name="mlasim",
    help="Simulate mutual legal assistance screening: how often do abusive requests get through?",
    add_completion=True,  # mlasim --install-completion / --show-completion
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: "[[variant]]" is text, not markup, and flags show no <bool>
)


def announcer(quiet: bool = False):
    """What the experiment functions call with the backend they chose: one line on standard error."""

    def announce(backend: str) -> None:
        if not quiet:
            typer.echo(f"mlasim: backend: {backend}", err=True)

    return announce


class OptionalValues(TyperCommand):
    """A command with options that may be given without their number: ``--uncertainty`` alone means
    the default number of draws (``--uncertainty 128``, ``--uncertainty=128`` give one).

    ``defaults`` maps such an option to ``"module:NAME"``, the constant holding its default, read
    only when the command runs (the command line loads no experiment module to show its help).
    """

    defaults: ClassVar[dict[str, str]] = {}

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        """The arguments, with the default number after each such option given without one."""
        given = []
        for i, arg in enumerate(args):
            given.append(arg)
            if arg in self.defaults and not (i + 1 < len(args) and args[i + 1].isdigit()):
                given.append(str(_constant(self.defaults[arg])))
        return super().parse_args(ctx, given)


def _constant(where: str) -> object:
    import importlib

    module, _, name = where.partition(":")
    return getattr(importlib.import_module(module), name)


def optional_values(**defaults: str) -> type[OptionalValues]:
    """A command class whose options ``--NAME`` (``NAME`` with ``_`` for ``-``) take their default
    from ``"module:NAME"`` when given alone."""
    table = {f"--{name.replace('_', '-')}": where for name, where in defaults.items()}
    return type("OptionalValuesCommand", (OptionalValues,), {"defaults": table})


def fail(message: str) -> typer.Exit:
    """Print one line to standard error; the caller raises the returned exit (status 2)."""
    typer.echo(f"mlasim: {message}", err=True)
    return typer.Exit(2)


@contextmanager
def user_errors():
    """Turn the errors a user can cause into one line and exit status 2."""

    try:
        yield
    except Exception as error:
        exit_ = _user_error(error)
        if exit_ is None:  # a bug, or typer.Exit from the block: not ours to rephrase
            raise
        raise exit_ from None


def _user_error(error: Exception) -> typer.Exit | None:
    """The one line and exit of an error a user can cause; None for any other error."""
    # imported here, not at start-up: their modules load the scenario reader and the backends
    from simulator.experiments.executors import BackendError
    from simulator.experiments.rundirs import RunDirectoryBusy
    from simulator.experiments.sweeps import TaskWriteError
    from simulator.files.overrides import OverrideError
    from simulator.files.reader import ScenarioError
    from simulator.world.volume import RunawayReplication

    if isinstance(error, ScenarioError):
        return fail(error.one_line())
    if isinstance(error, BackendError | OverrideError | OutputError | RunawayReplication | RunDirectoryBusy):
        return fail(str(error))
    if isinstance(error, TaskWriteError):
        return fail(f"{error}: make room, then resume")
    if isinstance(error, OSError):  # a run directory or output path that cannot be written
        where = error.filename or "output"
        return fail(f"{where}: {error.strerror or error}")
    return None


def emit(text: str, out: Path | None) -> None:
    """Print ``text``, or write it atomically to ``out`` (see :mod:`simulator.files.output`)."""
    if out is None:
        typer.echo(text)
        return
    try:
        write_text(out, text if text.endswith("\n") else text + "\n")
    except OutputError as error:
        raise fail(str(error)) from None
    except OSError as error:
        raise fail(f"{out}: cannot write: {error.strerror or error}") from None
    typer.echo(f"wrote {out}", err=True)


def check_out(out: Path | None) -> None:
    """Refuse an ``--out`` path that must not be replaced before any work is done (one line, exit 2)."""
    problem = target_problem(out) if out is not None else None
    if problem:
        raise fail(f"{out}: {problem}")


def command_limits(context: typer.Context | None, allow_large: bool = False):
    """The :class:`~simulator.files.limits.Limits` of the command under way (``context``):
    ``--allow-large`` given to the command or before it (``mlasim --allow-large compare ...``)."""
    from simulator.files.limits import Limits

    root = context.find_root() if context is not None else None
    before = bool(root is not None and isinstance(root.obj, dict) and root.obj.get("allow_large"))
    return Limits(allow_large=allow_large or before)


def execution(
    workers: int | None,
    scheduler: str | None,
    quiet: bool,
    limits=None,
    **more,
):
    """The :class:`~simulator.experiments.execution.Execution` of a command: built once, from its
    ``--workers``, ``--scheduler``, ``--quiet`` and limits, telling the user of the backend and of notes
    on standard error; ``more`` (``progress``, ``days``) as the command draws them."""
    from simulator.experiments.execution import Execution

    return Execution(
        workers=workers,
        scheduler=scheduler,
        announce=announcer(quiet),
        note=note,
        limits=limits if limits is not None else command_limits(None),
        **more,
    )


def note(line: str) -> None:
    """A one-line remark on standard error that is not an error (a task file recomputed...)."""
    typer.echo(f"mlasim: note: {line}", err=True)


#: What Ctrl-C told the command under way should be said (set by :func:`on_interrupt`).
_interrupt_hint: list[str] = []


@contextmanager
def on_interrupt(hint: str):
    """If Ctrl-C stops the block, the command ends with ``mlasim: interrupted; <hint>``."""
    try:
        yield
    except KeyboardInterrupt:
        _interrupt_hint.append(hint)
        raise


def _interrupted() -> None:
    hint = f"; {_interrupt_hint[-1]}" if _interrupt_hint else ""
    typer.echo(f"mlasim: interrupted{hint}", err=True)
    sys.exit(130)


class Bar:
    """What :func:`progress_bar` yields: ``bar(steps, total)`` counts finished work, ``bar.days(done,
    total)`` shows the simulated days covered (``mlasim run`` in this process). Silent when not drawn."""

    def __init__(self, progress=None, task=None, description: str = "") -> None:
        self.progress, self.task, self.description = progress, task, description
        self.day_task = None

    @property
    def drawn(self) -> bool:
        """Whether a bar is drawn (on a terminal, not quiet)."""
        return self.progress is not None

    def __call__(self, steps: int, total: int | None = None) -> None:
        """Count ``steps`` more of the work done (``total``: the work there is, once known)."""
        if self.progress is None:
            return
        if total is not None:
            self.progress.update(self.task, total=total)
        self.progress.advance(self.task, steps)

    def days(self, done: float, total: float) -> None:
        """Show the simulated days covered so far, ``done`` of ``total``."""
        if self.progress is None:
            return
        if self.day_task is None:
            self.day_task = self.progress.add_task("simulated days", total=total)
        self.progress.update(self.day_task, completed=done, total=total)


def cumulative(bar: Bar):
    """``told(done, total)`` for work that reports how much is done so far, drawn on ``bar``."""
    seen = [0]

    def told(done: int, total: int) -> None:
        bar(done - seen[0], total)
        seen[0] = done

    return told


@contextmanager
def progress_bar(description: str, quiet: bool):
    """A rich progress bar on standard error, if it is a terminal and not ``quiet``; yields a :class:`Bar`."""
    if quiet or not sys.stderr.isatty():
        yield Bar()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

    columns = (
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        "remaining",
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        yield Bar(bar, bar.add_task(description, total=None), description)


def version_callback(value: bool) -> None:
    """``--version``: print the version and stop."""
    if value:
        typer.echo(f"mlasim {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    context: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Show the version.")
    ] = False,
    allow_large: Annotated[
        bool,
        typer.Option(
            "--allow-large",
            help="For every command (compare, check...): accept scenarios above the request ceiling.",
        ),
    ] = False,
) -> None:
    """Simulate mutual legal assistance screening: how often do abusive requests get through?"""
    context.obj = {"allow_large": allow_large}  # read by command_limits


@contextmanager
def only_command(args: list[str]):
    """While the command line runs, the app holds only the command ``args`` names, if it names one.

    Typer turns every registered command into a click command, with all its options, each time the
    app runs: about 20 ms for the fourteen commands, of which one runs. When the first argument is a
    command's name, the others are left out for that call (the group, its options and callback stay,
    so help, usage errors and ``--allow-large`` after the command read the same); anything else (no
    arguments, an option first, an unknown name, shell completion) sees every command.
    """
    commands = app.registered_commands
    name = args[0] if args else None
    completing = any(key.startswith("_") and key.endswith("_COMPLETE") for key in os.environ)
    chosen = [c for c in commands if _command_name(c) == name]
    if completing or not chosen:
        yield
        return
    app.registered_commands = chosen
    try:
        yield
    finally:
        app.registered_commands = commands


def _command_name(command) -> str:
    """A registered command's name, as typer gives it (the function's name, ``_`` as ``-``)."""
    return command.name or command.callback.__name__.lower().replace("_", "-")


#: Environment variables that keep numpy's OpenBLAS to one thread in the command-line process. Nothing in
#: a command does linear algebra worth threads, but importing numpy starts a thread per core that
#: spins for a while: about 0.2 s of CPU per process at start-up, taken from the worker processes
#: or from anything else running on the machine. A value the user set is kept.
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1"}


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: usage errors, like file errors, are one line and exit 2.

    As the command line (``argv`` None: the ``mlasim`` script, ``python -m simulator``), before
    numpy is loaded, numpy's OpenBLAS is kept to one thread (:data:`ONE_BLAS_THREAD`); worker
    processes started afresh inherit it.
    """
    if argv is None:
        for name, value in ONE_BLAS_THREAD.items():
            os.environ.setdefault(name, value)
    try:
        with only_command(sys.argv[1:] if argv is None else argv):
            status = app(args=argv, prog_name="mlasim", standalone_mode=False)
    except typer.TyperException as error:  # usage errors: bad option, missing argument
        context = getattr(error, "ctx", None)
        command = context.command_path if context is not None else "mlasim"
        if not error.format_message():  # help already shown (no arguments given)
            sys.exit(error.exit_code)
        typer.echo(f"{command}: {error.format_message()} (see '{command} --help')", err=True)
        sys.exit(error.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        _interrupted()
    except Exception as error:  # a bug, not a user error: still one line, unless asked for the traceback
        if os.environ.get("MLASIM_DEBUG"):
            raise
        detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
        typer.echo(
            f"mlasim: internal error {type(error).__name__}: {detail} (please report it; "
            "MLASIM_DEBUG=1 shows the traceback)",
            err=True,
        )
        sys.exit(2)
    if status == 130:  # typer turns Ctrl-C into exit status 130
        _interrupted()
    end(status if isinstance(status, int) else 0, whole_process=argv is None)


def end(status: int, whole_process: bool) -> NoReturn:
    """Exit with ``status``; a whole command-line process without tearing the interpreter down.

    At a normal exit Python frees every module and object one by one: about 0.15 s once the
    simulation, numpy and scipy are loaded, spent after the answer is out. So when this process is
    the command line (``main()`` reading ``sys.argv``: the ``mlasim`` script, ``python -m simulator``)
    and no other thread runs, the exit handlers run and the output is flushed as at a normal exit,
    then the process ends at once (``os._exit``). Otherwise (``main`` called with arguments, as the
    tests do; threads left by a Dask client; output that cannot be flushed) it is ``sys.exit``.
    """
    if whole_process and threading.active_count() == 1:
        atexit._run_exitfuncs()  # what a normal exit runs (and forgets them: they run once)
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):  # a closed pipe: Python's own exit says so
            pass
        else:
            os._exit(status)
    sys.exit(status)
