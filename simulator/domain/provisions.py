"""The provisions catalogue: treaty rules and domestic standards kept as data, each with its citation.

A *provision* is one rule the requested State's screening can rest on: a ground of refusal
(UNCC Art 40(21), the discrimination clause of Art 40(22), dual criminality under Art 40(9)), a
procedure (ask for more information, consult before refusal, postpone), or a domestic standard a
court applies before data are handed over (the US probable-cause warrant for content). The text of
each lives in ``data/provisions.toml``; code refers to provisions only by id, so a corrected
paragraph number is a one-line data edit. Each provision carries the ``confidence`` of its citation
(verified | high | medium | low) and its ``source``: the public document it cites (``document``, with
a ``url`` where one exists) and what the citation rests on. A citation that is not verified against
the adopted text prints with a mark after it (:data:`MARKS`: a dagger for high confidence), and every
output that shows one adds, once, the legend of the marks it used (:func:`legend`).

Two fields tie a provision to consultation (Art 40(27)): ``consult`` marks the refusals the treaty
says must be preceded by a consultation (those "pursuant to paragraph 21", and 40(26) postponements;
not 40(9), 40(22) or Art 36), ``conditions`` the terms the requested State offers at such a
consultation, "such terms and conditions as it deems necessary" (:data:`CONDITIONS`: confidentiality,
a narrower scope of data, assurances on use, Art 36(1)(b) data-protection conditions). The use
limitation of Art 40(19) is no such term: it binds every grant anyway.

Beside the treaties' grounds the catalogue holds a service provider's own policies (``framework =
"provider"``): a provider reviewing a request sent to it directly is no State and applies no treaty
ground; where a statute binds it (18 U.S.C. 2702, 2703, 2523) the statute is cited instead.
"""

from __future__ import annotations

import enum
import functools
import tomllib
from collections.abc import Mapping
from importlib import resources

from attrs import frozen


class Nature(enum.StrEnum):
    """Whether the requested State must apply a provision, may apply it, or it only shapes procedure."""

    MANDATORY = "mandatory"
    PERMISSIVE = "permissive"
    PROCEDURAL = "procedural"


class Confidence(enum.StrEnum):
    """How far a citation has been checked against the adopted text of the treaty or statute."""

    VERIFIED = "verified"  # checked against a primary text
    HIGH = "high"  # corroborated by secondary sources, or derived from a verified template
    MEDIUM = "medium"
    LOW = "low"


@frozen
class Provision:
    """One rule of the catalogue."""

    id: str
    citation: str
    title: str
    summary: str
    nature: Nature
    stage: str  # a Stage value, or "any"
    framework: str  # uncc | budapest | us | agreement | policy (a State's practice) | provider (its policy)
    optional: bool  # not part of the UN convention's own regime
    confidence: Confidence  # how far the citation has been checked
    source: str  # what the citation and its confidence rest on (public documents)
    curable: bool  # an amended request can cure the ground (complete the file, stronger facts)
    consult: bool = False  # Art 40(27) asks for consultation before refusing or postponing on it
    conditions: tuple[str, ...] = ()  # the terms a consultation on it offers (CONDITIONS), if any
    document: str = ""  # the public document cited: its title and document symbol
    url: str = ""  # where the document can be read, where there is such an address

    @property
    def verified(self) -> bool:
        """The citation was checked against a primary text."""
        return self.confidence is Confidence.VERIFIED

    @property
    def mark(self) -> str:
        """The mark printed after the citation: empty when verified (:data:`MARKS`)."""
        return MARKS[self.confidence]

    def cite(self) -> str:
        """The citation as printed next to a decision, with its confidence mark."""
        return self.citation + self.mark


#: The terms a requested State may set at a consultation (Art 40(27)), and how a decision says them.
CONDITIONS = {
    "confidentiality": "the data kept confidential",
    "narrower_scope": "a narrower scope of data",
    "use_assurances": "assurances on the use of the data",
    "data_protection": "data-protection conditions (Art 36(1)(b))",
}

#: The mark after a citation not verified against the adopted text, by confidence.
MARKS = {
    Confidence.VERIFIED: "",
    Confidence.HIGH: "\u2020",
    Confidence.MEDIUM: "\u2021",
    Confidence.LOW: "\u00b0",
}
#: What each mark means, in one line (printed once per output that shows the mark).
MARK_MEANINGS = {
    Confidence.HIGH: "confidence high: the paragraph number is taken from the template treaty (UNTOC, "
    "A/RES/55/25, Art 18) or from secondary sources; the adopted text was not checked",
    Confidence.MEDIUM: "confidence medium: as for \u2020, with a doubt on the paragraph or its wording; "
    "the adopted text was not checked",
    Confidence.LOW: "confidence low: the provision's use here is an assumption of the model",
}


def legend(text: str) -> list[str]:
    """One line per citation mark that ``text`` shows, saying what it means (empty if none)."""
    lines = [f"{MARKS[level]} {meaning}" for level, meaning in MARK_MEANINGS.items() if MARKS[level] in text]
    if lines:
        lines.append("(each citation's source and confidence: mlasim provisions)")
    return lines


@functools.cache
def catalogue() -> Mapping[str, Provision]:
    """All provisions, by id, read once from the package data."""
    text = resources.files("simulator.domain").joinpath("data/provisions.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    return {
        pid: Provision(
            id=pid,
            nature=Nature(entry.pop("nature")),
            confidence=Confidence(entry.pop("confidence")),
            conditions=tuple(entry.pop("conditions", ())),
            **entry,
        )
        for pid, entry in raw.items()
    }


def conditions_text(pid: str) -> str:
    """The terms a consultation on ``pid`` offers, in words ("" if none)."""
    return ", ".join(CONDITIONS[kind] for kind in provision(pid).conditions)


def treaty_consultation_scope() -> frozenset[str]:
    """Provisions Art 40(27) asks the requested State to consult on before refusing or postponing."""
    return frozenset(pid for pid, p in catalogue().items() if p.consult)


def provision(pid: str) -> Provision:
    """The provision with this id; a KeyError names ids that are not in the catalogue."""
    return catalogue()[pid]


def cite(pid: str | None) -> str:
    """Citation text for a provision id (empty for None)."""
    return "" if pid is None else provision(pid).cite()
