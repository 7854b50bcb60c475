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

from simulator.domain.channels import ChannelRules
from simulator.domain.model import Channel, Measure, Stage
from simulator.domain.monitoring import Monitoring, Reputation
from simulator.domain.safeguards import Safeguards
from simulator.world.distributions import Beta, Distribution, Exponential

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
        items = [(name, w) for name, w in weights.items() if w > 0]
        total = sum(w for _, w in items)
        running, cumulative = 0.0, []
        for _, w in items:
            running += w / total
            cumulative.append(running)
        cumulative[-1] = 1.0
        return cls(tuple(name for name, _ in items), tuple(cumulative))

    def pick(self, u: float) -> str:
        return self.names[min(bisect.bisect_right(self.cumulative, u), len(self.names) - 1)]

    def shares(self) -> dict[str, float]:
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

    conducts: Mix  # the protected conduct really targeted
    labels: Mix  # the offences it prefers as labels (weights multiply the catalogue's plausibility)
    disguise: Distribution  # 0..1, how convincingly the facts are fabricated
    relabel_rate: float = 0.5  # chance of relabelling after a consultation reveals the ground
    relabel_to: Mix | None = None  # labels used when relabelling (None: keep the label)
    disguise_gain: float = 0.2  # how much better disguised an amended request is
    labels_by_conduct: Mapping[str, Mix] = field(factory=dict)  # coherent labels per conduct
    relabels_by_conduct: Mapping[str, Mix] = field(factory=dict)  # coherent relabels per conduct
    targeted_persons: int = 50  # distinct persons per target profile (repeat requests name the same ones)
    documented_history: float = 0.0  # share of those persons with politically motivated notices on record
    prior_notices: int = 2  # notices on record against such a person

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
class ForumShopping:
    """Ask where success is likeliest, learned from the requester's own outcomes.

    Per requested State and label, a Beta(1 + grants, 1 + refusals) posterior; the next request of a
    case goes to the State (among those holding the data) with the highest posterior mean, or, with
    probability ``exploration``, to one picked at random. After a refusal it tries the next State
    holding the data, after ``retry_days``, up to ``max_states`` States per case.
    """

    exploration: float = 0.1
    retry_days: Distribution = field(factory=lambda: Exponential(30.0))
    max_states: int = 3


@frozen
class Flooding:
    """A surge of low-quality requests, timed with the abusive ones, to tire the reviewers.

    During each window the requester also sends ``requests_per_year`` junk requests a year (thin
    facts, incomplete files); with ``hold_abusive`` its abusive requests wait for the next window.
    """

    requests_per_year: float
    windows: tuple[Surge, ...]  # the flood's periods (the multiplier is not used)
    documentation_complete: float = 0.2
    factual_basis: Distribution = field(factory=lambda: Beta(1.0, 4.0))
    hold_abusive: bool = True


@frozen
class Splitting:
    """Ask for subscriber information and traffic data instead of content, to meet a lower standard."""

    share: float = 1.0  # share of abusive stored-content requests split in two


@frozen
class FreshRequest:
    """After a refusal, a new request about the same person, after a delay, relabelled if it can."""

    probability: float = 0.7
    delay_days: Distribution = field(factory=lambda: Exponential(60.0))
    max_attempts: int = 2  # fresh requests per case


@frozen
class Strategies:
    """An abusive requester's adaptive strategies (None: not used)."""

    forum_shopping: ForumShopping | None = None
    flooding: Flooding | None = None
    splitting: Splitting | None = None
    fresh_request: FreshRequest | None = None

    @property
    def any(self) -> bool:
        return any(
            s is not None for s in (self.forum_shopping, self.flooding, self.splitting, self.fresh_request)
        )


@frozen
class RequestingState:
    """One requesting State: its volume, its requests, its behaviour when queried."""

    id: str
    name: str
    requests_per_year: float
    abusive_share: float
    rights_record: float  # 0 (exemplary) .. 1 (systematic persecution)
    measures: Mix
    offences: Mix  # labels (and conduct) of legitimate requests
    abuse: AbuseProfile | None  # None when the State sends no abusive request
    response_days: Distribution  # time to answer a query or a consultation
    surges: tuple[Surge, ...] = ()
    data_protection_adequate: bool = True
    documentation_complete: float = 0.8  # share of requests with complete documentation
    information_fix_rate: float = 0.8  # chance an answer to a query fills the gaps
    response_rate: float = 0.9  # chance the requester answers rather than abandons
    accepts_conditions: float = 0.8  # chance it accepts a grant on conditions offered at consultation
    amendment_gain: float = 0.15  # how much stronger the facts are after a consultation
    sensitive_target_share: float = 0.02  # legitimate requests about a journalist, activist...
    sensitive_targets: Mix = field(factory=lambda: Mix.of({"journalist": 1.0}))
    factual_basis: Distribution = DEFAULT_FACTUAL_BASIS  # strength of legitimate facts, 0..1
    penalties: Mapping[str, float] = field(factory=dict)  # overrides of the catalogue's penalties
    channels: Mix = MLA_ONLY  # channels of its legitimate requests (an emergency claimed is real)
    abusive_channels: Mix = MLA_ONLY  # channels of its abusive requests (an emergency claimed is false)
    disclosure_after: Distribution = field(factory=lambda: Exponential(20.0))  # preservation -> MLA request
    strategies: Strategies = field(factory=Strategies)


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

    enabled: bool = False
    stages: frozenset[Stage] = frozenset({Stage.LEGAL_REVIEW, Stage.RIGHTS_SCRUTINY})
    queue_threshold: int = 20
    slope: float = 0.01
    floor: float = 0.4
    queue: str = "stage"  # stage | authority

    def thoroughness(self, queue_length: int) -> float:
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

    mode: str = "none"
    delay_days: float = 30.0

    @property
    def enabled(self) -> bool:
        return self.mode != "none"


@frozen
class RequestedState:
    """A State that holds data and screens requests."""

    name: str
    criminalised: frozenset[str]
    stages: Mapping[Stage, StageConfig]
    routes: Mapping[Measure, tuple[Stage, ...]]
    safeguards: Safeguards
    load_effect: LoadEffect = field(factory=LoadEffect)
    postponement_days: Distribution = field(factory=lambda: Exponential(60.0))
    target_visibility: Mapping[str, float] = field(factory=dict)  # overrides of the catalogue's visibility
    surveillance_days: Mapping[Measure, float] = field(factory=lambda: dict(SURVEILLANCE_DAYS))
    id: str = "requested"
    channels: Mapping[Channel, ChannelRoute] = field(factory=dict)  # fast channels it offers
    channel_rules: ChannelRules = field(factory=ChannelRules)
    reputation: Reputation = field(factory=Reputation)
    monitoring: Monitoring = field(factory=Monitoring)


@frozen
class Scenario:
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
        return self.horizon_days + self.follow_up_days

    @property
    def requested_state(self) -> RequestedState:
        """The (first) requested State: the only one of a one-State scenario."""
        return self.requested_states[0]

    @property
    def several(self) -> bool:
        return len(self.requested_states) > 1

    def holders(self, target: str) -> tuple[str, ...]:
        """Ids of the requested States whose providers hold data on a target of this type."""
        return self.data_location.get(target) or tuple(s.id for s in self.requested_states)

    def with_requested_state(self, state: RequestedState) -> Scenario:
        """This scenario with ``state`` in place of the requested State of the same id."""
        states = tuple(state if s.id == state.id else s for s in self.requested_states)
        return attrs.evolve(self, requested_states=states)

    def requester(self, state_id: str) -> RequestingState:
        for state in self.requesting_states:
            if state.id == state_id:
                return state
        raise KeyError(state_id)
