"""``mlasim check``: search for a request that breaks a property, and show the simplest one.

For each property of a scenario (:mod:`simulator.checking.properties`), and for each requesting State and
measure it can be about, hypothesis generates requests within the scenario's space
(:func:`simulator.checking.strategies.cases`: its offences, abuse profiles, any disguise, any reviewer luck,
any thoroughness the load effect allows) and runs each through the decision core, in the
property's scope. When one breaks the property, hypothesis
*shrinks* it to the simplest request it can find that still does, and that request is reported with
its decision trace and the provisions cited. ``monotonicity`` draws, besides the request, a stricter
configuration (:func:`simulator.checking.strategies.stricter`). ``replications`` properties are not searched
but estimated: the share of matching requests ending in the named outcomes over simulated
replications, with its confidence interval, against the bound (:mod:`simulator.checking.estimates`,
on the same backends as ``mlasim run``: ``--workers``, ``--scheduler``).

The search is deterministic for a seed, and writes no hypothesis database.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
from attrs import frozen
from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from simulator.checking import estimates, learning
from simulator.checking.properties import (
    HANDED_OVER,
    Case,
    Evaluation,
    Given,
    Property,
    ending_of,
    evaluate,
    first_observation,
    run_case,
)
from simulator.checking.search import LazyRounds, Violation, search
from simulator.checking.strategies import (
    can_match,
    cases,
    shared_refusals,
    stricter,
)
from simulator.domain.safeguards import Safeguards
from simulator.experiments import display
from simulator.experiments.executors import Backend, Serial, backend
from simulator.experiments.run import expected_requests
from simulator.experiments.stats import Estimate, estimate
from simulator.world.scenario import Scenario


@frozen
class Counterexample:
    case: Case
    evaluation: Evaluation
    stricter: Safeguards | None = None  # monotonicity: the stricter configuration
    stricter_evaluation: Evaluation | None = None
    shared: learning.SharedRefusal | None = None  # sharing: the refusal another State shared
    shared_evaluation: Evaluation | None = None  # sharing: the same life with it on file


@frozen
class PropertyResult:
    property: Property
    status: str  # held | violated | not_applicable | inconclusive
    examples: int = 0
    counterexample: Counterexample | None = None
    estimate: Estimate | None = None
    note: str = ""
    requested: str = ""  # the requested State where it was violated (several-State scenarios)
    checked: tuple[str, ...] = ()  # the requested States it was checked at
    detail: str = ""  # monitoring: the false alarm found

    @property
    def failed(self) -> bool:
        return self.status in ("violated", "inconclusive")


def strata(scenario: Scenario, given: Given) -> list[Given]:
    """``given`` narrowed to each (requesting State, measure) pair that can match it.

    Each pair is searched with its own budget, so that no route through the pipeline (a fast channel
    for preservation, a judicial standard for content) goes unexplored by chance.
    """
    narrowed = []
    for state in scenario.requesting_states:
        if given.requester is not None and state.id not in given.requester:
            continue
        for measure in state.measures.names:
            if given.measure is not None and measure not in given.measure:
                continue
            one = attrs.evolve(given, requester=frozenset({state.id}), measure=frozenset({measure}))
            if can_match(scenario, one):
                narrowed.append(one)
    return narrowed


def check_property(
    scenario: Scenario, prop: Property, max_examples: int = 50, seed: int = 0, executor: Backend | None = None
) -> PropertyResult:
    """Search for a request (and, for monotonicity, a configuration) that breaks ``prop``.

    Every (requesting State, measure) pair the property can be about is searched in turn with up to
    ``max_examples`` matching requests; the first pair with a violation gives the counterexample.
    A ``replications`` or ``monitoring`` property is estimated instead, on ``executor`` (default:
    this process).

    With several requested States, each is checked in turn (the requests whose data its providers
    hold, its channels, its case files); the first State with a violation gives the counterexample.
    """
    if prop.scope == "replications":
        return _estimate_probability(scenario, prop, seed, executor or Serial())
    if prop.scope == "monitoring":
        return _monitoring(scenario, prop, seed, executor or Serial())
    tried, checked, why_not = 0, [], []
    for state in scenario.requested_states:
        view = at(scenario, state.id)
        if prop.scope == "sharing" and (reason := learning.sharing_not_applicable(view)):
            why_not.append(reason)
            continue
        searched = False
        for given in strata(view, prop.given):
            searched = True
            count, failing = _search_stratum(view, prop, given, max_examples, seed)
            tried += count
            if failing is not None:
                checked.append(state.id)
                return PropertyResult(
                    prop, "violated", tried, failing, requested=state.id, checked=tuple(checked)
                )
        if searched:
            checked.append(state.id)
    if tried == 0:
        note = why_not[0] if why_not else "no request of this scenario matches its 'given'"
        if prop.given.channel is not None and not why_not:
            channels = ", ".join(sorted(prop.given.channel))
            note = f"no requested State offers the {channels} channel to a requester that uses it"
        return PropertyResult(prop, "not_applicable", note=note)
    return PropertyResult(prop, "held", tried, checked=tuple(checked))


def at(scenario: Scenario, state_id: str) -> Scenario:
    """``scenario`` seen from one requested State: that State first (what the checks read)."""
    if scenario.requested_state.id == state_id:
        return scenario
    first = next(s for s in scenario.requested_states if s.id == state_id)
    rest = tuple(s for s in scenario.requested_states if s.id != state_id)
    return attrs.evolve(scenario, requested_states=(first, *rest))


def _search_stratum(
    scenario: Scenario, prop: Property, given: Given, max_examples: int, seed: int
) -> tuple[int, Counterexample | None]:
    state = {"tried": 0, "failing": None}
    extra = st.none()
    if prop.scope == "monotonicity":
        extra = stricter(scenario.requested_state.safeguards)
    elif prop.scope == "sharing":
        extra = shared_refusals(scenario)
    strategy = st.tuples(cases(scenario, given, rounds=0), extra, st.data())
    requested = scenario.requested_state.id

    def test(drawn) -> None:
        case, other, data = drawn
        if scenario.several and requested not in scenario.holders(case.request.truth.target):
            reject()  # its data are not with this State's providers: no request goes there
        case = attrs.evolve(case, rounds=LazyRounds(data, case))
        if prop.scope == "monotonicity":
            found = _monotonicity(scenario, prop, case, other)
        elif prop.scope == "sharing":
            found = _sharing(scenario, prop, case, other)
        else:
            found = _plain(scenario, prop, case)
        if found is None:
            reject()  # not a request the property is about: does not count as an example
        if state["failing"] is None:
            state["tried"] += 1
        if isinstance(found, Counterexample):
            state["failing"] = found
            raise Violation

    try:
        search(strategy, test, max_examples, seed)
    except Violation:
        return state["tried"], state["failing"]
    except Unsatisfiable:
        pass
    return state["tried"], None


def _plain(scenario: Scenario, prop: Property, case: Case) -> Counterexample | bool | None:
    evaluation = evaluate(prop, case, scenario)
    if evaluation is None:
        return None
    return True if evaluation.holds else Counterexample(case, evaluation)


def _monotonicity(
    scenario: Scenario, prop: Property, case: Case, strict: Safeguards
) -> Counterexample | bool | None:
    """A refusal (or announced refusal) under the scenario must not become a grant when stricter."""
    given = prop.given
    safeguards = scenario.requested_state.safeguards
    if not given.matches_request(case.request):
        return None
    if given.about_signals and not given.matches_signals(first_observation(case, scenario), safeguards):
        return None
    base, base_commands = run_case(case, scenario, first_pass_only=True)
    stricter_scenario = scenario.with_requested_state(
        attrs.evolve(scenario.requested_state, safeguards=strict)
    )
    strict_outcome, strict_commands = run_case(case, stricter_scenario, first_pass_only=True)
    if base in ("refused", "consulted") and strict_outcome in HANDED_OVER:
        observation = first_observation(case, scenario)
        why = f"refused under the scenario, {strict_outcome} under a stricter configuration"
        return Counterexample(
            case,
            Evaluation(base, False, base_commands, observation, why),
            strict,
            Evaluation(strict_outcome, False, strict_commands, observation),
        )
    return True


def _sharing(
    scenario: Scenario, prop: Property, case: Case, shared: learning.SharedRefusal
) -> Counterexample | bool | None:
    """A refusal of the whole life must not become a grant once another State's refusal is on file."""
    given = prop.given
    if not given.matches_request(case.request):
        return None
    observation = first_observation(case, scenario)
    if given.about_signals and not given.matches_signals(observation, scenario.requested_state.safeguards):
        return None
    base, base_commands = ending_of(case, scenario)
    informed, informed_commands = ending_of(case, scenario, learning.shared_files(scenario, case, shared))
    requested = scenario.requested_state.id
    if base.outcome.value == "refused" and informed.outcome.value in HANDED_OVER:
        why = (
            f"refused without it, {informed.outcome.value} once a refusal by '{shared.origin}' "
            f"citing {shared.provision} was shared"
        )
        return Counterexample(
            case,
            Evaluation(
                base.outcome.value, False, base_commands, observation, why, base.channel.value, requested
            ),
            shared=shared,
            shared_evaluation=Evaluation(
                informed.outcome.value,
                False,
                informed_commands,
                observation,
                "",
                informed.channel.value,
                requested,
            ),
        )
    return True


def _monitoring(scenario: Scenario, prop: Property, seed: int, executor: Backend) -> PropertyResult:
    watched, early, why_not = learning.early_flags(scenario, prop, seed, executor)
    if why_not:
        return PropertyResult(prop, "not_applicable", note=why_not)
    states = tuple(learning.monitoring_states(scenario))
    replications = prop.expect.replications
    if early:
        first = early[0]
        more = f" ({len(early)} such flags in {replications} replications)" if len(early) > 1 else ""
        return PropertyResult(
            prop, "violated", watched, requested=first.requested, checked=states, detail=first.text() + more
        )
    note = f"{watched} (requested State, clean requester) pairs over {replications} replications"
    return PropertyResult(prop, "held", watched, checked=states, note=note)


def _estimate_probability(scenario: Scenario, prop: Property, seed: int, executor: Backend) -> PropertyResult:
    est = estimate(estimates.shares(scenario, prop, seed, executor), bounds=(0.0, 1.0))
    if est.n < 2:
        return PropertyResult(
            prop, "not_applicable", est.n, estimate=est, note="too few matching requests ended"
        )
    upper, lower = prop.expect.probability_at_most, prop.expect.probability_at_least
    broken = (upper is not None and est.ci_low > upper) or (lower is not None and est.ci_high < lower)
    shown = (upper is None or est.ci_high <= upper) and (lower is None or est.ci_low >= lower)
    status = "violated" if broken else ("held" if shown else "inconclusive")
    note = "" if status != "inconclusive" else "the interval straddles the bound: add replications"
    return PropertyResult(prop, status, est.n, estimate=est, note=note)


class CheckResults(tuple):
    """The verdict on each property, in order (a tuple of :class:`PropertyResult`), and what was searched."""

    def __new__(cls, results, scenario: Scenario, seed: int, max_examples: int) -> CheckResults:
        self = super().__new__(cls, results)
        self.scenario, self.seed, self.max_examples = scenario, seed, max_examples
        return self

    def counts(self) -> dict[str, int]:
        return {status: sum(r.status == status for r in self) for status in STATUSES}

    def __repr__(self) -> str:
        counts = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in self.counts().items())
        lines = [f"CheckResults({self.scenario.name!r}: {counts}; seed {self.seed})"]
        lines += [f"  {r.status}: {r.property.name}" for r in self if r.failed][:5]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = [(r.status.replace("_", " "), r.property.name, r.property.scope, r.examples) for r in self]
        caption = (
            f"{self.scenario.name}: up to {self.max_examples} matching requests per property, requesting "
            f"State and measure; seed {self.seed}"
        )
        table = display.html_table(caption, ("verdict", "property", "scope", "examples"), rows)
        return display.html("check", self, table)


STATUSES = ("held", "violated", "inconclusive", "not_applicable")


def check(
    scenario: Scenario,
    properties: list[Property],
    max_examples: int = 50,
    seed: int = 0,
    workers: int | None = 1,
    scheduler: str | None = None,
    announce: Callable[[str], None] | None = None,
) -> CheckResults:
    """Check every property; the simulated estimates run on one backend, chosen as for ``run``.

    ``workers``, ``scheduler`` and ``announce`` as for :func:`simulator.experiments.run.run`; the
    backend is started only when a ``replications`` property needs it.
    """
    monitored = bool(learning.monitoring_states(scenario))
    simulated = sum(
        p.expect.replications
        for p in properties
        if p.scope == "replications" or (p.scope == "monitoring" and monitored)
    )
    if not simulated:
        results = [check_property(scenario, p, max_examples, seed) for p in properties]
    else:
        with backend(workers, scheduler, work=simulated * expected_requests(scenario)) as executor:
            if announce:
                announce(executor.name)
            results = [check_property(scenario, p, max_examples, seed, executor) for p in properties]
    return CheckResults(results, scenario, seed, max_examples)
