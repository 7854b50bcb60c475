"""What requests are about: offences, protected conduct and target profiles, kept as data.

An *offence* is the label a request carries (computer fraud, terrorism, "extremism"); whether the
requested State can assist depends on it: convention offences are always in scope, other crimes only
when serious (at least four years); some labels are political offences; some describe conduct a
rights-respecting State does not punish at all (no dual criminality).

*Protected conduct* is what really lies behind an abusive request (journalism, a peaceful protest,
practising a minority religion): never a crime in the requested State, and tied to a protected
ground. A *target profile* says who the person is and how recognisable they are as someone at risk.
The data live in ``data/catalogue.toml``, each entry with its ``source``.

*Plausible labels* keep a disguise coherent: protected conduct is dressed only as offences a
requester could plausibly charge it as (journalism as "false information" or extortion, a protest as
mass riots), with weights; a scenario can override a row. A label's protected ground, if any, is the
conduct's own or both are listed in Art 40(22), so seeing through a disguise never removes a listed
ground.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from importlib import resources

from attrs import frozen


@frozen
class Offence:
    """An offence label a request can carry, with what decides whether the requested State can assist."""

    id: str
    title: str
    convention: bool  # one of the convention's own offences (Arts 7-17)
    article: str
    penalty_years: float  # typical maximum penalty in a requesting State's law
    political: bool  # a Budapest Art 27(4)(a) political or politically connected offence
    criminal: bool  # a crime in a typical rights-respecting requested State
    ground: str | None  # protected ground a speech or identity offence engages
    source: str = ""  # where the entry (and its penalty) comes from


@frozen
class Conduct:
    """Protected conduct that really lies behind an abusive request, and the ground it engages."""

    id: str
    title: str
    ground: str  # protected ground engaged
    target: str  # profile of the person targeted
    political: bool  # conduct a reviewer would call political
    criminal: bool = False  # once seen through, still a crime in both States (authorised testing)
    source: str = ""


@frozen
class Target:
    """Who the person targeted is: how recognisable as at risk, and on which ground (None: none)."""

    id: str
    visibility: float  # probability a fully thorough reviewer recognises the person as at risk
    ground: str | None


@frozen
class Catalogue:
    """The offences, protected conduct, target profiles and plausible labels, each by id."""

    offences: Mapping[str, Offence]
    conducts: Mapping[str, Conduct]
    targets: Mapping[str, Target]
    plausible: Mapping[str, Mapping[str, float]]  # conduct -> label -> weight

    def is_political(self, conduct_or_offence: str) -> bool:
        """Whether an offence label or a conduct (by id) is political; KeyError if it is neither."""
        if conduct_or_offence in self.offences:
            return self.offences[conduct_or_offence].political
        return self.conducts[conduct_or_offence].political

    def ground_of(self, conduct_or_offence: str) -> str | None:
        """The protected ground an offence label or a conduct (by id) engages (None: none); KeyError if it
        is neither."""
        if conduct_or_offence in self.offences:
            return self.offences[conduct_or_offence].ground
        return self.conducts[conduct_or_offence].ground


def _ground(value: str) -> str | None:
    return value or None


@functools.cache
def load() -> Catalogue:
    """The catalogue, read once from the package data."""
    text = resources.files("simulator.domain").joinpath("data/catalogue.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    offences = {
        oid: Offence(id=oid, **{**entry, "ground": _ground(entry.get("ground", ""))})
        for oid, entry in raw["offence"].items()
    }
    conducts = {
        cid: Conduct(id=cid, political=entry["ground"] == "political_opinion", **entry)
        for cid, entry in raw["conduct"].items()
    }
    targets = {
        tid: Target(id=tid, visibility=entry["visibility"], ground=_ground(entry["ground"]))
        for tid, entry in raw["target"].items()
    }
    plausible = {cid: dict(entry["labels"]) for cid, entry in raw["plausible"].items()}
    return Catalogue(offences=offences, conducts=conducts, targets=targets, plausible=plausible)


def plausible_labels(
    catalogue: Catalogue,
    conduct: str,
    preferred: Mapping[str, float] | None = None,
    override: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """Label weights for dressing up ``conduct``: its plausible labels (or a scenario's ``override``),
    weighted by the requester's ``preferred`` labels where any of them is plausible."""
    plausible = dict(override if override is not None else catalogue.plausible[conduct])
    if preferred:
        both = {label: w * preferred[label] for label, w in plausible.items() if preferred.get(label, 0) > 0}
        if both:
            return both
    return plausible
