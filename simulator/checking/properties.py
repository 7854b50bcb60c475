"""Properties of a safeguard configuration: what must (never) happen to which requests.

Averages hide the worst case. A property states something a configuration should guarantee, for
example "no abusive request that carries substantial grounds to believe it persecutes is granted",
as

- a **scope**: the first screening pass (``decision``), a request's whole life with queries and
  consultations (``lifecycle``), a comparison with a stricter configuration (``monotonicity``), a
  comparison with the same life after another requested State shared a refusal (``sharing``), the
  share of requests over simulated replications (``replications``), or what monitoring flags over
  simulated replications (``monitoring``);
- a **given**: which requests it is about, by hidden truth (abusive, protected ground, conduct),
  by what they state (measure, offence, requesting State, complete documentation, the channel it
  takes), or by the signals a reviewer perceives when first screening them (grounds-to-believe
  evidence at least some value, person recognised as at risk, disguise seen through, a false
  emergency seen through by the 24/7 point of contact);
- an **expect**: outcomes the request must (not) end in, that every refusal cites an enabled
  provision, channels through which no data may be handed over, a bound on a probability, or the
  number of decided requests within which monitoring never flags a requester with no abuse.

A request on a fast channel (its ``channel`` is not ``mla``) lives the channel's life at the 24/7
point of contact (:func:`simulator.world.lifecycle.channel_life`), as in the simulation, when the
requested State offers that channel; otherwise it goes through MLA. In a scenario with several
requested States each property is checked at each of them (see :mod:`simulator.checking.check`).

Properties live in ``[[property]]`` tables of a scenario file or in the built-in library
(``simulator/domain/data/properties.toml``), read by :mod:`simulator.checking.reading`.
:func:`evaluate` decides one request against one property; the search for a violating request is
:mod:`simulator.checking.check`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from attrs import frozen

from simulator.domain import grounds
from simulator.domain.direct import refusal_provisions
from simulator.domain.model import Channel, Observation, Request, Stage, Verdict
from simulator.domain.safeguards import Safeguards
from simulator.domain.signals import ReviewContext, observe
from simulator.world.lifecycle import (
    CaseFiles,
    Decided,
    Ending,
    Review,
    Venue,
    as_lived,
    fast_route,
    lived,
    settle,
)
from simulator.world.requesters import ROUTING_SLOTS, screening_draws
from simulator.world.scenario import RequestingState, Scenario

if TYPE_CHECKING:
    from simulator.checking.learning import SharedRefusal

SCOPES = ("decision", "lifecycle", "monotonicity", "sharing", "replications", "monitoring")
#: Scopes estimated over simulated replications rather than searched with hypothesis.
SIMULATED = ("replications", "monitoring")
#: Scopes whose properties judge a request's own life, drawing nothing else: properties of one of
#: these scopes with the same ``given`` reject the same requests and read the same draws.
SHARED_LIFE = ("decision", "lifecycle")
#: What a first screening pass can end in, by verdict.
PASS_OUTCOMES = {
    Verdict.GRANT: "granted",
    Verdict.PARTIAL_GRANT: "granted",  # a provider's partial production: some data handed over
    Verdict.CONDITIONAL_GRANT: "conditionally_granted",
    Verdict.REFUSE: "refused",
    Verdict.CONSULT: "consulted",
    Verdict.REQUEST_INFORMATION: "information_requested",
    Verdict.POSTPONE: "postponed",
    Verdict.PRESERVE: "preserved",  # Art 42: data frozen, nothing handed over
    Verdict.REDIRECT: "redirected",  # a false emergency seen through, sent on to MLA (Art 2(o))
}
OUTCOMES = (*PASS_OUTCOMES.values(), "withdrawn", "handed_over")
CHANNELS = tuple(c.value for c in Channel)
HANDED_OVER = frozenset({"granted", "conditionally_granted"})
_NOT_DECISIVE = (Verdict.PROCEED, Verdict.POSTPONE)  # a postponed execution goes on to its decision


def expand(outcomes: frozenset[str]) -> frozenset[str]:
    """The outcomes named, with ``handed_over`` standing for every outcome that hands data over."""
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
    channel: frozenset[str] | None = None  # the channel the request takes (Channel values)
    emergency_seen_through: bool | None = None  # the 24/7 point of contact saw through a false claim
    excluded_target: bool | None = None  # its target is one the State's executive agreement excludes
    provider_jurisdiction: frozenset[str] | None = None  # whose law binds the provider holding its data

    @property
    def about_signals(self) -> bool:
        """Whether the condition is on what the reviewer perceived (evidence, recognition, a disguise, an
        emergency)."""
        signals = (self.min_evidence, self.target_recognised, self.disguise_penetrated)
        return any(v is not None for v in (*signals, self.emergency_seen_through))

    def matches_request(self, request: Request) -> bool:
        """Whether ``request`` is one the property is about (its truth, documentation, requester, measure,
        offence, channel)."""
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
            (self.channel, sub.channel.value),
        )
        return all(allowed is None or value in allowed for allowed, value in sets)

    def matches_signals(self, observation: Observation, safeguards: Safeguards) -> bool:
        """Whether what the first reviewer perceived meets the condition on signals, under ``safeguards``."""
        if self.target_recognised is not None and observation.target_recognised != self.target_recognised:
            return False
        if (
            self.disguise_penetrated is not None
            and observation.disguise_penetrated != self.disguise_penetrated
        ):
            return False
        return (
            self.min_evidence is None
            or grounds.persecution_evidence(observation, safeguards) >= self.min_evidence
        )


@frozen
class Expect:
    """What a property expects of the requests it is about: outcomes, citations, channels, or a
    probability."""

    outcome_in: frozenset[str] | None = None
    outcome_not_in: frozenset[str] | None = None
    cites_enabled_provision: bool = False
    never_cites: frozenset[str] | None = None  # no refusal (or consultation) may cite these provisions
    probability_at_most: float | None = None
    probability_at_least: float | None = None
    replications: int = 10
    never_hands_over_through: frozenset[str] | None = None  # channels no data may be handed over through
    not_flagged_within: int | None = None  # monitoring: decided requests of a clean requester
    provider_refusal_final: bool = False  # a provider's refusal is never followed by data handed over

    def allows(self, outcome: str) -> bool:
        """Whether a request ending in ``outcome`` satisfies the expected outcomes."""
        if self.outcome_in is not None and outcome not in expand(self.outcome_in):
            return False
        return self.outcome_not_in is None or outcome not in expand(self.outcome_not_in)


@frozen
class Property:
    """A property of a configuration: its name, what it says, its scope, the requests it is about, what it
    expects."""

    name: str
    description: str
    scope: str
    given: Given
    expect: Expect


@frozen
class Case:
    """One request to test a property on: the request, its requester, how thorough the review is,
    and the uniform draws of each screening round (a sequence of blocks, or a function of the
    round index that supplies them on demand), and for a fast-channel request its routing draws
    (:class:`~simulator.world.requesters.RoutingSlot`: the detection of a false emergency...)."""

    request: Request
    requester: RequestingState
    thoroughness: float
    rounds: Sequence[Sequence[float]] | Callable[[int], Sequence[float]]
    routing: Sequence[float] | None = None

    def draws_for_round(self, index: int) -> Sequence[float]:
        """The uniforms of screening round ``index`` (the last given round repeats after it)."""
        if callable(self.rounds):
            return self.rounds(index)
        return list(self.rounds[min(index, len(self.rounds) - 1)])


@frozen
class Evaluation:
    """How one request's whole life ended and whether the property held, with what to show as a
    counterexample."""

    outcome: str
    holds: bool
    commands: tuple  # what happened (lifecycle commands), for the counterexample's trace
    observation: Observation  # what the first reviewer perceived
    why: str = ""
    channel: str = "mla"  # the channel the request ended in (a redirected false emergency: mla)
    requested: str = ""  # the requested State that screened it


@frozen
class Counterexample:
    """A case that breaks a property, with what happened to it (and, for monotonicity and sharing,
    what happened under the stricter configuration or with the shared refusal on file)."""

    case: Case
    evaluation: Evaluation
    stricter: Safeguards | None = None  # monotonicity: the stricter configuration
    stricter_evaluation: Evaluation | None = None
    shared: SharedRefusal | None = None  # sharing: the refusal another State shared
    shared_evaluation: Evaluation | None = None  # sharing: the same life with it on file


def context_for(scenario: Scenario, requester: RequestingState) -> ReviewContext:
    """What the scenario's (first) requested State's reviewers know of ``requester``."""
    requested = scenario.requested_state
    return ReviewContext(
        requester.rights_record,
        requester.data_protection_adequate,
        requested.criminalised,
        requested.target_visibility,
    )


def first_observation(case: Case, scenario: Scenario) -> Observation:
    """What the first reviewer perceives of the case's request, at the case's thoroughness."""
    draws = screening_draws(case.draws_for_round(0))
    return observe(case.request, context_for(scenario, case.requester), case.thoroughness, draws)


def channels_of(scenario: Scenario):
    """The fast channels the scenario's (first) requested State offers."""
    from simulator.world.authority import offered_channels  # SimPy's: loaded when a life is run

    return offered_channels(scenario.requested_state)


def steps_of(case: Case, scenario: Scenario, case_files: CaseFiles | None = None):
    """The life of ``case`` at the scenario's (first) requested State, as the simulation lives it."""
    routing = case.routing if case.routing is not None else [0.5] * ROUTING_SLOTS
    requested = scenario.requested_state
    context = context_for(scenario, case.requester)
    venue = Venue(case.requester, requested, context, channels_of(scenario), case_files)
    return lived(case.request, venue, case.draws_for_round, list(routing))


def ending_of(case: Case, scenario: Scenario, case_files: CaseFiles | None = None) -> tuple[Ending, tuple]:
    """How ``case``'s whole life ends (with ``case_files``, or fresh ones) and its commands."""
    ending, commands = settle(steps_of(case, scenario, case_files), case.thoroughness)
    return ending, tuple(commands)


def run_case(case: Case, scenario: Scenario, first_pass_only: bool) -> tuple[str, tuple]:
    """The outcome of ``case`` (first pass, or whole life) and the commands that led there."""
    if not first_pass_only:
        ending, commands = ending_of(case, scenario)
        return ending.outcome.value, commands
    # the first round only, up to the first decisive stage (a postponed execution goes on to decide)
    _, commands = settle(steps_of(case, scenario), case.thoroughness, until=_decisive)
    return PASS_OUTCOMES[commands[-1].decision.verdict], tuple(commands)


def emergency_seen_through(case: Case, commands: tuple) -> bool:
    """Whether the 24/7 point of contact saw through the request's emergency claim (Art 2(o))."""
    if not case.request.submission.emergency_claim:
        return False
    first = next((c for c in commands if isinstance(c, Decided)), None)
    return first is not None and not first.observation.emergency_credible


def _decisions(commands: tuple):
    return (c.decision for c in commands if isinstance(c, Decided))


def _provider_refusal(decision, channel: str) -> bool:
    """A provider's own refusal (not "no data held", which is no decision on the request) after which
    data left through ``channel``: any, for a refusal; any but MLA for a request it sent back to MLA
    (there the requested State decides, as it should)."""
    if decision.stage is not Stage.PROVIDER or decision.provision == "provider-no-data":
        return False
    return decision.verdict is Verdict.REFUSE or (decision.verdict is Verdict.REDIRECT and channel != "mla")


def _about_provider(given: Given, case: Case, scenario: Scenario, commands: tuple) -> bool:
    """Whether the request is one ``given`` is about by its target's exclusion under the State's
    executive agreement and by the law binding the provider that reviewed it."""
    state = scenario.requested_state
    if given.excluded_target is not None:
        excluded = case.request.truth.target in state.direct_rules.executive_agreement.excluded_targets
        if excluded != given.excluded_target:
            return False
    if given.provider_jurisdiction is not None:
        reviewed = [c.provider for c in commands if isinstance(c, Review) and c.provider]
        laws = {p.id: p.rules.law.jurisdiction.value for p in state.providers}
        if not reviewed or laws.get(reviewed[0]) not in given.provider_jurisdiction:
            return False
    return True


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
    if prop.scope == "decision":
        outcome, commands = run_case(case, scenario, first_pass_only=True)
        fast = fast_route(case.request, channels_of(scenario))
        channel = as_lived(case.request).submission.channel.value if fast else "mla"
    else:
        ending, commands = ending_of(case, scenario)
        outcome, channel = ending.outcome.value, ending.channel.value
    if prop.given.emergency_seen_through is not None and (
        emergency_seen_through(case, commands) != prop.given.emergency_seen_through
    ):
        return None
    if not _about_provider(prop.given, case, scenario, commands):
        return None
    requested = scenario.requested_state.id
    if prop.expect.provider_refusal_final and outcome in HANDED_OVER:
        refused = next((d for d in _decisions(commands) if _provider_refusal(d, channel)), None)
        if refused is not None:
            why = f"the provider declined ({refused.provision}), yet data were handed over through {channel}"
            return Evaluation(outcome, False, commands, observation, why, channel, requested)
    through = prop.expect.never_hands_over_through
    if through and outcome in HANDED_OVER and channel in through:
        why = f"data handed over through the {channel.replace('_', ' ')} channel"
        return Evaluation(outcome, False, commands, observation, why, channel, requested)
    if prop.expect.cites_enabled_provision or prop.expect.never_cites:
        state = scenario.requested_state
        providers = (p.rules for p in state.providers)
        enabled = grounds.enabled_provisions(safeguards) | refusal_provisions(state.direct_rules, providers)
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
                return Evaluation(outcome, False, commands, observation, why, channel, requested)
    return Evaluation(outcome, prop.expect.allows(outcome), commands, observation, "", channel, requested)
