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

from attrs import field, frozen

from simulator.domain.model import Measure, Stage
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
    a person at risk.
    """

    enabled: bool = False
    stages: frozenset[Stage] = frozenset({Stage.LEGAL_REVIEW, Stage.RIGHTS_SCRUTINY})
    queue_threshold: int = 20
    slope: float = 0.01
    floor: float = 0.4

    def thoroughness(self, queue_length: int) -> float:
        excess = queue_length - self.queue_threshold
        if excess <= 0:
            return 1.0
        return max(self.floor, 1.0 - self.slope * excess)


@frozen
class RequestedState:
    """The State that holds the data and screens requests."""

    name: str
    criminalised: frozenset[str]
    stages: Mapping[Stage, StageConfig]
    routes: Mapping[Measure, tuple[Stage, ...]]
    safeguards: Safeguards
    load_effect: LoadEffect = field(factory=LoadEffect)
    postponement_days: Distribution = field(factory=lambda: Exponential(60.0))
    target_visibility: Mapping[str, float] = field(factory=dict)  # overrides of the catalogue's visibility
    surveillance_days: Mapping[Measure, float] = field(factory=lambda: dict(SURVEILLANCE_DAYS))


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
    requested_state: RequestedState
    requesting_states: tuple[RequestingState, ...]

    @property
    def end_day(self) -> float:
        return self.horizon_days + self.follow_up_days

    def requester(self, state_id: str) -> RequestingState:
        for state in self.requesting_states:
            if state.id == state_id:
                return state
        raise KeyError(state_id)
