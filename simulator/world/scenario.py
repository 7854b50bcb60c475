"""A scenario: who asks, who screens, with which safeguards, for how long.

A scenario file (TOML, read by :mod:`simulator.files.loader`) describes

- the **requesting States**: how many requests each sends a year (with surges), what they ask for,
  what share is abusive and how abusive requests are dressed up, how well documented requests are,
  how they answer queries and consultations;
- the **requested State**: its criminal law (for dual criminality), its screening stages with staff
  and service times, the route each measure takes through them, the load effect, and its
  :class:`~simulator.domain.safeguards.Safeguards`;
- the **run**: horizon (days during which requests arrive), follow-up (days after that during which
  the pipeline keeps working), warm-up (days whose arrivals are left out of the statistics), the
  default number of replications and seed.

Everything here is frozen data built only after validation succeeded.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping

import attrs
from attrs import field, frozen

from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.channels import ChannelRules
from simulator.domain.direct import DirectRules
from simulator.domain.model import DIRECT_CHANNELS, MLA_STAGES, Channel, Measure, Stage
from simulator.domain.monitoring import Monitoring, Reputation
from simulator.domain.providers import ProviderRules
from simulator.domain.regimes import RegimeTable
from simulator.domain.safeguards import Safeguards
from simulator.domain.settings import choice, count, distribution, flag, mix, names, number, part, share
from simulator.world.distributions import Beta, Distribution, Exponential


def _offences() -> list[str]:
    return list(load_catalogue().offences)


def _conducts() -> list[str]:
    return list(load_catalogue().conducts)


def _at_risk() -> list[str]:
    return [name for name in load_catalogue().targets if name != "ordinary"]


def _measures() -> list[str]:
    return [m.value for m in Measure]


def _channels() -> list[str]:
    return [c.value for c in Channel]


#: Strength of the facts behind legitimate requests unless a scenario says otherwise (mean 0.71).
DEFAULT_FACTUAL_BASIS = Beta(5.0, 2.0)


#: How long a granted real-time measure runs (days): the period a request states (UNCC Art 45) within
#: the requested State's limit. Defaults: US pen-register orders up to 60 days (18 U.S.C. 3123(c)(1)),
#: interception orders up to 30 days (18 U.S.C. 2518(5)).
SURVEILLANCE_DAYS: dict[Measure, float] = {Measure.REAL_TIME_TRAFFIC: 60.0, Measure.INTERCEPTION: 30.0}


@frozen
class Mix:
    """A categorical distribution over names (measures, offences, conducts), picked by one uniform."""

    names: tuple[str, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, weights: Mapping[str, float]) -> Mix:
        """The mix of ``weights`` (names with weight 0 left out), normalised."""
        items = [(name, w) for name, w in weights.items() if w > 0]
        total = sum(w for _, w in items)
        running, cumulative = 0.0, []
        for _, w in items:
            running += w / total
            cumulative.append(running)
        cumulative[-1] = 1.0
        return cls(tuple(name for name, _ in items), tuple(cumulative))

    def pick(self, u: float) -> str:
        """The name a uniform draw ``u`` picks."""
        return self.names[min(bisect.bisect_right(self.cumulative, u), len(self.names) - 1)]

    def shares(self) -> dict[str, float]:
        """Each name's share of the mix."""
        previous, shares = 0.0, {}
        for name, c in zip(self.names, self.cumulative, strict=True):
            shares[name] = c - previous
            previous = c
        return shares


@frozen
class Surge:
    """A period during which a requesting State sends ``multiplier`` times its usual rate."""

    start_day: float
    end_day: float
    multiplier: float


@frozen
class AbuseProfile:
    """How a requesting State's abusive requests look and how it adapts them."""

    conducts: Mix = mix(meaning="the protected conduct really targeted", universe=_conducts)
    labels: Mix = mix(
        meaning="the offences it prefers as labels (weights multiply the catalogue's plausibility)",
        universe=_offences,
    )
    disguise: Distribution = distribution(meaning="how convincingly the facts are fabricated", score=True)
    relabel_rate: float = share(
        0.5, "chance of relabelling after a consultation reveals the ground", unit="probability"
    )
    relabel_to: Mix | None = mix(
        None, "labels used when relabelling (none: keep the label)", universe=_offences
    )
    disguise_gain: float = share(0.2, "how much better disguised an amended request is", unit="score (0..1)")
    labels_by_conduct: Mapping[str, Mix] = field(factory=dict)  # coherent labels per conduct
    relabels_by_conduct: Mapping[str, Mix] = field(factory=dict)  # coherent relabels per conduct
    targeted_persons: int = count(
        50,
        "distinct persons per target profile (repeat requests name the same ones)",
        unit="persons",
        minimum=1,
        typical=(1, 100),
    )
    documented_history: float = share(
        0.0, "share of those persons with politically motivated notices on record"
    )
    prior_notices: int = count(2, "notices on record against such a person", unit="notices", typical=(0, 5))
    turnover_years: float = number(
        0.0,
        "mean years a person stays a target before a new one takes their place (0: the pool never changes)",
        unit="years",
        typical=(0.0, 20.0),
        examples=(0.0, 0.5, 3.0, 20.0),  # drawn by the property tests: a tenure of minutes is refused
    )

    def labels_for(self, conduct: str) -> Mix:
        """The labels this requester dresses ``conduct`` in (plausible ones, see the catalogue)."""
        return self.labels_by_conduct.get(conduct, self.labels)

    def relabels_for(self, conduct: str) -> Mix | None:
        """The labels it switches to after a consultation (None: it keeps the label)."""
        if self.relabel_to is None:
            return None
        return self.relabels_by_conduct.get(conduct, self.relabel_to)


MLA_ONLY = Mix(("mla",), (1.0,))


@frozen
class RouteShopping:
    """Try another door of the same State after a refusal: the provider directly, or the reverse.

    After a refusal through one route (MLA, or a route straight to a provider) the requester sends
    the case's next request through another of ``routes`` it has not tried for the case, open between
    the two States and fit for the measure, the one with the best record of grants so far (a
    Beta(1 + grants, 1 + refusals) posterior per route and label; ties in the order of ``routes``),
    after ``retry_days``, up to ``max_routes`` routes per case.
    """

    routes: frozenset[Channel] = names(
        lambda: frozenset({Channel.MLA, Channel.DIRECT_REQUEST}),
        "the routes it tries, MLA and the routes straight to a provider",
        lambda: [c.value for c in (Channel.MLA, *DIRECT_CHANNELS)],
        convert=Channel,
    )
    retry_days: Distribution = distribution(
        meaning="delay before trying another route after a refusal", factory=lambda: Exponential(20.0)
    )
    max_routes: int = count(2, "routes tried per case", unit="routes", minimum=1, typical=(1, 4))


@frozen
class ForumShopping:
    """Ask where success is likeliest, learned from the requester's own outcomes.

    Per requested State and label, a Beta(1 + grants, 1 + refusals) posterior; the next request of a
    case goes to the State (among those holding the data) with the highest posterior mean, or, with
    probability ``exploration``, to one picked at random. After a refusal it tries the next State
    holding the data, after ``retry_days``, up to ``max_states`` States per case.
    """

    exploration: float = share(
        0.1, "chance the next request goes to a State picked at random", unit="probability"
    )
    retry_days: Distribution = distribution(
        meaning="delay before trying the next State after a refusal", factory=lambda: Exponential(30.0)
    )
    max_states: int = count(3, "States tried per case", unit="States", minimum=1, typical=(1, 5))


@frozen
class Flooding:
    """A surge of low-quality requests, timed with the abusive ones, to tire the reviewers.

    During each window the requester also sends ``requests_per_year`` junk requests a year (thin
    facts, incomplete files); with ``hold_abusive`` its abusive requests wait for the next window.
    """

    requests_per_year: float = number(meaning="junk requests a year during a window", unit="requests/year")
    windows: tuple[Surge, ...] = field(default=())  # the flood's periods (the multiplier is not used)
    documentation_complete: float = share(0.2, "share of junk requests with complete documentation")
    factual_basis: Distribution = distribution(
        meaning="strength of the junk requests' facts", factory=lambda: Beta(1.0, 4.0), score=True
    )
    hold_abusive: bool = flag(True, "abusive requests wait for the next window")


@frozen
class Splitting:
    """Ask for subscriber information and traffic data instead of content, to meet a lower standard."""

    share: float = share(1.0, "share of abusive stored-content requests split in two")


@frozen
class FreshRequest:
    """After a refusal, a new request about the same person, after a delay, relabelled if it can."""

    probability: float = share(0.7, "chance of a fresh request after a refusal", unit="probability")
    delay_days: Distribution = distribution(
        meaning="delay before the fresh request", factory=lambda: Exponential(60.0)
    )
    max_attempts: int = count(2, "fresh requests per case", unit="requests", minimum=1, typical=(1, 5))


@frozen
class Strategies:
    """An abusive requester's adaptive strategies (None: not used)."""

    forum_shopping: ForumShopping | None = part(
        ForumShopping, "ask where success is likeliest", optional=True
    )
    flooding: Flooding | None = part(Flooding, "flood the reviewers with junk requests", optional=True)
    splitting: Splitting | None = part(
        Splitting, "split content requests to meet a lower standard", optional=True
    )
    fresh_request: FreshRequest | None = part(
        FreshRequest, "a new request about the same person after a refusal", optional=True
    )
    route_shopping: RouteShopping | None = part(
        RouteShopping, "after a refusal, another route to the same State's data", optional=True
    )

    @property
    def any(self) -> bool:
        """Whether the requester uses any strategy."""
        return any(
            s is not None
            for s in (
                self.forum_shopping,
                self.flooding,
                self.splitting,
                self.fresh_request,
                self.route_shopping,
            )
        )


@frozen
class RequestingState:
    """One requesting State: its volume, its requests, its behaviour when queried."""

    id: str
    name: str
    requests_per_year: float = number(meaning="requests it sends a year", unit="requests/year")
    rights_record: float = share(
        meaning="its human-rights record: 0 exemplary, 1 systematic persecution", unit="record (0..1)"
    )
    measures: Mix = mix(meaning="the measures its requests ask for", universe=_measures)
    offences: Mix = mix(meaning="labels (and conduct) of its legitimate requests", universe=_offences)
    response_days: Distribution = distribution(meaning="time to answer a query or a consultation")
    abuse: AbuseProfile | None = None  # None when the State sends no abusive request
    abusive_share: float = share(0.0, "share of its requests that are abusive")
    surges: tuple[Surge, ...] = ()
    data_protection_adequate: bool = flag(
        True, "its data-protection regime is adequate for transfers (Art 36)"
    )
    documentation_complete: float = share(0.8, "share of requests with complete documentation")
    information_fix_rate: float = share(0.8, "chance an answer to a query fills the gaps", unit="probability")
    response_rate: float = share(0.9, "chance it answers a query rather than abandons", unit="probability")
    accepts_conditions: float = share(
        0.8, "chance it accepts a grant on conditions offered at consultation", unit="probability"
    )
    amendment_gain: float = share(
        0.15, "how much stronger the facts are after a consultation", unit="score (0..1)"
    )
    sensitive_target_share: float = share(
        0.02, "share of legitimate requests about a journalist, activist or other person at risk"
    )
    sensitive_targets: Mix = mix(
        meaning="who those persons at risk are",
        factory=lambda: Mix.of({"journalist": 1.0}),
        universe=_at_risk,
    )
    factual_basis: Distribution = distribution(
        DEFAULT_FACTUAL_BASIS, "strength of its legitimate requests' facts", score=True
    )
    penalties: Mapping[str, float] = field(factory=dict)  # overrides of the catalogue's penalties
    channels: Mix = mix(
        MLA_ONLY, "channels of its legitimate requests (an emergency claimed is real)", universe=_channels
    )
    abusive_channels: Mix = mix(
        MLA_ONLY, "channels of its abusive requests (an emergency claimed is false)", universe=_channels
    )
    disclosure_after: Distribution = distribution(
        meaning="days from a preservation to the disclosure request", factory=lambda: Exponential(20.0)
    )
    strategies: Strategies = part(Strategies, "an abusive requester's adaptive strategies")


@frozen
class StageConfig:
    """A screening stage's capacity: ``staff`` parallel reviewers (0: unlimited) and service time."""

    staff: int
    service: Distribution


@frozen
class LoadEffect:
    """Rushed review under load: past a queue threshold, thoroughness (and review time) drop.

    ``thoroughness = max(floor, 1 - slope x (queue - threshold))`` for queues above the threshold.
    It multiplies both the service time and the chance of seeing through a disguise or recognising
    a person at risk. ``queue`` says which queue counts: ``"stage"``, the requests waiting for this
    stage's reviewers; ``"authority"``, every request waiting in any staffed queue of the requested
    State (an office flooded at intake rushes its lawyers too).
    """

    enabled: bool = flag(False, "thoroughness drops when queues are long")
    stages: frozenset[Stage] = names(
        lambda: frozenset({Stage.LEGAL_REVIEW, Stage.RIGHTS_SCRUTINY}),
        "the stages whose reviews are rushed under load",
        lambda: [s.value for s in MLA_STAGES],
        convert=Stage,
    )
    queue_threshold: int = count(
        20, "queue length from which reviews are rushed", unit="requests", typical=(0, 50)
    )
    slope: float = number(0.01, "thoroughness lost per request queued past the threshold", typical=(0.0, 0.1))
    floor: float = share(0.4, "the least thoroughness a rushed review keeps", unit="thoroughness (0..1)")
    queue: str = choice(
        "stage", "which queue counts: the stage's own, or every staffed queue", ("stage", "authority")
    )

    def thoroughness(self, queue_length: int) -> float:
        """How thorough a review is when ``queue_length`` requests wait for the stage."""
        excess = queue_length - self.queue_threshold
        if excess <= 0:
            return 1.0
        return max(self.floor, 1.0 - self.slope * excess)


@frozen
class ChannelRoute:
    """A fast channel at one requested State: the stages its requests meet and who staffs them.

    The first stage of the route is the desk that decides (the 24/7 point of contact); the others
    only take time (the provider's answer). A stage missing from ``stages`` is staffed by the MLA
    stage of the same name (shared reviewers).
    """

    route: tuple[Stage, ...]
    stages: Mapping[Stage, StageConfig] = field(factory=dict)


@frozen
class InformationSharing:
    """Whether requested States tell each other of their refusals (``none`` or ``refusals``)."""

    mode: str = choice("none", "whether requested States tell each other of refusals", ("none", "refusals"))
    delay_days: float = number(30.0, "days before a shared refusal arrives", unit="days")

    @property
    def enabled(self) -> bool:
        """Whether requested States share what they learn about requesters."""
        return self.mode != "none"


@frozen
class Provider:
    """A service provider holding part of a requested State's data (:mod:`simulator.domain.providers`).

    ``share``: the share of the State's accounts it holds (which provider a request's data sit with);
    its reviewers (``staff``, 0: no limit) take ``service`` days on a request sent to it directly.
    """

    id: str
    name: str
    share: float = share(1.0, "share of the requested State's accounts it holds (relative weight)")
    staff: int = count(0, "reviewers of requests sent to it directly (0: no limit)", typical=(0, 10))
    service: Distribution = distribution(
        meaning="days its review of a direct request takes", factory=lambda: Exponential(5.0)
    )
    rules: ProviderRules = field(factory=ProviderRules)


@frozen
class RequestedState:
    """A State that holds data and screens requests."""

    name: str
    criminalised: frozenset[str]
    stages: Mapping[Stage, StageConfig]
    routes: Mapping[Measure, tuple[Stage, ...]]
    safeguards: Safeguards
    load_effect: LoadEffect = field(factory=LoadEffect)
    postponement_days: Distribution = distribution(
        meaning="how long a postponed execution waits (Art 40(26))", factory=lambda: Exponential(60.0)
    )
    target_visibility: Mapping[str, float] = field(factory=dict)  # overrides of the catalogue's visibility
    surveillance_days: Mapping[Measure, float] = field(factory=lambda: dict(SURVEILLANCE_DAYS))
    id: str = "requested"
    channels: Mapping[Channel, ChannelRoute] = field(factory=dict)  # fast channels it offers
    channel_rules: ChannelRules = field(factory=ChannelRules)
    reputation: Reputation = field(factory=Reputation)
    monitoring: Monitoring = field(factory=Monitoring)
    providers: tuple[Provider, ...] = ()  # who holds its data (none: requests go through the State)
    direct_rules: DirectRules = field(factory=DirectRules)  # its rules on the routes around it
    regimes: RegimeTable = field(factory=RegimeTable)  # the treaties binding it to each requester


@frozen
class Scenario:
    """A scenario as built from its file: its States, their settings, the run's windows, replications and
    seed."""

    name: str
    description: str
    source: str  # the file it was read from
    horizon_days: float
    follow_up_days: float
    warmup_days: float
    replications: int
    seed: int
    requested_states: tuple[RequestedState, ...]
    requesting_states: tuple[RequestingState, ...]
    data_location: Mapping[str, tuple[str, ...]] = field(factory=dict)  # target -> requested State ids
    information_sharing: InformationSharing = field(factory=InformationSharing)

    @property
    def end_day(self) -> float:
        """The day the run stops: the arrival window, then the follow-up."""
        return self.horizon_days + self.follow_up_days

    @property
    def requested_state(self) -> RequestedState:
        """The (first) requested State: the only one of a one-State scenario."""
        return self.requested_states[0]

    @property
    def several(self) -> bool:
        """Whether the scenario has more than one requested State."""
        return len(self.requested_states) > 1

    @property
    def routes_modelled(self) -> bool:
        """Providers or regimes are part of the scenario (its route and provider metrics are reported)."""
        return any(s.providers or s.regimes.declared for s in self.requested_states)

    def holders(self, target: str) -> tuple[str, ...]:
        """Ids of the requested States whose providers hold data on a target of this type."""
        return self.data_location.get(target) or tuple(s.id for s in self.requested_states)

    def with_requested_state(self, state: RequestedState) -> Scenario:
        """This scenario with ``state`` in place of the requested State of the same id."""
        states = tuple(state if s.id == state.id else s for s in self.requested_states)
        return attrs.evolve(self, requested_states=states)

    def requester(self, state_id: str) -> RequestingState:
        """The requesting State ``state_id`` (KeyError if there is none)."""
        for state in self.requesting_states:
            if state.id == state_id:
                return state
        raise KeyError(state_id)
