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
replications, with its confidence interval, against the bound (:mod:`simulator.checking.estimates`).

A check is cut into independent tasks: each (property, requested State, requesting State, measure)
stratum's search (:mod:`simulator.checking.stratum`) and each batch of simulated replications. They
run on the same backends as ``mlasim run`` (``--workers``, ``--scheduler``; by default every core once
the work is large enough to pay for worker processes), and each property's verdict is assembled
from its strata in order, so the verdicts, the examples counted and the counterexamples are the same
on one process or many. The search is deterministic for a seed, and writes no hypothesis database.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
from attrs import frozen

from simulator.checking import estimates, learning
from simulator.checking.properties import SHARED_LIFE, SIMULATED, Counterexample, Given, Property
from simulator.checking.space import can_match
from simulator.experiments import display
from simulator.experiments.execution import DEFAULT_EXECUTION, Execution
from simulator.experiments.executors import Backend, Serial
from simulator.experiments.run import expected_requests
from simulator.experiments.stats import Estimate, estimate
from simulator.world.scenario import Scenario


@frozen
class PropertyResult:
    """The verdict on one property, and what it rests on: the examples counted, a counterexample or an
    estimate."""

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
        """Whether the verdict fails the check (exit status 1): violated, or inconclusive."""
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


@frozen
class Stratum:
    """One search of a property: at a requested State, over one (requesting State, measure) pair."""

    requested: str
    given: Given


@frozen
class SearchPlan:
    """A searched property's strata in the order they are tried, and why requested States were left out."""

    strata: tuple[Stratum, ...]
    why_not: tuple[str, ...] = ()


def plan(scenario: Scenario, prop: Property) -> SearchPlan:
    """The strata of ``prop``: each requested State in turn, each pair that can match at it."""
    found, why_not = [], []
    for state in scenario.requested_states:
        view = at(scenario, state.id)
        if prop.scope == "sharing" and (reason := learning.sharing_not_applicable(view)):
            why_not.append(reason)
            continue
        found += [Stratum(state.id, given) for given in strata(view, prop.given)]
    return SearchPlan(tuple(found), tuple(why_not))


def searched(task: tuple[Scenario, Property, Stratum, int, int]) -> tuple[int, Counterexample | None]:
    """A task: one stratum's search (:func:`~simulator.checking.stratum.search_stratum`)."""
    from simulator.checking.stratum import search_stratum  # hypothesis: only where a search runs

    scenario, prop, stratum, max_examples, seed = task
    return search_stratum(at(scenario, stratum.requested), prop, stratum.given, max_examples, seed)


def searched_together(
    task: tuple[Scenario, tuple[Property, ...], Stratum, int, int],
) -> list[tuple[int, Counterexample | None]]:
    """A task: one stratum's search for properties that share it, each property's result as
    :func:`searched` gives it (:func:`~simulator.checking.stratum.search_stratum_together`)."""
    from simulator.checking.stratum import search_stratum_together

    scenario, props, stratum, max_examples, seed = task
    return search_stratum_together(at(scenario, stratum.requested), props, stratum.given, max_examples, seed)


def _sharing_groups(properties: list[Property], plans: dict[int, SearchPlan]) -> list[tuple[int, ...]]:
    """The searched properties, those that can share their searches together (one scope whose
    properties judge the same life, one ``given``), in order of their first member."""
    groups: dict[object, list[int]] = {}
    for i in plans:
        prop = properties[i]
        groups.setdefault((prop.scope, prop.given) if prop.scope in SHARED_LIFE else i, []).append(i)
    return [tuple(members) for members in groups.values()]


def verdict(prop: Property, searches: SearchPlan, results) -> PropertyResult:
    """The verdict from the strata's results (tried, counterexample), in order: all of them, or those
    up to the first violation, which gives the counterexample; the examples are those tried up to it."""
    tried, checked = 0, []
    for stratum, (count, failing) in zip(searches.strata, results, strict=False):
        tried += count
        if stratum.requested not in checked:
            checked.append(stratum.requested)
        if failing is not None:
            return PropertyResult(
                prop, "violated", tried, failing, requested=stratum.requested, checked=tuple(checked)
            )
    if tried == 0:
        why_not = searches.why_not
        note = why_not[0] if why_not else "no request of this scenario matches its 'given'"
        if prop.given.channel is not None and not why_not:
            channels = ", ".join(sorted(prop.given.channel))
            note = f"no requested State offers the {channels} channel to a requester that uses it"
        return PropertyResult(prop, "not_applicable", note=note)
    return PropertyResult(prop, "held", tried, checked=tuple(checked))


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
    if prop.scope in SIMULATED:
        executor = executor or Serial()
        found: dict[int, object] = {}
        for _, results in executor.map(_perform, _simulations(scenario, prop, seed, executor)):
            found.update(results)
        return _simulated(scenario, prop, found)
    searches, results = plan(scenario, prop), []
    for stratum in searches.strata:
        results.append(searched((scenario, prop, stratum, max_examples, seed)))
        if results[-1][1] is not None:
            break
    return verdict(prop, searches, results)


def at(scenario: Scenario, state_id: str) -> Scenario:
    """``scenario`` seen from one requested State: that State first (what the checks read)."""
    if scenario.requested_state.id == state_id:
        return scenario
    first = next(s for s in scenario.requested_states if s.id == state_id)
    rest = tuple(s for s in scenario.requested_states if s.id != state_id)
    return attrs.evolve(scenario, requested_states=(first, *rest))


def _perform(job: tuple[Callable, object]):
    """What a backend runs: one task of a check (a stratum's search, a batch of replications)."""
    function, task = job
    return function(task)


def _simulations(scenario: Scenario, prop: Property, seed: int, executor: Backend):
    """The jobs of a simulated property: batches of its replications."""
    if prop.scope == "replications":
        return ((estimates.matching_shares, t) for t in estimates.share_tasks(scenario, prop, seed, executor))
    if learning.monitoring_not_applicable(scenario, prop):
        return iter(())
    return ((estimates.monitoring_flags, t) for t in learning.flag_tasks(scenario, prop, seed, executor))


def _simulated(scenario: Scenario, prop: Property, found: dict) -> PropertyResult:
    """A simulated property's verdict from what each replication found (by replication)."""
    if prop.scope == "replications":
        return _estimate_probability(prop, [found[r] for r in range(prop.expect.replications)])
    return _monitoring(scenario, prop, found)


def _monitoring(scenario: Scenario, prop: Property, found: dict) -> PropertyResult:
    if why_not := learning.monitoring_not_applicable(scenario, prop):
        return PropertyResult(prop, "not_applicable", note=why_not)
    watched, early = learning.early_from(scenario, prop, found)
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


def _estimate_probability(prop: Property, shares: list[float]) -> PropertyResult:
    est = estimate(shares, bounds=(0.0, 1.0))
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
        """``results`` in order, kept with the scenario, the seed and the ``max_examples`` of the check."""
        self = super().__new__(cls, results)
        self.scenario, self.seed, self.max_examples = scenario, seed, max_examples
        return self

    def counts(self) -> dict[str, int]:
        """How many properties ended with each status, every status listed (zero included)."""
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


#: An example searched costs about what this many simulated requests cost (some 2 ms against 150-220
#: microseconds): how a check's search counts against ``PARALLEL_THRESHOLD`` when choosing a backend.
EXAMPLE_REQUESTS = 10


def check(
    scenario: Scenario,
    properties: list[Property],
    max_examples: int = 50,
    seed: int = 0,
    execution: Execution = DEFAULT_EXECUTION,
) -> CheckResults:
    """Check every property on one backend, chosen as for ``run``: every stratum's search and every
    batch of simulated replications is a task of its own.

    ``execution`` says where (:class:`~simulator.experiments.execution.Execution`, as for
    :func:`simulator.experiments.run.run`); its backend is announced when it simulates or runs worker
    processes. The verdicts are those of
    :func:`check_property` on each property, whatever the backend: each stratum's search depends only
    on the scenario, the property, the stratum and the seed, and a property's verdict is assembled
    from its strata in order (the strata after its first violation are not searched, or their
    results dropped when a worker had already started them).
    """
    plans = {i: plan(scenario, p) for i, p in enumerate(properties) if p.scope not in SIMULATED}
    monitored = bool(learning.monitoring_states(scenario))
    simulated = sum(
        p.expect.replications
        for p in properties
        if p.scope == "replications" or (p.scope == "monitoring" and monitored)
    )
    examples = max_examples * sum(len(searches.strata) for searches in plans.values())
    work = simulated * expected_requests(scenario) + EXAMPLE_REQUESTS * examples
    with execution.backend(work=work) as executor:
        if execution.announce and (simulated or not isinstance(executor, Serial)):
            execution.announce(executor.name)
        found = _run(scenario, properties, plans, max_examples, seed, executor)
    results = []
    for i, prop in enumerate(properties):
        if i in plans:
            strata_found = found[i]
            results.append(verdict(prop, plans[i], [strata_found[k] for k in sorted(strata_found)]))
        else:
            results.append(_simulated(scenario, prop, found[i]))
    return CheckResults(results, scenario, seed, max_examples)


def _run(scenario, properties, plans, max_examples, seed, executor) -> dict[int, dict]:
    """Every task of a check on ``executor``: per property, what its tasks found (strata's results by
    stratum, up to its first violation; simulated replications' by replication)."""
    found: dict[int, dict] = {i: {} for i in range(len(properties))}
    first_violation: dict[int, int] = {}
    keys: list[tuple[tuple[int, ...], int]] = []  # (properties, stratum or -1: replications), by task
    groups = _sharing_groups(properties, plans)

    def jobs():
        for i, prop in enumerate(properties):  # the longest tasks first
            if i not in plans:
                for job in _simulations(scenario, prop, seed, executor):
                    keys.append(((i,), -1))
                    yield job
        # the strata in turn (the first of each property, then the second...): a property's next
        # stratum is handed out only once the others have had theirs, by when its last one has
        # often ended, and if that one found a violation the next is not searched at all
        longest = max((len(searches.strata) for searches in plans.values()), default=0)
        for k in range(longest):
            for group in groups:
                wanted = tuple(
                    i for i in group if k < len(plans[i].strata) and k <= first_violation.get(i, k)
                )
                if not wanted:
                    continue
                keys.append((wanted, k))
                stratum = plans[wanted[0]].strata[k]
                if len(wanted) == 1:
                    yield searched, (scenario, properties[wanted[0]], stratum, max_examples, seed)
                else:
                    props = tuple(properties[i] for i in wanted)
                    yield searched_together, (scenario, props, stratum, max_examples, seed)

    for index, result in executor.map(_perform, jobs()):
        members, k = keys[index]
        if k < 0:
            found[members[0]].update(result)
            continue
        for i, one in zip(members, [result] if len(members) == 1 else result, strict=True):
            found[i][k] = one
            if one[1] is not None and k < first_violation.get(i, len(plans[i].strata)):
                first_violation[i] = k
    for i, stop in first_violation.items():
        found[i] = {k: r for k, r in found[i].items() if k <= stop}
    return found
