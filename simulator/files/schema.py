"""A JSON Schema of scenario files, for editors that validate and complete TOML as they type.

``mlasim schema`` prints it. Editors with a TOML language server (Taplo, Even Better TOML) take a
schema per file, e.g. a ``#:schema ./mlasim-scenario.schema.json`` first line. The schema states
the tables and keys the loader (:mod:`simulator.files.loader`) reads, in both forms of the requested
States (one at top level, or several ``[[requested_state]]`` entries with their parts nested), their
types and ranges, and the names it accepts (measures, offences, conducts, stages, protected
grounds, channels, distribution families), taken from the same catalogues the loader uses, so the two
cannot drift apart. It cannot say everything the loader checks (cross-field rules such as
``low <= mode <= high``, ``p0 < p1``, the total of information and consultation rounds, ids that
data_location names, stages a channel route shares): ``mlasim validate`` remains the last word.
"""

from __future__ import annotations

from typing import Any

from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.channels import CHANNEL_GROUNDS, FAST_CHANNELS
from simulator.domain.model import MLA_STAGES, PROTECTED_GROUNDS, Channel, Measure, Stage
from simulator.domain.monitoring import DISCOVERED_ABUSE, MonitoringAction, MonitoringRule
from simulator.domain.provisions import catalogue as provision_catalogue
from simulator.domain.safeguards import (
    DataProtectionMode,
    DomesticLaw,
    DualCriminalityMode,
    JudicialStandard,
    Memory,
)
from simulator.world.distributions import FAMILIES

SCHEMA_ID = "https://mlasim.invalid/scenario.schema.json"

NUMBER = {"type": "number", "minimum": 0}
POSITIVE = {"type": "number", "exclusiveMinimum": 0}
PROBABILITY = {"type": "number", "minimum": 0, "maximum": 1}
OPEN_PROBABILITY = {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}
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


def _distribution() -> dict[str, Any]:
    variants = []
    for family, (_, parameters) in FAMILIES.items():
        properties = {"distribution": {"const": family}, **dict.fromkeys(parameters, NUMBER)}
        variants.append(_closed(properties, ("distribution", *parameters)))
    return {"oneOf": variants}


def _safeguards() -> dict[str, Any]:
    measures = [m.value for m in Measure]
    scopes = ("treaty", "every_refusal")  # as the loader's CONSULTATION_SCOPES
    return _closed(
        {
            "political_offence": FLAG,
            "data_protection": _choice(DataProtectionMode),
            "postponement_rate": PROBABILITY,
            "scope_test": _closed({"enabled": FLAG, "serious_crime_years": NUMBER}),
            "completeness": _closed(
                {
                    "request_information": FLAG,
                    "information_rounds": {"type": "integer", "minimum": 0},
                    "refuse_nonconforming": FLAG,
                }
            ),
            "dual_criminality": _closed(
                {
                    "mode": _choice(DualCriminalityMode),
                    "refusal_rate": PROBABILITY,
                    "exempt_measures": _names(measures),
                }
            ),
            "discrimination": _closed(
                {"enabled": FLAG, "evidence_threshold": PROBABILITY, "grounds": _names(PROTECTED_GROUNDS)}
            ),
            "essential_interests": _closed(
                {"enabled": FLAG, "evidence_threshold": PROBABILITY, "refusal_rate": PROBABILITY}
            ),
            "human_rights": _closed(
                {"enabled": FLAG, "evidence_threshold": PROBABILITY, "grounds": _names(PROTECTED_GROUNDS)}
            ),
            "judicial_order": _closed(
                {
                    **{m: _choice(JudicialStandard) for m in measures},
                    "law": _choice(DomesticLaw),
                    "warrant_dual_criminality": FLAG,
                }
            ),
            "consultation": _closed(
                {
                    "enabled": FLAG,
                    "rounds": {"type": "integer", "minimum": 0},
                    "keep_findings": FLAG,
                    "applies_to": {"oneOf": [{"enum": list(scopes)}, _names(provision_catalogue())]},
                    "conditions": FLAG,
                    "amendment": FLAG,
                }
            ),
            "evidence_weights": _closed(
                dict.fromkeys(
                    ("requester_record", "target_recognised", "suspect_conduct", "prior_notice"), NUMBER
                )
            ),
            "memory": _choice(Memory),
        }
    )


def _requesting_state() -> dict[str, Any]:
    catalogue = load_catalogue()
    offences, conducts = list(catalogue.offences), list(catalogue.conducts)
    at_risk = [name for name in catalogue.targets if name != "ordinary"]  # as the loader has it
    distribution = DISTRIBUTION
    abuse = _closed(
        {
            "conducts": _weights(conducts),
            "labels": _weights(offences),
            "disguise": distribution,
            "relabel_rate": PROBABILITY,
            "relabel_to": _weights(offences),
            "disguise_gain": PROBABILITY,
            "plausible": {
                "type": "object",
                "propertyNames": {"enum": sorted(conducts)},
                "additionalProperties": _weights(offences),
            },
            "targeted_persons": {"type": "integer", "minimum": 1},
            "documented_history": PROBABILITY,
            "prior_notices": {"type": "integer", "minimum": 0},
            "channels": _weights(CHANNELS),
        },
        ("conducts", "disguise"),  # labels: optional, the catalogue's plausible labels otherwise
    )
    surge = _closed({"start_day": NUMBER, "end_day": NUMBER, "multiplier": NUMBER}, ("start_day", "end_day"))
    return _closed(
        {
            "id": STATE_ID,
            "name": TEXT,
            "requests_per_year": NUMBER,
            "abusive_share": PROBABILITY,
            "rights_record": PROBABILITY,
            "measures": _weights([m.value for m in Measure]),
            "offences": _weights(offences),
            "response_days": distribution,
            "abuse": abuse,
            "penalties": {
                "type": "object",
                "propertyNames": {"enum": offences},
                "additionalProperties": NUMBER,
            },
            "surge": {"type": "array", "items": surge},
            "data_protection_adequate": FLAG,
            "documentation_complete": PROBABILITY,
            "information_fix_rate": PROBABILITY,
            "response_rate": PROBABILITY,
            "accepts_conditions": PROBABILITY,
            "amendment_gain": PROBABILITY,
            "sensitive_target_share": PROBABILITY,
            "sensitive_targets": _weights(at_risk),
            "factual_basis": distribution,
            "channels": _weights(CHANNELS),
            "disclosure_after": distribution,
            "strategies": _strategies(),
        },
        ("id", "requests_per_year", "rights_record", "measures", "offences", "response_days"),
    )


CHANNELS = [c.value for c in Channel]


def _strategies() -> dict[str, Any]:
    """An abusive requester's strategies (the loader refuses them without an ``[abuse]`` table)."""
    window = _closed({"start_day": NUMBER, "end_day": NUMBER}, ("start_day", "end_day"))
    return _closed(
        {
            "forum_shopping": _closed(
                {
                    "exploration": PROBABILITY,
                    "retry_days": DISTRIBUTION,
                    "max_states": {"type": "integer", "minimum": 1},
                }
            ),
            "flooding": _closed(
                {
                    "requests_per_year": NUMBER,
                    "windows": {"type": "array", "minItems": 1, "items": window},
                    "documentation_complete": PROBABILITY,
                    "factual_basis": DISTRIBUTION,
                    "hold_abusive": FLAG,
                },
                ("requests_per_year", "windows"),
            ),
            "splitting": _closed({"share": PROBABILITY}),
            "fresh_request": _closed(
                {
                    "probability": PROBABILITY,
                    "delay_days": DISTRIBUTION,
                    "max_attempts": {"type": "integer", "minimum": 1},
                }
            ),
        }
    )


def _channels() -> dict[str, Any]:
    """The fast channels a requested State offers: route, own stages, grounds, per-channel rules."""
    stages = [s.value for s in Stage]  # the 24/7 point of contact included
    common = {
        "route": {"type": "array", "items": {"enum": stages}, "minItems": 1, "uniqueItems": True},
        "stages": _closed(dict.fromkeys(stages, STAGE)),
        "grounds": _names(CHANNEL_GROUNDS),
    }
    extra: dict[Channel, dict[str, Any]] = {
        Channel.PRESERVATION: {"reservation": FLAG, "retention_days": {"type": "number", "minimum": 60}},
        Channel.EMERGENCY: {"detection": PROBABILITY},
    }
    return _closed({c.value: _closed({**common, **extra.get(c, {})}, ("route",)) for c in FAST_CHANNELS})


def _watch() -> dict[str, dict[str, Any]]:
    """``reputation`` and ``monitoring`` (simulator.domain.monitoring)."""
    findings = {*provision_catalogue(), DISCOVERED_ABUSE}
    return {
        "reputation": _closed(
            {"enabled": FLAG, "weight": NUMBER, "discovery": PROBABILITY, "discovery_days": POSITIVE}
        ),
        "monitoring": _closed(
            {
                "enabled": FLAG,
                "rule": _choice(MonitoringRule),
                "reference": {"type": "number", "minimum": 0, "exclusiveMaximum": 1},
                "threshold": POSITIVE,
                "p0": OPEN_PROBABILITY,
                "p1": OPEN_PROBABILITY,
                "alpha": OPEN_PROBABILITY,
                "beta": OPEN_PROBABILITY,
                "action": _choice(MonitoringAction),
                "escalated_record": PROBABILITY,
                "findings": _names(findings),
            }
        ),
    }


#: The parts of a requested State: top-level tables in the one-State form, nested in each entry otherwise.
PARTS = ("stages", "routes", "load_effect", "safeguards", "channels", "reputation", "monitoring")


def _requested_parts() -> dict[str, Any]:
    stages = [s.value for s in MLA_STAGES]
    return {
        "stages": _closed(dict.fromkeys(stages, STAGE)),
        "routes": _closed({key: _names(stages) for key in ("default", *(m.value for m in Measure))}),
        "load_effect": _closed(
            {
                "enabled": FLAG,
                "stages": _names(stages),
                "queue_threshold": {"type": "integer", "minimum": 0},
                "slope": NUMBER,
                "floor": PROBABILITY,
                "queue": {"enum": ["stage", "authority"]},
            }
        ),
        "safeguards": _safeguards(),
        "channels": _channels(),
        **_watch(),
    }


def _requested_info() -> dict[str, Any]:
    catalogue = load_catalogue()
    offences = list(catalogue.offences)
    return {
        "id": STATE_ID,
        "name": TEXT,
        "criminalises": _names(offences),
        "decriminalises": _names(offences),
        "postponement_days": DISTRIBUTION,
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


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file, as a JSON-ready mapping."""
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
            "information_sharing": _closed({"mode": {"enum": ["none", "refusals"]}, "delay_days": NUMBER}),
            "requesting_state": {"type": "array", "minItems": 1, "items": _requesting_state()},
            "variant": {"type": "array", "items": {"type": "object"}},
            "sweep": {"type": "object"},
            "property": {"type": "array", "items": {"type": "object"}},
        },
    }
