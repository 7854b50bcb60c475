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
import textwrap
from collections.abc import Sequence
from pathlib import Path

from simulator.domain import applied, evidence, grounds
from simulator.domain.channels import CHANNEL_BASIS, cited, reservation_applies
from simulator.domain.model import Channel, Measure
from simulator.domain.monitoring import SUSPENSION_PROVISION, MonitoringAction
from simulator.domain.provisions import catalogue, legend
from simulator.reporting.tables import text_table, wrap, wrapped
from simulator.world import coverage
from simulator.world.authority import offered_channels
from simulator.world.direct import route_provisions
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
    fast channel it offers that some requesting State uses (:func:`channel_applied`); the
    monitoring suspension where its monitoring suspends cooperation; and what its routes around the
    central authority apply (:func:`simulator.world.direct.route_provisions`).
    """
    used = channels_used(scenario)
    found: set[str] = set()
    for state in scenario.requested_states:
        found |= applied.active_provisions(state.safeguards) - not_applied(state)
        for channel in offered_channels(state):
            if channel in used:
                found |= channel_applied(channel, state)
        if state.monitoring.enabled and state.monitoring.action is MonitoringAction.SUSPEND:
            found.add(SUSPENSION_PROVISION)
    return frozenset(found | route_provisions(scenario))


def not_applied(state: RequestedState) -> frozenset[str]:
    """The provisions of grounds the State switches on that no route meets (listed as ``unused``)."""
    return frozenset(
        pid
        for rule in grounds.RULES
        if rule.refuses_on(state.safeguards) and not coverage.applies(rule, state)
        for pid in rule.refuses_on(state.safeguards)
    )


def configured_not_applied(scenarios: Sequence[Scenario]) -> dict[str, list[str]]:
    """Provision id -> the scenarios (file stems) that switch it on where no route applies it."""
    found: dict[str, list[str]] = {}
    for scenario in scenarios:
        for pid in sorted(frozenset().union(*(not_applied(s) for s in scenario.requested_states))):
            found.setdefault(pid, []).append(_short(scenario))
    return found


def applied_by(scenarios: Sequence[Scenario]) -> dict[str, list[str]]:
    """Provision id -> the scenarios (file stems) whose configuration applies it."""
    found: dict[str, list[str]] = {pid: [] for pid in catalogue()}
    for scenario in scenarios:
        for pid in sorted(scenario_provisions(scenario)):
            found.setdefault(pid, []).append(_short(scenario))
    return found


def documents_cited() -> list[str]:
    """The public documents the catalogue cites, in order of first citation (numbered from 1)."""
    return list(dict.fromkeys(p.document for p in catalogue().values()))


def provisions_table(scenarios: Sequence[Scenario]) -> str:
    """Every provision (citation with its confidence mark, title, confidence, the document it cites),
    the scenarios applying it, then the documents with their addresses and the marks' legend."""
    users = applied_by(scenarios)
    inert = configured_not_applied(scenarios)
    documents = documents_cited()
    stems = [_short(s) for s in scenarios]
    letters = len(stems) > 1  # several scenarios: each a letter, with a key above the table
    code = {stem: chr(ord("a") + i) if i < 26 else f"z{i - 25}" for i, stem in enumerate(stems)}
    rows = [
        (
            p.cite(),
            "\n".join(textwrap.wrap(p.title, 22)),
            p.confidence.value,
            "yes" if p.consult else "",
            f"[{documents.index(p.document) + 1}]",
            _users(users[pid], inert.get(pid, []), code if letters else None),
        )
        for pid, p in catalogue().items()
    ]
    header = ("citation", "title", "confidence", "40(27)", "source", "applied by")
    lines = wrap("applied by: " + ", ".join(f"{code[s]} = {s}" for s in stems)) if letters else []
    lines += text_table(header, rows, left=(True,) * 6)
    lines += ["", "40(27): consulted before a refusal or postponement under the treaty setting"]
    if inert:
        lines.append("(not applied): configured, but no route of the State passes the stage that applies it")
    lines.append("")
    lines.append("Sources (what each citation rests on: mlasim provisions --format json)")
    for number, document in enumerate(documents, 1):
        url = next((p.url for p in catalogue().values() if p.document == document and p.url), "")
        lines += wrap(f"  [{number}] {document}" + (f": {url}" if url else ""), indent="      ")
    lines += ["", *wrapped(legend("\n".join(lines))[:-1])]  # not the line that points here
    return "\n".join(lines)


def _users(applying: list[str], inert: list[str], code: dict[str, str] | None) -> str:
    """The scenarios applying a provision, then those configuring it where no route applies it."""
    named = [code[s] if code else s for s in applying]
    named += [f"{code[s] if code else s} (not applied)" for s in inert]
    return (" " if code else "\n").join(named) or "-"


def provisions_json(scenarios: Sequence[Scenario]) -> str:
    """Every provision with all its catalogue fields, the scenarios (file stems) applying it and those
    that switch it on where no route applies it."""
    users = applied_by(scenarios)
    inert = configured_not_applied(scenarios)
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
            "document": p.document,
            "url": p.url,
            "source": p.source,
            "consult": p.consult,
            "conditions": p.conditions,
            "applied_by": users[pid],
            "configured_not_applied": inert.get(pid, []),
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
    """Per scenario, the bars of the grounds that refuse on the persecution score and, per requesting
    State, the score's range from nothing perceived to everything; a ground that no State's score can
    reach is named UNREACHABLE."""
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
