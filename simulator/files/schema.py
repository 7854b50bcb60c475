"""A JSON Schema of scenario files, for editors that validate and complete TOML as they type.

``mlasim schema`` prints it. Editors with a TOML language server (Taplo, Even Better TOML) take a
schema per file, e.g. a ``#:schema ./mlasim-scenario.schema.json`` first line. The schema states
the tables and keys the loader (:mod:`simulator.files.loader`) reads, their types and ranges, and the
names it accepts (measures, offences, conducts, stages, protected grounds, distribution families),
taken from the same catalogues the loader uses, so the two cannot drift apart. It cannot say
everything the loader checks (cross-field rules such as ``low <= mode <= high``, or the total of
information and consultation rounds): ``mlasim validate`` remains the last word.
"""

from __future__ import annotations

from typing import Any

from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.model import PROTECTED_GROUNDS, Measure, Stage
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
PROBABILITY = {"type": "number", "minimum": 0, "maximum": 1}
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
    distribution = {"$ref": "#/$defs/distribution"}
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
        },
        ("conducts", "disguise"),  # labels: optional, the catalogue's plausible labels otherwise
    )
    surge = _closed({"start_day": NUMBER, "end_day": NUMBER, "multiplier": NUMBER}, ("start_day", "end_day"))
    return _closed(
        {
            "id": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]*$"},
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
        },
        ("id", "requests_per_year", "rights_record", "measures", "offences", "response_days"),
    )


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file, as a JSON-ready mapping."""
    catalogue = load_catalogue()
    offences = list(catalogue.offences)
    stages = [s.value for s in Stage]
    stage = _closed({"staff": {"type": "integer", "minimum": 0}, "service": {"$ref": "#/$defs/distribution"}})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "mlasim scenario file",
        "description": "A situation of mutual legal assistance requests: who asks, who screens, with which "
        "safeguards, for how long (see the README's 'Scenario files').",
        "type": "object",
        "required": ["scenario", "requested_state", "stages", "requesting_state"],
        "additionalProperties": False,
        "$defs": {"distribution": _distribution()},
        "properties": {
            "scenario": _closed(
                {
                    "name": TEXT,
                    "description": TEXT,
                    "horizon_days": {"type": "number", "exclusiveMinimum": 0},
                    "follow_up_days": NUMBER,
                    "warmup_days": NUMBER,
                    "replications": {"type": "integer", "minimum": 1},
                    "seed": {"type": "integer", "minimum": 0},
                },
                ("name", "horizon_days"),
            ),
            "requested_state": _closed(
                {
                    "name": TEXT,
                    "criminalises": _names(offences),
                    "decriminalises": _names(offences),
                    "postponement_days": {"$ref": "#/$defs/distribution"},
                    "target_visibility": {
                        "type": "object",
                        "propertyNames": {"enum": sorted(catalogue.targets)},
                        "additionalProperties": PROBABILITY,
                    },
                    "surveillance_days": _closed(
                        {m.value: NUMBER for m in (Measure.REAL_TIME_TRAFFIC, Measure.INTERCEPTION)}
                    ),
                },
                ("name",),
            ),
            "stages": _closed(dict.fromkeys(stages, stage)),
            "routes": _closed({key: _names(stages) for key in ("default", *(m.value for m in Measure))}),
            "load_effect": _closed(
                {
                    "enabled": FLAG,
                    "stages": _names(stages),
                    "queue_threshold": {"type": "integer", "minimum": 0},
                    "slope": NUMBER,
                    "floor": PROBABILITY,
                }
            ),
            "safeguards": _safeguards(),
            "requesting_state": {"type": "array", "minItems": 1, "items": _requesting_state()},
            "variant": {"type": "array", "items": {"type": "object"}},
            "sweep": {"type": "object"},
            "property": {"type": "array", "items": {"type": "object"}},
        },
    }
