"""Figures: the charts of a report, drawn with matplotlib (Agg canvas) and kept as SVG.

A chart shows estimates *with* their confidence intervals: a bar or a point is a mean over
replications, its whisker the 95% interval. Each bar, point or cell is drawn as its own SVG group
with an id ``<chart>-mark-<i>``, so a page (or a test in a browser) can count what was drawn; the
number is kept on the :class:`Chart` as ``marks``.

Charts are built on a bare :class:`matplotlib.figure.Figure` with its own Agg canvas, never through
``pyplot``: making a report changes no global matplotlib state (a notebook's backend is left alone).
Text is never parsed as mathematics (a ``$`` in a scenario name stays a dollar sign) and is written
into the SVG as escaped text, so a hostile scenario name is shown, not run.
"""

from __future__ import annotations

import io
import logging
import math
import textwrap
import warnings
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib
from attrs import frozen
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

#: (mean, ci_low, ci_high); None or NaN for what was not defined.
Interval = tuple[float | None, float | None, float | None]

COLOURS = ("#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b83280", "#718096", "#975a16")
STYLE = {
    "svg.fonttype": "none",  # text stays text (searchable, escaped) instead of paths
    "text.parse_math": False,
    "text.usetex": False,
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.image_inline": True,
}


@frozen
class Chart:
    """One figure of a report: what it shows (title, one-sentence caption) and the drawing."""

    name: str  # file name and id prefix: letters, digits and dashes
    title: str
    caption: str
    figure: Figure
    marks: int  # bars, points or cells drawn

    def svg(self) -> str:
        """The figure as an SVG document (no XML prolog, so it can be placed inside a page)."""
        buffer = io.StringIO()
        with _style(self.name):
            self.figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        text = buffer.getvalue()
        return text[text.index("<svg") :]

    def save(self, directory: str | Path) -> list[Path]:
        """Write ``<name>.svg`` and ``<name>.png`` (200 dpi) into ``directory``; return their paths."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        svg_path, png_path = directory / f"{self.name}.svg", directory / f"{self.name}.png"
        svg_path.write_text(self.svg(), encoding="utf-8")
        with _style(self.name):
            self.figure.savefig(png_path, format="png", dpi=200, metadata={"Software": None})
        return [svg_path, png_path]


@contextmanager
def _style(name: str):
    """The charts' matplotlib settings, and quiet: matplotlib's warnings (a glyph missing from the
    font for a name in another script, a layout that cannot fit) and log lines stay off standard
    error (the SVG keeps the text itself; the browser draws it with its own fonts)."""
    quiet = logging.getLogger("matplotlib")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), matplotlib.rc_context({**STYLE, "svg.hashsalt": name}):
            warnings.simplefilter("ignore")
            yield
    finally:
        quiet.setLevel(level)


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _number(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _scaled(interval: Interval, scale: float) -> tuple[float, float, float]:
    mean, low, high = (_number(v) * scale for v in interval)
    return mean, low, high


def _whiskers(mean: float, low: float, high: float) -> tuple[float, float]:
    """Error-bar lengths below and above the mean (0 where there is no interval)."""
    if math.isnan(low) or math.isnan(high):
        return 0.0, 0.0
    return max(mean - low, 0.0), max(high - mean, 0.0)


def bar_chart(
    name: str,
    title: str,
    caption: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Interval]]],
    axis_label: str,
    scale: float = 1.0,
) -> Chart:
    """Horizontal grouped bars: one group per category, one bar per series, each with its interval.

    A bar whose mean is undefined is not drawn (and not counted).
    """
    with _style(name):
        height = max(1.8, 0.32 * len(categories) * max(1, len(series)) + 1.1)
        figure = _figure(7.0, min(height, 14.0))
        ax = figure.add_subplot()
        group = 0.8
        width = group / max(1, len(series))
        marks = 0
        labelled: set[str] = set()
        for s, (label, values) in enumerate(series):
            for c, interval in enumerate(values):
                mean, low, high = _scaled(interval, scale)
                if math.isnan(mean):
                    continue
                y = c - group / 2 + width * (s + 0.5)
                below, above = _whiskers(mean, low, high)
                bars = ax.barh(
                    [y],
                    [mean],
                    height=width * 0.9,
                    color=COLOURS[s % len(COLOURS)],
                    xerr=[[below], [above]],
                    error_kw={"ecolor": "#1a202c", "capsize": 3, "elinewidth": 1},
                    label=None if label in labelled else label,
                )
                labelled.add(label)
                bars.patches[0].set_gid(f"{name}-mark-{marks}")
                marks += 1
        ax.set_yticks(range(len(categories)), [_wrap(c) for c in categories])
        ax.invert_yaxis()
        ax.set_xlabel(axis_label)
        ax.set_xlim(left=0)
        if len(series) > 1:
            ax.legend(loc="best", fontsize=8, frameon=False)
        ax.grid(axis="x", color="#e2e8f0")
        ax.set_axisbelow(True)
    return Chart(name, title, caption, figure, marks)


def forest(
    name: str,
    title: str,
    caption: str,
    rows: Sequence[tuple[str, Interval]],
    axis_label: str,
    scale: float = 1.0,
) -> Chart:
    """A forest plot: one point per row with its interval, and a line at zero (no difference)."""
    with _style(name):
        figure = _figure(7.0, min(max(1.8, 0.34 * len(rows) + 1.1), 14.0))
        ax = figure.add_subplot()
        ax.axvline(0.0, color="#a0aec0", linewidth=1, linestyle="--")
        marks = 0
        for i, (_, interval) in enumerate(rows):
            mean, low, high = _scaled(interval, scale)
            if math.isnan(mean):
                continue
            below, above = _whiskers(mean, low, high)
            excludes = not math.isnan(low) and (low > 0 or high < 0)
            colour = COLOURS[0] if excludes else COLOURS[5]
            ax.errorbar([mean], [i], xerr=[[below], [above]], fmt="none", ecolor=colour, capsize=3)
            (point,) = ax.plot([mean], [i], "o", color=colour, markersize=6)
            point.set_gid(f"{name}-mark-{marks}")
            marks += 1
        ax.set_yticks(range(len(rows)), [_wrap(label, 48) for label, _ in rows])
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlabel(axis_label)
        ax.grid(axis="x", color="#e2e8f0")
        ax.set_axisbelow(True)
    return Chart(name, title, caption, figure, marks)


def curves(
    name: str,
    title: str,
    caption: str,
    x_label: str,
    x_values: Sequence[float],
    series: Sequence[tuple[str, Sequence[Interval]]],
    axis_label: str,
    scale: float = 1.0,
) -> Chart:
    """Response curves: each series' mean against ``x`` as points joined by a line, with an interval band."""
    with _style(name):
        figure = _figure(7.0, 3.6)
        ax = figure.add_subplot()
        marks = 0
        order = sorted(range(len(x_values)), key=lambda i: x_values[i])
        xs = [float(x_values[i]) for i in order]
        for s, (label, values) in enumerate(series):
            colour = COLOURS[s % len(COLOURS)]
            scaled = [_scaled(values[i], scale) for i in order]
            means = [m for m, _, _ in scaled]
            ax.plot(xs, means, "-", color=colour, label=label, linewidth=1.5)
            lows = [m if math.isnan(lo) else lo for m, lo, _ in scaled]
            highs = [m if math.isnan(hi) else hi for m, _, hi in scaled]
            ax.fill_between(xs, lows, highs, color=colour, alpha=0.18, linewidth=0)
            for x, mean in zip(xs, means, strict=True):
                if math.isnan(mean):
                    continue
                (point,) = ax.plot([x], [mean], "o", color=colour, markersize=5)
                point.set_gid(f"{name}-mark-{marks}")
                marks += 1
        ax.set_xlabel(x_label)
        ax.set_ylabel(axis_label)
        ax.set_ylim(bottom=0)
        ax.legend(loc="best", fontsize=8, frameon=False)
        ax.grid(color="#e2e8f0")
        ax.set_axisbelow(True)
    return Chart(name, title, caption, figure, marks)


def heatmap(
    name: str,
    title: str,
    caption: str,
    x_label: str,
    x_values: Sequence[str],
    y_label: str,
    y_values: Sequence[str],
    cells: dict[tuple[int, int], float],
    value_label: str,
    scale: float = 1.0,
) -> Chart:
    """A heatmap of a metric over two swept parameters; each cell is labelled with its value."""
    with _style(name):
        figure = _figure(7.0, max(2.6, 0.45 * len(y_values) + 1.4))
        ax = figure.add_subplot()
        norm, colormap = colour_scale([v * scale for v in cells.values()])
        marks = shade_cells(ax, (name, 0), cells, scale, (norm, colormap), 8)
        ax.set_xlim(-0.5, len(x_values) - 0.5)
        ax.set_ylim(-0.5, len(y_values) - 0.5)
        ax.set_xticks(range(len(x_values)), list(x_values))
        ax.set_yticks(range(len(y_values)), list(y_values))
        ax.set_xlabel(x_label)
        ax.set_ylabel(y_label)
        figure.colorbar(matplotlib.cm.ScalarMappable(norm=norm, cmap=colormap), ax=ax, label=value_label)
    return Chart(name, title, caption, figure, marks)


def colour_scale(values: Sequence[float]) -> tuple[Any, Any]:
    """The colour scale of heatmap cells holding ``values`` (NaN left out): its norm and colour map."""
    shown = [v for v in values if not math.isnan(v)]
    low, high = (min(shown), max(shown)) if shown else (0.0, 1.0)
    return matplotlib.colors.Normalize(low, high if high > low else low + 1), matplotlib.colormaps["viridis"]


def shade_cells(
    ax: Any,
    marked: tuple[str, int],
    cells: dict[tuple[int, int], float],
    scale: float,
    colours: tuple[Any, Any],
    fontsize: int,
) -> int:
    """Draw each cell (not NaN) of a heatmap shaded on ``colours`` (a norm and a colour map) and
    labelled with its value; ``marked``: the chart's name and the marks drawn so far, which the cells'
    ids go on from. Returns the marks drawn so far, these cells included."""
    name, marks = marked
    norm, colormap = colours
    for (ix, iy), value in sorted(cells.items()):
        if math.isnan(value):
            continue
        shade = colormap(norm(value * scale))
        cell = Rectangle((ix - 0.5, iy - 0.5), 1, 1, facecolor=shade, edgecolor="white")
        cell.set_gid(f"{name}-mark-{marks}")
        ax.add_patch(cell)
        ink = "white" if sum(shade[:3]) < 1.5 else "black"
        ax.text(ix, iy, f"{value * scale:.1f}", ha="center", va="center", color=ink, fontsize=fontsize)
        marks += 1
    return marks


def _wrap(text: str, width: int = 40, lines: int = 3) -> str:
    """Break a long tick label over at most ``lines`` lines at spaces (a word longer than a line is cut
    across lines); what does not fit ends in "...". A name of any length keeps its label small."""
    if len(text) <= width:
        return text
    return "\n".join(
        textwrap.wrap(
            text, width, break_long_words=True, break_on_hyphens=False, max_lines=lines, placeholder=" ..."
        )
    )


def ranges_against(
    name: str,
    title: str,
    caption: str,
    rows: Sequence[tuple[str, tuple[float | None, float | None], Interval, str]],
) -> Chart:
    """One small panel per row, each on its own axis: an observed range as a band (one end None: a
    bound, drawn to the panel's edge) and a simulated mean with its interval as a point."""
    with _style(name):
        figure = _figure(7.0, min(max(1.6, 0.9 * len(rows) + 0.4), 16.0))
        axes = figure.subplots(len(rows), 1, squeeze=False)[:, 0]
        marks = 0
        for ax, (label, (low, high), interval, unit) in zip(axes, rows, strict=True):
            mean, lo, hi = _scaled(interval, 1.0)
            known = [v for v in (low, high, mean, lo, hi) if v is not None and not math.isnan(v)]
            if not known:
                continue
            span = (max(known) - min(known)) or abs(max(known)) or 1.0
            left, right = min(known) - 0.15 * span, max(known) + 0.15 * span
            band = (left if low is None else low, right if high is None else high)
            ax.axvspan(*band, color="#c6f6d5", label="observed")
            if not math.isnan(mean):
                below, above = _whiskers(mean, lo, hi)
                ax.errorbar([mean], [0], xerr=[[below], [above]], fmt="none", ecolor=COLOURS[0], capsize=3)
                (point,) = ax.plot([mean], [0], "o", color=COLOURS[0], markersize=6)
                point.set_gid(f"{name}-mark-{marks}")
                marks += 1
            ax.set_xlim(left, right)
            ax.set_yticks([0], [_wrap(label, 28)])
            ax.set_xlabel(unit, fontsize=8)
        return Chart(name, title, caption, figure, marks)


#: One panel of :func:`spread_figure`: label, axis label, the draws' values, the central estimate
#: (mean, ci_low, ci_high) and the spread's ends (low, high), all already scaled.
SpreadPanel = tuple[str, str, Sequence[float], Interval, tuple[float, float]]


def spread_figure(name: str, title: str, caption: str, panels: Sequence[SpreadPanel]) -> Chart:
    """One panel per metric: the distribution of the draws' values (a histogram, each draw a tick
    below it), the central value with its noise interval (a line and a band), the spread's ends."""
    with _style(name):
        figure = _figure(7.0, max(1.9, 1.75 * len(panels)))
        axes = figure.subplots(len(panels), 1, squeeze=False)[:, 0]
        marks = 0
        for ax, (label, axis_label, values, central, ends) in zip(axes, panels, strict=True):
            data = [v for v in values if not math.isnan(v)]
            if data:
                ax.hist(data, bins=min(16, max(4, len(data) // 4)), color="#bee3f8", edgecolor="#2b6cb0")
                for value in data:
                    (tick,) = ax.plot([value], [0], "|", color="#2b6cb0", markersize=8, clip_on=False)
                    tick.set_gid(f"{name}-mark-{marks}")
                    marks += 1
            mean, low, high = (_number(v) for v in central)
            if not math.isnan(low) and not math.isnan(high):
                noise = "noise: 95% interval at the central values"
                ax.axvspan(low, high, color="#fbd38d", alpha=0.6, zorder=0, label=noise)
            if not math.isnan(mean):
                ax.axvline(mean, color="#c05621", linewidth=1.5, label="central value")
            for end in ends:
                if not math.isnan(end):
                    ax.axvline(end, color="#2d3748", linewidth=1, linestyle="--")
            ax.set_title(_wrap(label, 80), fontsize=9, loc="left")
            ax.set_xlabel(axis_label)
            ax.set_yticks([])
        axes[0].legend(loc="upper right", fontsize=7, frameon=False)
    return Chart(name, title, caption, figure, marks)
