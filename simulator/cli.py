"""The ``mlasim`` command line: run scenarios, validate files, explain a request's fate.

Presentation only: each command loads scenarios (:mod:`simulator.loader`), calls the experiment
layer and prints through :mod:`simulator.report` or :mod:`simulator.trace`. A user error (bad
file, bad value) prints one line naming the file, the field and the problem, and exits with
status 2; no traceback. Output files are written atomically, so an interrupted or failed command
never leaves a half-written file in place of a good one.
"""

from __future__ import annotations

import enum
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from simulator import __version__, report
from simulator.experiment import run as run_experiment
from simulator.loader import ScenarioError, load_scenario
from simulator.trace import UnknownRequest, explain, format_trace, trace_to_dict

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


def fail(message: str) -> typer.Exit:
    """Print one line to standard error; the caller raises the returned exit (status 2)."""
    typer.echo(f"mlasim: {message}", err=True)
    return typer.Exit(2)


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


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"mlasim {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=version_callback, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Simulate mutual legal assistance screening: how often do abusive requests get through?"""


@app.command()
def run(
    file: Annotated[Path, typer.Argument(help="Scenario file (TOML).", metavar="FILE")],
    replications: Annotated[
        int | None,
        typer.Option("--replications", "-n", min=1, help="Replications (default: the file's)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", "-s", min=0, help="Seed (default: the file's).")
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.table,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")] = None,
) -> None:
    """Run a scenario's replications and print each metric's mean with its 95% confidence interval."""
    try:
        scenario = load_scenario(file)
    except ScenarioError as error:
        raise fail(error.one_line()) from None
    result = run_experiment(scenario, replications=replications, seed=seed)
    emit(report.FORMATTERS[output_format.value](result), out)


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario files to check.", metavar="FILE...")],
) -> None:
    """Check scenario files: print 'ok' for each good one, every problem of each bad one."""
    bad = 0
    for file in files:
        try:
            load_scenario(file)
        except ScenarioError as error:
            bad += 1
            for problem in error.problems:
                typer.echo(str(problem), err=True)
        else:
            typer.echo(f"{file}: ok")
    if bad:
        raise typer.Exit(2)


@app.command("explain")
def explain_command(
    file: Annotated[Path, typer.Argument(help="Scenario file (TOML).", metavar="FILE")],
    request: Annotated[
        int, typer.Option("--request", "-r", min=0, help="Request id (arrival order, from 0).")
    ],
    replication: Annotated[int, typer.Option("--replication", min=0, help="Replication index.")] = 0,
    seed: Annotated[
        int | None, typer.Option("--seed", "-s", min=0, help="Seed (default: the file's).")
    ] = None,
    output_format: Annotated[
        TraceFormat, typer.Option("--format", "-f", help="Output format.")
    ] = TraceFormat.text,
) -> None:
    """Print the decision trace of one request: stages, times, observations, provisions, outcome."""
    try:
        scenario = load_scenario(file)
        trace = explain(scenario, request, replication, seed)
    except ScenarioError as error:
        raise fail(error.one_line()) from None
    except UnknownRequest as error:
        raise fail(f"{file}: --request: {error}") from None
    if output_format is TraceFormat.json:
        typer.echo(json.dumps(trace_to_dict(trace), indent=2))
    else:
        typer.echo(format_trace(trace))


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
