"""``mlasim run``, ``mlasim validate`` and ``mlasim explain``: one scenario, its file, one request."""

from __future__ import annotations

import enum
import functools
import json
from pathlib import Path
from typing import Annotated

import typer

from simulator.cli.common import (
    app,
    command_limits,
    fail,
    on_interrupt,
    optional_values,
    progress_bar,
    user_errors,
)
from simulator.cli.options import (
    LOCAL,
    AllowLarge,
    Backend,
    Format,
    Out,
    OutputFormat,
    PerDraw,
    Replications,
    ScenarioFile,
    Seed,
    Sets,
    StudyDirectory,
    WithProvenance,
    draws_option,
    grouped,
)
from simulator.cli.outputs import check_outputs
from simulator.cli.reporting import ReportPage, command_line, publish, write_report


class TraceFormat(enum.StrEnum):
    """What ``mlasim explain --format`` prints: the decision trace as text, or as JSON."""

    text = "text"
    json = "json"


#: --uncertainty of ``mlasim run``: the headline's spread over draws of the declared ranges.
Uncertainty = draws_option(
    "--uncertainty",
    "Also draw N parameter sets over the file's declared ranges (default 128) and show each "
    "headline metric's spread over them, with what drives it.",
)


@app.command(cls=optional_values(uncertainty="simulator.experiments.uncertainty:DRAWS"))
@grouped
def run(
    context: typer.Context,
    file: ScenarioFile,
    replications: Replications = None,
    seed: Seed = None,
    output_format: Format = OutputFormat.table,
    out: Out = None,
    backend: Backend = LOCAL,
    allow_large: AllowLarge = False,
    variant: Annotated[
        str | None, typer.Option("--variant", "-v", help="Run this [[variant]] of FILE (a+b combines).")
    ] = None,
    sets: Sets = None,
    report_page: ReportPage = None,
    brief: Annotated[
        bool, typer.Option("--brief", help="Table: the headline block only (no breakdowns).")
    ] = False,
    with_provenance: WithProvenance = False,
    uncertainty: Uncertainty = None,
    per_draw: PerDraw = None,
    study_dir: StudyDirectory = None,
) -> None:
    """Run a scenario's replications and print each metric's mean with its 95% confidence interval.

    The table shows the headline metrics first, then the breakdowns (--brief: the headline only).
    With --uncertainty, each headline metric also shows its spread over the declared ranges of the
    file's parameters (5th-95th percentile of N draws) and the parameters that drive it.
    """
    from simulator.reporting import run as report
    from simulator.reporting.documents import run_document

    check_outputs({"--out": out, "--report": report_page}, inputs=[file])
    if uncertainty is None and (per_draw is not None or study_dir is not None):
        raise fail("--per-draw and --study-dir go with --uncertainty")
    limits = command_limits(context, allow_large)
    if uncertainty is not None:
        result = _uncertain(
            file, variant, sets, uncertainty, per_draw, study_dir, replications, seed, backend, limits
        )
    else:
        result = _plain(file, variant, sets, replications, seed, backend, limits)
    if output_format is not OutputFormat.table:  # the table shows them beside the headline
        for warning in result.warnings:
            typer.echo(f"mlasim: warning: {warning}", err=True)
    publish(
        result, report, output_format, out, with_provenance, functools.partial(report.as_table, brief=brief)
    )
    if report_page is not None:
        write_report("run", run_document(result, command_line()), report_page)


def _plain(file, variant, sets, replications, seed, backend: Backend, limits):
    """The run at the file's values."""
    from simulator.files.document import load_configuration
    from simulator.files.overrides import parse_assignments

    with (
        user_errors(),
        on_interrupt("no result was written (a run keeps nothing partial; 'mlasim sweep' resumes)"),
    ):
        backend.check()
        scenario = load_configuration(file, variant, parse_assignments(sets or []), limits)
        count = scenario.replications if replications is None else replications
        with progress_bar("replications", backend.quiet) as advance:
            advance(0, count)
            days = advance.days if advance.drawn else None  # no day hook when nothing is drawn
            how = backend.execution(limits, progress=advance, days=days)
            return run_experiment(scenario, replications, seed, how)


def _uncertain(file, variant, sets, draws, per_draw, study_dir, replications, seed, backend: Backend, limits):
    """The run at the central values, and its spread over ``draws`` draws kept in a study directory."""
    from simulator.experiments.uncertainty import PER_DRAW, run_uncertain
    from simulator.files.overrides import parse_assignments

    with backend.drawing() as progress:
        result = run_uncertain(
            file, variant, parse_assignments(sets or []), draws, per_draw or PER_DRAW, replications, seed,
            study_dir, backend.execution(limits), progress=progress,
        )  # fmt: skip
    backend.kept(result.uncertainty.directory)
    return result


def run_experiment(*args, **kwargs):
    """:func:`simulator.experiments.run.run`, imported when a run starts (it loads the simulation)."""
    from simulator.experiments.run import run as run_replications

    return run_replications(*args, **kwargs)


@app.command()
def validate(
    context: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Scenario files to check.", metavar="FILE...")],
    allow_large: AllowLarge = False,
) -> None:
    """Check scenario files as every command would (scenario, variants, sweep, properties, limits),
    and target files as calibrate would."""
    from simulator.checking.validation import file_problems

    bad = 0
    limits = command_limits(context, allow_large)
    for file in files:
        problems = file_problems(file, limits)
        if problems:
            bad += 1
            for problem in problems[:SHOWN_PROBLEMS]:
                typer.echo(str(problem), err=True)
            if len(problems) > SHOWN_PROBLEMS:
                rest = len(problems) - SHOWN_PROBLEMS
                typer.echo(f"{file}: ... and {rest:,} more problem{'s' if rest > 1 else ''}", err=True)
        else:
            typer.echo(f"{file}: ok")
    if bad:
        raise typer.Exit(2)


#: Problems ``validate`` prints per file; the count of the rest follows them.
SHOWN_PROBLEMS = 50


@app.command("explain")
def explain_command(
    context: typer.Context,
    file: ScenarioFile,
    request: Annotated[
        int, typer.Option("--request", "-r", min=0, help="Request id (arrival order, from 0).")
    ],
    replication: Annotated[int, typer.Option("--replication", min=0, help="Replication index.")] = 0,
    seed: Seed = None,
    output_format: Annotated[
        TraceFormat, typer.Option("--format", "-f", help="Output format.")
    ] = TraceFormat.text,
    allow_large: AllowLarge = False,
    variant: Annotated[
        str | None,
        typer.Option("--variant", "-v", help="Replay under this [[variant]] of FILE (a+b combines)."),
    ] = None,
    sets: Sets = None,
) -> None:
    """Print the decision trace of one request: stages, times, observations, provisions, outcome."""
    from simulator.files.document import load_configuration
    from simulator.files.overrides import parse_assignments
    from simulator.reporting.trace import UnknownRequest, explain, format_trace, trace_to_dict

    with user_errors():
        scenario = load_configuration(
            file, variant, parse_assignments(sets or []), command_limits(context, allow_large)
        )
        try:
            trace = explain(scenario, request, replication, seed)
        except UnknownRequest as error:
            raise fail(f"{file}: --request: {error}") from None
    if output_format is TraceFormat.json:
        typer.echo(json.dumps(trace_to_dict(trace), indent=2))
    else:
        typer.echo(format_trace(trace))
