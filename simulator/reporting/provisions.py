"""Presenting the rules as data: the provisions catalogue and the reach of the evidence score.

``mlasim provisions`` lists every provision with its citation, the confidence of that citation and
its source, whether Art 40(27) asks for a consultation before refusing on it, and which of the given
scenarios applies it (:func:`scenario_provisions`: the safeguards of every requested State, the
fast channels offered and used, and monitoring that suspends). ``mlasim evidence`` shows,
per scenario and requesting State, the range of the persecution score (from nothing perceived to
everything perceived) next to the bars of the grounds that refuse on it, so a reader sees which
signals a refusal needs and whether a ground can fire at all.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from simulator.domain import applied, evidence, grounds
from simulator.domain.channels import CHANNEL_BASIS, cited, reservation_applies
from simulator.domain.model import Channel, Measure
from simulator.domain.monitoring import SUSPENSION_PROVISION, MonitoringAction
from simulator.domain.provisions import catalogue
from simulator.reporting.run import text_table
from simulator.world.authority import offered_channels
from simulator.world.scenario import RequestedState, Scenario


def _short(scenario: Scenario) -> str:
    return Path(scenario.source).stem


def channels_used(scenario: Scenario) -> frozenset[Channel]:
    """The channels some requesting State of the scenario sends requests through.

    A channel is used when a requesting State's ``channels`` (or, for one that sends abuse, its
    abuse ``channels``) give it a positive share; preservation also when a State asks for the
    ``preservation`` measure (such requests go to the preservation desk).
    """
    used: set[Channel] = set()
    for state in scenario.requesting_states:
        mixes = [state.channels] + ([state.abusive_channels] if state.abuse is not None else [])
        for mix in mixes:
            used |= {Channel(name) for name, share in mix.shares().items() if share > 0}
        if state.measures.shares().get(Measure.PRESERVATION.value, 0) > 0:
            used.add(Channel.PRESERVATION)
    return frozenset(used)


def channel_applied(channel: Channel, state: RequestedState) -> frozenset[str]:
    """The provisions a requested State's desk applies to requests through one fast channel: what the
    channel rests on (:data:`~simulator.domain.channels.CHANNEL_BASIS`; the 42(4) reservation only
    where it is made and can refuse) and the refusal grounds listed for it that the State's safeguards
    enable (cited as at that desk: Budapest 29(5), 30(2) for the political-offence ground)."""
    if channel is Channel.MLA:
        return frozenset()
    safeguards = state.safeguards
    setting = state.channel_rules.of(channel)
    found = {pid for pid in CHANNEL_BASIS.get(channel, ()) if pid != "uncc-42-4"}
    if channel is Channel.PRESERVATION and reservation_applies(setting, safeguards):
        found.add("uncc-42-4")
    found |= {cited(channel, g) for g in setting.grounds & grounds.enabled_provisions(safeguards)}
    return frozenset(found)


def scenario_provisions(scenario: Scenario) -> frozenset[str]:
    """Every provision a scenario applies, in any of its requested States.

    Each State's safeguards (:func:`simulator.domain.applied.active_provisions`); the provisions of each
    fast channel it offers that some requesting State uses (:func:`channel_applied`); and the
    monitoring suspension where its monitoring suspends cooperation.
    """
    used = channels_used(scenario)
    found: set[str] = set()
    for state in scenario.requested_states:
        found |= applied.active_provisions(state.safeguards)
        for channel in offered_channels(state):
            if channel in used:
                found |= channel_applied(channel, state)
        if state.monitoring.enabled and state.monitoring.action is MonitoringAction.SUSPEND:
            found.add(SUSPENSION_PROVISION)
    return frozenset(found)


def applied_by(scenarios: Sequence[Scenario]) -> dict[str, list[str]]:
    """Provision id -> the scenarios (file stems) whose configuration applies it."""
    found: dict[str, list[str]] = {pid: [] for pid in catalogue()}
    for scenario in scenarios:
        for pid in sorted(scenario_provisions(scenario)):
            found.setdefault(pid, []).append(_short(scenario))
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
