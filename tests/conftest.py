"""Fixtures: small scenarios built in code, so each test states exactly what it depends on."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from simulator.files.loader import parse_scenario
from simulator.files.overrides import apply_override
from simulator.world.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "un-convention-baseline.toml"
#: The baseline's variant with the practice modelled before the treaty check (consult before every
#: refusal, a reviewer who forgets): the relabelling loophole the older tests were written about.
BEFORE = "consultation-before-every-refusal"


def practice_before() -> Scenario:
    from simulator.files.document import load_variant

    return load_variant(BASELINE, BEFORE)


def practice_before_file(directory: Path) -> Path:
    """The same configuration as a scenario file, for commands that take a file."""
    text = BASELINE.read_text("utf-8").replace('applies_to = "treaty"', 'applies_to = "every_refusal"')
    text = text.replace('memory = "same_target"', 'memory = "none"', 1)
    path = directory / "every-refusal.toml"
    path.write_text(text, "utf-8")
    return path


settings.register_profile(
    "mlasim", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.load_profile("mlasim")

OFF = {
    "political_offence": False,
    "data_protection": "off",
    "postponement_rate": 0.0,
    "scope_test": {"enabled": False},
    "completeness": {"request_information": False, "information_rounds": 0, "refuse_nonconforming": False},
    "dual_criminality": {"mode": "waived", "exempt_measures": []},
    "discrimination": {"enabled": False},
    "essential_interests": {"enabled": False},
    "consultation": {"enabled": False, "rounds": 0},
}


def document(**overrides: Any) -> dict[str, Any]:
    """A small valid scenario document: one stage, one requesting State, every safeguard off.

    Keyword arguments replace top-level tables wholesale (``safeguards={...}``); use
    :func:`deep_update` for finer changes.
    """
    doc: dict[str, Any] = {
        "scenario": {"name": "test", "horizon_days": 200.0, "replications": 4, "seed": 7},
        "requested_state": {"name": "requested"},
        "stages": {
            "execution": {"staff": 2, "service": {"distribution": "exponential", "mean": 1.0}},
        },
        "routes": {"default": ["execution"]},
        "safeguards": copy.deepcopy(OFF),
        "requesting_state": [
            {
                "id": "A",
                "requests_per_year": 365.0,
                "abusive_share": 0.2,
                "rights_record": 0.8,
                "measures": {"subscriber_info": 1.0},
                "offences": {"computer_fraud": 1.0},
                "response_days": {"distribution": "fixed", "value": 10.0},
                "abuse": {
                    "conducts": {"journalism": 1.0},
                    "labels": {"extremism": 0.5, "extortion": 0.5},  # both plausible for journalism
                    "disguise": {"distribution": "beta", "a": 2.0, "b": 2.0},
                },
            }
        ],
    }
    doc.update(copy.deepcopy(overrides))
    return doc


def deep_update(doc: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    """Set ``a.b.c`` in a copy of ``doc``, as a variant's dotted key would (the package's own override:
    arrays of tables by index or ``id``, tables missing on the way created)."""
    doc = copy.deepcopy(doc)
    apply_override(doc, dotted, value)
    return doc


def skipping_stages(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` (one-State form) saying that the grounds at stages its routes skip stay on unused, as a
    file must (:mod:`simulator.world.coverage`): for tests about something else than coverage."""
    from simulator.domain.grounds import RULES

    passed = {stage for route in doc.get("routes", {}).values() for stage in route}
    unused = sorted({rule.setting for rule in RULES if rule.stage.value not in passed})
    return deep_update(doc, "safeguards.unused", unused)


def build(doc: dict[str, Any]) -> Scenario:
    return parse_scenario(doc, "test.toml")


@pytest.fixture
def small_scenario() -> Scenario:
    return build(document())
