"""``mlasim sweep``: a design of configurations into a resumable run directory of Parquet files."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Annotated

import typer

from simulator.cli.common import (
    Quiet,
    Replications,
    Scheduler,
    Seed,
    Workers,
    app,
    fail,
    progress_bar,
    user_errors,
)
from simulator.experiments import designs
from simulator.files.loader import ScenarioError
from simulator.files.overrides import parse_value


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
    from simulator.experiments import sweeps
    from simulator.experiments.executors import default_workers
    from simulator.reporting import run as report

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
