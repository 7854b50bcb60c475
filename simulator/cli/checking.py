"""``mlasim check``: search for requests that break a configuration's properties."""

from __future__ import annotations

from typing import Annotated

import typer

from simulator.cli.common import app, command_limits, fail, user_errors
from simulator.cli.options import LOCAL, Backend, ScenarioFile, Sets, TableFormat, TableOrJson, grouped
from simulator.cli.outputs import check_outputs
from simulator.cli.reporting import ReportPage, command_line, write_report


@app.command()
@grouped
def check(
    context: typer.Context,
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
    output_format: TableOrJson = TableFormat.table,
    sets: Sets = None,
    report_page: ReportPage = None,
    backend: Backend = LOCAL,
) -> None:
    """Search for requests that break the file's properties (or the built-in ones); show the smallest.

    Exit status 0 when every property holds, 1 when one is violated or inconclusive, 2 on bad input.
    The searches (one task per property and stratum) and the simulated estimates of 'replications'
    properties run on --workers or --scheduler; the verdicts are the same on any of them.
    """
    from simulator.checking.check import check as check_properties
    from simulator.checking.reading import read_properties
    from simulator.files.document import check_file, load_configuration, read_file
    from simulator.files.overrides import parse_assignments
    from simulator.reporting import check as report_check

    check_outputs({"--report": report_page}, inputs=[file])
    limits = command_limits(context)
    with user_errors():
        backend.check()
        scenario = check_file(file, limits)
        if sets:
            scenario = load_configuration(file, None, parse_assignments(sets), limits)
        properties = read_properties(read_file(file), scenario)
        if only:
            known = {p.name for p in properties}
            unknown = [name for name in only if name not in known]
            if unknown:
                raise fail(
                    f"{file}: --property: no property {unknown[0]!r}; properties: {', '.join(sorted(known))}"
                )
            properties = [p for p in properties if p.name in only]
        results = check_properties(scenario, properties, max_examples, seed, backend.execution(limits))
    if output_format is TableFormat.json:
        typer.echo(report_check.as_json(results, scenario, seed, max_examples, command_line()))
    else:
        typer.echo(report_check.as_table(results, scenario, seed, max_examples))
    if report_page is not None:
        document = report_check.document(results, scenario, seed, max_examples, command_line())
        write_report("check", document, report_page)
    if any(r.failed for r in results):
        raise typer.Exit(1)
