"""The headline figure under a result's table in a notebook (registered with the experiments layer).

:mod:`simulator.experiments.display` builds each result's compact HTML table; importing this module
(``import simulator`` does) adds the figure: pass-through per configuration for a run, the paired
differences for a comparison, the response curve or heatmap for a sweep. matplotlib is loaded only
when a figure is first drawn.
"""

from __future__ import annotations

from typing import Any

from simulator.experiments import display


def _run(result: Any) -> str:
    from simulator.reporting import charts, documents, html

    document = documents.run_document(result)
    return html.figure_html(charts.pass_through(charts.configurations_of("run", document)))


def _comparison(comparison: Any) -> str:
    from simulator.reporting import charts, html

    (shares, _) = charts.differences(comparison.to_dict())
    return html.figure_html(shares)


def _sweep(result: Any) -> str:
    from simulator.reporting import charts, documents, html

    document = documents.sweep_document(result.manifest(), result.summary())
    return html.figure_html(charts.sweep_charts(document)[0])


display.register_figure("run", _run)
display.register_figure("comparison", _comparison)
display.register_figure("sweep", _sweep)
