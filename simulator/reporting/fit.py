"""The fit table: how a scenario compares with the public record, target by target.

One row per target: the figure observed (a value with its standard deviation, a range, or a bound),
the simulated mean with its 95% interval, the implausibility (a mark from 3 up: the figure rules
the scenario out) and whether the target was fitted or held out to validate. The headline above it
counts the targets the scenario is consistent with; below it, what each figure measures, in one
line each, since most public figures do not measure MLA itself. Shares are printed as percentages,
durations in days, counts as numbers: the unit of the metric, whatever unit the target file used.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from textwrap import wrap

from simulator.experiments.display import format_estimate
from simulator.experiments.fitting import CUTOFF, Fit
from simulator.reporting.tables import WIDTH, text_table, wrapped
from simulator.world.metrics import Kind, catalogue

EXPLANATION = (
    "implausibility = |simulated - observed| / sqrt(observation variance + model discrepancy + "
    f"simulation variance); {CUTOFF:g} or more (marked ✗): the scenario is not consistent with the figure"
)


def _kind(fit: Fit) -> str:
    return catalogue().kind(fit.target.metric).value


def observed_text(fit: Fit) -> str:
    """The observed figure in the metric's unit (a share as a percentage)."""
    kind = catalogue().kind(fit.target.metric)
    text = fit.target.shown(100.0 if kind is Kind.SHARE else 1.0)
    return text + ("%" if kind is Kind.SHARE else "")


def implausibility_text(fit: Fit) -> str:
    """A fit's implausibility in one decimal, marked ✗ where it rules the scenario out."""
    value = fit.implausibility
    if math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "inf ✗"
    return f"{value:.1f}" + (" ✗" if value >= CUTOFF else "  ")


def headline(fits: Sequence[Fit]) -> str:
    """``3 of 5 targets consistent with the scenario (fitted 2 of 3, held out 1 of 2)``."""

    def count(chosen: Sequence[Fit]) -> str:
        return f"{sum(f.consistent for f in chosen)} of {len(chosen)}"

    fitted = [f for f in fits if f.target.fitted]
    held = [f for f in fits if not f.target.fitted]
    parts = [f"fitted {count(fitted)}"] if fitted else []
    parts += [f"held out {count(held)}"] if held else []
    missed = [f.target.id for f in fits if not f.consistent]
    line = f"{count(fits)} targets consistent with the scenario ({', '.join(parts)})"
    return line + (f"; not consistent: {', '.join(missed)}" if missed else "")


def fit_table(fits: Sequence[Fit]) -> list[str]:
    """The table's lines (within 100 columns)."""
    header = ("target", "observed", "simulated [95% CI]", "implaus.", "use")
    rows = [
        (
            f"{f.target.id} ({catalogue()[f.target.metric].metric.units})",
            observed_text(f),
            format_estimate(f.simulated, _kind(f)),
            implausibility_text(f),
            "fit" if f.target.fitted else "held out",
        )
        for f in fits
    ]
    return text_table(header, rows, left=(True, False, False, False, True))


def measures_lines(fits: Sequence[Fit], sources: bool = False) -> list[str]:
    """What each figure measures (with ``sources``: where it comes from), one wrapped line each."""
    where = "" if sources else "; sources: --sources, or the target file"
    lines = [f"What each figure measures (solidity A official, B reputable secondary, C weak{where}):"]
    for f in fits:
        t = f.target
        lines.append(f"  {t.id} ({t.year}, {t.solidity}): {t.measures}.")
        if sources:
            lines.append(f"    {t.quantity}: {t.source}")
    return [
        part for line in lines for part in wrap(line, WIDTH, subsequent_indent="    ", break_long_words=False)
    ]


def fit_report(
    title: str, subtitle: str, fits: Sequence[Fit], sources: bool = False, warnings: Sequence[str] = ()
) -> str:
    """The whole text: title, headline, how to read it, the table, why the simulated figures may
    mislead (the run's ``warnings``: many requests undecided, a saturated pipeline), what each figure
    measures."""
    lines = [*wrapped([title, subtitle, headline(fits), EXPLANATION]), ""]
    lines += fit_table(fits)
    for warning in warnings:
        lines += wrap(f"(!) warning: {warning}", WIDTH, initial_indent="  ", subsequent_indent="    ")
    lines += ["", *measures_lines(fits, sources)]
    return "\n".join(lines)


def record_block(name: str, path: str, fits: Sequence[Fit]) -> dict:
    """The ``record`` block of a run document: the targets and how the run compares with each."""
    rows = []
    for f in fits:
        entry = f.to_dict()
        entry.update(kind=_kind(f), units=catalogue()[f.target.metric].metric.units,
                     observed_text=observed_text(f), simulated_text=format_estimate(f.simulated, _kind(f)),
                     implausibility_text=implausibility_text(f).strip())  # fmt: skip
        rows.append(entry)
    return {"name": name, "path": path, "headline": headline(fits), "explanation": EXPLANATION, "fits": rows}


def record_section(block: dict) -> str:
    """The HTML section "How this scenario compares with the public record"."""
    from html import escape

    from simulator.reporting.html import table, text

    rows = [
        (text(f"{r['id']} ({r['units']})"), escape(r["observed_text"]), escape(r["simulated_text"]),
         escape(r["implausibility_text"]), "fit" if r["use"] == "fit" else "held out",
         text(f"{r['quantity']} ({r['year']}, {r['solidity']}; {r['source']}). Measures: {r['measures']}."))
        for r in block["fits"]
    ]  # fmt: skip
    header = ("target", "observed", "simulated [95% CI]", "implausibility", "use", "the figure")
    return (
        '<h2 id="record">How this scenario compares with the public record</h2>'
        f'<p class="lead">{text(block["headline"])} (targets: {text(block["name"])}).</p>'
        f"<p>{escape(block['explanation'])}.</p>"
        + table(header, rows, (False, True, True, True, False, False))
    )
