"""Small multiples: one panel per setting, or one heatmap per combination of the other settings.

A sweep of several settings cannot be read from one bar per configuration (a 36-configuration sweep
makes 36 bars labelled with every setting). Two figures read at any size instead:

- :func:`effects`: one panel per setting that varies, the metric's mean over the configurations that
  share each of its values (a point), with the lowest and highest configuration mean behind it (a
  bar: how much the other settings move it); a setting with many distinct values (a Latin
  hypercube) shows every configuration as a point instead;
- :func:`heatmap_grid`: the metric over two settings as a heatmap, one panel per combination of the
  others, on one colour scale, each cell labelled with its value.

Marks are counted and given ids as in :mod:`simulator.reporting.figures`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib

from simulator.reporting.figures import COLOURS, Chart, _figure, _style, _wrap, colour_scale, shade_cells

#: (value label, mean, lowest, highest) of one value of a setting.
Effect = tuple[str, float, float, float]


def effects(
    name: str,
    title: str,
    caption: str,
    panels: Sequence[tuple[str, Sequence[Effect] | Sequence[tuple[float, float]]]],
    axis_label: str,
    scale: float = 1.0,
) -> Chart:
    """One panel per setting: a point per value with its range, or a scatter of (value, metric)."""
    columns = min(3, max(1, len(panels)))
    rows = math.ceil(len(panels) / columns)
    with _style(name):
        figure = _figure(7.0, 2.3 * rows + 0.4)
        axes = figure.subplots(rows, columns, squeeze=False, sharey=True)
        marks = 0
        for index, (setting, points) in enumerate(panels):
            ax = axes[index // columns][index % columns]
            if points and len(points[0]) == 4:
                labels = [_wrap(str(p[0]), 12) for p in points]
                for i, (_, mean, low, high) in enumerate(points):
                    if math.isnan(mean):
                        continue
                    ax.vlines(i, low * scale, high * scale, color="#a0aec0", linewidth=6)
                    (point,) = ax.plot([i], [mean * scale], "o", color=COLOURS[0], markersize=6)
                    point.set_gid(f"{name}-mark-{marks}")
                    marks += 1
                ax.set_xticks(range(len(points)), labels, fontsize=7)
                ax.set_xlim(-0.6, len(points) - 0.4)
            else:
                for x, y in points:
                    if math.isnan(y):
                        continue
                    (point,) = ax.plot([x], [y * scale], "o", color=COLOURS[0], markersize=4, alpha=0.8)
                    point.set_gid(f"{name}-mark-{marks}")
                    marks += 1
                ax.tick_params(axis="x", labelsize=7)
            ax.set_title(_wrap(setting, 30), fontsize=8)
            ax.grid(axis="y", color="#e2e8f0")
            ax.set_axisbelow(True)
            if index % columns == 0:
                ax.set_ylabel(axis_label, fontsize=8)
        for index in range(len(panels), rows * columns):
            axes[index // columns][index % columns].set_visible(False)
        axes[0][0].set_ylim(bottom=0)
    return Chart(name, title, caption, figure, marks)


def heatmap_grid(
    name: str,
    title: str,
    caption: str,
    x: tuple[str, Sequence[str]],
    y: tuple[str, Sequence[str]],
    panels: Sequence[tuple[str, dict[tuple[int, int], float]]],
    value_label: str,
    scale: float = 1.0,
) -> Chart:
    """Heatmaps of a metric over two settings (``x`` and ``y``: a name and its value labels), one per
    panel (a combination of the other settings, or one panel titled ""), on one colour scale."""
    (x_label, x_values), (y_label, y_values) = x, y
    columns = min(2 if len(x_values) > 4 or len(panels) == 4 else 3, len(panels))
    rows = math.ceil(len(panels) / columns)
    norm, colormap = colour_scale([v * scale for _, cells in panels for v in cells.values()])
    panel_height = max(1.6, 0.42 * len(y_values) + 0.9)
    with _style(name):
        figure = _figure(7.0, panel_height * rows + 0.6)
        axes = figure.subplots(rows, columns, squeeze=False)
        marks = 0
        for index, (panel, cells) in enumerate(panels):
            ax = axes[index // columns][index % columns]
            marks = shade_cells(ax, (name, marks), cells, scale, (norm, colormap), 7)
            ax.set_xlim(-0.5, len(x_values) - 0.5)
            ax.set_ylim(-0.5, len(y_values) - 0.5)
            bottom, left = index // columns == rows - 1, index % columns == 0
            ax.set_xticks(range(len(x_values)), [_wrap(v, 10) for v in x_values] if bottom else [])
            ax.set_yticks(range(len(y_values)), [_wrap(v, 14) for v in y_values] if left else [])
            ax.tick_params(labelsize=7)
            if bottom:
                ax.set_xlabel(_wrap(x_label, 30), fontsize=8)
            if left:
                ax.set_ylabel(_wrap(y_label, 24), fontsize=8)
            if panel:
                ax.set_title(_wrap(panel, 40), fontsize=7)
        for index in range(len(panels), rows * columns):
            axes[index // columns][index % columns].set_visible(False)
        figure.colorbar(
            matplotlib.cm.ScalarMappable(norm=norm, cmap=colormap), ax=axes, label=value_label, shrink=0.8
        )
    return Chart(name, title, caption, figure, marks)
