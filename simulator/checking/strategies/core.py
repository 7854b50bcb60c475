"""Hypothesis strategies for decisions and requests: the building blocks (see the package docstring)."""

from __future__ import annotations

import attrs
from hypothesis import strategies as st

from simulator.checking.learning import SharedRefusal, origins, refusal_provisions
from simulator.checking.properties import Case, Given
from simulator.checking.space import channels_used, conducts, feasible, labels, request_measures
from simulator.checking.strategies.choices import Choices, fine_unit, pick_label
from simulator.checking.strategies.settings import settings, stricter
from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.model import (
    MLA_STAGES,
    PROTECTED_GROUNDS,
    Channel,
    History,
    Measure,
    Observation,
    Request,
    ScreeningDraws,
    Submission,
    Truth,
)
from simulator.domain.provisions import catalogue as provision_catalogue
from simulator.domain.safeguards import Safeguards
from simulator.world.requesters import ROUTING_SLOTS, RoundSlot, RoutingSlot, penalty_years
from simulator.world.scenario import RequestingState, Scenario

unit = st.floats(min_value=0.0, max_value=1.0, exclude_max=True, allow_nan=False)
_catalogue = load_catalogue()
offence_ids = st.sampled_from(sorted(_catalogue.offences))
conduct_or_offence_ids = st.sampled_from(sorted(_catalogue.offences) + sorted(_catalogue.conducts))
grounds = st.sampled_from(PROTECTED_GROUNDS)
measures = st.sampled_from(list(Measure))


def submissions(requester: str = "requester") -> st.SearchStrategy[Submission]:
    """What a request can state on paper."""
    return st.builds(
        Submission,
        requester=st.just(requester),
        measure=measures,
        offence=offence_ids,
        penalty_years=st.floats(min_value=0, max_value=25, allow_nan=False),
        documentation_gaps=st.integers(min_value=0, max_value=3),
        amendments=st.integers(min_value=0, max_value=2),
    )


@st.composite
def observations(draw: st.DrawFn, submission: st.SearchStrategy[Submission] | None = None) -> Observation:
    """Any combination of signals a reviewer might perceive (internally consistent)."""
    sub = draw(submissions() if submission is None else submission)
    penetrated = draw(st.booleans())
    read_as = draw(conduct_or_offence_ids) if penetrated else sub.offence
    return Observation(
        submission=sub,
        requester_record=draw(unit),
        data_protection_adequate=draw(st.booleans()),
        conduct_read_as=read_as,
        disguise_penetrated=penetrated,
        dual_criminality=draw(st.booleans()),
        political_offence=draw(st.booleans()),
        target_recognised=draw(st.booleans()),
        apparent_ground=draw(st.none() | grounds),
        factual_basis=draw(unit),
        thoroughness=draw(st.floats(min_value=0.0, max_value=1.0)),
    )


def screening_draws() -> st.SearchStrategy[ScreeningDraws]:
    """The uniform draws of one pass of screening, each in [0, 1) and drawn on its own."""
    return st.builds(
        ScreeningDraws,
        see_through=unit,
        target_recognition=unit,
        dual_criminality=unit,
        essential_interests=unit,
        postponement=unit,
    )


def histories() -> st.SearchStrategy[History]:
    """How far a request can have moved: up to 3 information requests and 2 consultations, a
    postponement or not, and any findings announced at consultations (provision ids)."""
    return st.builds(
        History,
        information_requests=st.integers(min_value=0, max_value=3),
        consultations=st.integers(min_value=0, max_value=2),
        postponed=st.booleans(),
        findings=st.frozensets(st.sampled_from(sorted(provision_catalogue()))),
    )


def safeguards() -> st.SearchStrategy[Safeguards]:
    """Any safeguard configuration: every setting drawn over its declared space."""
    return settings(Safeguards)


@st.composite
def safeguard_pairs(draw: st.DrawFn) -> tuple[Safeguards, Safeguards]:
    """(laxer, stricter): the second at least as strict as the first in every safeguard."""
    base = draw(safeguards())
    return base, draw(stricter(base))


# --- requests within a scenario -----------------------------------------------------------------
# what a scenario can send that a Given is about: simulator.checking.space (no hypothesis there)


#: The uniform given to every service-time slot: service times play no part without a clock.
UNTIMED_SERVICE = 0.5


def slot_value(index: int, drawn: float) -> float:
    """The uniform for round slot ``index`` from a drawn value, arranged so that shrinking towards 0
    means "nothing unusual": 0 sees through a disguise, recognises a person, refuses at discretion and
    answers a query, but does not postpone."""
    if index == RoundSlot.POSTPONEMENT:
        return 1.0 - drawn if drawn else 0.999
    return drawn


@st.composite
def round_draws(draw: st.DrawFn) -> tuple[float, ...]:
    """One screening round's uniforms.

    See :class:`~simulator.world.requesters.RoundSlot` and :func:`slot_value`.
    """
    values = draw(st.lists(fine_unit, min_size=RoundSlot.SERVICE, max_size=RoundSlot.SERVICE))
    return (*(slot_value(i, v) for i, v in enumerate(values)), *(UNTIMED_SERVICE,) * len(MLA_STAGES))


class _Menu:
    """What :func:`cases` chooses from for one (scenario, ``given``): the (requesting State, abusive)
    pairs, and per pair the measures, labels, conducts and channels, each with the span label its
    pick draws under. The same lists :mod:`~simulator.checking.space` gives, worked out once per
    search instead of once per request (they depend only on the scenario and ``given``)."""

    def __init__(self, scenario: Scenario, given: Given) -> None:
        self.scenario, self.given = scenario, given
        self.options = _labelled(feasible(scenario, given))
        self._lists: dict[tuple, tuple[list, int]] = {}

    def choices(self, what: str, state: RequestingState, abusive: bool, conduct: str | None = None):
        """The options (with their pick's label) of one of the request's choices, as
        :mod:`~simulator.checking.space` gives them."""
        key = (what, state.id, abusive, conduct)
        if key not in self._lists:
            given = self.given
            if what == "measure":
                found = request_measures(state, given)
            elif what == "label":
                found = labels(state, abusive, given, conduct)
            elif what == "conduct":
                found = conducts(state, abusive, given)
            else:
                found = channels_used(self.scenario, state, abusive, given)
            self._lists[key] = _labelled(found)
        return self._lists[key]


def _labelled(options: list) -> tuple[list, int]:
    return options, pick_label(options)


#: The menu of the last (scenario, given) :func:`cases` drew for: a search draws every request of
#: its stratum for the same two objects.
_LAST_MENU: list[_Menu] = []


def _menu(scenario: Scenario, given: Given) -> _Menu:
    if not _LAST_MENU or _LAST_MENU[0].scenario is not scenario or _LAST_MENU[0].given is not given:
        _LAST_MENU[:] = [_Menu(scenario, given)]
    return _LAST_MENU[0]


@st.composite
def cases(draw: st.DrawFn, scenario: Scenario, given: Given | None = None, rounds: int = 1) -> Case:
    """A request the scenario's requesting States could send, matching ``given`` by what it states
    and its hidden truth, with the uniform draws of ``rounds`` screening rounds (0: none; the
    caller supplies them, for example lazily with :func:`round_draws`)."""
    given = given or Given()
    menu = _menu(scenario, given)
    if not menu.options[0]:
        raise ValueError("no request of this scenario matches the given filters")
    choose = Choices.of_draw(draw)
    state, abusive = choose.pick(*menu.options)
    measure = Measure(choose.pick(*menu.choices("measure", state, abusive)))
    if not abusive:  # an abusive request's label is drawn with its conduct, below
        label = choose.pick(*menu.choices("label", state, abusive))
    if given.documentation_complete is None:
        gaps = choose.integer(0, 3)
    else:
        gaps = 0 if given.documentation_complete else choose.integer(1, 3)
    if abusive:
        conduct = load_catalogue().conducts[choose.pick(*menu.choices("conduct", state, abusive))]
        # a coherent disguise, as the model draws it: a label the requester uses for this conduct
        label = choose.pick(*menu.choices("label", state, abusive, conduct.id))
        disguise = choose.unit()
        abuse = state.abuse
        noticed = abuse.documented_history > 0 and abuse.prior_notices > 0 and choose.boolean()
        truth = Truth(
            True,
            conduct.id,
            conduct.ground,
            conduct.target,
            disguise,
            disguise,
            f"{state.id}/{conduct.target}/0",
            abuse.prior_notices if noticed else 0,
        )
    else:
        sensitive = choose.boolean() if state.sensitive_target_share > 0 else False
        target = choose.pick(state.sensitive_targets.names) if sensitive else "ordinary"
        person = f"{state.id}/request/0" if given.channel is not None else ""
        truth = Truth(False, label, None, target, 0.0, choose.unit(), person=person)
    submission = Submission(state.id, measure, label, penalty_years(state, label), gaps)
    channel = Channel.MLA
    if given.channel is not None:  # only then: the draws of other properties stay as they were
        channel = Channel(choose.pick(*menu.choices("channel", state, abusive)))
        emergency = channel in (Channel.EMERGENCY, Channel.EMERGENCY_DISCLOSURE)
        submission = attrs.evolve(submission, channel=channel, emergency_claim=emergency)
        # a legitimate emergency claim is a real one, an abusive one false (as requests are drawn)
        truth = attrs.evolve(truth, emergency=emergency and not abusive)
    effect = scenario.requested_state.load_effect
    floor = effect.floor if effect.enabled else 1.0
    # shrinks towards a full review (1.0); the load effect can lower it to its floor
    thoroughness = 1.0 - choose.unit() * (1.0 - floor) if floor < 1 else 1.0
    # rounds and routing as lists of uniforms (only for callers that ask for rounds, and channel properties)
    blocks = tuple(draw(round_draws()) for _ in range(rounds))
    routing = draw(routing_draws(scenario, thoroughness)) if given.channel is not None else None
    return Case(Request(0, 0.0, submission, truth), state, thoroughness, blocks, routing)


@st.composite
def routing_draws(draw: st.DrawFn, scenario: Scenario, thoroughness: float = 1.0) -> tuple[float, ...]:
    """A request's routing uniforms (:class:`~simulator.world.requesters.RoutingSlot`).

    Whether the 24/7 point of contact sees through a false emergency is drawn as an event with its
    probability at the (first) requested State (``detection`` x ``thoroughness``), so that hypothesis
    can aim at either side; it shrinks towards "seen through".
    """
    values = list(draw(st.lists(fine_unit, min_size=ROUTING_SLOTS, max_size=ROUTING_SLOTS)))
    p = scenario.requested_state.channel_rules.emergency.detection * thoroughness
    if draw(st.booleans()) or p >= 1:
        values[RoutingSlot.DETECTION] = values[RoutingSlot.DETECTION] * p
    else:
        values[RoutingSlot.DETECTION] = p + values[RoutingSlot.DETECTION] * (1.0 - p)
    return tuple(values)


def shared_refusals(scenario: Scenario) -> st.SearchStrategy[SharedRefusal]:
    """A refusal another requested State of the scenario could share with the (first) one: which State,
    a provision it applies, its reviewer's thoroughness and screening draws (scope ``sharing``)."""

    @st.composite
    def one(draw) -> SharedRefusal:
        origin = draw(st.sampled_from(origins(scenario)))
        provisions = refusal_provisions(origin) or ["uncc-40-21-b"]
        provision = draw(st.sampled_from(provisions))
        thoroughness = 1.0 - draw(fine_unit)
        return SharedRefusal(origin.id, provision, thoroughness, draw(round_draws()))

    return one()
