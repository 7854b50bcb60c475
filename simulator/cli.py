"""The ``mlasim`` command line: run, compare and sweep scenarios; validate files; explain a request.

Presentation only: each command loads scenarios (:mod:`simulator.files.loader`,
:mod:`simulator.files.overrides`), calls the experiment layer and prints through the report
modules. A user error (bad file, bad value, unreachable scheduler) prints one line naming the
file, the field and the problem, and exits with status 2; no traceback. Output files are written
atomically, so an interrupted or failed command never leaves a half-written file in place of a good one.
"""

from __future__ import annotations

import datetime
import enum
import json
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from simulator import __version__
from simulator.checking.properties import read_properties
from simulator.experiments import designs, sweeps
from simulator.experiments.comparison import compare as compare_configurations
from simulator.experiments.executors import BackendError, default_workers
from simulator.experiments.run import run as run_experiment
from simulator.files.loader import ScenarioError, load_scenario, read_toml
from simulator.files.overrides import OverrideError, check_file, load_variant, parse_value
from simulator.reporting import comparison as report_comparison
from simulator.reporting import run as report
from simulator.reporting.trace import UnknownRequest, explain, format_trace, trace_to_dict

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


@app.command()
def run(
    file: ScenarioFile,
    replications: Replications = None,
    seed: Seed = None,
    output_format: Format = OutputFormat.table,
    out: Out = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
) -> None:
    """Run a scenario's replications and print each metric's mean with its 95% confidence interval."""
    with user_errors():
        scenario = load_scenario(file)
        result = run_experiment(scenario, replications, seed, workers or default_workers(), scheduler)
    emit(report.FORMATTERS[output_format.value](result), out)


@app.command()
def compare(
    files: Annotated[
        list[Path], typer.Argument(help="Scenario files; the first is the baseline.", metavar="FILE...")
    ],
    variant: Annotated[
        list[str] | None,
        typer.Option(
            "--variant", "-v", help="A [[variant]] of the single FILE to compare with it (repeatable)."
        ),
    ] = None,
    replications: Replications = None,
    seed: Seed = None,
    precision: Annotated[
        float | None,
        typer.Option(
            "--precision",
            min=0.0,
            help="Add replications until the abuse pass-through difference's interval half-width "
            "is at most this (0.01 = 1 point).",
        ),
    ] = None,
    max_replications: Annotated[
        int, typer.Option("--max-replications", min=2, help="Limit for --precision.")
    ] = 500,
    output_format: Format = OutputFormat.table,
    out: Out = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    quiet: Quiet = False,
) -> None:
    """Compare configurations on the same requests: paired differences, flipped outcomes."""
    if precision is not None and precision <= 0:
        raise fail(f"--precision: must be a half-width greater than 0, not {precision:g}")
    with user_errors():
        if variant:
            if len(files) != 1:
                raise fail("--variant compares variants of one file; give a single FILE")
            scenarios = [load_variant(files[0], None)] + [load_variant(files[0], v) for v in variant]
            labels = [scenarios[0].name, *variant]
        else:
            if len(files) < 2:
                raise fail("compare needs two or more files, or one file and --variant NAME")
            scenarios = [load_variant(f, None) for f in files]
            names = [s.name for s in scenarios]
            labels = names if len(set(names)) == len(names) else [f.stem for f in files]
        with progress_bar("replications", quiet) as advance:
            comparison = compare_configurations(
                scenarios,
                labels,
                replications,
                seed,
                workers or default_workers(),
                scheduler,
                precision,
                max_replications,
                progress=lambda n: advance(n),
            )
    emit(report_comparison.FORMATTERS[output_format.value](comparison), out)


@app.command()
def sweep(
    file: Annotated[Path | None, typer.Argument(help="Scenario file (TOML).", metavar="FILE")] = None,
    grid: Annotated[
        list[str] | None,
        typer.Option(
            "--grid", "-g", help="KEY=V1,V2,... : dotted key and its values (repeatable; full factorial)."
        ),
    ] = None,
    lhs: Annotated[
        int | None, typer.Option("--lhs", min=0, help="Latin-hypercube points over the ranges.")
    ] = None,
    ranges: Annotated[
        list[str] | None, typer.Option("--range", help="KEY=LOW,HIGH : a range for --lhs (repeatable).")
    ] = None,
    variants: Annotated[
        str | None, typer.Option("--variants", help="'all', or comma-separated [[variant]] names.")
    ] = None,
    replications: Replications = None,
    seed: Seed = None,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Replications per task.")] = 5,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Run directory (default: runs/FILE-TIME).")
    ] = None,
    resume: Annotated[
        Path | None, typer.Option("--resume", help="Finish the sweep in this run directory.")
    ] = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    quiet: Quiet = False,
) -> None:
    """Run a sweep of configurations into a resumable run directory of Parquet files."""
    with user_errors():
        if resume is None:
            if file is None:
                raise fail("sweep needs a FILE, or --resume DIR")
            design = _design(file, grid or [], lhs, ranges or [], variants)
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
            directory = out or Path("runs") / f"{file.stem}-{stamp}"
            sweeps.start(file, directory, design, replications, seed, batch)
        else:
            directory = resume
            if not (directory / sweeps.MANIFEST).exists():
                raise fail(f"{directory}: no {sweeps.MANIFEST}: not a sweep run directory")
        with progress_bar("tasks", quiet) as advance:
            result = sweeps.execute(directory, workers or default_workers(), scheduler, progress=advance)
    summary = result.summary()
    typer.echo(report.sweep_table(summary, result.manifest()))
    typer.echo(f"\nwrote {directory}/replications.parquet, summary.parquet, summary.csv, manifest.json")


def _design(file: Path, grid: list[str], lhs: int | None, ranges: list[str], variants: str | None):
    design, problems = designs.design_from_file(file)
    if problems:
        raise ScenarioError(problems)
    grid_values = dict(design.grid)
    for item in grid:
        key, values = _key_values(item, "--grid")
        grid_values[key] = [parse_value(v) for v in values.split(",")]
    range_values = dict(design.ranges)
    for item in ranges:
        key, values = _key_values(item, "--range")
        bounds = [parse_value(v) for v in values.split(",")]
        if len(bounds) != 2 or not all(isinstance(b, int | float) for b in bounds) or bounds[0] > bounds[1]:
            raise fail(f"--range {item}: give KEY=LOW,HIGH with LOW <= HIGH")
        range_values[key] = tuple(bounds)
    names = list(design.variants)
    if variants == "all":
        from simulator.files.loader import read_toml
        from simulator.files.overrides import read_variants

        names = [v.name for v in read_variants(read_toml(file), str(file))]
    elif variants:
        names = variants.split(",")
    return designs.Design(grid_values, design.lhs if lhs is None else lhs, range_values, names)


def _key_values(item: str, option: str) -> tuple[str, str]:
    key, sep, values = item.partition("=")
    if not sep or not key or not values:
        raise fail(f"{option} {item}: give KEY=VALUE,VALUE,...")
    return key.strip(), values


class CheckFormat(enum.StrEnum):
    table = "table"
    json = "json"


@app.command()
def check(
    file: ScenarioFile,
    max_examples: Annotated[
        int,
        typer.Option(
            "--max-examples",
            min=1,
            help="Requests to try per property, requesting State and measure (matching its 'given').",
        ),
    ] = 50,
    seed: Annotated[int, typer.Option("--seed", "-s", min=0, help="Seed of the search (deterministic).")] = 0,
    only: Annotated[
        list[str] | None, typer.Option("--property", "-p", help="Check only this property (repeatable).")
    ] = None,
    output_format: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="Output format.")
    ] = CheckFormat.table,
) -> None:
    """Search for requests that break the file's properties (or the built-in ones); show the smallest.

    Exit status 0 when every property holds, 1 when one is violated or inconclusive, 2 on bad input.
    """
    from simulator.checking.check import check as check_properties
    from simulator.reporting import check as report_check

    with user_errors():
        scenario = check_file(file)
        properties = read_properties(read_toml(file), str(file), scenario)
        if only:
            known = {p.name for p in properties}
            unknown = [name for name in only if name not in known]
            if unknown:
                raise fail(
                    f"{file}: --property: no property {unknown[0]!r}; properties: {', '.join(sorted(known))}"
                )
            properties = [p for p in properties if p.name in only]
    results = check_properties(scenario, properties, max_examples, seed)
    formatter = report_check.as_json if output_format is CheckFormat.json else report_check.as_table
    typer.echo(formatter(results, scenario, seed, max_examples))
    if any(r.failed for r in results):
        raise typer.Exit(1)


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario files to check.", metavar="FILE...")],
) -> None:
    """Check scenario files (with their variants, sweep and properties): print 'ok', or every problem."""
    bad = 0
    for file in files:
        try:
            scenario = check_file(file)
            _, problems = designs.design_from_file(file)
            if problems:
                raise ScenarioError(problems)
            read_properties(read_toml(file), str(file), scenario)
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
    file: ScenarioFile,
    request: Annotated[
        int, typer.Option("--request", "-r", min=0, help="Request id (arrival order, from 0).")
    ],
    replication: Annotated[int, typer.Option("--replication", min=0, help="Replication index.")] = 0,
    seed: Seed = None,
    output_format: Annotated[
        TraceFormat, typer.Option("--format", "-f", help="Output format.")
    ] = TraceFormat.text,
) -> None:
    """Print the decision trace of one request: stages, times, observations, provisions, outcome."""
    with user_errors():
        scenario = load_scenario(file)
        try:
            trace = explain(scenario, request, replication, seed)
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
