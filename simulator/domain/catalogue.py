"""What requests are about: offences, protected conduct and target profiles, kept as data.

An *offence* is the label a request carries (computer fraud, terrorism, "extremism"); whether the
requested State can assist depends on it: convention offences are always in scope, other crimes only
when serious (at least four years); some labels are political offences; some describe conduct a
rights-respecting State does not punish at all (no dual criminality).

*Protected conduct* is what really lies behind an abusive request (journalism, a peaceful protest,
practising a minority religion): never a crime in the requested State, and tied to a protected
ground. A *target profile* says who the person is and how recognisable they are as someone at risk.
The data live in ``data/catalogue.toml``.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from importlib import resources

from attrs import frozen


@frozen
class Offence:
    id: str
    title: str
    convention: bool  # one of the convention's own offences (Arts 7-17)
    article: str
    penalty_years: float  # typical maximum penalty in a requesting State's law
    political: bool  # a Budapest Art 27(4)(a) political or politically connected offence
    criminal: bool  # a crime in a typical rights-respecting requested State
    ground: str | None  # protected ground a speech or identity offence engages


@frozen
class Conduct:
    id: str
    title: str
    ground: str  # protected ground engaged
    target: str  # profile of the person targeted
    political: bool  # conduct a reviewer would call political


@frozen
class Target:
    id: str
    visibility: float  # probability a fully thorough reviewer recognises the person as at risk
    ground: str | None


@frozen
class Catalogue:
    offences: Mapping[str, Offence]
    conducts: Mapping[str, Conduct]
    targets: Mapping[str, Target]

    def is_political(self, conduct_or_offence: str) -> bool:
        if conduct_or_offence in self.offences:
            return self.offences[conduct_or_offence].political
        return self.conducts[conduct_or_offence].political

    def ground_of(self, conduct_or_offence: str) -> str | None:
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
    return Catalogue(offences=offences, conducts=conducts, targets=targets)
