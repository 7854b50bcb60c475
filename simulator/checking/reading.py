"""Reading properties: ``[[property]]`` tables of a scenario file and the built-in library.

A property table names a library property (``use = "..."``) or states its own ``scope``, ``given``
and ``expect`` (see :mod:`simulator.checking.properties` for what they mean). Every problem is
reported with its field path, all in one pass, like any scenario-file mistake
(:class:`simulator.files.reader.ScenarioError`).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from importlib import resources

from simulator.checking.properties import (
    CHANNELS,
    OUTCOMES,
    SCOPES,
    SIMULATED,
    Expect,
    Given,
    Property,
)
from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.model import PROTECTED_GROUNDS, Measure
from simulator.domain.providers import Jurisdiction
from simulator.domain.provisions import catalogue as provision_catalogue
from simulator.files.document import ScenarioFile
from simulator.files.limits import MAX_REPLICATIONS
from simulator.files.reader import Problem, ScenarioError, Table, suggestion
from simulator.world.scenario import Scenario


def _optional(t: Table, key: str, read):
    """``read(key)`` if the key is present, else None (and the key counts as known)."""
    if not t.has(key):
        t.used.add(key)
        return None
    return read(key)


def _read_given(t: Table, requesters: list[str]) -> Given:
    catalogue = load_catalogue()

    def names(allowed):
        return lambda key: frozenset(t.names(key, allowed))

    offence = _optional(t, "offence", names([*catalogue.offences, "convention"]))
    if offence and "convention" in offence:
        offence = (offence - {"convention"}) | {o.id for o in catalogue.offences.values() if o.convention}
    given = Given(
        abusive=_optional(t, "abusive", t.flag),
        protected_ground=_optional(t, "protected_ground", names(PROTECTED_GROUNDS)),
        measure=_optional(t, "measure", names([m.value for m in Measure])),
        offence=offence,
        conduct=_optional(t, "conduct", names(list(catalogue.conducts))),
        requester=_optional(t, "requester", names(requesters)),
        documentation_complete=_optional(t, "documentation_complete", t.flag),
        min_evidence=_optional(t, "min_evidence", t.probability),
        target_recognised=_optional(t, "target_recognised", t.flag),
        disguise_penetrated=_optional(t, "disguise_penetrated", t.flag),
        channel=_optional(t, "channel", names(list(CHANNELS))),
        emergency_seen_through=_optional(t, "emergency_seen_through", t.flag),
        excluded_target=_optional(t, "excluded_target", t.flag),
        provider_jurisdiction=_optional(t, "provider_jurisdiction", names([j.value for j in Jurisdiction])),
    )
    t.finish()
    return given


def _read_expect(t: Table, scope: str) -> Expect:
    def outcomes(key: str) -> frozenset[str]:
        return frozenset(t.names(key, OUTCOMES))

    def names(allowed):
        return lambda key: frozenset(t.names(key, allowed))

    expect = Expect(
        outcome_in=_optional(t, "outcome_in", outcomes),
        outcome_not_in=_optional(t, "outcome_not_in", outcomes),
        cites_enabled_provision=t.flag("cites_enabled_provision", False),
        never_cites=_optional(
            t, "never_cites", lambda key: frozenset(t.names(key, list(provision_catalogue())))
        ),
        probability_at_most=_optional(t, "probability_at_most", t.probability),
        probability_at_least=_optional(t, "probability_at_least", t.probability),
        replications=int(t.number("replications", 10, minimum=2, maximum=MAX_REPLICATIONS, integer=True)),
        never_hands_over_through=_optional(t, "never_hands_over_through", names(list(CHANNELS))),
        not_flagged_within=_optional(
            t, "not_flagged_within", lambda key: int(t.number(key, minimum=1, integer=True))
        ),
        provider_refusal_final=t.flag("provider_refusal_final", False),
    )
    t.finish()
    bounded = expect.probability_at_most is not None or expect.probability_at_least is not None
    if (scope == "replications") != bounded:
        t.problem(None, 'a probability bound goes with scope = "replications", and only there')
    if scope in ("decision", "lifecycle") and not (
        expect.outcome_in
        or expect.outcome_not_in
        or expect.cites_enabled_provision
        or expect.never_cites
        or expect.never_hands_over_through
        or expect.provider_refusal_final
    ):
        t.problem(
            None,
            "says nothing: give outcome_in, outcome_not_in, cites_enabled_provision, never_cites "
            "or never_hands_over_through",
        )
    if (scope == "monitoring") != (expect.not_flagged_within is not None):
        t.problem(None, 'not_flagged_within goes with scope = "monitoring", and is what it checks')
    if scope == "replications" and not expect.outcome_in:
        t.problem(None, "a probability bound needs outcome_in: the outcomes whose probability is bounded")
    return expect


def read_property(t: Table, library: Mapping[str, Property], requesters: list[str]) -> Property | None:
    """One ``[[property]]`` table: a built-in property by ``use``, or one stated in full; None when
    ``use`` names no built-in property (the problem is reported on ``t``)."""
    if t.has("use"):
        name = t.text("use")
        t.finish()
        if name not in library:
            t.problem("use", f"no built-in property {name!r}{suggestion(name, library)}")
            return None
        return library[name]
    name = t.text("name")
    scope = t.text("scope", "decision")
    if scope not in SCOPES:
        t.problem("scope", f"must be one of {', '.join(SCOPES)}, not {scope!r}{suggestion(scope, SCOPES)}")
    given = _read_given(t.table("given"), requesters)
    if scope in SIMULATED and given.about_signals:
        t.problem(
            "given",
            "signals (min_evidence, target_recognised, disguise_penetrated) are per screening: "
            "use them with scope decision or lifecycle",
        )
    prop = Property(name, t.text("description", ""), scope, given, _read_expect(t.table("expect"), scope))
    t.finish()
    return prop


@functools.cache
def library() -> dict[str, Property]:
    """The built-in properties (``simulator/domain/data/properties.toml``)."""
    raw = tomllib.loads(
        resources.files("simulator.domain").joinpath("data/properties.toml").read_text("utf-8")
    )
    problems: list[Problem] = []
    result = {}
    for name, entry in raw.items():
        prop = read_property(Table({"name": name, **entry}, name, "built-in properties", problems), {}, [])
        result[name] = prop
    if problems:  # a bug in the package data, not a user error
        raise ValueError("; ".join(str(p) for p in problems))
    return result


def read_properties(file: ScenarioFile, scenario: Scenario) -> list[Property]:
    """The file's ``[[property]]`` tables, or the whole built-in library when it has none."""
    if file.table("property") is None:
        return list(library().values())
    problems: list[Problem] = []
    source = file.source
    root = Table({"property": file.table("property")}, "", source, problems)
    requesters = [s.id for s in scenario.requesting_states]
    found = [read_property(t, library(), requesters) for t in root.tables("property")]
    names = [p.name for p in found if p is not None]
    for i, name in enumerate(names):
        if name in names[:i]:
            problems.append(Problem(source, "property", f"duplicate property name {name!r}"))
    if problems:
        raise ScenarioError(problems)
    return [p for p in found if p is not None]
