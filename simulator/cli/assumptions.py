"""``mlasim assumptions``: what a scenario's headline rests on, parameter by parameter."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from simulator.cli.common import app, command_limits, emit, fail
from simulator.cli.options import (
    LOCAL,
    AllowLarge,
    Backend,
    PerDraw,
    Seed,
    Sets,
    StudyDirectory,
    TableFormat,
    TableOrJson,
    grouped,
)
from simulator.cli.outputs import check_outputs
from simulator.cli.reporting import ReportPage, command_line, write_report


@app.command()
@grouped
def assumptions(
    context: typer.Context,
    file: Annotated[Path | None, typer.Argument(help="Scenario file (TOML).", metavar="FILE")] = None,
    every: Annotated[bool, typer.Option("--all", help="Also list every number without a range.")] = False,
    draws: Annotated[
        int | None, typer.Option("--draws", min=2, help="Draws of the screening (default: 64).")
    ] = None,
    per_draw: PerDraw = None,
    provisional: Annotated[
        float | None,
        typer.Option(
            "--provisional",
            help="Give every number without a range one of value ±FRACTION for this screening only "
            "(0.5: half its value either way), to find the assumptions that deserve a range.",
        ),
    ] = None,
    no_screen: Annotated[
        bool, typer.Option("--no-screen", help="List the parameters without running the screening.")
    ] = False,
    figures: Annotated[
        bool, typer.Option("--figures", help="List the public figures a range may cite (pf:<id>).")
    ] = False,
    variant: Annotated[
        str | None, typer.Option("--variant", "-v", help="Screen this [[variant]] of FILE (a+b combines).")
    ] = None,
    sets: Sets = None,
    seed: Seed = None,
    output_format: TableOrJson = TableFormat.table,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")] = None,
    report_page: ReportPage = None,
    study_dir: StudyDirectory = None,
    backend: Backend = LOCAL,
    allow_large: AllowLarge = False,
) -> None:
    """What the headline rests on: each parameter's value, range, source and share of the spread.

    The parameters with a declared range are screened (a Latin hypercube of draws over the ranges,
    on the same random numbers) and ranked by the share of each headline metric's spread they
    explain; the numbers without a range are counted (--all lists them).
    """
    from simulator.experiments.screening import DRAWS, PER_DRAW, screen
    from simulator.reporting import assumptions as report

    if figures:
        typer.echo(report.figures_table())
        return
    if file is None:
        raise fail("assumptions needs a FILE (or --figures)")
    check_outputs({"--out": out, "--report": report_page}, inputs=[file])
    from simulator.files.overrides import parse_assignments

    how = backend.execution(command_limits(context, allow_large))
    with backend.drawing() as progress:
        found = screen(
            file, variant, parse_assignments(sets or []), draws or DRAWS, per_draw or PER_DRAW, seed,
            provisional, study_dir, how, progress, run=not no_screen,
        )  # fmt: skip
    backend.kept(found.directory)
    from simulator.reporting.documents import assumptions_document

    document = assumptions_document(found, command_line())
    if output_format is TableFormat.table:
        emit(report.as_table(found, every), out)
    else:
        emit(json.dumps(document, indent=2, allow_nan=False), out)
    if report_page is not None:
        write_report("assumptions", document, report_page)
