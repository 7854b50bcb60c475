"""``mlasim init`` and ``mlasim schema``: example scenarios to start from, and a schema for editors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from simulator.cli.common import app, fail


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(help="Folder to copy the example scenarios into.", metavar="DIR")
    ],
    several_states: Annotated[
        bool,
        typer.Option(
            "--several-states",
            help="Write a commented starting file with the baseline's requested State beside your own.",
        ),
    ] = False,
) -> None:
    """Copy the example scenario files into DIR, to read, run and change."""
    from simulator.files.examples import copy_examples, write_several_states

    try:
        copied = [write_several_states(directory)] if several_states else copy_examples(directory)
    except (FileExistsError, FileNotFoundError) as error:
        raise fail(str(error)) from None
    except OSError as error:
        raise fail(f"{directory}: cannot write: {error.strerror}") from None
    for path in copied:
        typer.echo(str(path))
    first = next(
        (p for p in copied if p.name == "un-convention-baseline.toml"), copied[0] if copied else None
    )
    typer.echo(f"try: mlasim run {first}" if first else "no example scenario found", err=True)


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editors that validate and complete TOML)."""
    from simulator.files.schema import scenario_schema

    typer.echo(json.dumps(scenario_schema(), indent=2))
