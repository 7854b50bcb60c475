"""Hypothesis strategy for whole scenario files: valid TOML-ready documents, small enough to run fast."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from simulator.checking.strategies.core import offence_ids, unit
from simulator.checking.strategies.settings import documents
from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.model import MLA_STAGES, Measure
from simulator.domain.safeguards import Safeguards

_STAGE_NAMES = [s.value for s in MLA_STAGES]


def _triangular(a: float, b: float, c: float) -> dict[str, Any]:
    low, mode, high = sorted((a, b, c))
    return {"distribution": "triangular", "low": low, "mode": mode, "high": high}


def _durations() -> st.SearchStrategy[dict[str, Any]]:
    positive = st.floats(min_value=0.05, max_value=20.0)
    return st.one_of(
        st.builds(lambda v: {"distribution": "fixed", "value": v}, positive),
        st.builds(lambda m: {"distribution": "exponential", "mean": m}, positive),
        st.builds(
            lambda m, r: {"distribution": "lognormal", "mean": m, "sd": m * r}, positive, st.floats(0.1, 2.0)
        ),
        st.builds(_triangular, positive, positive, positive),
    )


def _weights(names: list[str]) -> st.SearchStrategy[dict[str, float]]:
    return st.dictionaries(
        st.sampled_from(names), st.floats(min_value=0.1, max_value=5.0), min_size=1, max_size=4
    )


@st.composite
def _requesting_state(draw: st.DrawFn, index: int) -> dict[str, Any]:
    catalogue = load_catalogue()
    share = draw(st.sampled_from([0.0, 0.05, 0.3, 1.0]))
    state: dict[str, Any] = {
        "id": f"S{index}",
        "requests_per_year": draw(st.floats(min_value=0.0, max_value=600.0)),
        "abusive_share": share,
        "rights_record": draw(unit),
        "data_protection_adequate": draw(st.booleans()),
        "documentation_complete": draw(unit),
        "response_rate": draw(unit),
        "response_days": draw(_durations()),
        "measures": draw(_weights([m.value for m in Measure])),
        "offences": draw(_weights(sorted(catalogue.offences))),
    }
    if share > 0:
        state["abuse"] = {
            "conducts": draw(_weights(sorted(catalogue.conducts))),
            "labels": draw(_weights(sorted(catalogue.offences))),
            "disguise": {"distribution": "beta", "a": draw(st.floats(0.5, 5)), "b": draw(st.floats(0.5, 5))},
            "relabel_rate": draw(unit),
            "relabel_to": draw(_weights(sorted(catalogue.offences))),
        }
    if draw(st.booleans()):
        start = draw(st.floats(min_value=0.0, max_value=50.0))
        state["surge"] = [
            {"start_day": start, "end_day": start + 10.0, "multiplier": draw(st.floats(0.0, 5.0))}
        ]
    return state


@st.composite
def scenario_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid scenario file as a TOML-ready dictionary: small, so a replication runs in moments."""
    stages = [s for s in _STAGE_NAMES[:-1] if draw(st.booleans())] + ["execution"]
    horizon = draw(st.floats(min_value=1.0, max_value=120.0))
    return {
        "scenario": {
            "name": "generated",
            "horizon_days": horizon,
            "follow_up_days": draw(st.floats(min_value=0.0, max_value=60.0)),
            "warmup_days": draw(st.floats(min_value=0.0, max_value=horizon / 2)),
            "replications": draw(st.integers(min_value=1, max_value=3)),
            "seed": draw(st.integers(min_value=0, max_value=2**32)),
        },
        "requested_state": {"name": "generated", "criminalises": draw(st.lists(offence_ids, max_size=2))},
        "stages": {
            name: {"staff": draw(st.integers(0, 4)), "service": draw(_durations())} for name in stages
        },
        "routes": {"default": stages},
        "load_effect": {
            "enabled": draw(st.booleans()),
            "stages": stages[:-1],
            "queue_threshold": draw(st.integers(0, 5)),
        },
        "safeguards": draw(documents(Safeguards)),
        "requesting_state": [draw(_requesting_state(i)) for i in range(draw(st.integers(1, 3)))],
    }
