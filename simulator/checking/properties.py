"""Properties of a safeguard configuration: what must (never) happen to which requests.

Averages hide the worst case. A property states something a configuration should guarantee, for
example "no abusive request that carries substantial grounds to believe it persecutes is granted",
as

- a **scope**: the first screening pass (``decision``), a request's whole life with queries and
  consultations (``lifecycle``), a comparison with a stricter configuration (``monotonicity``), or
  the share of requests over simulated replications (``replications``);
- a **given**: which requests it is about, by hidden truth (abusive, protected ground, conduct),
  by what they state (measure, offence, requesting State, complete documentation), or by the
  signals a reviewer perceives when first screening them (grounds-to-believe evidence at least some
  value, person recognised as at risk, disguise seen through);
- an **expect**: outcomes the request must (not) end in, that every refusal cites an enabled
  provision, or a bound on a probability.

Properties live in ``[[property]]`` tables of a scenario file or in the built-in library
(``simulator/domain/data/properties.toml``). :func:`evaluate` decides one request against one
property; the search for a violating request is :mod:`simulator.checking.check`'s.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from typing import Any

from attrs import frozen

from simulator.domain import rules
from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.model import PROTECTED_GROUNDS, Measure, Observation, Request, Verdict
from simulator.domain.provisions import catalogue as provision_catalogue
from simulator.domain.safeguards import Safeguards
from simulator.domain.signals import ReviewContext, observe
from simulator.files.reader import Problem, ScenarioError, Table, suggestion
from simulator.world.lifecycle import Decided, life, settle
from simulator.world.requesters import screening_draws
from simulator.world.scenario import RequestingState, Scenario

SCOPES = ("decision", "lifecycle", "monotonicity", "replications")
#: What a first screening pass can end in, by verdict.
PASS_OUTCOMES = {
    Verdict.GRANT: "granted",
    Verdict.CONDITIONAL_GRANT: "conditionally_granted",
    Verdict.REFUSE: "refused",
    Verdict.CONSULT: "consulted",
    Verdict.REQUEST_INFORMATION: "information_requested",
    Verdict.POSTPONE: "postponed",
}
OUTCOMES = (*PASS_OUTCOMES.values(), "withdrawn", "handed_over")
HANDED_OVER = frozenset({"granted", "conditionally_granted"})
_NOT_DECISIVE = (Verdict.PROCEED, Verdict.POSTPONE)  # a postponed execution goes on to its decision


def expand(outcomes: frozenset[str]) -> frozenset[str]:
    return (outcomes - {"handed_over"}) | (HANDED_OVER if "handed_over" in outcomes else frozenset())


@frozen
class Given:
    """Which requests a property is about (None: any)."""

    abusive: bool | None = None
    protected_ground: frozenset[str] | None = None
    measure: frozenset[str] | None = None
    offence: frozenset[str] | None = None  # the label; "convention" stands for Arts 7-17
    conduct: frozenset[str] | None = None
    requester: frozenset[str] | None = None
    documentation_complete: bool | None = None
    min_evidence: float | None = None  # signals perceived at the first screening
    target_recognised: bool | None = None
    disguise_penetrated: bool | None = None

    @property
    def about_signals(self) -> bool:
        return any(
            v is not None for v in (self.min_evidence, self.target_recognised, self.disguise_penetrated)
        )

    def matches_request(self, request: Request) -> bool:
        sub, truth = request.submission, request.truth
        tests = (
            (self.abusive, truth.abusive),
            (self.documentation_complete, sub.documentation_gaps == 0),
        )
        if any(want is not None and want != have for want, have in tests):
            return False
        sets = (
            (self.protected_ground, truth.protected_ground),
            (self.measure, sub.measure.value),
            (self.offence, sub.offence),
            (self.conduct, truth.conduct),
            (self.requester, sub.requester),
        )
        return all(allowed is None or value in allowed for allowed, value in sets)

    def matches_signals(self, observation: Observation, safeguards: Safeguards) -> bool:
        if self.target_recognised is not None and observation.target_recognised != self.target_recognised:
            return False
        if (
            self.disguise_penetrated is not None
            and observation.disguise_penetrated != self.disguise_penetrated
        ):
            return False
        return (
            self.min_evidence is None
            or rules.persecution_evidence(observation, safeguards) >= self.min_evidence
        )


@frozen
class Expect:
    outcome_in: frozenset[str] | None = None
    outcome_not_in: frozenset[str] | None = None
    cites_enabled_provision: bool = False
    never_cites: frozenset[str] | None = None  # no refusal (or consultation) may cite these provisions
    probability_at_most: float | None = None
    probability_at_least: float | None = None
    replications: int = 10

    def allows(self, outcome: str) -> bool:
        if self.outcome_in is not None and outcome not in expand(self.outcome_in):
            return False
        return self.outcome_not_in is None or outcome not in expand(self.outcome_not_in)


@frozen
class Property:
    name: str
    description: str
    scope: str
    given: Given
    expect: Expect


@frozen
class Case:
    """One request to test a property on: the request, its requester, how thorough the review is,
    and the uniform draws of each screening round (a sequence of blocks, or a function of the
    round index that supplies them on demand)."""

    request: Request
    requester: RequestingState
    thoroughness: float
    rounds: Sequence[Sequence[float]] | Callable[[int], Sequence[float]]

    def draws_for_round(self, index: int) -> Sequence[float]:
        if callable(self.rounds):
            return self.rounds(index)
        return list(self.rounds[min(index, len(self.rounds) - 1)])


@frozen
class Evaluation:
    outcome: str
    holds: bool
    commands: tuple  # what happened (lifecycle commands), for the counterexample's trace
    observation: Observation  # what the first reviewer perceived
    why: str = ""


def context_for(scenario: Scenario, requester: RequestingState) -> ReviewContext:
    requested = scenario.requested_state
    return ReviewContext(
        requester.rights_record,
        requester.data_protection_adequate,
        requested.criminalised,
        requested.target_visibility,
    )


def first_observation(case: Case, scenario: Scenario) -> Observation:
    draws = screening_draws(case.draws_for_round(0))
    return observe(case.request, context_for(scenario, case.requester), case.thoroughness, draws)


def run_case(case: Case, scenario: Scenario, first_pass_only: bool) -> tuple[str, tuple]:
    """The outcome of ``case`` (first pass, or whole life) and the commands that led there."""
    steps = life(
        case.request,
        case.requester,
        scenario.requested_state,
        context_for(scenario, case.requester),
        case.draws_for_round,
    )
    if not first_pass_only:
        ending, commands = settle(steps, case.thoroughness)
        return ending.outcome.value, tuple(commands)
    # the first round only, up to the first decisive stage (a postponed execution goes on to decide)
    _, commands = settle(steps, case.thoroughness, until=_decisive)
    return PASS_OUTCOMES[commands[-1].decision.verdict], tuple(commands)


def _decisive(command) -> bool:
    return isinstance(command, Decided) and command.decision.verdict not in _NOT_DECISIVE


def evaluate(prop: Property, case: Case, scenario: Scenario) -> Evaluation | None:
    """Whether ``case`` satisfies ``prop`` (None when the property is not about this request)."""
    if not prop.given.matches_request(case.request):
        return None
    safeguards = scenario.requested_state.safeguards
    observation = first_observation(case, scenario)
    if not prop.given.matches_signals(observation, safeguards):
        return None
    outcome, commands = run_case(case, scenario, first_pass_only=prop.scope == "decision")
    if prop.expect.cites_enabled_provision or prop.expect.never_cites:
        enabled = rules.enabled_provisions(safeguards)
        for command in commands:
            decision = getattr(command, "decision", None)
            refusing = decision is not None and decision.verdict in (Verdict.REFUSE, Verdict.CONSULT)
            if not refusing:
                continue
            why = ""
            if prop.expect.cites_enabled_provision and decision.provision not in enabled:
                why = f"refusal cites {decision.provision}, which this configuration does not apply"
            elif prop.expect.cites_enabled_provision and not decision.reason.strip():
                why = "refusal gives no reason (Art 40(24))"
            elif prop.expect.never_cites and decision.provision in prop.expect.never_cites:
                why = f"refusal cites {decision.provision}, which may never ground a refusal"
            if why:
                return Evaluation(outcome, False, commands, observation, why)
    return Evaluation(outcome, prop.expect.allows(outcome), commands, observation)


# --- reading properties -------------------------------------------------------------------------
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
    )
    t.finish()
    return given


def _read_expect(t: Table, scope: str) -> Expect:
    def outcomes(key: str) -> frozenset[str]:
        return frozenset(t.names(key, OUTCOMES))

    expect = Expect(
        outcome_in=_optional(t, "outcome_in", outcomes),
        outcome_not_in=_optional(t, "outcome_not_in", outcomes),
        cites_enabled_provision=t.flag("cites_enabled_provision", False),
        never_cites=_optional(
            t, "never_cites", lambda key: frozenset(t.names(key, list(provision_catalogue())))
        ),
        probability_at_most=_optional(t, "probability_at_most", t.probability),
        probability_at_least=_optional(t, "probability_at_least", t.probability),
        replications=int(t.number("replications", 10, minimum=2, integer=True)),
    )
    t.finish()
    bounded = expect.probability_at_most is not None or expect.probability_at_least is not None
    if (scope == "replications") != bounded:
        t.problem(None, 'a probability bound goes with scope = "replications", and only there')
    if scope in ("decision", "lifecycle") and not (
        expect.outcome_in or expect.outcome_not_in or expect.cites_enabled_provision or expect.never_cites
    ):
        t.problem(
            None, "says nothing: give outcome_in, outcome_not_in, cites_enabled_provision or never_cites"
        )
    if scope == "replications" and not expect.outcome_in:
        t.problem(None, "a probability bound needs outcome_in: the outcomes whose probability is bounded")
    return expect


def read_property(t: Table, library: Mapping[str, Property], requesters: list[str]) -> Property | None:
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
    if scope == "replications" and given.about_signals:
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


def read_properties(document: Mapping[str, Any], source: str, scenario: Scenario) -> list[Property]:
    """The file's ``[[property]]`` tables, or the whole built-in library when it has none."""
    if "property" not in document:
        return list(library().values())
    problems: list[Problem] = []
    root = Table({"property": document["property"]}, "", source, problems)
    requesters = [s.id for s in scenario.requesting_states]
    found = [read_property(t, library(), requesters) for t in root.tables("property")]
    names = [p.name for p in found if p is not None]
    for i, name in enumerate(names):
        if name in names[:i]:
            problems.append(Problem(source, "property", f"duplicate property name {name!r}"))
    if problems:
        raise ScenarioError(problems)
    return [p for p in found if p is not None]
