"""Presenting the rules as data: the provisions catalogue and the reach of the evidence score.

``mlasim provisions`` lists every provision with its citation, the confidence of that citation and
its source, whether Art 40(27) asks for a consultation before refusing on it, and which of the given
scenarios applies it (:func:`simulator.domain.rules.active_provisions`). ``mlasim evidence`` shows,
per scenario and requesting State, the range of the persecution score (from nothing perceived to
everything perceived) next to the bars of the grounds that refuse on it, so a reader sees which
signals a refusal needs and whether a ground can fire at all.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from simulator.domain import evidence, rules
from simulator.domain.provisions import catalogue
from simulator.reporting.run import text_table
from simulator.world.scenario import Scenario


def _short(scenario: Scenario) -> str:
    return Path(scenario.source).stem


def applied_by(scenarios: Sequence[Scenario]) -> dict[str, list[str]]:
    """Provision id -> the scenarios (file stems) whose configuration applies it."""
    found: dict[str, list[str]] = {pid: [] for pid in catalogue()}
    for scenario in scenarios:
        for pid in sorted(rules.active_provisions(scenario.requested_state.safeguards)):
            found[pid].append(_short(scenario))
    return found


def provisions_table(scenarios: Sequence[Scenario]) -> str:
    users = applied_by(scenarios)
    rows = [
        (
            p.citation,
            p.title,
            p.confidence.value,
            "yes" if p.consult else "",
            ", ".join(users[pid]) or "-",
        )
        for pid, p in catalogue().items()
    ]
    header = ("citation", "title", "confidence", "40(27)", "applied by")
    widths = [max(len(c) for c in column) for column in zip(header, *rows, strict=True)]
    lines = [
        "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in [header]
    ]
    lines.append("  " + "  ".join("-" * w for w in widths))
    lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.append("")
    lines.append("40(27): consulted before a refusal or postponement under the treaty setting")
    return "\n".join(lines)


def provisions_json(scenarios: Sequence[Scenario]) -> str:
    users = applied_by(scenarios)
    entries = [
        {
            "id": pid,
            "citation": p.citation,
            "title": p.title,
            "summary": p.summary,
            "nature": p.nature.value,
            "stage": p.stage,
            "framework": p.framework,
            "optional": p.optional,
            "confidence": p.confidence.value,
            "source": p.source,
            "consult": p.consult,
            "conditions": p.conditions,
            "applied_by": users[pid],
        }
        for pid, p in catalogue().items()
    ]
    return json.dumps({"provisions": entries}, indent=2)


def worst_notices(scenario: Scenario) -> int:
    """The most politically motivated notices on record against any person the scenario targets."""
    return max(
        (
            s.abuse.prior_notices
            for s in scenario.requesting_states
            if s.abuse and s.abuse.documented_history > 0
        ),
        default=0,
    )


def evidence_table(scenarios: Sequence[Scenario]) -> str:
    lines = [
        "Grounds to believe persecution: the score's range (0..1) per requesting State",
        "  recognised = the person recognised as at risk, disguise intact; +notices = and the notices on",
        "  record; everything = and the facts seen through to conduct that is no crime here",
        "",
    ]
    for scenario in scenarios:
        safeguards = scenario.requested_state.safeguards
        notices = worst_notices(scenario)
        bars = evidence.bars(safeguards)
        bar_text = ", ".join(f"{pid} at {bar:.2f}" for pid, bar in bars.items()) or "none"
        lines.append(f"{_short(scenario)}: bars {bar_text}; up to {notices} notice(s) on record")
        rows = []
        for state in scenario.requesting_states:
            lv = evidence.levels(safeguards, state.rights_record, notices)
            rows.append(
                (
                    state.id,
                    f"{lv.record:.2f}",
                    f"{lv.nothing_perceived:.2f}",
                    f"{lv.recognised:.2f}",
                    f"{lv.recognised_with_notices:.2f}",
                    f"{lv.everything:.2f}",
                )
            )
        header = ("State", "record", "nothing", "recognised", "+notices", "everything")
        lines += text_table(header, rows)
        worst = max(s.rights_record for s in scenario.requesting_states)
        dead = evidence.unreachable(safeguards, worst, notices)
        lines.append(
            "  every ground reachable"
            if not dead
            else "  UNREACHABLE: " + ", ".join(f"{pid} (best {best:.2f})" for pid, best in dead.items())
        )
        lines.append("")
    return "\n".join(lines).rstrip()
