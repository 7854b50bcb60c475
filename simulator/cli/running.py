"""``mlasim run``, ``mlasim validate`` and ``mlasim explain``: one scenario, its file, one request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from simulator.checking.properties import read_properties
from simulator.cli.common import (
    Format,
    Out,
    OutputFormat,
    Replications,
    ScenarioFile,
    Scheduler,
    Seed,
    TraceFormat,
    Workers,
    app,
    emit,
    fail,
    user_errors,
)
from simulator.experiments import designs
from simulator.files.loader import ScenarioError, load_scenario, read_toml
from simulator.files.overrides import check_file


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
    from simulator.experiments.executors import default_workers
    from simulator.experiments.run import run as run_experiment
    from simulator.reporting import run as report

    with user_errors():
        scenario = load_scenario(file)
        result = run_experiment(scenario, replications, seed, workers or default_workers(), scheduler)
    emit(report.FORMATTERS[output_format.value](result), out)


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
    from simulator.reporting.trace import UnknownRequest, explain, format_trace, trace_to_dict

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
