"""The provisions catalogue: treaty rules and domestic standards kept as data, each with its citation.

A *provision* is one rule the requested State's screening can rest on: a ground of refusal
(UNCC Art 40(21), the discrimination clause of Art 40(22), dual criminality under Art 40(9)), a
procedure (ask for more information, consult before refusal, postpone), or a domestic standard a
court applies before data are handed over (the US probable-cause warrant for content). The text of
each lives in ``data/provisions.toml``; code refers to provisions only by id, so a corrected
paragraph number is a one-line data edit. Citations the domain reference marks "(verify)" carry
``verified = false``.
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


@frozen
class Provision:
    """One rule of the catalogue."""

    id: str
    citation: str
    title: str
    summary: str
    nature: Nature
    stage: str  # a Stage value, or "any"
    framework: str  # uncc | budapest | us
    optional: bool  # not part of the UN convention's own regime
    verified: bool  # citation checked against the adopted text
    curable: bool  # an amended request can cure the ground (complete the file, stronger facts)

    def cite(self) -> str:
        """The citation as printed next to a decision, flagged when still unverified."""
        return self.citation if self.verified else f"{self.citation} (unverified)"


@functools.cache
def catalogue() -> Mapping[str, Provision]:
    """All provisions, by id, read once from the package data."""
    text = resources.files("simulator.domain").joinpath("data/provisions.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    return {pid: Provision(id=pid, nature=Nature(entry.pop("nature")), **entry) for pid, entry in raw.items()}


def provision(pid: str) -> Provision:
    """The provision with this id; a KeyError names ids that are not in the catalogue."""
    return catalogue()[pid]


def cite(pid: str | None) -> str:
    """Citation text for a provision id (empty for None)."""
    return "" if pid is None else provision(pid).cite()
