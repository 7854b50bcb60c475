"""Hypothesis strategy for whole scenario files: valid TOML-ready documents, small enough to run fast."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from simulator.checking.strategies.core import offence_ids
from simulator.checking.strategies.settings import documents, durations
from simulator.domain.grounds import RULES
from simulator.domain.model import MLA_STAGES
from simulator.domain.safeguards import Safeguards
from simulator.world.scenario import AbuseProfile, Flooding, LoadEffect, RequestingState, Strategies

_STAGE_NAMES = [s.value for s in MLA_STAGES]


_SHARES = st.sampled_from([0.0, 0.05, 0.3, 1.0])


@st.composite
def _requesting_state(draw: st.DrawFn, index: int, horizon: float) -> dict[str, Any]:
    """A requesting State's table: every declared setting drawn, volumes kept small; an abusive one
    with its ``[abuse]`` table and adaptive strategies (floods within the horizon)."""
    volume = st.floats(min_value=0.0, max_value=600.0)
    state: dict[str, Any] = {"id": f"S{index}"}
    state |= draw(
        documents(
            RequestingState,
            requests_per_year=volume,
            abusive_share=_SHARES,
            strategies=st.none(),
            abusive_channels=st.none(),  # written in the [abuse] table
            channels=st.just({"mla": 1.0}),  # other channels need a fast-channel table to be offered
        )
    )
    if state["abusive_share"] > 0:
        state["abuse"] = draw(documents(AbuseProfile, targeted_persons=st.integers(1, 20)))
        flood = {
            "requests_per_year": draw(volume),
            "windows": [{"start_day": 0.0, "end_day": horizon * draw(st.floats(0.1, 1.0))}],
        }
        strategies = draw(documents(Strategies, flooding=st.none() | st.just(flood)))
        if strategies.get("flooding"):
            strategies["flooding"] |= draw(
                documents(Flooding, requests_per_year=st.just(flood["requests_per_year"]))
            )
            strategies["flooding"]["windows"] = flood["windows"]
        state["strategies"] = strategies
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
        "stages": {name: {"staff": draw(st.integers(0, 4)), "service": draw(durations())} for name in stages},
        "routes": {"default": stages},
        "load_effect": draw(documents(LoadEffect, queue_threshold=st.integers(0, 5))),
        "safeguards": {
            **draw(documents(Safeguards)),
            # grounds at a stage the routes skip: kept on deliberately, as a file must say
            "unused": sorted({rule.setting for rule in RULES if rule.stage.value not in stages}),
        },
        "requesting_state": [draw(_requesting_state(i, horizon)) for i in range(draw(st.integers(1, 3)))],
    }
