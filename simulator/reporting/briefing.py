"""What a briefing says first: the headline in one or two plain sentences, and counts beside shares.

A report page opens the way a briefing does: the number, its interval, and what it rests on
(:func:`run_sentences`, :func:`comparison_sentences`, :func:`sweep_sentences`), before the tables.
Beside every share a table shows, the counts it is a share of (:func:`share_counts`: "27.4 of 160.7
decided, a replication"), so a reader asking why one State's abuse passed most sees how few of its
requests the share rests on. Everything here reads a result document (:mod:`simulator.reporting.
documents`), so a page made from a saved file says the same.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from simulator.experiments.display import format_value
from simulator.reporting.tables import isolate


def _mean(metrics: Mapping[str, Any], name: str) -> float:
    value = (metrics.get(name) or {}).get("mean")
    return math.nan if value is None else float(value)


def _pct(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{100 * value:.1f}%"


def _interval(entry: Mapping[str, Any] | None) -> str:
    entry = entry or {}
    low, high = entry.get("ci_low"), entry.get("ci_high")
    if low is None or high is None:
        return "no interval: fewer than two replications had a value"
    return f"95% interval {_pct(low)} to {_pct(high)}"


def _count(value: float) -> str:
    return format_value(value, "count")


def _counts(document: Mapping[str, Any]) -> dict[str, Any]:
    return {**(document.get("counts") or {}), **document["metrics"]}


def share_counts(name: str, metrics: Mapping[str, Any]) -> str:
    """The counts a headline share is made of (means per replication), or "" for other metrics."""
    m = {key: _mean(metrics, key) for key in metrics}
    get = lambda key: m.get(key, math.nan)  # noqa: E731
    if name == "abuse_pass_through":
        decided = get("abusive_granted") + get("abusive_refused")
        return f"{_count(get('abusive_granted'))} granted of {_count(decided)} decided"
    if name == "abusive_cases_reached" and not math.isnan(get("abusive_cases")):
        return f"of {_count(get('abusive_cases'))} abusive cases"
    if name in ("abusive_pending_share", "abusive_withdrawn_share"):
        what = name.split("_")[1]
        return f"{_count(get('abusive_' + what))} of {_count(get('abusive_submitted'))} submitted"
    if name == "legitimate_refusal_rate":
        decided = get("legitimate_granted") + get("legitimate_refused")
        return f"{_count(get('legitimate_refused'))} refused of {_count(decided)} decided"
    return ""


def run_sentences(document: Mapping[str, Any]) -> list[str]:
    """The run's headline in plain words (the abusive cases reached where there are several requested
    States, else the pass-through), its interval, and what it rests on."""
    metrics = _counts(document)
    passed = _mean(metrics, "abuse_pass_through")
    decided = _mean(metrics, "abusive_granted") + _mean(metrics, "abusive_refused")
    first = (
        f"{_pct(passed)} of the abusive requests the requested State decided were granted "
        f"({_interval(metrics.get('abuse_pass_through'))}; {_count(_mean(metrics, 'abusive_granted'))} "
        f"of {_count(decided)} a replication)."
    )
    if document.get("requested_states"):
        first = (
            f"{_pct(_mean(metrics, 'abusive_cases_reached'))} of the abusive cases got the data from some "
            f"requested State, through any channel ({_interval(metrics.get('abusive_cases_reached'))}); "
            f"{_pct(passed)} of the abusive requests decided were granted."
        )
    provenance = document.get("provenance") or {}
    source = f" {isolate(provenance['scenario_file'])}" if provenance.get("scenario_file") else ""
    second = (
        f"This rests on {document['replications']} replications (seed {document['seed']}) and on the "
        f"assumptions of the scenario file{source} (below), most of them not data."
    )
    return [first, second]


def comparison_sentences(document: Mapping[str, Any]) -> list[str]:
    """Each alternative's change in abuse pass-through against the baseline, with its interval."""
    baseline = isolate(document["baseline"])
    found = []
    for c in document["configurations"][1:]:
        d = (c.get("difference") or {}).get("abuse_pass_through") or {}
        if d.get("mean") is None:
            continue
        mean, low, high = (100 * (d.get(k) or 0.0) for k in ("mean", "ci_low", "ci_high"))
        verdict = "a change beyond the noise" if d.get("excludes_zero") else "no change beyond the noise"
        found.append(
            f"{isolate(c['label'])} changes abuse pass-through by {mean:+.1f} points against {baseline} "
            f"(95% interval {low:+.1f} to {high:+.1f}, paired on the same requests): {verdict}."
        )
    found.append(
        f"Each figure rests on {document['replications']} replications per configuration (seed "
        f"{document['seed']}) and on the assumptions of the scenario files shown below."
    )
    return found


def sweep_sentences(document: Mapping[str, Any], numbers: Mapping[int, str]) -> list[str]:
    """The range of abuse pass-through over the sweep, and where it is lowest and highest.

    ``numbers``: a configuration's position -> how the page names it (``#26: mode=required, ...``).
    """
    configurations = document["configurations"]
    means = [(_mean(c["metrics"], "abuse_pass_through"), i) for i, c in enumerate(configurations)]
    defined = sorted((m, i) for m, i in means if not math.isnan(m))
    manifest = document["sweep"]
    if not defined:
        return ["No configuration of the sweep decided an abusive request: there is no pass-through."]
    (low, best), (high, worst) = defined[0], defined[-1]
    return [
        f"Over {len(configurations)} configurations, abuse pass-through ranged from {_pct(low)} "
        f"({numbers[best]}) to {_pct(high)} ({numbers[worst]}).",
        f"Each configuration rests on {manifest['replications']} replications (seed {manifest['seed']}); "
        "their intervals are in the table, and the assumptions in the scenario file below.",
    ]
