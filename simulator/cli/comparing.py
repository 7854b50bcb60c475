"""``mlasim compare``: configurations on the same requests, paired differences, flipped outcomes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from simulator.cli.common import (
    Format,
    Out,
    OutputFormat,
    Quiet,
    Replications,
    Scheduler,
    Seed,
    Workers,
    app,
    emit,
    fail,
    progress_bar,
    user_errors,
)
from simulator.files.overrides import load_variant


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
    from simulator.experiments.comparison import compare as compare_configurations
    from simulator.experiments.executors import default_workers
    from simulator.reporting import comparison as report_comparison

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
