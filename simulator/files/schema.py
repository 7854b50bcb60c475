"""A JSON Schema of scenario files, for editors that validate and complete TOML as they type.

``mlasim schema`` prints it. Editors with a TOML language server (Taplo, Even Better TOML) take a
schema per file, e.g. a ``#:schema ./mlasim-scenario.schema.json`` first line. The schema states
the tables and keys the loader (:mod:`simulator.files.loader`) reads, in both forms of the requested
States (one at top level, or several ``[[requested_state]]`` entries with their parts nested). Every
setting comes from its one declaration (:mod:`simulator.domain.settings`), with its type, bounds,
meaning, unit and default; the names it accepts (measures, offences, conducts, stages, protected
grounds, channels, distribution families) come from the catalogues the loader uses, so the two
cannot drift apart. It cannot say everything the loader checks (cross-field rules such as
``low <= mode <= high``, ``p0 < p1``, the total of information and consultation rounds, ids that
data_location names, stages a channel route shares): ``mlasim validate`` remains the last word.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.channels import FAST_CHANNELS, ChannelRules
from simulator.domain.direct import DirectRules
from simulator.domain.figures import citations
from simulator.domain.model import MLA_STAGES, Channel, Measure, Stage
from simulator.domain.monitoring import Monitoring, Reputation
from simulator.domain.providers import ProviderRules
from simulator.domain.regimes import Treaty
from simulator.domain.safeguards import Safeguards
from simulator.domain.settings import Kind, Setting, declared, setting_of, word
from simulator.files.parameters import ASSUMPTION, DISTRIBUTIONS
from simulator.files.requested import PARTS
from simulator.world.distributions import FAMILIES
from simulator.world.scenario import (
    AbuseProfile,
    Flooding,
    InformationSharing,
    LoadEffect,
    Provider,
    RequestedState,
    RequestingState,
    Strategies,
)

SCHEMA_ID = "https://mlasim.invalid/scenario.schema.json"

NUMBER = {"type": "number", "minimum": 0}
POSITIVE = {"type": "number", "exclusiveMinimum": 0}
PROBABILITY = {"type": "number", "minimum": 0, "maximum": 1}
STATE_ID = {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]*$"}
DISTRIBUTION = {"$ref": "#/$defs/distribution"}
STAGE = {
    "type": "object",
    "properties": {"staff": {"type": "integer", "minimum": 0}, "service": DISTRIBUTION},
    "additionalProperties": False,
}
FLAG = {"type": "boolean"}
TEXT = {"type": "string"}


def _closed(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """A table with exactly these keys (the loader rejects unknown keys)."""
    table: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        table["required"] = list(required)
    return table


def _choice(enum_type) -> dict[str, Any]:
    """One of an enumeration's members, by lower-case name (as the loader reads them)."""
    return {"enum": [member.name.lower() for member in enum_type]}


def _names(names) -> dict[str, Any]:
    return {"type": "array", "items": {"enum": sorted(names)}, "uniqueItems": True}


def _weights(names) -> dict[str, Any]:
    """A table of name = weight."""
    return {"type": "object", "propertyNames": {"enum": sorted(names)}, "additionalProperties": NUMBER}


def _default(attribute: attrs.Attribute) -> Any:
    """A field's default as a file would write it (None when it has none a file could write)."""
    default = attribute.default
    if default is attrs.NOTHING:
        return None
    if isinstance(default, attrs.Factory):
        default = default.factory()
    if isinstance(default, bool | int | float | str) and not isinstance(default, enum.Enum):
        return default
    if isinstance(default, enum.Enum):
        return word(default)
    if isinstance(default, frozenset):
        return sorted(str(getattr(name, "value", name)) for name in default)
    return None


def _setting(setting: Setting) -> dict[str, Any]:
    """The schema of one declared setting."""
    kind = setting.kind
    if kind is Kind.FLAG:
        return dict(FLAG)
    if kind is Kind.PART:
        return settings_schema(setting.part)
    if kind is Kind.DISTRIBUTION:
        return dict(DISTRIBUTION)
    if kind is Kind.MIX:
        return _weights(setting.names())
    if kind is Kind.CHOICE:
        return {"enum": setting.words()}
    if kind is Kind.NAMES:
        listed = _names(setting.names())
        return {"oneOf": [{"enum": list(setting.aliases)}, listed]} if setting.aliases else listed
    schema: dict[str, Any] = {"type": "integer" if kind is Kind.INTEGER else "number"}
    if setting.minimum is not None:
        schema["exclusiveMinimum" if setting.above_minimum else "minimum"] = setting.minimum
    if setting.maximum is not None:
        schema["exclusiveMaximum" if setting.below_maximum else "maximum"] = setting.maximum
    return schema


def settings_schema(
    cls: type,
    *,
    skip: tuple[str, ...] = (),
    extra: dict[str, Any] | None = None,
    required: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A table of the settings ``cls`` declares (:mod:`simulator.domain.settings`), each with its meaning,
    unit and default; ``extra``: keys read outside the declarations; ``required``: more required keys."""
    properties: dict[str, Any] = {}
    needed = list(required)
    for attribute, setting in declared(cls):
        if attribute.name in skip:
            continue
        schema = _setting(setting)
        unit = f" ({setting.unit})" if setting.unit else ""
        schema["description"] = f"{setting.meaning}{unit}"
        default = _default(attribute)
        if default is not None and setting.kind is not Kind.PART:
            schema["default"] = default
        properties[attribute.name] = schema
        if setting.required:
            needed.append(attribute.name)
    properties.update(extra or {})
    return _closed(properties, tuple(needed))


def _distribution() -> dict[str, Any]:
    variants = []
    for family, (_, parameters) in FAMILIES.items():
        properties = {"distribution": {"const": family}, **dict.fromkeys(parameters, NUMBER)}
        variants.append(_closed(properties, ("distribution", *parameters)))
    return {"oneOf": variants}


def _requesting_state() -> dict[str, Any]:
    offences = list(load_catalogue().offences)
    abuse = settings_schema(
        AbuseProfile,
        skip=("labels",),  # optional in a file: the catalogue's plausible labels otherwise
        extra={
            "labels": _weights(offences),
            "plausible": {
                "type": "object",
                "propertyNames": {"enum": sorted(load_catalogue().conducts)},
                "additionalProperties": _weights(offences),
            },
            "channels": _weights(CHANNELS),
        },
    )
    surge = _closed({"start_day": NUMBER, "end_day": NUMBER, "multiplier": NUMBER}, ("start_day", "end_day"))
    return settings_schema(
        RequestingState,
        skip=("abusive_channels",),  # written as abuse.channels
        extra={
            "id": STATE_ID,
            "name": TEXT,
            "abuse": abuse,
            "penalties": {
                "type": "object",
                "propertyNames": {"enum": offences},
                "additionalProperties": NUMBER,
            },
            "surge": {"type": "array", "items": surge},
            "strategies": _strategies(),
        },
        required=("id",),
    )


CHANNELS = [c.value for c in Channel]


def _strategies() -> dict[str, Any]:
    """An abusive requester's strategies (the loader refuses them without an ``[abuse]`` table)."""
    window = _closed({"start_day": NUMBER, "end_day": NUMBER}, ("start_day", "end_day"))
    flooding = settings_schema(
        Flooding,
        extra={"windows": {"type": "array", "minItems": 1, "items": window}},
        required=("windows",),
    )
    return settings_schema(Strategies, extra={"flooding": flooding})


def _channels() -> dict[str, Any]:
    """The fast channels a requested State offers: route, own stages, grounds, per-channel rules."""
    stages = [s.value for s in Stage if s is not Stage.PROVIDER]  # the 24/7 point of contact included
    common = {
        "route": {"type": "array", "items": {"enum": stages}, "minItems": 1, "uniqueItems": True},
        "stages": _closed(dict.fromkeys(stages, STAGE)),
    }
    rules = ChannelRules()
    return _closed(
        {
            c.value: settings_schema(type(rules.of(c)), extra=common, required=("route",))
            for c in FAST_CHANNELS
        }
    )


def _providers() -> dict[str, Any]:
    """``[[provider]]`` entries: who holds the State's data, its law and its own review policy."""
    rules = settings_schema(ProviderRules)
    entry = settings_schema(
        Provider,
        skip=("rules",),
        extra={"id": STATE_ID, "name": TEXT, **rules["properties"]},
        required=("id",),
    )
    return {"type": "array", "items": entry}


def _regimes() -> dict[str, Any]:
    """``[regimes]``: the treaties binding the State to each requesting State (``default``: the others)."""
    treaties = {"type": "array", "items": {"enum": [t.value for t in Treaty]}, "uniqueItems": True}
    return {"type": "object", "propertyNames": STATE_ID, "additionalProperties": treaties}


def _requested_parts() -> dict[str, Any]:
    stages = [s.value for s in MLA_STAGES]
    return {
        "stages": _closed(dict.fromkeys(stages, STAGE)),
        "routes": _closed({key: _names(stages) for key in ("default", *(m.value for m in Measure))}),
        "load_effect": settings_schema(LoadEffect),
        "safeguards": settings_schema(Safeguards),
        "channels": _channels(),
        "reputation": settings_schema(Reputation),
        "monitoring": settings_schema(Monitoring),
        "provider": _providers(),
        "regimes": _regimes(),
        "direct_routes": settings_schema(DirectRules),
    }


def _requested_info() -> dict[str, Any]:
    catalogue = load_catalogue()
    offences = list(catalogue.offences)
    return {
        "id": STATE_ID,
        "name": TEXT,
        "criminalises": _names(offences),
        "decriminalises": _names(offences),
        "postponement_days": _setting(setting_of(RequestedState, "postponement_days")),
        "target_visibility": {
            "type": "object",
            "propertyNames": {"enum": sorted(catalogue.targets)},
            "additionalProperties": PROBABILITY,
        },
        "surveillance_days": _closed(
            {m.value: NUMBER for m in (Measure.REAL_TIME_TRAFFIC, Measure.INTERCEPTION)}
        ),
    }


def _requested_state() -> dict[str, Any]:
    """One requested State at top level (parts beside it), or several entries (parts nested)."""
    one = _closed(_requested_info(), ("name",))
    entry = _closed({**_requested_info(), **_requested_parts()}, ("id", "stages"))
    return {"oneOf": [one, {"type": "array", "minItems": 1, "items": entry}]}


def _forms() -> dict[str, Any]:
    """Several requested States: no top-level part; one: its stages at top level."""
    return {
        "if": {"properties": {"requested_state": {"type": "array"}}, "required": ["requested_state"]},
        "then": {"not": {"anyOf": [{"required": [part]} for part in PARTS]}},
        "else": {"required": ["stages"]},
    }


def ranged(plain: dict[str, Any]) -> dict[str, Any]:
    """A number's schema also accepting the table form ``{ value, low, high, source, distribution }``
    (:mod:`simulator.files.parameters`): the value and both ends held to the number's own schema."""
    bare = {k: v for k, v in plain.items() if k not in ("description", "default")}
    kept = {k: v for k, v in plain.items() if k in ("description", "default")}
    table = _closed(
        {
            "value": {**bare, "description": "the central value (what a plain number would be)"},
            "low": {**bare, "description": "the lowest plausible value"},
            "high": {**bare, "description": "the highest plausible value"},
            "source": {
                "type": "string",
                "description": 'what the range rests on: "assumption", an id of [sources], or "pf:<id>"',
                "examples": [ASSUMPTION, *citations()],
            },
            "distribution": {"enum": list(DISTRIBUTIONS), "description": "how draws spread over the range"},
        },
        ("value",),
    )
    table["dependentRequired"] = {"low": ["high"], "high": ["low"]}
    return {**kept, "anyOf": [bare, table]}


def with_ranges(node: Any) -> Any:
    """``node`` with every number's schema in it accepting the table form (:func:`ranged`)."""
    if isinstance(node, list):
        return [with_ranges(item) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("type") in ("number", "integer"):
        return ranged(node)
    return {key: value if key in ("enum", "const") else with_ranges(value) for key, value in node.items()}


SOURCES = {
    "type": "object",
    "description": "What the ranges of the file rest on: [sources.<id>] with a title (a range cites "
    'source = "<id>")',
    "additionalProperties": _closed(
        {"title": TEXT, "url": TEXT, "year": {"type": "integer", "minimum": 0}, "note": TEXT}, ("title",)
    ),
}


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file, as a JSON-ready mapping.

    Every number of the situation (not the run's settings) may be written as a table with a range
    and a source (:func:`ranged`)."""
    schema = _plain_schema()
    schema["$defs"] = with_ranges(schema["$defs"])
    schema["properties"] = {
        key: value if key in ("scenario", "variant", "sweep", "property") else with_ranges(value)
        for key, value in schema["properties"].items()
    }
    schema["properties"]["sources"] = SOURCES
    return schema


def _plain_schema() -> dict[str, Any]:
    """The schema with every number plain."""
    catalogue = load_catalogue()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "mlasim scenario file",
        "description": "A situation of mutual legal assistance requests: who asks, who screens, with which "
        "safeguards, for how long (see the README's 'Scenario files').",
        "type": "object",
        "required": ["scenario", "requested_state", "requesting_state"],
        "additionalProperties": False,
        "$defs": {"distribution": _distribution()},
        "allOf": [_forms()],
        "properties": {
            "scenario": _closed(
                {
                    "name": TEXT,
                    "description": TEXT,
                    "horizon_days": POSITIVE,
                    "follow_up_days": NUMBER,
                    "warmup_days": NUMBER,
                    "replications": {"type": "integer", "minimum": 1},
                    "seed": {"type": "integer", "minimum": 0},
                },
                ("name", "horizon_days"),
            ),
            "requested_state": _requested_state(),
            **_requested_parts(),
            "data_location": {
                "type": "object",
                "propertyNames": {"enum": sorted(catalogue.targets)},
                "additionalProperties": {
                    "type": "array",
                    "items": STATE_ID,
                    "minItems": 1,
                    "uniqueItems": True,
                },
            },
            "information_sharing": settings_schema(InformationSharing),
            "requesting_state": {"type": "array", "minItems": 1, "items": _requesting_state()},
            "variant": {"type": "array", "items": {"type": "object"}},
            "sweep": {"type": "object"},
            "property": {"type": "array", "items": {"type": "object"}},
        },
    }
