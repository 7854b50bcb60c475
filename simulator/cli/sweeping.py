"""``mlasim sweep``: a design of configurations into a resumable run directory of Parquet files."""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from simulator.cli.common import app, command_limits, fail, note, on_interrupt, progress_bar, user_errors
from simulator.cli.options import (
    LOCAL,
    AllowLarge,
    Backend,
    Batch,
    Replications,
    Seed,
    Sets,
    directory_option,
    grouped,
    run_directory,
)
from simulator.cli.outputs import check_outputs
from simulator.cli.reporting import ReportPage, write_report

#: --out of ``mlasim sweep``: the sweep's run directory.
SweepOut = directory_option("Run directory")


@app.command()
@grouped
def sweep(
    context: typer.Context,
    file: Annotated[Path | None, typer.Argument(help="Scenario file (TOML).", metavar="FILE")] = None,
    grid: Annotated[
        list[str] | None,
        typer.Option(
            "--grid",
            "-g",
            help="KEY=V1,V2,... : dotted key and its values (repeatable; full factorial); "
            "a value may be a list: KEY=[a,b],[c].",
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
    batch: Batch = 5,
    out: SweepOut = None,
    resume: Annotated[
        Path | None,
        typer.Option(
            "--resume", help="Finish the sweep in this run directory (its settings come from its manifest)."
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Sweep into an --out directory that already holds files (its task files are checked "
            "and recomputed unless they are this sweep's).",
        ),
    ] = False,
    backend: Backend = LOCAL,
    allow_large: AllowLarge = False,
    sets: Sets = None,
    file_sweep: Annotated[
        bool | None,
        typer.Option(
            "--file-sweep/--no-file-sweep",
            help="Add the file's [sweep] table to the command line's design, or never use it "
            "(default: the file's [sweep] only when the command line gives no design).",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print the configurations and an estimate of the time; run nothing."),
    ] = False,
    report_page: ReportPage = None,
) -> None:
    """Run a sweep of configurations into a resumable run directory of Parquet files.

    The design is the command line's (--grid, --lhs/--range, --variants, --set) or, when it gives
    none, the file's [sweep] table; --file-sweep adds the file's table to the command line's.
    """
    from simulator.experiments import rundirs, sweeps
    from simulator.experiments.executors import default_workers
    from simulator.reporting import sweep as report
    from simulator.reporting.documents import sweep_document

    limits = command_limits(context, allow_large)
    with user_errors():
        backend.check()
        if resume is None:
            if file is None:
                raise fail("sweep needs a FILE, or --resume DIR")
            directory = run_directory(file, out=out)
            outputs = {"--report": report_page}
            check_outputs(outputs, [file], [directory], None if dry_run else {"--out": directory})
            design = _design(file, grid or [], lhs, ranges or [], variants, sets or [], file_sweep, limits)
            if dry_run:
                from simulator.experiments import planning
                from simulator.reporting.tables import wrapped

                workers_count = backend.workers or default_workers()
                the_plan = planning.plan(file, design, replications, seed, batch, workers_count, limits)
                typer.echo(f"Sweep of {file} would run:")
                typer.echo("\n".join(wrapped(planning.describe(the_plan))))
                return
        else:
            given = {
                "FILE": file, "--grid": grid, "--lhs": lhs, "--range": ranges, "--variants": variants,
                "--replications": replications, "--seed": seed, "--batch": batch != 5 or None,
                "--out": out, "--force": force or None, "--set": sets,
                "--file-sweep": file_sweep is not None or None, "--dry-run": dry_run or None,
            }  # fmt: skip
            ignored = [name for name, value in given.items() if value]
            if ignored:
                raise fail(
                    f"--resume takes the sweep's settings from {resume / sweeps.MANIFEST}: "
                    f"drop {', '.join(ignored)} (only --workers, --scheduler, --quiet, --allow-large apply)"
                )
            directory = resume
            if not (directory / sweeps.MANIFEST).exists():
                raise fail(f"{directory}: no {sweeps.MANIFEST}: not a sweep run directory")
            check_outputs({"--report": report_page}, [], [directory])
        hint = f"the finished tasks are kept in {directory}: go on with 'mlasim sweep --resume {directory}'"
        how = backend.execution(limits)
        with rundirs.holding(directory), on_interrupt(hint):
            if resume is None:
                with warnings.catch_warnings(record=True) as notes:
                    warnings.simplefilter("always")
                    sweeps.start(file, directory, design, replications, seed, batch, force, limits)
                for found in notes:
                    note(str(found.message))
            with resumable("sweep", directory), progress_bar("tasks", backend.quiet) as advance:
                result = sweeps.execute(directory, how.but(progress=advance))
    summary = result.summary()
    typer.echo(report.sweep_table(summary, result.manifest()))
    typer.echo(f"\nwrote {directory}/replications.parquet, summary.parquet, summary.csv, manifest.json")
    if report_page is not None:
        write_report("sweep", sweep_document(result.manifest(), summary, directory), report_page)


@contextmanager
def resumable(command: str, directory: Path):
    """A sweep stopped by a file that cannot be written (a full disk) or by a lost backend (a Dask
    scheduler or worker): one line saying why, that the finished tasks are kept, and how to go on
    (``mlasim COMMAND --resume DIR``)."""
    from simulator.experiments.executors import BackendError
    from simulator.experiments.sweeps import TaskWriteError

    try:
        yield
    except TaskWriteError as error:
        raise fail(
            f"{error.path}: cannot be written ({error.reason}); the finished tasks are kept in "
            f"{error.directory}: make room, then go on with 'mlasim {command} --resume {error.directory}'"
        ) from None
    except BackendError as error:
        raise fail(
            f"{error}; the finished tasks are kept in {directory}: go on with "
            f"'mlasim {command} --resume {directory}'"
        ) from None


def _design(
    file: Path,
    grid: list[str],
    lhs: int | None,
    ranges: list[str],
    variants: str | None,
    sets: list[str],
    file_sweep: bool | None,
    limits,
):
    from simulator.experiments import designs
    from simulator.files.document import load_configuration
    from simulator.files.overrides import parse_assignments, parse_value, split_values
    from simulator.files.reader import ScenarioError

    design, problems = designs.design_from_file(file)
    if problems:
        raise ScenarioError(problems)
    grid_values: dict = {}
    for item in grid:
        key, values = _key_values(item, "--grid")
        grid_values[key] = [parse_value(v) for v in split_values(values)]
    range_values = {}
    for item in ranges:
        key, values = _key_values(item, "--range")
        bounds = [parse_value(v) for v in values.split(",")]
        if len(bounds) != 2 or not all(isinstance(b, int | float) for b in bounds) or bounds[0] > bounds[1]:
            raise fail(f"--range {item}: give KEY=LOW,HIGH with LOW <= HIGH")
        range_values[key] = tuple(bounds)
    names = []
    if variants == "all":
        from simulator.files.document import read_file

        names = [v.name for v in read_file(file).variants()]
    elif variants:
        names = variants.split(",")
    asked = designs.Design(grid_values, lhs or 0, range_values, names)
    chosen = designs.select_design(design, asked, file_sweep)
    # --set is a what-if, not a design: the same value in every configuration of the chosen design
    changes = parse_assignments(sets)
    if changes:
        load_configuration(file, None, changes, limits)  # a bad key: one problem, named as --set
    fixed = {key: [value] for key, value in changes.items() if key not in chosen.grid}
    return designs.Design({**fixed, **chosen.grid}, chosen.lhs, chosen.ranges, chosen.variants)


def _key_values(item: str, option: str) -> tuple[str, str]:
    key, sep, values = item.partition("=")
    if not sep or not key or not values:
        raise fail(f"{option} {item}: give KEY=VALUE,VALUE,...")
    return key.strip(), values
