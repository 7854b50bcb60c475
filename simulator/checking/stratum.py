"""Searching one stratum: one property, at one requested State, for one (requesting State, measure).

:func:`search_stratum` is the unit of ``mlasim check``'s search (:mod:`simulator.checking.check`
cuts a check into these and runs them on a backend): hypothesis generates up to ``max_examples``
requests the property is about, each run through the decision core in the property's scope
(the first screening pass, the whole life, the same request under a stricter configuration, or
with a refusal another State shared on file), and when one breaks the property it is *shrunk* to the
simplest request that still does. Requests the property is not about are rejected and do not count.

A stratum's search depends only on the scenario, the property, the stratum and the seed, not on
which process runs it or what it ran before; its result (the examples tried before the first
violation and the shrunk counterexample) is plain data that can be sent between processes: the
counterexample's round draws are the values its life read (:meth:`LazyRounds.drawn`).
"""

from __future__ import annotations

import attrs
from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from simulator.checking import learning
from simulator.checking.properties import (
    HANDED_OVER,
    Case,
    Counterexample,
    Evaluation,
    Given,
    Property,
    ending_of,
    evaluate,
    first_observation,
    run_case,
)
from simulator.checking.search import LazyRounds, Violation, search
from simulator.checking.strategies import cases, shared_refusals, stricter
from simulator.domain.safeguards import Safeguards
from simulator.world.scenario import Scenario


def search_stratum(
    scenario: Scenario, prop: Property, given: Given, max_examples: int, seed: int
) -> tuple[int, Counterexample | None]:
    """(requests tried before the first violation, or all tried; the shrunk counterexample or None)
    for ``prop`` at ``scenario``'s (first) requested State, over requests matching ``given``."""
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
        return state["tried"], _settled(state["failing"])
    except Unsatisfiable:
        pass
    return state["tried"], None


class _Diverged(BaseException):
    """A property of a shared search broke (or judged a request the others did not): from here its
    search would differ from the others', so each is searched on its own. Not an ``Exception``:
    hypothesis lets it through at once instead of shrinking it."""


def search_stratum_together(
    scenario: Scenario, props: tuple[Property, ...], given: Given, max_examples: int, seed: int
) -> list[tuple[int, Counterexample | None]]:
    """:func:`search_stratum` for each of ``props`` (one scope of
    :data:`~simulator.checking.properties.SHARED_LIFE`, one ``given``), with one search while they all
    hold.

    Hypothesis's course depends only on the strategy, the seed, the draws each request's life reads
    and whether the test rejected, passed or failed it. Properties of one scope and one ``given``
    reject the same requests and their lives read the same draws, so while every one of them holds,
    their searches are one and the same: each request is judged by all of them. The moment one breaks
    (its search would start shrinking), the shared search stops and each property is searched on its
    own, from the start: the results are those of separate searches, always.
    """
    if len(props) == 1:
        return [search_stratum(scenario, props[0], given, max_examples, seed)]
    tried = [0]
    strategy = st.tuples(cases(scenario, given, rounds=0), st.none(), st.data())
    requested = scenario.requested_state.id

    def test(drawn) -> None:
        case, _, data = drawn
        if scenario.several and requested not in scenario.holders(case.request.truth.target):
            reject()
        case = attrs.evolve(case, rounds=LazyRounds(data, case))
        found = [_plain(scenario, prop, case) for prop in props]
        if all(f is None for f in found):
            reject()
        if not all(f is True for f in found):
            raise _Diverged
        tried[0] += 1

    try:
        search(strategy, test, max_examples, seed)
    except _Diverged:
        return [search_stratum(scenario, prop, given, max_examples, seed) for prop in props]
    except Unsatisfiable:
        pass
    return [(tried[0], None) for _ in props]


def _settled(example: Counterexample) -> Counterexample:
    """The counterexample with its round draws fixed to the values its life read (the search is over)."""
    rounds = example.case.rounds
    if isinstance(rounds, LazyRounds):
        example = attrs.evolve(example, case=attrs.evolve(example.case, rounds=rounds.drawn()))
    return example


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
