"""``mlasim report``: one self-contained HTML page of a result, and its figures for papers.

The page is made from a scenario (which is run first), or from a saved result: the JSON that
``run``, ``compare`` or ``check`` print with ``--format json``, or a sweep's run directory. ``run``,
``compare``, ``sweep`` and ``check`` also take ``--report PAGE.html`` to write the page of the result
they have just computed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from simulator.cli.common import app, command_limits, emit, execution, fail, user_errors
from simulator.cli.options import OutputFormat, Replications, Scheduler, Seed, Workers
from simulator.cli.outputs import check_outputs

ReportPage = Annotated[
    Path | None,
    typer.Option("--report", help="Also write the result as a self-contained HTML page (figures inline)."),
]


def command_line() -> list[str] | None:
    """The command as typed, when mlasim runs as a program (None inside another program, e.g. tests)."""
    program = Path(sys.argv[0]).name if sys.argv else ""
    if program == "mlasim" or (program == "__main__.py" and "simulator" in sys.argv[0]):
        return ["mlasim", *sys.argv[1:]]
    return None


def publish(
    result: Any,
    report: Any,
    output_format: OutputFormat,
    out: Path | None,
    with_provenance: bool = False,
    table: Callable[[Any], str] | None = None,
) -> None:
    """Print ``result`` in ``output_format``, or write it to ``out``, as its reporting module ``report``
    lays it out (``as_table``, ``as_csv``, ``as_json``; ``table``: another table of it)."""
    if output_format is OutputFormat.table:
        text = (table or report.as_table)(result)
    elif output_format is OutputFormat.csv:
        text = report.as_csv(result, command_line(), with_provenance)
    else:
        text = report.as_json(result, command_line())
    emit(text, out)


def write_report(kind: str, document: dict[str, Any], page: Path | None, figures: Path | None = None) -> None:
    """Write the report page (atomically) and, with ``figures``, each figure as SVG and PNG."""
    # imported here, not at start-up: matplotlib takes a while to load, and hypothesis (mlasim check)
    # draws constants from the modules loaded, so loading these before a check would change its search
    from simulator.reporting import charts, html

    drawn = charts.charts(kind, document)
    if page is not None:
        emit(html.page(kind, document, drawn), page)
    if figures is not None:
        try:
            written = [path for chart in drawn for path in chart.save(figures)]
        except OSError as error:
            raise fail(f"{figures}: cannot write: {error.strerror}") from None
        typer.echo(f"wrote {len(written)} files in {figures}", err=True)


@app.command()
def report(
    context: typer.Context,
    source: Annotated[
        Path,
        typer.Argument(
            help="A scenario file (TOML, run first), a JSON result of run, compare or check, "
            "or a sweep directory.",
            metavar="SOURCE",
        ),
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="The HTML page (default: SOURCE's name with .html).")
    ] = None,
    figures: Annotated[
        Path | None,
        typer.Option("--figures", help="Also write each figure as SVG and PNG into this directory."),
    ] = None,
    replications: Replications = None,
    seed: Seed = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
) -> None:
    """Write one self-contained HTML page of a result: headline metrics, figures, scenario, provenance."""
    from simulator.files.document import load_scenario
    from simulator.reporting import documents

    page = out if out is not None else Path(f"{source.stem or source.resolve().name}.html")
    run_directories = [source] if source.is_dir() else []
    check_outputs({"--out": page}, [source], run_directories, {"--figures": figures})
    with user_errors():
        if source.suffix == ".toml":
            limits = command_limits(context)
            scenario = load_scenario(source, limits)
            from simulator.experiments.run import run as run_experiment  # loads the simulation

            how = execution(workers, scheduler, quiet=True, limits=limits)
            result = run_experiment(scenario, replications, seed, how)
            kind, document = "run", documents.run_document(result, command_line())
        else:
            if replications is not None or seed is not None:
                raise fail("--replications and --seed apply to a scenario file, not to a saved result")
            try:
                kind, document = documents.read_saved(source)
            except documents.ReportInputError as error:
                raise fail(str(error)) from None
    write_report(kind, document, page, figures)
