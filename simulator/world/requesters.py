"""The requesting side: when requests arrive, what they contain, and how requesters amend them.

Requests from each requesting State arrive as a Poisson process whose yearly rate can surge for a
while (a flood of requests, deliberate or not). Arrival times come from inverting the cumulative
rate, so one stream of unit exponential gaps gives the same arrivals whatever the safeguards.

Each request owns a fixed vector of uniform draws (:data:`SLOTS_PER_REQUEST`): its attributes
(abusive or not, measure, offence, disguise...) and, for every screening round, the draws its
reviewers and its requester use. Tying draws to the request rather than to the order of events is
what gives *common random numbers*: two safeguard configurations run with the same seed see the same
requests, with the same hidden truths, reviewed with the same luck.

An abusive request is protected conduct (say journalism) under a label (say "terrorism") with a
disguise score. When a consultation (Art 40(27)) reveals why it would be refused, an abusive
requester may relabel it and fabricate better facts; a legitimate requester completes its file and
strengthens its facts.
"""

from __future__ import annotations

import enum
import functools
import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.model import MLA_STAGES, Channel, Measure, Request, ScreeningDraws, Submission, Truth
from simulator.domain.providers import ProviderDraws
from simulator.world.distributions import quantiles
from simulator.world.scenario import MLA_ONLY, Mix, RequestingState

if TYPE_CHECKING:  # numpy is loaded by whoever draws (the pipeline): `mlasim validate` needs none of it
    import numpy as np

    from simulator.world.turnover import Turnover

DAYS_PER_YEAR = 365.0
MAX_DOCUMENTATION_GAPS = 3


class Slot(enum.IntEnum):
    """Uniform draws that fix a request's attributes."""

    ABUSIVE = 0
    MEASURE = 1
    LABEL = 2
    CONDUCT = 3
    DISGUISE = 4
    COMPLETE = 5
    GAPS = 6
    FACTUAL_BASIS = 7
    SENSITIVE = 8
    SENSITIVE_TARGET = 9


class RoundSlot(enum.IntEnum):
    """Uniform draws used in one screening round (first submission, or one resubmission)."""

    SEE_THROUGH = 0
    TARGET_RECOGNITION = 1
    DUAL_CRIMINALITY = 2
    ESSENTIAL_INTERESTS = 3
    POSTPONEMENT = 4
    POSTPONEMENT_DAYS = 5
    RESPONSE = 6
    RESPONSE_DAYS = 7
    AMENDMENT = 8
    RELABEL = 9
    RELABEL_TO = 10
    SERVICE = 11  # one per stage, in Stage order: 11..15


class RoutingSlot(enum.IntEnum):
    """Uniform draws that route a request: its channel, where it goes, what follows it.

    They come from a stream of their own (``routing``), so that switching a channel, a strategy or a
    monitoring rule on leaves the draws of every request's attributes and reviews unchanged.
    """

    CHANNEL = 0
    DESTINATION = 1  # which requested State holding the data
    EXPLORE = 2  # forum shopping: explore rather than exploit
    DETECTION = 3  # the point of contact sees through a false emergency
    DESK_SERVICE = 4  # service times along a fast channel's route: 4, 5, 6
    FOLLOW_DELAY = 7  # days to the request that follows (disclosure, fresh request, retry)
    FOLLOW_MEASURE = 8  # what a disclosure request after a preservation asks for
    SPLIT = 9  # the request is split (subscriber information + traffic data)
    FRESH = 10  # a fresh request follows a refusal
    DISCOVERY = 11  # abuse comes to light after a grant
    DISCOVERY_DAYS = 12
    HOLD = 13  # when within the next flood window a held abusive request goes


ROUTING_SLOTS = max(RoutingSlot) + 1  # DESK_SERVICE takes three slots
MAX_CHANNEL_STAGES = 3

MAX_ROUNDS = 8
ROUND_SLOTS = RoundSlot.SERVICE + len(MLA_STAGES)
SLOTS_PER_REQUEST = len(Slot) + MAX_ROUNDS * ROUND_SLOTS
STAGE_INDEX = {stage: i for i, stage in enumerate(MLA_STAGES)}

# The slots as plain ints for the functions below, which run for every request: looking up an enum
# member (``Slot.ABUSIVE``) costs about 0.3 microseconds in Python 3.11, indexing with an int 0.04.
_ATTRIBUTE_SLOTS = len(Slot)
(_ABUSIVE, _MEASURE, _LABEL, _CONDUCT, _DISGUISE, _COMPLETE, _GAPS, _FACTUAL_BASIS, _SENSITIVE,
 _SENSITIVE_TARGET) = (int(slot) for slot in Slot)  # fmt: skip
_SEE_THROUGH, _TARGET_RECOGNITION, _DUAL_CRIMINALITY, _ESSENTIAL_INTERESTS, _POSTPONEMENT = (
    int(RoundSlot.SEE_THROUGH),
    int(RoundSlot.TARGET_RECOGNITION),
    int(RoundSlot.DUAL_CRIMINALITY),
    int(RoundSlot.ESSENTIAL_INTERESTS),
    int(RoundSlot.POSTPONEMENT),
)
_POSTPONEMENT_DAYS, _RESPONSE_DAYS, _DETECTION = (
    int(RoundSlot.POSTPONEMENT_DAYS),
    int(RoundSlot.RESPONSE_DAYS),
    int(RoutingSlot.DETECTION),
)
_AMENDMENT, _RELABEL, _RELABEL_TO = (
    int(RoundSlot.AMENDMENT),
    int(RoundSlot.RELABEL),
    int(RoundSlot.RELABEL_TO),
)
_MEASURES = {measure.value: measure for measure in Measure}
_CHANNELS = {channel.value: channel for channel in Channel}  # Channel(x) is a Python-level call
_CHANNEL, _FOLLOW_MEASURE = int(RoutingSlot.CHANNEL), int(RoutingSlot.FOLLOW_MEASURE)


# bound once (the hot path: see simulator.world)
_EMERGENCY = Channel.EMERGENCY
_EMERGENCY_DISCLOSURE = Channel.EMERGENCY_DISCLOSURE
_PRESERVATION_CHANNEL = Channel.PRESERVATION
_MLA = Channel.MLA
_PRESERVATION = Measure.PRESERVATION


def round_draws(uniforms: np.ndarray, round_index: int) -> list[float]:
    """The uniforms of one screening round, as a plain list indexed by :class:`RoundSlot`."""
    start = _ATTRIBUTE_SLOTS + round_index * ROUND_SLOTS
    return uniforms[start : start + ROUND_SLOTS].tolist()


def screening_draws(block: list[float]) -> ScreeningDraws:
    """The decision core's draws for one round."""
    return ScreeningDraws(
        see_through=block[_SEE_THROUGH],
        target_recognition=block[_TARGET_RECOGNITION],
        dual_criminality=block[_DUAL_CRIMINALITY],
        essential_interests=block[_ESSENTIAL_INTERESTS],
        postponement=block[_POSTPONEMENT],
    )


def provider_draws(block: list[float], routing: list[float]) -> ProviderDraws:
    """A provider's draws for its review of a request sent to it directly: round 0's slots that a
    request's first round on a direct route leaves unused (a request the provider sends to MLA goes
    on with the draws of rounds 1, 2...), and the routing draw that detects a false emergency."""
    return ProviderDraws(
        data_held=block[_POSTPONEMENT_DAYS],
        partial=block[_RESPONSE_DAYS],
        record=block[_RELABEL],
        detection=routing[_DETECTION],
        overrule=block[_RELABEL_TO],
    )


def arrival_times(state: RequestingState, horizon_days: float, rng: np.random.Generator) -> Iterator[float]:
    """Arrival days in [0, horizon) of a Poisson process with piecewise-constant rate (surges).

    ``rng`` must be the arrivals' own stream: it is drawn ahead, a chunk of gaps at a time."""
    base = state.requests_per_year / DAYS_PER_YEAR
    if base <= 0:
        return
    # Breakpoints where the rate changes, and the rate on each piece.
    points = sorted({0.0, horizon_days, *(p for s in state.surges for p in (s.start_day, s.end_day))})
    points = [p for p in points if 0.0 <= p <= horizon_days]
    pieces = []
    for start, end in itertools.pairwise(points):
        multiplier = 1.0
        for surge in state.surges:
            if surge.start_day <= start < surge.end_day:
                multiplier *= surge.multiplier
        pieces.append((start, end, base * multiplier))
    gaps = _unit_gaps(rng)
    cumulative = 0.0  # integrated rate up to the current time
    target = next(gaps)
    for start, end, rate in pieces:
        piece_mass = rate * (end - start)
        while target < cumulative + piece_mass:
            yield start + (target - cumulative) / rate
            target += next(gaps)
        cumulative += piece_mass


def _unit_gaps(rng: np.random.Generator, chunk: int = 256) -> Iterator[float]:
    """Unit exponential gaps from ``rng``, drawn ``chunk`` at a time (the same values, in the same
    order, as one ``rng.exponential()`` per gap; the stream must serve the arrivals alone, since it
    is drawn ahead)."""
    while True:
        yield from rng.standard_exponential(chunk).tolist()


def channel_for(measure: Measure, chosen: Channel) -> Channel:
    """The channel a request takes: a request for the measure ``preservation`` is a preservation
    (Art 42), whatever channel it was sent on; any other goes on the channel chosen."""
    return _PRESERVATION_CHANNEL if measure is _PRESERVATION else chosen


@functools.cache
def disclosed_measures(measures: Mix) -> Mix:
    """The measures a disclosure request after a preservation asks for: the mix without preservation."""
    shares = {m: w for m, w in measures.shares().items() if m != Measure.PRESERVATION.value}
    return Mix.of(shares or {Measure.STORED_CONTENT.value: 1.0})


def draw_request(
    state: RequestingState,
    request_id: int,
    day: float,
    uniforms: np.ndarray,
    routing: list[float] | None = None,
    score: float | None = None,
    turnover: Turnover | None = None,
) -> Request:
    """Build one request of ``state`` from its own uniform draws (and routing draws, for its channel).

    A request for the measure ``preservation`` is a request on the preservation channel (Art 42): it
    preserves the data a later disclosure request will ask for (drawn from the other measures).
    ``score``: its disguise or factual basis when already worked out for a batch (:func:`scores`).
    ``turnover``: who holds each place of the targeted pools on ``day`` (:mod:`simulator.world.turnover`),
    for a requester whose pool renews.
    """
    u = uniforms[:_ATTRIBUTE_SLOTS].tolist()
    measure = _MEASURES[state.measures.pick(u[_MEASURE])]
    complete = u[_COMPLETE] < state.documentation_complete
    gaps = 0 if complete else 1 + int(u[_GAPS] * MAX_DOCUMENTATION_GAPS)
    if state.abuse is not None and u[_ABUSIVE] < state.abusive_share:
        abuse = state.abuse
        conduct = load_catalogue().conducts[abuse.conducts.pick(u[_CONDUCT])]
        label = abuse.labels_for(conduct.id).pick(u[_LABEL])  # a label plausible for the conduct
        disguise = abuse.disguise.quantile(u[_DISGUISE]) if score is None else score
        # the person: one of a pool per target profile (the draw legitimate requests use for theirs)
        person = min(int(u[_SENSITIVE_TARGET] * abuse.targeted_persons), abuse.targeted_persons - 1)
        documented = person < abuse.documented_history * abuse.targeted_persons
        truth = Truth(
            abusive=True,
            conduct=conduct.id,
            protected_ground=conduct.ground,
            target=conduct.target,
            disguise=disguise,
            factual_basis=disguise,
            person=_person(state, conduct.target, person, day, turnover),
            prior_notices=abuse.prior_notices if documented else 0,
        )
    else:
        label = state.offences.pick(u[_LABEL])
        sensitive = u[_SENSITIVE] < state.sensitive_target_share
        truth = Truth(
            abusive=False,
            conduct=label,
            protected_ground=None,
            target=state.sensitive_targets.pick(u[_SENSITIVE_TARGET]) if sensitive else "ordinary",
            disguise=0.0,
            factual_basis=state.factual_basis.quantile(u[_FACTUAL_BASIS]) if score is None else score,
            person=f"{state.id}/request/{request_id}",
        )
    channel = _MLA
    if routing is not None:
        channels = state.abusive_channels if truth.abusive else state.channels
        if channels is not MLA_ONLY:
            channel = _CHANNELS[channels.pick(routing[_CHANNEL])]
        channel = channel_for(measure, channel)
        if channel is _PRESERVATION_CHANNEL and measure is _PRESERVATION:
            measure = _MEASURES[disclosed_measures(state.measures).pick(routing[_FOLLOW_MEASURE])]
        claimed = channel is _EMERGENCY or channel is _EMERGENCY_DISCLOSURE
        if claimed and not truth.abusive:
            truth = attrs.evolve(truth, emergency=True)  # a legitimate emergency claim is a real one
    submission = Submission(
        requester=state.id,
        measure=measure,
        offence=label,
        penalty_years=penalty_years(state, label),
        documentation_gaps=gaps,
        channel=channel,
        emergency_claim=channel is _EMERGENCY or channel is _EMERGENCY_DISCLOSURE,
    )
    return Request(id=request_id, submitted_at=day, submission=submission, truth=truth)


def _person(state: RequestingState, target: str, place: int, day: float, turnover: Turnover | None) -> str:
    """The person an abusive request names: the holder on ``day`` of one place of the pool."""
    person = f"{state.id}/{target}/{place}"
    years = state.abuse.turnover_years
    return person if turnover is None or years <= 0 else turnover.person(person, years, day)


def scores(state: RequestingState, batch: np.ndarray) -> list[float]:
    """The score :func:`draw_request` works out for each row of ``batch`` (requests' uniforms): an
    abusive request's disguise, a legitimate one's factual basis, drawn for the whole batch at once
    (one call of the quantile function instead of one per request; the same values)."""
    import numpy as np

    if state.abuse is not None:
        abusive = batch[:, _ABUSIVE] < state.abusive_share
    else:
        abusive = np.zeros(len(batch), dtype=bool)
    values = np.empty(len(batch))
    if abusive.any():
        values[abusive] = quantiles(state.abuse.disguise, batch[abusive, _DISGUISE])
    legitimate = ~abusive
    values[legitimate] = quantiles(state.factual_basis, batch[legitimate, _FACTUAL_BASIS])
    return values.tolist()


def penalty_years(state: RequestingState, offence: str) -> float:
    """The maximum penalty the requester's law attaches to an offence."""
    if offence in state.penalties:
        return state.penalties[offence]
    return load_catalogue().offences[offence].penalty_years


def answer_information_request(request: Request, state: RequestingState, block: list[float]) -> Request:
    """The requester's answer to a request for more information (Art 40(16))."""
    fixed = block[_AMENDMENT] < state.information_fix_rate
    gaps = 0 if fixed else request.submission.documentation_gaps
    submission = request.submission.with_gaps(gaps)
    return request.amended(submission, request.truth)


def amend_after_consultation(request: Request, state: RequestingState, block: list[float]) -> Request:
    """The requester's amended resubmission after a consultation before refusal (Art 40(27))."""
    submission, truth = request.submission, request.truth
    submission = submission.with_gaps(0, amendments=submission.amendments + 1)
    if not truth.abusive:
        basis = min(1.0, truth.factual_basis + state.amendment_gain)
        return request.amended(submission, attrs.evolve(truth, factual_basis=basis))
    abuse = state.abuse
    relabels = abuse.relabels_for(truth.conduct)
    if relabels is not None and block[_RELABEL] < abuse.relabel_rate:
        label = relabels.pick(block[_RELABEL_TO])
        submission = attrs.evolve(submission, offence=label, penalty_years=penalty_years(state, label))
    disguise = min(1.0, truth.disguise + abuse.disguise_gain)
    truth = attrs.evolve(truth, disguise=disguise, factual_basis=disguise)
    return request.amended(submission, truth)


#: Ids of requests that follow another in the same case (a disclosure after a preservation, a retry
#: elsewhere, a fresh request, the second piece of a split request): ``FOLLOW_UP_BASE x serial + case``,
#: so that the ids of first requests, and everything drawn for them, do not depend on what follows.
FOLLOW_UP_BASE = 1 << 40
#: Ids of flood requests (an adversary's low-quality surge): ``FLOOD_BASE + k``.
FLOOD_BASE = 1 << 52


#: How a request can follow another in its case.
FOLLOWS = ("disclosure", "piece", "retry", "fresh", "reroute")


def follow_up_id(case: int, serial: int) -> int:
    """The id of the ``serial``-th request (1, 2, ...) that follows in case ``case``."""
    return FOLLOW_UP_BASE * serial + case


def follow_up_request(
    parent: Request,
    state: RequestingState,
    serial: int,
    day: float,
    uniforms: np.ndarray,
    *,
    follows: str,
    measure: Measure | None = None,
    requested: str | None = None,
    channel: Channel = Channel.MLA,
) -> Request:
    """A request that follows ``parent`` in its case, with its own file (documentation drawn anew).

    It asks through ``channel`` (default MLA) for ``measure`` (default: the parent's) at ``requested``
    (default: the same State). ``follows`` says how it follows its parent: a ``disclosure`` request
    after a preservation, a ``piece`` of a split request, a ``retry`` (the same request sent to another
    State), a
    ``reroute`` (the same request sent by another route, ``channel``, to the same State) or a
    ``fresh`` request after a refusal, relabelled where the requester relabels, its facts better
    fabricated (``disguise_gain``). A retry, a reroute and a fresh request count as a new attempt.
    """
    u = uniforms[:_ATTRIBUTE_SLOTS].tolist()
    complete = u[_COMPLETE] < state.documentation_complete
    gaps = 0 if complete else 1 + int(u[_GAPS] * MAX_DOCUMENTATION_GAPS)
    submission, truth = parent.submission, parent.truth
    label = submission.offence
    if follows not in FOLLOWS:
        raise ValueError(f"follows must be one of {', '.join(FOLLOWS)}, not {follows!r}")
    if follows == "fresh" and truth.abusive and state.abuse is not None:
        relabels = state.abuse.relabels_for(truth.conduct)
        if relabels is not None and u[_LABEL] < state.abuse.relabel_rate:
            label = relabels.pick(u[_CONDUCT])
        disguise = min(1.0, truth.disguise + state.abuse.disguise_gain)
        truth = attrs.evolve(truth, disguise=disguise, factual_basis=disguise)
    submission = attrs.evolve(
        submission,
        measure=measure or submission.measure,
        offence=label,
        penalty_years=penalty_years(state, label),
        documentation_gaps=gaps,
        amendments=0,
        channel=channel,
        emergency_claim=channel is _EMERGENCY_DISCLOSURE,  # a route an abuser claims an emergency on
        requested=submission.requested if requested is None else requested,
    )
    case = parent.case_id
    return Request(
        id=follow_up_id(case, serial),
        submitted_at=day,
        submission=submission,
        truth=truth,
        case=case,
        attempt=parent.attempt + (1 if follows in ("retry", "fresh", "reroute") else 0),
        parent=parent.id,
        follows=follows,
        holder=parent.holder,
    )
