"""``mlasim sensitivity``, ``mlasim discover`` and ``mlasim frontier``: exploring many configurations.

- ``sensitivity`` varies several settings together (SALib designs) and says which matters most;
- ``discover`` finds, in a sweep's run directory, the ranges of settings where a condition holds
  (PRIM boxes);
- ``frontier`` lists the configurations of a sweep that no other beats on abuse and on what the
  safeguards cost legitimate requests, and answers budget questions.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import typer

from simulator.cli.common import (
    app,
    command_limits,
    execution,
    fail,
    note,
    optional_values,
    progress_bar,
    user_errors,
)
from simulator.cli.options import (
    LOCAL,
    Backend,
    Batch,
    PerDraw,
    Replications,
    Seed,
    Sets,
    StudyDirectory,
    TableFormat,
    TableOrJson,
    directory_option,
    draws_option,
    grouped,
    run_directory,
)
from simulator.cli.outputs import check_outputs

#: --out of ``mlasim sensitivity``: the study's run directory.
StudyOut = directory_option("Run directory", "sensitivity")
#: --robust of ``mlasim frontier``: the frontier over draws of the declared ranges.
RobustFrontier = draws_option(
    "--robust",
    "Run every configuration on N draws of the declared ranges (default 32): the frontier "
    "at the unfavourable end of each one's spread, not only at the central values.",
)


@app.command()
@grouped
def sensitivity(
    context: typer.Context,
    file: Annotated[Path | None, typer.Argument(help="Scenario file (TOML).", metavar="FILE")] = None,
    params: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="KEY=LOW,HIGH or KEY=V1|V2|...: a setting to vary (two or more)."),
    ] = None,
    method: Annotated[str, typer.Option("--method", help="sobol or morris.")] = "sobol",
    samples: Annotated[
        int,
        typer.Option("--samples", min=2, help="Base samples (Sobol; a power of 2) or trajectories (Morris)."),
    ] = 8,
    second_order: Annotated[
        bool, typer.Option("--second-order", help="Sobol: also the indices of pairs (more configurations).")
    ] = False,
    metric: Annotated[
        str, typer.Option("--metric", "-m", help="The metric to explain.")
    ] = "abuse_pass_through",
    sets: Sets = None,
    replications: Replications = None,
    seed: Seed = None,
    batch: Batch = 5,
    out: StudyOut = None,
    resume: Annotated[
        Path | None, typer.Option("--resume", help="Finish the study in this run directory.")
    ] = None,
    output_format: TableOrJson = TableFormat.table,
    backend: Backend = LOCAL,
) -> None:
    """Which settings matter: Sobol or Morris indices of a metric, on common random numbers."""
    from simulator.cli.sweeping import resumable
    from simulator.experiments import sensitivity as sa
    from simulator.files.overrides import parse_assignments
    from simulator.reporting import sensitivity as report_sensitivity

    limits = command_limits(context)
    with user_errors():
        if resume is None:
            if file is None:
                raise fail("sensitivity needs a FILE, or --resume DIR")
            study = sa.Study(
                tuple(sa.parse_parameter(p) for p in params or []),
                method,
                samples,
                second_order,
                parse_assignments(sets or []),
            )
            directory = run_directory(file, "sensitivity", out)
            check_outputs({}, [file], [], {"--out": directory})
            with warnings.catch_warnings(record=True) as notes:
                warnings.simplefilter("always")
                sa.start_study(file, directory, study, metric, replications, seed, batch, limits)
            for found in notes:
                note(str(found.message))
        else:
            directory = resume
        how = execution(backend.workers, backend.scheduler, True, limits)  # no line naming the backend
        with resumable("sensitivity", directory), progress_bar("tasks", backend.quiet) as advance:
            result = sa.finish_study(directory, how.but(progress=advance))
    typer.echo(report_sensitivity.FORMATTERS[output_format.value](result))


RunDirectory = Annotated[Path, typer.Argument(help="A sweep's run directory.", metavar="RUN_DIR")]


@app.command()
def discover(
    directory: RunDirectory,
    where: Annotated[
        str,
        typer.Option(
            "--where",
            help='The outcome to explain: "abuse_pass_through < 0.2 and legitimate_refusal_rate < 0.05".',
        ),
    ],
    boxes: Annotated[int, typer.Option("--boxes", min=1, help="At most this many boxes.")] = 2,
    min_coverage: Annotated[
        float,
        typer.Option(
            "--min-coverage", min=0.0, max=1.0, help="Report the densest step with at least this coverage."
        ),
    ] = 0.8,
    output_format: TableOrJson = TableFormat.table,
) -> None:
    """Scenario discovery: PRIM boxes of swept settings where a condition on the results holds."""
    from simulator.experiments.conditions import parse_condition
    from simulator.experiments.discovery import discover as find
    from simulator.reporting import discovery as report_discovery

    with user_errors():
        _check_run_directory(directory)
        result = find(directory, parse_condition(where), boxes, min_coverage)
    typer.echo(report_discovery.FORMATTERS[output_format.value](result))


def _check_run_directory(directory: Path) -> None:
    from simulator.experiments.sweeps import MANIFEST

    if not (directory / MANIFEST).exists():
        raise fail(f"{directory}: no {MANIFEST}: not a sweep run directory")
    if not (directory / "summary.parquet").exists():
        raise fail(
            f"{directory}: the sweep has not finished (no summary.parquet): mlasim sweep --resume {directory}"
        )


@app.command("frontier", cls=optional_values(robust="simulator.experiments.robustfront:DRAWS"))
@grouped
def frontier_command(
    context: typer.Context,
    directory: RunDirectory,
    objectives: Annotated[
        list[str] | None,
        typer.Option(
            "--objective",
            help="A metric to minimise (repeatable; default: abuse_pass_through, legitimate_refusal_rate, "
            "legitimate_days_median).",
        ),
    ] = None,
    budget: Annotated[
        str | None,
        typer.Option("--budget", help='A condition to meet: "legitimate_refusal_rate <= 0.03".'),
    ] = None,
    least: Annotated[
        str, typer.Option("--least", help="With --budget: the metric to minimise.")
    ] = "abuse_pass_through",
    output_format: TableOrJson = TableFormat.table,
    robust: RobustFrontier = None,
    per_draw: PerDraw = None,
    study_dir: StudyDirectory = None,
    backend: Backend = LOCAL,
) -> None:
    """The safeguard frontier of a sweep: configurations no other beats on abuse and legitimate cost.

    With --robust, across the declared ranges of the sweep's scenario rather than at its central values.
    """
    from simulator.experiments.conditions import parse_condition
    from simulator.experiments.frontier import OBJECTIVES, frontier
    from simulator.reporting import frontier as report_frontier

    if robust is not None:
        if budget is not None:
            raise fail("--budget answers at the central values; drop it with --robust")
        asked = (objectives or OBJECTIVES, robust, per_draw, study_dir)
        _robust_frontier(
            directory, *asked, output_format, backend, backend.execution(command_limits(context))
        )
        return
    if per_draw is not None or study_dir is not None:
        raise fail("--per-draw and --study-dir go with --robust")
    with user_errors():
        _check_run_directory(directory)
        condition = parse_condition(budget, "--budget") if budget else None
        result = frontier(directory, objectives or OBJECTIVES, condition, least)
    typer.echo(report_frontier.FORMATTERS[output_format.value](result))


def _robust_frontier(directory, objectives, draws, per_draw, study_dir, output_format, backend: Backend, how):
    """The frontier across the declared ranges of the sweep's scenario (``--robust``)."""
    from simulator.experiments.robustfront import PER_DRAW, robust_frontier
    from simulator.experiments.sweeps import MANIFEST
    from simulator.reporting import frontier as report_frontier

    if not (directory / MANIFEST).exists():
        raise fail(f"{directory}: no {MANIFEST}: not a sweep run directory")
    with backend.drawing() as progress:
        result = robust_frontier(directory, objectives, draws, per_draw or PER_DRAW, study_dir, how, progress)
    backend.kept(result.directory)
    table = output_format is TableFormat.table
    typer.echo(report_frontier.robust_table(result) if table else report_frontier.robust_json(result))
