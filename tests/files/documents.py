"""Scenario documents for the files tests: the small one-State document, and a several-State form."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from simulator.files.loader import ScenarioError, parse_scenario
from tests.conftest import ROOT, document

#: The fixture with three requested States, fast channels, monitoring and strategies.
SEVERAL = ROOT / "tests" / "data" / "small-several-states.toml"

EMERGENCY = {
    "route": ["contact_point", "execution"],
    "detection": 0.6,
    "grounds": ["uncc-40-22"],
    "stages": {"contact_point": {"staff": 1, "service": {"distribution": "fixed", "value": 0.1}}},
}


def several(ids: tuple[str, ...] = ("us", "eu", "small")) -> dict[str, Any]:
    """The small document with its requested State's parts nested in one entry per id."""
    doc = document()
    one = {"stages": doc.pop("stages"), "routes": doc.pop("routes"), "safeguards": doc.pop("safeguards")}
    doc["requested_state"] = [{"id": i, **copy.deepcopy(one)} for i in ids]
    return doc


def problems_of(doc: dict[str, Any]) -> list[str]:
    """Every problem line of a document that must not load."""
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(doc, "broken.toml")
    return [str(p) for p in caught.value.problems]
