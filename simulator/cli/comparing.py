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
    Sets,
    WithProvenance,
    Workers,
    app,
    command_limits,
    emit,
    execution,
    fail,
    progress_bar,
    user_errors,
)
from simulator.cli.outputs import check_outputs
from simulator.cli.reporting import ReportPage, command_line, write_report


@app.command()
def compare(
    context: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(help="Scenario files; the first is the baseline.", metavar="FILE...")
    ],
    variant: Annotated[
        list[str] | None,
        typer.Option(
            "--variant",
            "-v",
            help="A [[variant]] of the single FILE to compare with it (repeatable; a+b combines two).",
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
    sets: Sets = None,
    report_page: ReportPage = None,
    with_provenance: WithProvenance = False,
) -> None:
    """Compare configurations on the same requests: paired differences, flipped outcomes.

    --set changes every configuration (the baseline too), so the comparison is made in that what-if.
    """
    from simulator.experiments.comparison import compare as compare_configurations
    from simulator.experiments.executors import check_address
    from simulator.files.document import load_configuration
    from simulator.files.overrides import parse_assignments
    from simulator.reporting import comparison as report_comparison
    from simulator.reporting.documents import comparison_document

    if precision is not None and precision <= 0:
        raise fail(f"--precision: must be a half-width greater than 0, not {precision:g}")
    check_outputs({"--out": out, "--report": report_page}, inputs=files)
    limits = command_limits(context)
    with user_errors():
        changes = parse_assignments(sets or [])
        check_address(scheduler)
        if variant:
            if len(files) != 1:
                raise fail("--variant compares variants of one file; give a single FILE")
            scenarios = [load_configuration(files[0], v, changes, limits) for v in (None, *variant)]
            labels = [scenarios[0].name, *variant]
        else:
            if len(files) < 2:
                raise fail("compare needs two or more files, or one file and --variant NAME")
            scenarios = [load_configuration(f, None, changes, limits) for f in files]
            names = [s.name for s in scenarios]
            labels = names if len(set(names)) == len(names) else [f.stem for f in files]
        how = execution(workers, scheduler, quiet, limits)
        with progress_bar("replications", quiet) as advance:
            comparison = compare_configurations(
                scenarios,
                labels,
                replications,
                seed,
                precision,
                max_replications,
                how.but(progress=lambda n: advance(n)),
            )
    if output_format is OutputFormat.table:
        text = report_comparison.as_table(comparison)
    elif output_format is OutputFormat.csv:
        text = report_comparison.as_csv(comparison, command_line(), with_provenance)
    else:
        text = report_comparison.as_json(comparison, command_line())
    emit(text, out)
    if report_page is not None:
        write_report("comparison", comparison_document(comparison, command_line()), report_page)
