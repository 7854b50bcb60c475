"""The controls of the what-if page: one per setting of the States, from the declarations.

Nothing here lists settings by hand. Every control is a setting that
:func:`simulator.domain.settings.walk` finds on a requested State's safeguards, monitoring and the
rules of the fast channels it offers, or on a requesting State (its volume, record, abusive share,
its abusive requests' profile and the strategies it uses), with what the declaration says: its kind
(a switch, a choice, a number within bounds, a set of names), its bounds and unit, its one-line
meaning and the way it makes the State stricter. The provision beside a ground's controls is the
one its record in :data:`simulator.domain.grounds.RULES` is known by (with the citation's
confidence mark); a part that no ground reads shows the article its declaration names.

Controls are grouped as a reader thinks of them: grounds for refusal, judicial standards,
consultation, memory and evidence, monitoring, channels, requesting States. Where the scenario file
gives a number a range or a source (:mod:`simulator.files.parameters`), its control shows them.
Each control's ``key`` is the dotted key a scenario file's variant, ``--set`` and the page's address
use (``safeguards.dual_criminality.mode``; ``requested_state.<id>.`` in front in a file with several
requested States; ``requesting_state.<id>.abusive_share`` for a requesting State's).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs
from attrs import frozen

from simulator.domain import provisions
from simulator.domain.channels import ChannelRules
from simulator.domain.grounds import RULES
from simulator.domain.settings import Kind, Setting, declared, setting_of, walk, word
from simulator.files.parameters import ASSUMPTION, Parameter
from simulator.world.scenario import RequestedState, RequestingState, Scenario

#: The groups, in the order the page shows them.
GROUPS = (
    "grounds for refusal",
    "judicial standards",
    "consultation",
    "memory and evidence",
    "monitoring",
    "channels",
    "requesting States",
)
#: The group of a safeguards field that is not a ground's setting (a ground's is the first group).
_FIELD_GROUP = {
    "judicial_order": "judicial standards",
    "consultation": "consultation",
    "memory": "memory and evidence",
    "evidence_weights": "memory and evidence",
}
#: The kinds a page can offer as a control (distributions and mixes are a requester's, not a State's).
SHOWN = (Kind.FLAG, Kind.CHOICE, Kind.NUMBER, Kind.INTEGER, Kind.NAMES)
_ARTICLE = re.compile(r"\(((?:Arts?|UNCC|Budapest)\b(?:[^()]|\([^()]*\))*)\)")


@frozen
class Control:
    """One setting as the page offers it (values as a scenario file writes them)."""

    key: str  # the dotted key of an override
    group: str
    section: str  # the part it belongs to, in words ("dual criminality"), or "" at the top
    provision: str  # the citation beside it ("UNCC Art 40(9)†"), or ""
    setting: Setting
    value: Any  # in the what-if
    base: Any  # in the scenario as loaded
    parameter: Parameter | None = None  # its range and source, where the scenario file declares them
    source: str = ""  # what that source is, in one line ("" for an assumption)

    @property
    def name(self) -> str:
        """The control's name as the page shows it (its key's last part, in words)."""
        return self.key.rsplit(".", 1)[-1].replace("_", " ")

    @property
    def changed(self) -> bool:
        """Whether the control differs from the scenario as loaded."""
        return self.value != self.base

    @property
    def ranged(self) -> bool:
        """Whether the scenario file gives it a range or a source other than an assumption."""
        held = self.parameter
        return held is not None and (held.low is not None or held.source != ASSUMPTION)

    def outside(self) -> bool:
        """Whether the what-if's value lies outside the range the scenario file declares."""
        held = self.parameter
        if held is None or held.low is None or held.high is None or isinstance(self.value, bool):
            return False
        return isinstance(self.value, int | float) and not held.low <= self.value <= held.high

    def bounds(self) -> tuple[float | None, float | None]:
        """The declared bounds, or for an open number the working range its declaration gives."""
        setting = self.setting
        if setting.minimum is not None and setting.maximum is not None:
            return setting.minimum, setting.maximum
        if setting.typical is not None:
            return setting.minimum, None
        return setting.minimum, setting.maximum


def file_value(setting: Setting, value: Any) -> Any:
    """A setting's value as a scenario file writes it (a word for a choice, sorted names)."""
    if setting.kind is Kind.CHOICE:
        return word(value)
    if setting.kind is Kind.NAMES:
        return sorted(str(v) for v in value)
    return value


def controls(
    base: Scenario,
    whatif: Scenario | None = None,
    parameters: Mapping[str, Parameter] | None = None,
    sources: Mapping[str, str] | None = None,
) -> list[Control]:
    """Every control of ``base``'s requested States, valued as in ``whatif`` (default: ``base``).

    ``parameters``: the scenario file's numbers by dotted key (:func:`ranged_parameters`), whose range
    and source a control shows; ``sources``: what each source cited is, by id.
    """
    whatif = base if whatif is None else whatif
    parameters, sources = parameters or {}, sources or {}
    found = []
    requested = {s.id: s for s in whatif.requested_states}
    for state in base.requested_states:
        prefix = f"requested_state.{state.id}." if base.several else ""
        found += _state_controls(state, requested.get(state.id, state), prefix, base.several)
    requesting = {s.id: s for s in whatif.requesting_states}
    for requester in base.requesting_states:
        found += _requester_controls(requester, requesting.get(requester.id, requester))
    found = [
        attrs.evolve(c, parameter=parameters[c.key], source=sources.get(parameters[c.key].source, ""))
        if c.key in parameters
        else c
        for c in found
    ]
    return sorted(found, key=lambda c: GROUPS.index(c.group.split(" (")[0]))


def ranged_parameters(parameters: Iterable[Parameter]) -> dict[str, Parameter]:
    """The numbers a scenario file gives a range or a source (other than an assumption), by key."""
    return {p.key: p for p in parameters if p.low is not None or p.source != ASSUMPTION}


def _state_controls(
    state: RequestedState, whatif: RequestedState, prefix: str, several: bool
) -> Iterator[Control]:
    where = f" ({state.name})" if several else ""
    parts: list[tuple[str, Any, Any, str]] = [
        ("safeguards", state.safeguards, whatif.safeguards, ""),
        ("monitoring", state.monitoring, whatif.monitoring, ""),
    ]
    for channel in state.channels:
        rules = state.channel_rules.of(channel)
        meaning = setting_of(ChannelRules, channel.value).meaning
        parts.append((f"channels.{channel.value}", rules, whatif.channel_rules.of(channel), meaning))
    for table, value, changed, meaning in parts:
        meanings = {attribute.name: setting.meaning for attribute, setting in declared(type(value))}
        new = {path: held for path, _, held in walk(changed)}
        for path, setting, held in walk(value):
            if setting.kind not in SHOWN:
                continue
            top = path.split(".", 1)[0]
            group, section, provision = _placed(table, top, meaning or meanings.get(top, ""), path)
            yield Control(
                f"{prefix}{table}.{path}",
                group + where,
                section,
                provision,
                setting,
                file_value(setting, new[path]),
                file_value(setting, held),
            )


def _requester_controls(state: RequestingState, whatif: RequestingState) -> Iterator[Control]:
    """A requesting State's settings, and its abusive requests' where it sends any, one part each."""
    parts: list[tuple[str, Any, Any, str]] = [("", state, whatif, state.name)]
    if state.abuse is not None:
        abuse = whatif.abuse if whatif.abuse is not None else state.abuse
        parts.append(("abuse.", state.abuse, abuse, f"{state.name}: its abusive requests"))
    for table, value, changed, section in parts:
        new = {path: held for path, _, held in walk(changed)}
        for path, setting, held in walk(value):
            if setting.kind not in SHOWN:
                continue
            part = path.rpartition(".")[0].replace(".", " ").replace("_", " ")
            yield Control(
                f"requesting_state.{state.id}.{table}{path}",
                GROUPS[-1],
                f"{state.name}: {part}" if part else section,
                _article(setting.meaning),
                setting,
                file_value(setting, new.get(path, held)),
                file_value(setting, held),
            )


def _placed(table: str, top: str, meaning: str, path: str) -> tuple[str, str, str]:
    """The group and part a setting belongs to, in words, and the provision shown beside it."""
    if table != "safeguards":
        group = table.split(".")[0]
        section = table.split(".")[-1].replace("_", " ") if group == "channels" else ""
        return group, section, _article(meaning)
    section = top.replace("_", " ") if "." in path else ""
    if top in _FIELD_GROUP:
        return _FIELD_GROUP[top], section, _article(meaning)
    rule = next((r for r in RULES if r.setting == top), None)
    return GROUPS[0], section, provisions.cite(rule.ground) if rule is not None else _article(meaning)


def _article(meaning: str) -> str:
    """The article a declaration's meaning names in brackets ("Art 40(27)"), or ""."""
    found = _ARTICLE.search(meaning)
    return found.group(1) if found else ""
