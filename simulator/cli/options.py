"""The options the commands share, each declared once, and the groups of them that go together.

Each shared option (``--replications``, ``--seed``, ``--out``...) is a type alias a command's parameter
is annotated with. **Backend.** ``--workers``, ``--scheduler`` and ``--quiet`` always go together:
where a command's work runs and whether it says so. A command takes them as one parameter annotated
:class:`Backend`; :func:`grouped` shows them on the command line as the three options, in that
parameter's place, and hands the command one :class:`Backend`, which builds the command's
:class:`~simulator.experiments.execution.Execution` and runs a study over draws of the declared ranges
(one line for an error, what Ctrl-C keeps, a progress bar, where the draws are kept).

Like :mod:`simulator.cli.common`, this module loads nothing but typer and the standard library: the
layers a command uses are imported when it runs.
"""

from __future__ import annotations

import datetime
import enum
import functools
import inspect
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from attrs import fields, frozen

from simulator.cli.common import cumulative, execution, note, on_interrupt, progress_bar, user_errors


class OutputFormat(enum.StrEnum):
    """What ``--format`` prints: a table, JSON, or CSV (one row per metric)."""

    table = "table"
    json = "json"
    csv = "csv"


class TableFormat(enum.StrEnum):
    """What ``--format`` prints where a command gives no CSV: a table, or JSON."""

    table = "table"
    json = "json"


ScenarioFile = Annotated[Path, typer.Argument(help="Scenario file (TOML).", metavar="FILE")]
Replications = Annotated[
    int | None, typer.Option("--replications", "-n", min=1, help="Replications (default: the file's).")
]
Seed = Annotated[int | None, typer.Option("--seed", "-s", min=0, help="Seed (default: the file's).")]
Format = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
TableOrJson = Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")]
Out = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")]
Workers = Annotated[
    int | None,
    typer.Option(
        "--workers",
        "-w",
        min=1,
        help="Local worker processes (default: all cores, or 1 when the work is too small to pay for them).",
    ),
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler", help="Dask scheduler address (tcp://host:8786), or 'local' for a LocalCluster."
    ),
]
Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bar, and no line saying where the work runs.")
]


AllowLarge = Annotated[
    bool,
    typer.Option(
        "--allow-large",
        help="Accept scenarios of more than a million requests per replication (slow, large).",
    ),
]
WithProvenance = Annotated[
    bool,
    typer.Option(
        "--provenance",
        help="CSV: begin with the provenance (versions, seed, the scenario's text) as # comment lines.",
    ),
]
Batch = Annotated[int, typer.Option("--batch", min=1, help="Replications per task.")]
StudyDirectory = Annotated[
    Path | None,
    typer.Option(
        "--study-dir",
        help="Keep the draws in this directory (default: runs/FILE-KIND-DIGEST); asking the same "
        "question again resumes or reuses them.",
    ),
]
PerDraw = Annotated[
    int | None, typer.Option("--per-draw", min=1, help="Replications of each draw (default: 2).")
]
Sets = Annotated[
    list[str] | None,
    typer.Option(
        "--set", help="KEY=VALUE: change one value of the file, a dotted key as in a variant (repeatable)."
    ),
]


def draws_option(flag: str, help: str) -> Any:
    """An option giving how many draws of the declared ranges a study makes (``--robust [N]``,
    ``--uncertainty [N]``): at least 2, and alone it takes the command's default (see
    :func:`~simulator.cli.common.optional_values`)."""
    return Annotated[int | None, typer.Option(flag, metavar="[N]", min=2, help=help)]


def directory_option(what: str, kind: str = "") -> Any:
    """``--out``/``-o`` of a command that writes a directory: ``what`` it is, and its default
    (``runs/FILE-KIND-TIME``, see :func:`run_directory`)."""
    default = f"runs/FILE-{kind}-TIME" if kind else "runs/FILE-TIME"
    return Annotated[Path | None, typer.Option("--out", "-o", help=f"{what} (default: {default}).")]


def run_directory(file: Path, kind: str = "", out: Path | None = None) -> Path:
    """``out``, or ``runs/FILE-KIND-TIME`` (the file's stem, the kind of work, the UTC time to the
    second): where a command writes its directory."""
    if out is not None:
        return out
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path("runs") / f"{file.stem}-{kind}-{stamp}" if kind else Path("runs") / f"{file.stem}-{stamp}"


@frozen
class Backend:
    """Where a command's work runs (``--workers``, ``--scheduler``) and whether it says so (``--quiet``:
    no progress bar, no line naming the backend)."""

    workers: Workers = None
    scheduler: Scheduler = None
    quiet: Quiet = False

    def execution(self, limits: Any, **more: Any) -> Any:
        """The command's :class:`~simulator.experiments.execution.Execution` under ``limits``."""
        return execution(self.workers, self.scheduler, self.quiet, limits, **more)

    def check(self) -> None:
        """Refuse a ``--scheduler`` that is no address before any work starts (one line, exit 2)."""
        from simulator.experiments.executors import check_address

        check_address(self.scheduler)

    @contextmanager
    def drawing(self) -> Iterator[Callable[[int, int], None]]:
        """A study over draws of the declared ranges, kept in a directory as they finish: an error a user
        can cause is one line, Ctrl-C says the finished draws are kept, the bar counts tasks. Yields
        what the study tells the draws done so far, ``(done, total)``."""
        hint = "the finished draws are kept: run the same command again to go on from them"
        with user_errors(), on_interrupt(hint), progress_bar("tasks", self.quiet) as advance:
            self.check()
            yield cumulative(advance)

    def kept(self, directory: str | Path | None) -> None:
        """Say where a study's draws are kept (unless quiet, or nothing was kept)."""
        if directory and not self.quiet:
            note(f"the draws are kept in {directory} (the same command reuses them)")


#: The backend of a command given none of its options: this machine's cores, a progress bar.
LOCAL = Backend()

#: The groups of options a command may take as one parameter (see :func:`grouped`).
GROUPS = (Backend,)


def grouped(command: Callable[..., None]) -> Callable[..., None]:
    """``command`` as typer sees it: each parameter annotated with a class of :data:`GROUPS` stands
    for that group's options, in its place and order (each field's annotation declares its option);
    the command is called with the group built from them."""
    hints = typing.get_type_hints(command, include_extras=True)
    hints_of = {cls: typing.get_type_hints(cls, include_extras=True) for cls in GROUPS}
    parameters, groups = [], {}
    for parameter in inspect.signature(command).parameters.values():
        cls = hints.get(parameter.name)
        if cls not in GROUPS:
            parameters.append(parameter.replace(annotation=hints.get(parameter.name, parameter.empty)))
            continue
        groups[parameter.name] = cls
        parameters += [
            inspect.Parameter(f.name, parameter.kind, default=f.default, annotation=hints_of[cls][f.name])
            for f in fields(cls)
        ]

    @functools.wraps(command)
    def given(**options: Any) -> None:
        for name, cls in groups.items():
            options[name] = cls(**{f.name: options.pop(f.name) for f in fields(cls)})
        return command(**options)

    given.__signature__ = inspect.signature(command).replace(parameters=parameters)
    return given
