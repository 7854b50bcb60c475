"""Hypothesis strategy for hostile scenario files: a valid document with several extreme values at once.

A fuzzer that changes one value of a valid file at a time finds the value that is wrong by itself
(``horizon_days = 1e12``), not the ones that are harmless alone and dangerous together: fresh
requests at once after every refusal (``delay_days = 0``) are harmless when reviews take time, and
loop for ever at one simulated instant when reviews take none and every request is refused.
:func:`extreme_documents` composes several extreme *leaves* (a volume, a horizon, zero durations,
follow-ups without end, floods, surges, refusals of every request, many States) on a generated file
(:func:`~simulator.checking.strategies.documents.scenario_documents`). What must hold of each
document: ``mlasim validate`` refuses it in one line per problem, or a replication of it finishes or
is stopped in one line (:mod:`simulator.world.volume`) within a budget of requests, never hanging.
``tests/test_extremes.py`` checks it; ``bench/fuzz_extremes.py`` runs a larger campaign.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from simulator.checking.strategies.documents import scenario_documents

Leaf = Callable[[st.DrawFn, dict[str, Any]], None]

_ZERO = {"distribution": "fixed", "value": 0.0}
_TINY = {"distribution": "exponential", "mean": 5e-324}
_DAY = {"distribution": "fixed", "value": 1.0}
_DELAYS = st.sampled_from([_ZERO, _TINY, _DAY, {"distribution": "lognormal", "mean": 1e-9, "sd": 1e-9}])
_BIG = st.sampled_from([1e3, 1e5, 1e7, 1e9, 1e12, 1e300])
_ATTEMPTS = st.sampled_from([1, 100, 999, 1000, 1001, 10**6, 10**9, 10**18])


def _abusive(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The requesting States that send abusive requests (made so, if none does)."""
    states = [s for s in doc["requesting_state"] if "abuse" in s]
    if not states:
        first = doc["requesting_state"][0]
        first["abusive_share"] = 1.0
        first["abuse"] = {
            "conducts": {"journalism": 1.0},
            "labels": {"extremism": 1.0},
            "disguise": {"distribution": "beta", "a": 2.0, "b": 2.0},
        }
        states = [first]
    return states


def _volume(draw: st.DrawFn, doc: dict[str, Any]) -> None:
    state = draw(st.sampled_from(doc["requesting_state"]))
    state["requests_per_year"] = draw(st.sampled_from([0.0, 1e-300, 1e4, 1e6, 1e8, 1e300]))


def _horizon(draw: st.DrawFn, doc: dict[str, Any]) -> None:
    run = doc["scenario"]
    run["horizon_days"] = draw(st.sampled_from([1e-9, 1e-3, 365.0, 36_500.0, 36_501.0, 1e12]))
    run["warmup_days"] = 0.0
    run["follow_up_days"] = draw(st.sampled_from([0.0, 36_500.0]))


def _instant_reviews(draw: st.DrawFn, doc: dict[str, Any]) -> None:
    for stage in _stage_tables(doc):
        stage["service"] = draw(st.sampled_from([_ZERO, _TINY]))
        stage["staff"] = draw(st.sampled_from([0, 1, 10**6]))


def _refuse_everything(draw: st.DrawFn, doc: dict[str, Any]) -> None:
    """Dual criminality required, and no abusive label a crime: every abusive request refused."""
    for safeguards in _safeguard_tables(doc):
        safeguards["dual_criminality"] = {"mode": "required", "exempt_measures": []}
    for state in _abusive(doc):
        state["abusive_share"] = 1.0
        state["abuse"]["labels"] = {"extremism": 1.0}
        state["abuse"]["relabel_rate"] = 0.0
        state["abuse"]["disguise_gain"] = 0.0
        state["response_rate"] = 1.0
    for requested in _requested_tables(doc):
        requested["criminalises"] = []
        requested["decriminalises"] = ["extremism"]
    for stages in _stage_sets(doc):
        stages.setdefault("legal_review", {"staff": 1, "service": copy.deepcopy(_ZERO)})
    for routes in _route_sets(doc):
        if "legal_review" not in routes["default"]:
            routes["default"] = ["legal_review", *routes["default"]]


def _fresh_requests(draw: st.DrawFn, doc: dict[str, Any]) -> None:
    for state in _abusive(doc):
        state.setdefault("strategies", {})["fresh_request"] = {
            "probability": draw(st.sampled_from([0.5, 0.999999, 1.0])),
            "max_attempts": draw(_ATTEMPTS),
            "delay_days": draw(_DELAYS),
        }


def _forum_shopping(draw: st.DrawFn, doc: dict[str, Any]) -> None:
    _several_requested(draw, doc)
    for state in _abusive(doc):
        state.setdefault("strategies", {})["forum_shopping"] = {
            "max_states": draw(_ATTEMPTS),
            "retry_days": draw(_DELAYS),
            "exploration": draw(st.sampled_from([0.0, 1.0])),
        }


def _splitting(draw: st.DrawFn, doc: dict[str, Any]) -> None:
    for state in _abusive(doc):
        state.setdefault("strategies", {})["splitting"] = {"share": 1.0}
        state["measures"] = {"stored_content": 1.0}


def _flooding(draw: st.DrawFn, doc: dict[str, Any]) -> None:
    horizon = doc["scenario"]["horizon_days"]
    for state in _abusive(doc):
        state.setdefault("strategies", {})["flooding"] = {
            "requests_per_year": draw(_BIG),
            "windows": [{"start_day": 0.0, "end_day": horizon}],
        }


def _surge(draw: st.DrawFn, doc: dict[str, Any]) -> None:
    horizon = doc["scenario"]["horizon_days"]
    state = draw(st.sampled_from(doc["requesting_state"]))
    multiplier = draw(st.sampled_from([1e3, 1e3 + 1, 1e300]))
    state["surge"] = [{"start_day": 0.0, "end_day": horizon, "multiplier": multiplier}]


def _preservations(draw: st.DrawFn, doc: dict[str, Any]) -> None:
    """Every request a preservation, its disclosure request at once."""
    for state in doc["requesting_state"]:
        state["measures"] = {"preservation": 1.0}
        state["disclosure_after"] = draw(_DELAYS)


def _many_requesting(draw: st.DrawFn, doc: dict[str, Any]) -> None:
    count = draw(st.sampled_from([50, 1_001]))
    first = doc["requesting_state"][0]
    doc["requesting_state"] = [{**copy.deepcopy(first), "id": f"M{i}"} for i in range(count)]
    for state in doc["requesting_state"]:
        state["requests_per_year"] = min(float(state.get("requests_per_year", 0.0)), 1.0)


def _long_rounds(draw: st.DrawFn, doc: dict[str, Any]) -> None:
    for safeguards in _safeguard_tables(doc):
        safeguards["completeness"] = {
            "request_information": True,
            "information_rounds": draw(st.sampled_from([10, 10**6])),
            "refuse_nonconforming": False,
        }
    for state in doc["requesting_state"]:
        state["documentation_complete"] = 0.0
        state["response_rate"] = 1.0
        state["information_fix_rate"] = 0.0
        state["response_days"] = draw(_DELAYS)


#: The extreme leaves, by name (what a failing example's report lists).
LEAVES: dict[str, Leaf] = {
    "volume": _volume,
    "horizon": _horizon,
    "instant_reviews": _instant_reviews,
    "refuse_everything": _refuse_everything,
    "fresh_requests": _fresh_requests,
    "forum_shopping": _forum_shopping,
    "splitting": _splitting,
    "flooding": _flooding,
    "surge": _surge,
    "preservations": _preservations,
    "many_requesting": _many_requesting,
    "long_rounds": _long_rounds,
}


@st.composite
def extreme_documents(draw: st.DrawFn, min_leaves: int = 2, max_leaves: int = 6) -> dict[str, Any]:
    """A generated scenario document with ``min_leaves`` to ``max_leaves`` extreme leaves applied,
    in a drawn order; ``doc["_leaves"]`` names them (drop it before writing the file)."""
    doc = draw(scenario_documents())
    doc["scenario"]["replications"] = 1
    names = draw(
        st.lists(st.sampled_from(sorted(LEAVES)), min_size=min_leaves, max_size=max_leaves, unique=True)
    )
    for name in names:
        LEAVES[name](draw, doc)
    doc["_leaves"] = names
    return doc


class Hang(Exception):
    """A replication that neither finished nor stopped within its time."""


def try_document(doc: dict[str, Any], requests: int = 5_000, seconds: float = 60.0) -> tuple[str, str]:
    """What mlasim does with ``doc``: ``("refused", first problem)`` when reading it refuses it,
    else one replication under a limit of ``requests``: ``("finished", "")``, or ``("stopped", line)``
    when the limit or the clock's watch stops it. Raises :class:`Hang` when the replication runs
    longer than ``seconds`` (a timer signal: call it from the main thread), and AssertionError when a
    problem or a stop is not one line."""
    import signal

    from simulator.files.loader import ScenarioError, parse_scenario
    from simulator.world.pipeline import simulate
    from simulator.world.volume import RequestLimit, RunawayReplication

    document = {key: value for key, value in doc.items() if key != "_leaves"}
    try:
        scenario = parse_scenario(document, "extreme.toml")
    except ScenarioError as error:
        lines = [str(problem) for problem in error.problems]
        assert all("\n" not in line and "internal error" not in line for line in lines), lines
        return "refused", lines[0]

    def hang(*_: object) -> None:
        raise Hang(f"one replication ran for more than {seconds:g} s: {doc.get('_leaves')}")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        simulate(scenario, scenario.seed, 0, request_limit=RequestLimit(requests))
    except RunawayReplication as error:
        assert "\n" not in str(error), str(error)
        return "stopped", str(error)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return "finished", ""


# --- the document's tables, whether it has one requested State or several -------------------------
def _several_requested(draw: st.DrawFn, doc: dict[str, Any]) -> None:
    """Turn a one-State document into one of two or three requested States with the same settings."""
    if isinstance(doc.get("requested_state"), list):
        return
    single = doc.pop("requested_state")
    moved = {key: doc.pop(key) for key in ("stages", "routes", "safeguards", "load_effect") if key in doc}
    count = draw(st.integers(2, 3))
    doc["requested_state"] = [
        {**copy.deepcopy(single), **copy.deepcopy(moved), "id": f"R{i}", "name": f"requested {i}"}
        for i in range(count)
    ]


def _requested_tables(doc: dict[str, Any]) -> list[dict[str, Any]]:
    requested = doc["requested_state"]
    return requested if isinstance(requested, list) else [requested]


def _holders(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The tables that hold stages, routes and safeguards: each requested State's, or the top level."""
    return _requested_tables(doc) if isinstance(doc["requested_state"], list) else [doc]


def _stage_sets(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [holder["stages"] for holder in _holders(doc)]


def _stage_tables(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [stage for stages in _stage_sets(doc) for stage in stages.values()]


def _route_sets(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [holder["routes"] for holder in _holders(doc)]


def _safeguard_tables(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [holder["safeguards"] for holder in _holders(doc)]
