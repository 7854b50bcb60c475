"""The figures of a sweep, legible for any number of settings and configurations.

- one number varied: response curves (the metric against it, with interval bands);
- two settings or more: the abuse pass-through as heatmaps over the two settings with the most values,
  one panel per combination of the others (when that makes at most :data:`MAX_PANELS` panels of a
  full grid; else one heatmap of the means over the others), and each setting's effect on abuse
  pass-through and on legitimate refusals as small multiples (:mod:`simulator.reporting.panels`);
- but for response curves: the :data:`TOP` configurations with the least abuse pass-through as
  bars with their intervals, each named by its number in the table and
  the values of the settings that vary (their order given in the caption).

Settings are named by their short names (:mod:`simulator.reporting.settings`); the page lists the
full keys once.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from simulator.reporting import settings
from simulator.reporting.charts import PERCENT, RATES, interval, metric_series
from simulator.reporting.figures import Chart, bar_chart, curves
from simulator.reporting.panels import effects, heatmap_grid

TOP = 12  # configurations in the bar chart
MAX_PANELS = 9  # heatmap panels
MAX_LEVELS = 8  # distinct values of a setting shown as categories (more: a scatter)
PASS = "abuse_pass_through"


def _numeric(values: list[Any]) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _mean(configuration: dict[str, Any], metric: str) -> float:
    value = (configuration["metrics"].get(metric) or {}).get("mean")
    return math.nan if value is None else float(value)


def _levels(configurations: list[dict[str, Any]], key: str) -> list[Any]:
    """The distinct values of a setting, sorted when they are numbers, else in order of appearance."""
    values = [c["parameters"].get(key) for c in configurations]
    found = list({repr(v): v for v in values}.values())
    return sorted(found) if _numeric(found) else found


def sweep_charts(document: dict[str, Any]) -> list[Chart]:
    """The figures of a sweep document (see the module docstring)."""
    configurations = document["configurations"]
    _, varied = settings.split([c["parameters"] for c in configurations])
    short = settings.short_names(varied)
    found: list[Chart] = []
    if len(varied) == 1 and _numeric([c["parameters"].get(varied[0]) for c in configurations]):
        (key,) = varied
        found.append(
            curves(
                "response",
                f"Response to {short[key]}",
                "Means over replications with 95% confidence intervals (bands), one point per configuration.",
                short[key],
                [float(c["parameters"][key]) for c in configurations],
                metric_series(configurations, RATES),
                "% of decided requests",
                PERCENT,
            )
        )
        return found
    if len(varied) >= 2:
        heat = heatmaps(configurations, varied, short)
        found += [heat] if heat is not None else []
        found += [effect_chart(configurations, varied, short, metric, label) for metric, label in RATES]
    found.append(top_configurations(configurations, varied, short))
    return found


def heatmaps(configurations: list[dict[str, Any]], varied: list[str], short: dict[str, str]) -> Chart | None:
    """Abuse pass-through over the two settings with the most (categorical) values, one panel per
    combination of the others; None when the settings do not form a grid of at most that many."""
    levels = {key: _levels(configurations, key) for key in varied}
    axes = sorted((k for k in varied if len(levels[k]) <= MAX_LEVELS), key=lambda k: -len(levels[k]))[:2]
    if len(axes) < 2:
        return None
    x_key, y_key = axes
    others = [k for k in varied if k not in axes]
    combinations = list(itertools.product(*(levels[k] for k in others)))
    marginal = len(combinations) > MAX_PANELS or len(configurations) != len(combinations) * len(
        levels[x_key]
    ) * len(levels[y_key])
    panels: dict[tuple[str, ...], dict[tuple[int, int], list[float]]] = {}
    for c in configurations:
        p = c["parameters"]
        panel = () if marginal else tuple(repr(p.get(k)) for k in others)
        cell = (_index(levels[x_key], p.get(x_key)), _index(levels[y_key], p.get(y_key)))
        panels.setdefault(panel, {}).setdefault(cell, []).append(_mean(c, PASS))
    titled = []
    for combination in [()] if marginal else combinations:
        key = tuple(repr(v) for v in combination)
        pairs = zip(others, combination, strict=False)  # none for the one panel of means
        title = ", ".join(f"{short[k]}={settings.value_text(v)}" for k, v in pairs)
        cells = {cell: _average(values) for cell, values in panels.get(key, {}).items()}
        titled.append((title, cells))
    caption = "Each cell is a configuration's mean abuse pass-through over its replications (%)" + (
        f", one panel per combination of {', '.join(short[k] for k in others)}."
        if others and not marginal
        else (f", averaged over {', '.join(short[k] for k in others)}." if others else ".")
    )
    return heatmap_grid(
        "response",
        f"Abuse pass-through over {short[x_key]} and {short[y_key]}",
        caption,
        (short[x_key], [settings.value_text(v) for v in levels[x_key]]),
        (short[y_key], [settings.value_text(v) for v in levels[y_key]]),
        titled,
        "abuse pass-through (%)",
        PERCENT,
    )


def _index(levels: list[Any], value: Any) -> int:
    return [repr(v) for v in levels].index(repr(value))


def _average(values: list[float]) -> float:
    defined = [v for v in values if not math.isnan(v)]
    return sum(defined) / len(defined) if defined else math.nan


def effect_chart(
    configurations: list[dict[str, Any]], varied: list[str], short: dict[str, str], metric: str, label: str
) -> Chart:
    """Each setting's effect on one metric: its mean per value, with the range over the other settings."""
    panels = []
    for key in varied:
        levels = _levels(configurations, key)
        if len(levels) > MAX_LEVELS and _numeric(levels):
            points = [(float(c["parameters"][key]), _mean(c, metric)) for c in configurations]
        else:
            points = []
            for value in levels:
                means = [
                    _mean(c, metric) for c in configurations if repr(c["parameters"].get(key)) == repr(value)
                ]
                defined = [m for m in means if not math.isnan(m)]
                points.append(
                    (settings.value_text(value), _average(defined), min(defined, default=math.nan),
                     max(defined, default=math.nan))
                )  # fmt: skip
        panels.append((short[key], points))
    return effects(
        f"effects-{metric.replace('_', '-')}",
        f"Each setting's effect on {label}",
        f"One panel per setting: the mean {label} over the configurations with each value (point) and the "
        "lowest and highest of them (bar: how far the other settings move it); means over replications.",
        panels,
        f"{label} (%)",
        PERCENT,
    )


def top_configurations(
    configurations: list[dict[str, Any]], varied: list[str], short: dict[str, str]
) -> Chart:
    """The configurations with the least abuse pass-through (at most :data:`TOP`), with both rates."""
    order = sorted(range(len(configurations)), key=lambda i: (_isnan_last(_mean(configurations[i], PASS)), i))
    chosen = [configurations[i] for i in order[:TOP]]
    numbers = [c.get("index", order[j]) + 1 for j, c in enumerate(chosen)]
    labels = [
        f"#{n}: " + (" / ".join(settings.cell(c["parameters"].get(k)) for k in varied) or c["label"])
        for n, c in zip(numbers, chosen, strict=True)
    ]
    key = f" Settings in each label, in order: {', '.join(short[k] for k in varied)}." if varied else ""
    shown = (
        "every configuration" if len(chosen) == len(configurations) else f"the {len(chosen)} configurations"
    )
    return bar_chart(
        "pass-through",
        f"Abuse pass-through and legitimate refusals: {shown} with the least abuse pass-through",
        "Bars are means over replications and whiskers their 95% confidence intervals; a configuration is "
        f"named by its number in the table below.{key}",
        labels,
        [(label, [interval(c["metrics"].get(metric)) for c in chosen]) for metric, label in RATES],
        "% of decided requests",
        PERCENT,
    )


def _isnan_last(value: float) -> tuple[bool, float]:
    return (math.isnan(value), 0.0 if math.isnan(value) else value)
