"""``mlasim provisions`` and ``mlasim evidence``: the rules as data, and how far the evidence can reach.

``provisions`` lists the catalogue (citation, confidence, the public document cited, whether Art
40(27) consults before refusing on it) with the scenarios that apply each provision: by default the
example scenarios shipped with mlasim (wherever the command runs). ``evidence`` prints the
persecution score's range per requesting State next to the bars of the grounds that refuse on it;
it exits with status 1 if a ground can never be reached.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from simulator.cli.common import app, command_limits, user_errors

Files = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Scenario files (default: the example scenarios shipped with mlasim).",
        metavar="[FILE]...",
        show_default=False,
    ),
]


class ListFormat(enum.StrEnum):
    """What ``mlasim provisions --format`` prints: the catalogue as a table, or as JSON."""

    table = "table"
    json = "json"


def _scenarios(context: typer.Context, files: list[Path] | None) -> list:
    from simulator.files.document import load_scenario
    from simulator.files.examples import example_files

    with user_errors():
        paths = files or example_files()
        return [load_scenario(path, command_limits(context)) for path in paths]


@app.command()
def provisions(
    context: typer.Context,
    files: Files = None,
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ListFormat.table,
) -> None:
    """List the provisions catalogue, with each citation's confidence and the scenarios applying it."""
    from simulator.reporting import provisions as report

    scenarios = _scenarios(context, files)
    text = (
        report.provisions_json(scenarios)
        if output_format is ListFormat.json
        else report.provisions_table(scenarios)
    )
    typer.echo(text)


@app.command()
def evidence(context: typer.Context, files: Files = None) -> None:
    """Show the persecution score's range per requesting State against each ground's bar.

    Exit status 1 when a configuration makes a ground unreachable (its bar above the best score).
    """
    from simulator.domain import evidence as evidence_range
    from simulator.reporting import provisions as report

    scenarios = _scenarios(context, files)
    typer.echo(report.evidence_table(scenarios))
    for scenario in scenarios:
        worst = max(s.rights_record for s in scenario.requesting_states)
        if evidence_range.unreachable(
            scenario.requested_state.safeguards, worst, report.worst_notices(scenario)
        ):
            raise typer.Exit(1)
