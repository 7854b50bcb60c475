"""Reference pages generated from the code and the package data while the site builds.

A page asks for a generated part with a line of its own, ``<!-- generated: NAME -->``; when Sphinx
reads the page, the line is replaced by the Markdown that ``GENERATORS[NAME]`` returns, read from the
program itself: the commands and their options from the command line (click, under typer), the
scenario format from the JSON Schema the loader's catalogues build, the provisions from the package's
catalogue, the metrics from their declarations, the built-in properties from their library, the
shipped scenarios from their files. An unknown name stops the build. To add a generated part, write
a function returning Markdown and name it in ``GENERATORS``.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

ROOT = Path(__file__).resolve().parents[2]
MARKER = re.compile(r"^<!-- generated: ([\w-]+) -->$", re.M)
# The order of the commands on the reference page; a command not named here follows at the end.
COMMAND_ORDER = (
    "run",
    "validate",
    "explain",
    "compare",
    "sweep",
    "sensitivity",
    "discover",
    "frontier",
    "check",
    "report",
    "provisions",
    "evidence",
    "schema",
    "init",
)


def cell(text: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    """A Markdown table of ``rows`` under ``header``."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


# --- the command line --------------------------------------------------------------------------------


def commands() -> str:
    """The reference of every command: its help, arguments and options, as ``--help`` gives them."""
    import typer.main

    from simulator.cli import app

    group = typer.main.get_command(app)  # a click group (typer bundles its own click)
    root = group.context_class(group, info_name="mlasim")
    names = group.list_commands(root)
    ordered = [n for n in COMMAND_ORDER if n in names] + [n for n in names if n not in COMMAND_ORDER]
    parts = [
        "## `mlasim` (before any command)",
        "```text\nmlasim [OPTIONS] COMMAND [ARGS]...\n```",
        _options(group, root),
    ]
    for name in ordered:
        command = group.get_command(root, name)
        context = command.context_class(command, info_name=name, parent=root)
        usage = " ".join(command.collect_usage_pieces(context))
        parts += [
            f"## `mlasim {name}`",
            (command.help or "").replace("\b\n", ""),
            f"```text\nmlasim {name} {usage}\n```",
            _options(command, context),
        ]
    return "\n\n".join(parts)


def _options(command, context) -> str:
    rows = []
    for param in command.params:
        record = param.get_help_record(context)
        if record:
            rows.append((f"`{record[0]}`", record[1]))
    return table(("argument or option", "what it does"), rows) if rows else "No options."


# --- the scenario format -----------------------------------------------------------------------------


def scenario_format() -> str:
    """The reference of the scenario file, section by section, from the JSON Schema."""
    from simulator.files.schema import scenario_schema

    schema = scenario_schema()
    parts = []
    for section, node in schema["properties"].items():
        required = " (required)" if section in schema.get("required", ()) else ""
        rows = list(_keys(schema, node, section))
        parts.append(f"### `{section}`{required}")
        if node.get("description"):
            parts.append(node["description"])
        if any(notes for _, _, notes in rows):
            parts.append(table(("key", "value", "notes"), rows))
        else:
            parts.append(table(("key", "value"), [row[:2] for row in rows]))
    distributions = [
        (
            f"`{choice['properties']['distribution']['const']}`",
            ", ".join(f"`{k}`" for k in choice["required"][1:]),
        )
        for choice in schema["$defs"]["distribution"]["oneOf"]
    ]
    parts += [
        "### Distributions",
        "A *distribution* is an inline table naming its family and its parameters, for instance "
        '`{ distribution = "lognormal", mean = 1.0, sd = 0.6 }`:',
        table(("distribution", "parameters"), distributions),
    ]
    return "\n\n".join(parts)


def _keys(schema: dict, node: dict, path: str, required: bool = False) -> Iterator[tuple[str, str, str]]:
    """One row per key that takes a value, tables flattened into dotted paths."""
    node = _resolve(schema, node)
    if _is_distribution(node):
        yield (f"`{path}`", "a [distribution](#distributions)", _notes(node, required))
        return
    if node.get("type") == "array" and _resolve(schema, node.get("items", {})).get("type") == "object":
        yield from _keys(schema, node["items"], f"{path}[]", required)
        return
    forms = [_resolve(schema, a) for a in node.get("oneOf", ())]
    if forms and all(f.get("type") in ("object", "array") for f in forms):  # a table or a list of tables
        yield from _keys(schema, forms[0], path, required)
        for other in forms[1:]:
            items = _resolve(schema, other.get("items", other))
            more = [k for k in items.get("properties", {}) if k not in forms[0].get("properties", {})]
            said = f"a list of tables (`[[{path}]]`), each with the keys above"
            if more:
                said += " and the tables " + ", ".join(f"`{k}`" for k in more) + ", nested in it"
            yield (f"`{path}[]`", said, "")
        return
    properties = node.get("properties")
    if node.get("type") == "object" and properties:
        needed = set(node.get("required", ()))
        for names, child in _same_schema_groups(properties):
            key = names[0] if len(names) == 1 else "{" + " | ".join(names) + "}"
            yield from _keys(schema, child, f"{path}.{key}", names[0] in needed)
        return
    yield (f"`{path}`", _value(schema, node), _notes(node, required))


def _is_distribution(node: dict) -> bool:
    forms = node.get("oneOf", ())
    return bool(forms) and all("distribution" in f.get("properties", {}) for f in forms)


def _same_schema_groups(properties: dict) -> list[tuple[list[str], dict]]:
    """Sibling keys that take the same value, grouped (the five stages, the six measures...)."""
    groups: dict[str, tuple[list[str], dict]] = {}
    for name, child in properties.items():
        shape = json.dumps(child, sort_keys=True)
        if isinstance(child, dict) and child.get("type") == "object" and shape in groups:
            groups[shape][0].append(name)
        else:
            groups.setdefault(shape if child.get("type") == "object" else f"{name}:{shape}", ([name], child))
    return list(groups.values())


def _resolve(schema: dict, node: dict) -> dict:
    ref = node.get("$ref")
    return _resolve(schema, schema["$defs"][ref.rsplit("/", 1)[1]]) if ref else node


def _value(schema: dict, node: dict) -> str:
    node = _resolve(schema, node)
    if _is_distribution(node):
        return "a [distribution](#distributions)"
    if node.get("oneOf"):
        return ", or ".join(_value(schema, form) for form in node["oneOf"])
    if "enum" in node:
        return " | ".join(f"`{v}`" for v in node["enum"])
    if "const" in node:
        return f"`{node['const']}`"
    kind = node.get("type", "any")
    if kind == "array":
        item = _resolve(schema, node.get("items", {}))
        return f"list of {_value(schema, item)}" if item else "list"
    if kind == "object":
        names = node.get("propertyNames", {}).get("enum")
        values = node.get("additionalProperties")
        if names and isinstance(values, dict):
            keys = " | ".join(f"`{n}`" for n in names)
            return f"table: {keys} = {_value(schema, values)}"
        return "table"
    return {"number": "number", "integer": "integer", "boolean": "`true` or `false`", "string": "text"}.get(
        kind, str(kind)
    ) + _bounds(node)


def _bounds(node: dict) -> str:
    low = (">= ", node["minimum"]) if "minimum" in node else ("> ", node.get("exclusiveMinimum"))
    high = ("<= ", node["maximum"]) if "maximum" in node else ("< ", node.get("exclusiveMaximum"))
    said = [f"{sign}{value:g}" for sign, value in (low, high) if value is not None]
    if node.get("pattern"):
        said.append("an identifier: letters, digits, `-`, `_`")
    return f" ({', '.join(said)})" if said else ""


def _notes(node: dict, required: bool) -> str:
    notes = ["required"] if required else []
    if "default" in node:
        notes.append(f"default `{json.dumps(node['default'])}`")
    if node.get("description"):
        notes.append(node["description"])
    return "; ".join(notes)


# --- the package data --------------------------------------------------------------------------------


def provisions() -> str:
    """The table of the provision catalogue: citation, title, summary, stage, nature, confidence."""
    from simulator.domain.provisions import catalogue

    rows = [
        (
            f"**{p.citation}**<br>`{p.id}`",
            f"*{p.title}.* {p.summary}",
            p.stage.replace("_", " "),
            p.nature.value,
            p.confidence.value,
            "yes" if p.consult else "",
            _public(p.source),
        )
        for p in catalogue().values()
    ]
    header = ("citation and id", "what it says", "stage", "nature", "confidence", "40(27)", "source")
    return table(header, rows)


def _public(source: str) -> str:
    """A source with the parts that name the project's internal working notes left out."""
    return "; ".join(part.strip() for part in source.split(";") if ".md" not in part)


def metrics() -> str:
    """Every declared metric: the catalogue of declarations where there is one, else the headline."""
    try:
        from simulator.world.metrics import catalogue
    except ImportError:  # the headline's declarations, kept with the tally
        from simulator.world.tally import HEADLINE_METRICS

        rows = [(f"`{m.name}`", m.label, m.kind, "") for m in HEADLINE_METRICS]
        return table(("metric", "printed as", "kind", "meaning"), rows)
    parts = []
    declarations = catalogue().declarations
    for section in dict.fromkeys(m.section for m in declarations):
        rows = [
            (f"`{m.name}`", m.label, str(m.kind), str(getattr(m, "better", "")), m.meaning)
            for m in declarations
            if m.section == section
        ]
        parts += [f"### {section}", table(("metric", "printed as", "kind", "better", "meaning"), rows)]
    return "\n\n".join(parts)


def properties() -> str:
    """The table of the built-in properties ``mlasim check`` tests."""
    text = (ROOT / "simulator/domain/data/properties.toml").read_text("utf-8")
    rows = [
        (f"`{name}`", entry["scope"], entry.get("description", ""))
        for name, entry in tomllib.loads(text).items()
    ]
    return table(("property", "scope", "says"), rows)


def scenarios() -> str:
    """The table of the shipped scenario files: name, what they model, requested States, variants."""
    rows = []
    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        document = tomllib.loads(path.read_text("utf-8"))
        variants = ", ".join(f"`{v['name']}`" for v in document.get("variant", ()))
        requested = document.get("requested_state", {})
        states = len(requested) if isinstance(requested, list) else 1
        about = document["scenario"].get("description", "")
        rows.append((f"`{path.name}`", document["scenario"]["name"], about, states, variants or "none"))
    return table(("file", "name", "what it represents", "requested States", "variants"), rows)


GENERATORS: dict[str, Callable[[], str]] = {
    "commands": commands,
    "scenario-format": scenario_format,
    "provisions": provisions,
    "metrics": metrics,
    "properties": properties,
    "scenarios": scenarios,
}


def expand(app: Sphinx, docname: str, source: list[str]) -> None:
    """Replace each generated part a page names by its text as the code gives it now."""

    def generate(match: re.Match) -> str:
        name = match[1]
        if name not in GENERATORS:
            raise ExtensionError(
                f"{docname}: no generated part named {name!r} (known: {', '.join(GENERATORS)})"
            )
        return GENERATORS[name]()

    source[0] = MARKER.sub(generate, source[0])


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the extension with Sphinx."""
    app.connect("source-read", expand)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
