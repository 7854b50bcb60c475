"""``mlasim calibrate``: hold a scenario against published figures, or fit its parameters to them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from simulator.cli.common import app, command_limits, fail, on_interrupt, progress_bar, user_errors
from simulator.cli.options import (
    LOCAL,
    AllowLarge,
    Backend,
    Replications,
    Seed,
    directory_option,
    grouped,
    run_directory,
)
from simulator.cli.outputs import check_outputs
from simulator.cli.reporting import ReportPage, command_line, write_report

TargetsFile = Annotated[
    Path | None,
    typer.Argument(
        help="Target file (TOML), or the name of a target file shipped with mlasim (us-record).",
        metavar="TARGETS",
    ),
]


#: --out of ``mlasim calibrate``: the calibration's directory.
CalibrationOut = directory_option("Calibration directory", "calibration")


@app.command()
@grouped
def calibrate(
    context: typer.Context,
    file: Annotated[Path | None, typer.Argument(help="Scenario file (TOML).", metavar="FILE")] = None,
    targets: TargetsFile = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Only the fit table of the scenario as it stands: no fitting."),
    ] = False,
    ranges: Annotated[
        list[str] | None,
        typer.Option("--range", help="KEY=LOW,HIGH : a parameter to fit and its range (repeatable)."),
    ] = None,
    declared: Annotated[
        bool,
        typer.Option(
            "--declared/--no-declared",
            help="Fit the ranges the scenario declares too (the target file's and --range win).",
        ),
    ] = True,
    budget: Annotated[
        int, typer.Option("--budget", min=1, help="Replications the calibration may run, all told.")
    ] = 1500,
    replications: Replications = None,
    points: Annotated[
        int | None, typer.Option("--points", min=2, help="Points per wave (default: 10 per parameter).")
    ] = None,
    waves: Annotated[int, typer.Option("--waves", min=1, help="Waves of history matching at most.")] = 4,
    seed: Seed = None,
    out: CalibrationOut = None,
    resume: Annotated[
        Path | None, typer.Option("--resume", help="Finish the calibration in this directory.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Calibrate into an --out directory that already holds files.")
    ] = False,
    backend: Backend = LOCAL,
    allow_large: AllowLarge = False,
    report_page: ReportPage = None,
    sources: Annotated[
        bool, typer.Option("--sources", help="Under the fit table, each figure's source in full.")
    ] = False,
) -> None:
    """Hold a scenario against published figures (--check), or fit its parameters to them.

    Without --check, history matching in waves fits the parameters that have ranges (declared in the
    scenario, the target file's [[parameter]] tables, --range) to the targets with use = "fit", and writes the
    non-implausible region, a calibrated scenario file and the fit table into a directory.
    --replications is per point of a wave (default 4); with --check, for the scenario (default: the
    file's). Exit status 1 when a target is not consistent with the scenario (implausibility 3 or more).
    """
    limits = command_limits(context, allow_large)
    with user_errors():
        if check:
            _check(file, targets, replications, seed, backend, limits, report_page, sources)
            return
        if resume is None and (file is None or targets is None):
            raise fail("calibrate needs a FILE and TARGETS, or --resume DIR")
        _calibrate(file, targets, ranges or [], budget, replications, points, waves, seed, out, resume,
                   force, backend, limits, declared)  # fmt: skip


def _fitting_line(ranges) -> str:
    """Which parameters are fitted, and where their ranges come from."""
    declared = sum(r["source"].startswith("declared in the scenario") for r in ranges)
    line = f"fitting {len(ranges)} parameters: {declared} with the ranges the scenario declares"
    return line + f", {len(ranges) - declared} from the target file or --range"


def _targets_path(targets: Path | None) -> Path:
    from simulator.files.targets import shipped

    if targets is None:
        raise fail("give a TARGETS file (or the name of a shipped one: " + ", ".join(shipped()) + ")")
    if not targets.exists() and targets.name in shipped():
        return shipped()[targets.name]
    return targets


def _check(file, targets, replications, seed, backend: Backend, limits, report_page, sources) -> None:
    """The fit table of the scenario as it stands against the targets (``--check``)."""
    from simulator.files.document import load_scenario
    from simulator.files.targets import check_against, read_targets
    from simulator.reporting import fit as report

    if file is None:
        raise fail("calibrate --check needs a FILE and TARGETS")
    path = _targets_path(targets)
    check_outputs({"--report": report_page}, [file, path])
    scenario = load_scenario(file, limits)
    chosen = read_targets(path)
    check_against(chosen, scenario)
    from simulator.experiments import fitting
    from simulator.experiments.run import run

    with progress_bar("replications", backend.quiet) as advance:
        result = run(scenario, replications, seed, backend.execution(limits, progress=advance))
    found = fitting.fits(chosen, result.rows)
    title = f"How {scenario.name} compares with the public record ({chosen.name}, {path.name})"
    subtitle = f"{result.replications} replications, seed {result.seed}; {scenario.source}"
    typer.echo(report.fit_report(title, subtitle, found, sources, result.warnings))
    if report_page is not None:
        from simulator.reporting.documents import fit_document

        write_report("run", fit_document(result, chosen, found, command_line()), report_page)
    if not all(f.consistent for f in found):
        raise typer.Exit(1)


def _calibrate(file, targets, ranges, budget, replications, points, waves, seed, out, resume, force,
               backend: Backend, limits, declared=True) -> None:  # fmt: skip
    from simulator.experiments import calibration, rundirs
    from simulator.experiments import waves as waving
    from simulator.files.targets import parse_ranges
    from simulator.reporting import fit as report

    if resume is None:
        path = _targets_path(targets)
        directory = run_directory(file, "calibration", out)
        check_outputs({}, [file, path], [directory], {"--out": directory})
        plan = calibration.Plan(budget, replications or 4, points, waves, seed)
        given = parse_ranges(ranges)
    else:
        if file is not None or targets is not None or ranges or out is not None or force or not declared:
            raise fail(f"--resume takes the calibration's settings from {resume / calibration.MANIFEST}: "
                       "give only --workers, --scheduler, --quiet, --allow-large")  # fmt: skip
        directory = resume
        if not (directory / calibration.MANIFEST).exists():
            raise fail(f"{directory}: no {calibration.MANIFEST}: not a calibration directory")
    hint = (
        f"the finished waves and tasks are kept in {directory}: go on with "
        f"'mlasim calibrate --resume {directory}'"
    )

    def tell(line: str) -> None:
        if not backend.quiet:
            typer.echo(f"mlasim: {line}", err=True)

    how = backend.execution(limits)
    from simulator.cli.sweeping import resumable

    with rundirs.holding(directory), on_interrupt(hint):
        if resume is None:
            manifest = calibration.start(file, path, directory, given, plan, limits, force, declared)
            tell(_fitting_line(manifest["ranges"]))
        with resumable("calibrate", directory), progress_bar("tasks", backend.quiet) as advance:
            result = waving.execute(directory, how.but(progress=advance), tell)
    typer.echo(_summary(result))
    typer.echo("")
    typer.echo(report.fit_report(f"Fit of the calibrated scenario ({directory / calibration.CALIBRATED})",
                                 f"{result.fits[0].simulated.n} replications at the calibrated values",
                                 result.fits))  # fmt: skip
    typer.echo(f"\nwrote {directory}/calibrated.toml, region.csv, fit.csv, calibration.json")


def _summary(result) -> str:
    """The region left: share of the space, then each parameter's value and ranges."""
    from simulator.files.targets import Range
    from simulator.reporting.tables import text_table

    manifest = result.manifest
    done = [w for w in manifest["waves"] if w["status"] == "done"]
    spent = sum(len(w["points"]) for w in done) * manifest["plan"]["replications"]
    lines = [
        f"Calibration of {manifest['scenario']}: {len(done)} waves, {spent} replications in the waves; "
        f"{result.share:.2%} of the parameter space is non-implausible ({result.ruled_out:.1%} ruled out)",
    ]
    rows = []
    for entry in manifest["ranges"]:
        r = Range(entry["key"], entry["low"], entry["high"])
        low, high = result.bounds.get(r.key, (None, None))
        survived = "none" if low is None else f"{low:.4g} to {high:.4g}"
        rows.append((r.key, f"{result.best[r.key]:.4g}", survived, f"{r.low:.4g} to {r.high:.4g}"))
    lines += text_table(("parameter", "calibrated", "non-implausible", "prior"), rows)
    return "\n".join(lines)
