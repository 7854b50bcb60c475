"""What every command shares: the typer app, option types, one-line errors, atomic output, progress.

A user error (bad file, bad value, unreachable scheduler) prints one line naming the file, the field
and the problem, and exits with status 2; no traceback. Output files are written atomically, so an
interrupted or failed command never leaves a half-written file in place of a good one.
"""

from __future__ import annotations

import enum
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from simulator import __version__
from simulator.files.reader import ScenarioError

app = typer.Typer(
    name="mlasim",
    help="Simulate mutual legal assistance screening: how often do abusive requests get through?",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


class OutputFormat(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class TraceFormat(enum.StrEnum):
    text = "text"
    json = "json"


ScenarioFile = Annotated[Path, typer.Argument(help="Scenario file (TOML).", metavar="FILE")]
Replications = Annotated[
    int | None, typer.Option("--replications", "-n", min=1, help="Replications (default: the file's).")
]
Seed = Annotated[int | None, typer.Option("--seed", "-s", min=0, help="Seed (default: the file's).")]
Format = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
Out = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")]
Workers = Annotated[
    int | None, typer.Option("--workers", "-w", min=1, help="Local worker processes (default: all cores).")
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler", help="Dask scheduler address (tcp://host:8786), or 'local' for a LocalCluster."
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]


def fail(message: str) -> typer.Exit:
    """Print one line to standard error; the caller raises the returned exit (status 2)."""
    typer.echo(f"mlasim: {message}", err=True)
    return typer.Exit(2)


@contextmanager
def user_errors():
    """Turn the errors a user can cause into one line and exit status 2."""
    from simulator.experiments.executors import BackendError
    from simulator.files.overrides import OverrideError

    try:
        yield
    except ScenarioError as error:
        raise fail(error.one_line()) from None
    except (BackendError, OverrideError) as error:
        raise fail(str(error)) from None
    except OSError as error:  # a run directory or output path that cannot be written
        where = error.filename or "output"
        raise fail(f"{where}: {error.strerror or error}") from None


def emit(text: str, out: Path | None) -> None:
    """Print ``text``, or write it atomically to ``out`` (a temporary file renamed into place)."""
    if out is None:
        typer.echo(text)
        return
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text if text.endswith("\n") else text + "\n")
        os.replace(tmp, out)
    except OSError as error:
        raise fail(f"{out}: cannot write: {error.strerror}") from None
    typer.echo(f"wrote {out}", err=True)


@contextmanager
def progress_bar(description: str, quiet: bool):
    """A rich progress bar on standard error; yields ``advance(steps, total)``."""
    if quiet:
        yield lambda steps, total=None: None
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
        task = bar.add_task(description, total=None)

        def advance(steps: int, total: int | None = None) -> None:
            if total is not None:
                bar.update(task, total=total)
            bar.advance(task, steps)

        yield advance


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"mlasim {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Simulate mutual legal assistance screening: how often do abusive requests get through?"""


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: usage errors, like file errors, are one line and exit 2."""
    try:
        status = app(args=argv, prog_name="mlasim", standalone_mode=False)
    except typer.TyperException as error:  # usage errors: bad option, missing argument
        context = getattr(error, "ctx", None)
        command = context.command_path if context is not None else "mlasim"
        if not error.format_message():  # help already shown (no arguments given)
            sys.exit(error.exit_code)
        typer.echo(f"{command}: {error.format_message()} (see '{command} --help')", err=True)
        sys.exit(error.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        typer.echo("mlasim: interrupted", err=True)
        sys.exit(130)
    sys.exit(status if isinstance(status, int) else 0)
