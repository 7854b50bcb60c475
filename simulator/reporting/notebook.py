"""What a notebook gets: the headline figure under a result's table, and progress bars on long calls.

:mod:`simulator.experiments.display` builds each result's compact HTML table; importing this module
(the first use of a public name of ``simulator`` does) adds the figure: pass-through per configuration
for a run, the paired differences for a comparison, the response curve or heatmap for a sweep.
matplotlib is loaded only when a figure is first drawn.

**Progress.** ``simulator.run`` draws its own bar in a notebook
(:class:`simulator.experiments.progress.NotebookProgress`). The other long calls of the public API are
these functions, which call the experiments and checking layers with the same bar: ``compare``
(replications), ``sweep`` and ``resume`` (tasks), ``check`` (properties). Each takes ``progress``:
None (the default) shows the bar in a Jupyter notebook and nothing elsewhere, False never, and a
callable is passed through where the underlying function takes one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from simulator.experiments import display
from simulator.experiments.progress import notebook_progress


def _run(result: Any) -> str:
    from simulator.reporting import charts, documents, html

    document = documents.run_document(result)
    over = charts.spread(document)  # the headline over the assumptions, when the run drew over them
    return html.figure_html(over or charts.pass_through(charts.configurations_of("run", document)))


def _comparison(comparison: Any) -> str:
    from simulator.reporting import charts, html

    (shares, _) = charts.differences(comparison.to_dict())
    return html.figure_html(shares)


def _sweep(result: Any) -> str:
    from simulator.reporting import documents, html, sweepcharts

    document = documents.sweep_document(result.manifest(), result.summary(), result.directory)
    return html.figure_html(sweepcharts.sweep_charts(document)[0])


display.register_figure("run", _run)
display.register_figure("comparison", _comparison)
display.register_figure("sweep", _sweep)


# --- the public API's long calls, with a progress bar in a notebook ----------------------------------
# Each takes ``execution`` (simulator.experiments.execution.Execution), or its settings one by one as
# keywords (``workers=``, ``scheduler=``, ``progress=``...), as the API always has.
def compare(
    scenarios: Sequence[Any],
    labels: Sequence[str] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    *,
    precision: float | None = None,
    max_replications: int = 500,
    execution: Any = None,
    workers: int | None = 1,
    scheduler: str | None = None,
    progress: Any = None,
    announce: Callable[[str], None] | None = None,
) -> Any:
    """:func:`simulator.experiments.comparison.compare`, with a bar over replications in a notebook.

    ``progress``: None (a bar in a notebook), False (none) or a callable told finished replications.
    """
    from simulator.experiments import comparison
    from simulator.experiments.execution import execution_of

    execution = execution_of(
        execution, workers=workers, scheduler=scheduler, progress=progress, announce=announce
    )
    scenarios = list(scenarios)
    if callable(execution.progress):
        return comparison.compare(
            scenarios, labels, replications, seed, precision, max_replications, execution
        )
    count = replications or (scenarios[0].replications if scenarios else 0)
    with notebook_progress(execution.progress, "replications", count) as bar:
        execution = execution.but(progress=bar)
        return comparison.compare(
            scenarios, labels, replications, seed, precision, max_replications, execution
        )


def sweep(
    path: str | Path,
    directory: str | Path,
    design: Any,
    replications: int | None = None,
    seed: int | None = None,
    batch: int = 5,
    execution: Any = None,
    force: bool = False,
    *,
    workers: int | None = 1,
    scheduler: str | None = None,
    progress: bool | Callable[[int, int], None] | None = None,
) -> Any:
    """Start a sweep in ``directory`` and run it to the end (:func:`simulator.experiments.sweeps.sweep`).

    ``progress``: None (a bar over tasks in a notebook), False (none) or a callable ``(steps, total)``.
    """
    from simulator.experiments import rundirs, sweeps
    from simulator.experiments.execution import execution_of

    execution = execution_of(execution, workers=workers, scheduler=scheduler, progress=progress)
    with rundirs.holding(directory):
        sweeps.start(path, directory, design, replications, seed, batch, force, execution.limits)
        return resume(directory, execution)


def resume(
    directory: str | Path,
    execution: Any = None,
    *,
    workers: int | None = 1,
    scheduler: str | None = None,
    note: Callable[[str], None] | None = None,
    progress: bool | Callable[[int, int], None] | None = None,
) -> Any:
    """Finish the sweep in ``directory`` (:func:`simulator.experiments.sweeps.resume`), with a bar."""
    from simulator.experiments import sweeps
    from simulator.experiments.execution import execution_of

    execution = execution_of(execution, workers=workers, scheduler=scheduler, note=note, progress=progress)
    if callable(execution.progress):
        return sweeps.execute(directory, execution)
    with notebook_progress(execution.progress, "tasks", 0) as bar:
        return sweeps.execute(directory, execution.but(progress=bar))


def check(
    scenario: Any,
    properties: Sequence[Any],
    max_examples: int = 50,
    seed: int = 0,
    execution: Any = None,
    *,
    workers: int | None = 1,
    scheduler: str | None = None,
    announce: Callable[[str], None] | None = None,
    progress: bool | Callable[[int], None] | None = None,
) -> Any:
    """Check every property (:func:`simulator.checking.check.check`), with a bar over properties.

    With a bar (or a ``progress`` callable, told each property checked), the properties are checked
    one call at a time: the same verdicts, but a ``--workers`` backend is started for each property
    that simulates. ``progress=False`` makes one call, as :func:`simulator.checking.check.check` does.
    """
    from simulator.checking.check import CheckResults
    from simulator.checking.check import check as check_all
    from simulator.experiments.execution import execution_of

    execution = execution_of(
        execution, workers=workers, scheduler=scheduler, announce=announce, progress=progress
    )
    progress = execution.progress
    properties = list(properties)
    with notebook_progress(False if callable(progress) else progress, "properties", len(properties)) as bar:
        tell = progress if callable(progress) else bar
        if tell is None:
            return check_all(scenario, properties, max_examples, seed, execution)
        results = []
        for prop in properties:
            results += check_all(scenario, [prop], max_examples, seed, execution)
            tell(1)
        return CheckResults(results, scenario, seed, max_examples)
