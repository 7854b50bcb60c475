"""The report page: one self-contained HTML file that people can open, read and pass on.

The page needs nothing but itself: no script, no style sheet, font or image from elsewhere (a
Content-Security-Policy forbids every fetch and every script), figures inline as SVG. It opens
from a USB stick on a machine without network. It holds the headline metrics with their intervals
and what each means in one sentence, the routes abuse takes where the scenario has them (by
requested State, by channel, the monitoring table: :mod:`simulator.reporting.routes`), the
figures (:mod:`simulator.reporting.charts`), the tables behind them (flipped outcomes with example
requests and the ``mlasim explain`` command that replays one; each property's verdict and
counterexample), the scenario file with its assumptions header, and the provenance block.

Every piece of text from a scenario or a result is escaped and isolated (:func:`text`): a scenario
named ``<script>alert(1)</script>`` appears as those characters, a name holding a right-to-left
override reverses nothing after it, and a name of 20,000 characters wraps within the page. Citations
carry their confidence mark, and the page says once what the marks it shows mean.

The sections of each kind of page are in :mod:`simulator.reporting.sections`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from simulator.domain import provisions
from simulator.experiments.stats import INTERVAL_NAME
from simulator.reporting.charts import charts
from simulator.reporting.figures import Chart
from simulator.reporting.tables import isolate

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"
STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; color: #1a202c; max-width: 62rem; margin: 2rem auto;
       padding: 0 1rem; overflow-wrap: break-word; }
bdi.long { overflow-wrap: anywhere; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #e2e8f0; }
.sub { color: #4a5568; margin-top: 0; } .lead { font-size: 1.05rem; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .9rem; }
th, td { border-bottom: 1px solid #e2e8f0; padding: .25rem .6rem; text-align: left; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.count { color: #4a5568; font-size: .85rem; white-space: nowrap; }
figure { margin: 1.4rem 0; } figure svg { max-width: 100%; height: auto; }
figcaption { font-size: .9rem; color: #2d3748; } figcaption b { display: block; font-size: 1rem; }
pre { background: #f7fafc; padding: .6rem; overflow-x: auto; font-size: .8rem; white-space: pre-wrap; }
code { font-size: .85rem; } .held { color: #276749; } .legend { font-size: .85rem; color: #4a5568; }
.violated, .inconclusive { color: #c53030; font-weight: bold; }
.warning { border-left: 4px solid #c53030; background: #fff5f5; padding: .4rem .8rem; margin: .6rem 0; }
"""
#: Unicode bidirectional controls: kept out of the page's title (a title cannot isolate them).
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


#: Text with a word longer than this may break anywhere (a cell or a heading never widens the page).
LONG_WORD = 40


def text(value: Any) -> str:
    """Text from a scenario or a result, escaped and isolated: ``<bdi>`` keeps a right-to-left override
    inside it from reversing what follows; a long text may break anywhere, so it wraps."""
    value = isolate(str(value))
    long = ' class="long"' if max(map(len, value.split()), default=0) > LONG_WORD else ""
    return f"<bdi{long}>{escape(value)}</bdi>"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool] = ()) -> str:
    """A table of cells already in HTML (header cells are text, escaped here)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{cell}</td>' if i < len(numeric) and numeric[i] else f"<td>{cell}</td>"
            for i, cell in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def figure_html(chart: Chart) -> str:
    """A chart as an HTML figure: its title, caption and inline SVG."""
    return (
        f'<figure id="figure-{escape(chart.name)}" data-marks="{chart.marks}">'
        f"<figcaption><b>{text(chart.title)}</b>{text(chart.caption)}</figcaption>"
        f"{chart.svg()}</figure>"
    )


def assumptions(scenario_text: str) -> str:
    """The comment block at the top of a scenario file: what it represents and what rests on what."""
    lines = []
    for line in scenario_text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:].removeprefix(" "))
    return "\n".join(lines).strip("\n")


def provenance_of(kind: str, document: dict[str, Any]) -> dict[str, Any]:
    """The provenance block of a document; a sweep's is its manifest, its scenario text read from the
    copy kept in its run directory."""
    if kind == "sweep":
        manifest = document["sweep"]
        block = dict(manifest.get("provenance") or {})
        for key in ("scenario", "scenario_file", "scenario_sha256", "seed", "replications", "version"):
            block.setdefault(key, manifest.get(key))
        if not block.get("scenario_text"):
            name = Path(str(manifest.get("scenario_file") or ""))
            for path in (Path(str(document.get("run_directory") or "")) / name, name):
                if name.name and path.is_file():
                    block["scenario_text"] = path.read_text("utf-8")
                    break
        return block
    return dict(document.get("provenance") or {})


def scenario_files(kind: str, document: dict[str, Any], block: dict[str, Any]) -> list[dict[str, Any]]:
    """Each distinct scenario file behind a result: its label, file name, text and (a variant's)
    description; a comparison's alternatives from other files have theirs."""
    files = [
        {
            "label": "",
            "file": block.get("scenario_file"),
            "text": block.get("scenario_text"),
            "description": block.get("description"),
        }
    ]
    if kind == "comparison":
        files[0]["label"] = document["baseline"]
        seen = {block.get("scenario_sha256")}
        for entry in (block.get("configurations") or [])[1:]:
            if entry.get("scenario_text") and entry.get("scenario_file_sha256") not in seen:
                seen.add(entry.get("scenario_file_sha256"))
                files.append(
                    {"label": entry.get("label"), "file": entry.get("scenario_file"),
                     "text": entry.get("scenario_text"), "description": entry.get("description")}
                )  # fmt: skip
    return files


def scenario_section(files: Sequence[dict[str, Any]]) -> str:
    """The assumptions header and the text of each scenario file (several for a comparison of files)."""
    if not any(f.get("text") for f in files):
        return "<h2>Scenario</h2><p>The scenario's text was not recorded with this result.</p>"
    several = len(files) > 1
    level = "h4" if several else "h3"
    parts = ["<h2>Scenario</h2>"]
    for entry in files:
        if not entry.get("text"):
            continue
        name = entry.get("file") or "scenario file"
        if several:
            parts.append(f"<h3>{text(entry.get('label') or '')}: {text(name)}</h3>")
        header = assumptions(entry["text"])
        if header:
            parts.append(f"<{level}>Assumptions</{level}><pre>{text(header)}</pre>")
        parts.append(
            f"<details><summary>The scenario file ({text(name)})</summary><pre>{text(entry['text'])}</pre>"
            "</details>"
        )
    return "".join(parts)


def provenance_section(block: dict[str, Any]) -> str:
    """The provenance block as an HTML table (the scenario's text left to its own section)."""
    rows = []
    for key, value in block.items():
        if key == "scenario_text":
            continue
        if key == "command" and isinstance(value, list):
            value = shlex.join(value)
        elif key == "configurations" and isinstance(value, list):
            value = "; ".join(f"{c.get('label')}: {c.get('scenario_sha256')}" for c in value)
        rows.append((f"<code>{escape(key)}</code>", text("" if value is None else value)))
    return f'<h2>Provenance</h2><div id="provenance">{table(("field", "value"), rows)}</div>'


def citation_legend(body: str) -> str:
    """What the citation marks the page shows mean, once (empty when it shows none)."""
    lines = provisions.legend(body)
    if not lines:
        return ""
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return f'<h2 id="citations">Citations</h2><ul class="legend">{items}</ul>'


def _heading(kind: str, document: dict[str, Any]) -> tuple[str, str]:
    if kind == "run":
        return isolate(document["scenario"]), (
            f"{document['replications']} replications, seed {document['seed']}; "
            f"mlasim {document.get('version')}"
        )
    if kind == "comparison":
        labels = ", ".join(isolate(c["label"]) for c in document["configurations"])
        return f"Comparison: {labels}", (
            f"{len(document['configurations'])} configurations on the same requests, "
            f"{document['replications']} replications, seed {document['seed']}; "
            f"baseline {isolate(document['baseline'])}"
        )
    if kind == "assumptions":
        return f"What {isolate(document['scenario'])} rests on", (
            f"every parameter with a range, screened over {document['draws']} draws "
            f"({document['replications_per_draw']} replications each), seed {document['seed']}"
        )
    if kind == "check":
        return f"Properties of {isolate(document['scenario'])}", (
            f"searched with hypothesis, up to {document['max_examples']} matching requests per property, "
            f"requesting State and measure; seed {document['seed']}"
        )
    manifest = document["sweep"]
    return f"Sweep of {isolate(manifest['scenario'])}", (
        f"{len(document['configurations'])} configurations x {manifest['replications']} replications, "
        f"seed {manifest['seed']}"
    )


def page(kind: str, document: dict[str, Any], figures: Sequence[Chart] | None = None) -> str:
    """The whole report page for a result document (its figures drawn unless given)."""
    from simulator.reporting import sections

    figures = charts(kind, document) if figures is None else figures
    title, subtitle = _heading(kind, document)
    body = [f"<h1>{text(title)}</h1>", f'<p class="sub">{text(subtitle)}</p>']
    body += sections.opening(kind, document)
    if kind in ("run", "comparison"):
        body += [f"<h2>Headline</h2><p>[low, high] = {escape(INTERVAL_NAME)}.</p>"]
        body += sections.run_sections(document) if kind == "run" else sections.comparison_sections(document)
        if kind == "run" and document.get("record"):
            from simulator.reporting.fit import record_section

            body.append(record_section(document["record"]))
    elif kind == "check":
        body.append(sections.check_section(document))
    elif kind == "assumptions":
        from simulator.reporting.assumptions import html_section

        body.append(html_section(document))
    else:
        body.append(sections.sweep_section(document))
    if figures:
        body.append('<h2>Figures</h2><div id="figures">')
        body += [figure_html(chart) for chart in figures]
        body.append("</div>")
    if kind == "comparison":
        body.append(sections.flip_tables(document))
    body.append(citation_legend("".join(body)))
    block = provenance_of(kind, document)
    body += [scenario_section(scenario_files(kind, document, block)), provenance_section(block)]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(BIDI_CONTROLS.sub('', title))} - mlasim report</title><style>{STYLE}</style>"
        f"</head><body><main>{''.join(body)}</main></body></html>\n"
    )
