"""``mlasim compare``: configurations on the same requests, paired differences, flipped outcomes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from simulator.cli.common import app, command_limits, emit, fail, optional_values, progress_bar, user_errors
from simulator.cli.options import (
    LOCAL,
    Backend,
    Format,
    Out,
    OutputFormat,
    PerDraw,
    Replications,
    Seed,
    Sets,
    StudyDirectory,
    WithProvenance,
    draws_option,
    grouped,
)
from simulator.cli.outputs import check_outputs
from simulator.cli.reporting import ReportPage, command_line, publish, write_report

#: --robust of ``mlasim compare``: the comparison over draws of the declared ranges.
RobustComparison = draws_option(
    "--robust",
    "Compare over N draws of the files' declared ranges (default 64) instead of at the "
    "central values: how often each alternative is better, its worst case, each one's regret.",
)


@app.command(cls=optional_values(robust="simulator.experiments.robust:DRAWS"))
@grouped
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
    backend: Backend = LOCAL,
    sets: Sets = None,
    report_page: ReportPage = None,
    with_provenance: WithProvenance = False,
    robust: RobustComparison = None,
    per_draw: PerDraw = None,
    satisfy: Annotated[
        str | None,
        typer.Option(
            "--satisfy",
            help="With --robust: the share of draws in which each configuration meets this condition "
            '("abuse_pass_through <= 0.1 and legitimate_refusal_rate <= 0.05").',
        ),
    ] = None,
    study_dir: StudyDirectory = None,
) -> None:
    """Compare configurations on the same requests: paired differences, flipped outcomes.

    --set changes every configuration (the baseline too), so the comparison is made in that what-if.
    With --robust, every configuration runs on the same draws over the declared ranges.
    """
    from simulator.experiments.comparison import compare as compare_configurations
    from simulator.files.document import load_configuration
    from simulator.files.overrides import parse_assignments
    from simulator.reporting import comparison as report_comparison
    from simulator.reporting.documents import comparison_document

    if precision is not None and precision <= 0:
        raise fail(f"--precision: must be a half-width greater than 0, not {precision:g}")
    check_outputs({"--out": out, "--report": report_page}, inputs=files)
    limits = command_limits(context)
    if robust is None and (per_draw is not None or satisfy is not None or study_dir is not None):
        raise fail("--per-draw, --satisfy and --study-dir go with --robust")
    if robust is not None:
        if precision is not None or report_page is not None or output_format is OutputFormat.csv:
            raise fail(
                "--robust gives a table or JSON (--format json); --precision and --report do not apply"
            )
        text = _robust(
            files, variant, sets, robust, per_draw, seed, satisfy, study_dir, output_format, backend, limits
        )
        emit(text, out)
        return
    with user_errors():
        changes = parse_assignments(sets or [])
        backend.check()
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
        with progress_bar("replications", backend.quiet) as advance:
            how = backend.execution(limits, progress=lambda n: advance(n))
            comparison = compare_configurations(
                scenarios, labels, replications, seed, precision, max_replications, how
            )
    publish(comparison, report_comparison, output_format, out, with_provenance)
    if report_page is not None:
        write_report("comparison", comparison_document(comparison, command_line()), report_page)


def _robust(
    files, variant, sets, draws, per_draw, seed, satisfy, study_dir, output_format, backend: Backend, limits
) -> str:
    """The robust comparison's text: every configuration on the same draws over the declared ranges."""
    from simulator.experiments.conditions import parse_condition
    from simulator.experiments.robust import PER_DRAW, robust_compare
    from simulator.experiments.uncertainty import configuration_overrides
    from simulator.files.document import read_file
    from simulator.files.overrides import parse_assignments
    from simulator.reporting import robust as report_robust

    with backend.drawing() as progress:
        changes = parse_assignments(sets or [])
        condition = parse_condition(satisfy, "--satisfy") if satisfy else None
        if variant:
            if len(files) != 1:
                raise fail("--variant compares variants of one file; give a single FILE")
            file = read_file(files[0], limits)
            names = [None, *variant]
            labels = [file.base(limits).name, *variant]
            arms = [
                (label, files[0], configuration_overrides(file, name, changes))
                for label, name in zip(labels, names, strict=True)
            ]
        else:
            if len(files) < 2:
                raise fail("compare needs two or more files, or one file and --variant NAME")
            found = [read_file(f, limits) for f in files]
            names = [f.base(limits).name for f in found]
            labels = names if len(set(names)) == len(names) else [f.stem for f in files]
            arms = [(label, path, dict(changes)) for label, path in zip(labels, files, strict=True)]
        if condition is not None:
            from simulator.world.metrics import catalogue

            for metric in condition.metrics:
                if catalogue().resolve(metric) is None:
                    raise fail(f"--satisfy: no metric {metric!r}")
        how = backend.execution(limits)
        result = robust_compare(arms, draws, per_draw or PER_DRAW, seed, condition, study_dir, how, progress)
    backend.kept(result.directory)
    return (
        report_robust.as_table(result)
        if output_format is OutputFormat.table
        else report_robust.as_json(result)
    )
