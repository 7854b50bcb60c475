"""Regimes: which treaties bind a pair of States, and so which routes, grounds and citations apply.

The UN convention is one of several instruments under which a State asks another for data. Between
two States there may be none, or several at once: the UN convention (``uncc``), the Budapest
Convention (``budapest``) and its Second Protocol (``budapest_second_protocol``, open only to
Budapest Parties), a bilateral mutual legal assistance treaty (``bilateral_mlat``), an executive
agreement under 18 U.S.C. 2523 (``executive_agreement``). A :class:`Regime` is the set in force
between one requesting and one requested State; the data of each treaty are in
``data/regimes.toml`` and every provision they name is an entry of the provisions catalogue.

What a regime decides, as pure functions of that set:

- **which treaty governs an MLA request** (:meth:`Regime.governing`): a bilateral treaty applies
  instead of the convention's paragraphs (UNCC Art 40(7)); Budapest Art 27 applies only where no
  other agreement does (27(1)); with no treaty at all, assistance rests on the requested State's law
  (``no-treaty``). The requested State's configured grounds decide a request whatever the regime (a
  State that refuses persecution risks does so under 40(21)(b) or under Budapest 27(4)(b) alike); the
  regime decides what the decision **cites** (:meth:`Regime.cite`) and what a grant rests on
  (:meth:`Regime.basis`);
- **which routes straight to a provider** the requester may use (:meth:`Regime.route_for`): a
  provider's voluntary answer and its emergency policy need no treaty; direct orders, domain
  registration requests and orders given effect need the Second Protocol; orders for content need an
  executive agreement. A route that is not open, or not for the measure asked (a direct order is for
  subscriber information only), falls back along its ``fallback`` (to a voluntary request, or to MLA).
"""

from __future__ import annotations

import enum
import functools
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources

from attrs import field, frozen

from simulator.domain.model import DIRECT_CHANNELS, Channel, Measure


class Treaty(enum.StrEnum):
    """An instrument that can bind a pair of States."""

    UNCC = "uncc"
    BUDAPEST = "budapest"
    SECOND_PROTOCOL = "budapest_second_protocol"
    BILATERAL_MLAT = "bilateral_mlat"
    EXECUTIVE_AGREEMENT = "executive_agreement"
    NONE = "none"


@frozen
class TreatyEntry:
    """One treaty's data (``data/regimes.toml``)."""

    id: Treaty
    title: str
    basis: str  # the provision an MLA grant rests on while it governs ("": no MLA treaty)
    precedence: int
    requires: frozenset[Treaty]
    routes: frozenset[Channel]
    citations: Mapping[str, str]


@frozen
class RouteEntry:
    """One direct route's data."""

    channel: Channel
    measures: frozenset[Measure]
    fallback: Channel
    open_without_treaty: bool
    basis: str  # what a grant through it rests on
    basis_us: str = ""  # ... from a provider under US law, where that differs
    basis_second_protocol: str = ""  # ... where the Second Protocol binds the pair, where that differs


@frozen
class Catalogue:
    """The treaties and the routes around the central authority, as the catalogue describes them."""

    treaties: Mapping[Treaty, TreatyEntry]
    routes: Mapping[Channel, RouteEntry]


@functools.cache
def catalogue() -> Catalogue:
    """The treaties and routes, read once from the package data."""
    text = resources.files("simulator.domain").joinpath("data/regimes.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    treaties = {
        Treaty(key): TreatyEntry(
            id=Treaty(key),
            title=entry["title"],
            basis=entry["basis"],
            precedence=entry["precedence"],
            requires=frozenset(Treaty(t) for t in entry["requires"]),
            routes=frozenset(Channel(r) for r in entry["routes"]),
            citations=dict(entry["citations"]),
        )
        for key, entry in raw["treaty"].items()
    }
    routes = {
        Channel(key): RouteEntry(
            channel=Channel(key),
            measures=frozenset(Measure(m) for m in entry.pop("measures")),
            fallback=Channel(entry.pop("fallback")),
            **entry,
        )
        for key, entry in raw["route"].items()
    }
    return Catalogue(treaties, routes)


#: The provision a grant the ordering State enforces over a provider's objection rests on.
OVERRULED = "us-uk-agreement-objection"


def grant_provisions(cited: Iterable[str] = ()) -> frozenset[str]:
    """Every provision data can leave under, whatever the regime: each treaty's MLA basis, each
    route's, an enforced order's, and ``cited`` (the fast channels' grants) as each treaty cites them.
    Reported for every configuration, so that configurations under different regimes compare."""
    table = catalogue()
    found = {entry.basis for entry in table.treaties.values() if entry.basis}
    for route in table.routes.values():
        found |= {route.basis, route.basis_us, route.basis_second_protocol} - {""}
    for pid in cited:
        found |= {entry.citations.get(pid, pid) for entry in table.treaties.values()}
    return frozenset(found | {OVERRULED})


def problems(treaties: Iterable[Treaty]) -> list[str]:
    """Why a set of treaties cannot bind one pair of States (empty: it can)."""
    chosen = frozenset(Treaty(t) for t in treaties)
    found = []
    if Treaty.NONE in chosen and len(chosen) > 1:
        found.append("'none' cannot stand with a treaty")
    for treaty in sorted(chosen):
        missing = catalogue().treaties[treaty].requires - chosen
        if missing:
            names = ", ".join(sorted(missing))
            found.append(f"'{treaty.value}' binds only Parties to {names}: add {names}")
    return found


@frozen
class Regime:
    """The treaties in force between one requesting and one requested State (none: ``Treaty.NONE``)."""

    treaties: frozenset[Treaty] = frozenset({Treaty.UNCC})

    @property
    def entries(self) -> tuple[TreatyEntry, ...]:
        """The catalogue entries of the treaties between the pair, in order."""
        table = catalogue().treaties
        return tuple(table[t] for t in sorted(self.treaties))

    def governing(self) -> TreatyEntry:
        """The treaty that governs an MLA request between the pair (``none`` if no MLA treaty binds it)."""
        mla = [entry for entry in self.entries if entry.basis and entry.id is not Treaty.NONE]
        if not mla:
            return catalogue().treaties[Treaty.NONE]
        return max(mla, key=lambda entry: entry.precedence)

    def cite(self, pid: str | None) -> str | None:
        """The provision an MLA decision citing ``pid`` cites under the governing treaty."""
        if pid is None:
            return None
        return self.governing().citations.get(pid, pid)

    def opens(self, channel: Channel) -> bool:
        """Whether the pair may use ``channel`` (MLA and the fast channels are the requested State's)."""
        if channel not in DIRECT_CHANNELS:
            return True
        if catalogue().routes[channel].open_without_treaty:
            return True
        return any(channel in entry.routes for entry in self.entries)

    def route_for(self, channel: Channel, measure: Measure) -> Channel:
        """The route a request sent on ``channel`` for ``measure`` takes: ``channel`` if it is open and
        takes that measure, else its fallback's route (MLA at the end of every chain)."""
        seen = set()
        while channel in DIRECT_CHANNELS and channel not in seen:
            seen.add(channel)
            route = catalogue().routes[channel]
            if self.opens(channel) and measure in route.measures:
                return channel
            channel = route.fallback
        return channel if channel not in seen else Channel.MLA

    def basis(self, channel: Channel, us_provider: bool = False) -> str:
        """The provision a grant through ``channel`` rests on between the pair."""
        if channel not in DIRECT_CHANNELS:
            return self.governing().basis
        route = catalogue().routes[channel]
        if route.basis_second_protocol and Treaty.SECOND_PROTOCOL in self.treaties:
            return route.basis_second_protocol
        if route.basis_us and us_provider:
            return route.basis_us
        return route.basis

    def describe(self) -> str:
        """The treaties in words (``"uncc, budapest"``, or ``"no treaty"``)."""
        named = [t.value for t in sorted(self.treaties) if t is not Treaty.NONE]
        return ", ".join(named) or "no treaty"


#: The regime of every pair a scenario says nothing about: the UN convention alone.
DEFAULT_REGIME = Regime()


def regime_of(treaties: Iterable[Treaty | str]) -> Regime:
    """A regime from treaty names (an empty list: no treaty)."""
    chosen = frozenset(Treaty(t) for t in treaties)
    return Regime(chosen or frozenset({Treaty.NONE}))


@frozen
class RegimeTable:
    """The regimes between one requested State and each requesting State (``default``: any not named)."""

    default: Regime = DEFAULT_REGIME
    by_requester: Mapping[str, Regime] = field(factory=dict)
    declared: bool = False  # the scenario file says which treaties bind (else the UN convention alone)

    def of(self, requester: str) -> Regime:
        """The regime between the requested State and ``requester`` (the default where none is declared)."""
        return self.by_requester.get(requester, self.default)
