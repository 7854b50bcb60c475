"""The vocabulary of mutual legal assistance (MLA) screening, as plain data.

A *requesting State* sends a *request* for electronic evidence to a *requested State*, whose central
authority screens it in *stages* (intake, legal review, rights scrutiny, judicial order, execution).
A request has two faces:

- its :class:`Submission`, what is written on paper and all the requested State can read: the measure
  sought, the offence as labelled by the requester, the penalty the requester's law attaches to it,
  and how complete the documentation is;
- its :class:`Truth`, hidden from the requested State: whether the request is *abusive* (its real
  purpose is to persecute someone for protected conduct or identity), the conduct really behind it,
  the protected ground engaged, the person targeted, how well the facts are disguised.

At each stage the requested State forms an :class:`Observation` (signals drawn from the truth but
noisy, see :mod:`simulator.domain.signals`) and the decision core (:mod:`simulator.domain.rules`)
turns it into a :class:`Decision` that cites the provision it applies. The end of a request's life is an
:class:`Outcome`.

Everything here is frozen, slotted data; the logic lives elsewhere.
"""

from __future__ import annotations

import enum

from attrs import frozen


class Measure(enum.StrEnum):
    """The investigative measure a request asks the requested State to take."""

    SUBSCRIBER_INFO = "subscriber_info"
    TRAFFIC_DATA = "traffic_data"
    STORED_CONTENT = "stored_content"
    REAL_TIME_TRAFFIC = "real_time_traffic"
    INTERCEPTION = "interception"
    PRESERVATION = "preservation"


class Stage(enum.StrEnum):
    """A screening stage of the requested State, in the order a full MLA request meets them.

    After them, the 24/7 point of contact (Art 41), the desk of the fast channels, and a service
    provider's own review of a request sent to it directly (no stage of any State: see
    :mod:`simulator.domain.providers`).
    """

    INTAKE = "intake"
    LEGAL_REVIEW = "legal_review"
    RIGHTS_SCRUTINY = "rights_scrutiny"
    JUDICIAL_ORDER = "judicial_order"
    EXECUTION = "execution"
    CONTACT_POINT = "contact_point"
    PROVIDER = "provider"


#: The stages of the MLA pipeline proper (the 24/7 point of contact is not one of them).
MLA_STAGES: tuple[Stage, ...] = tuple(Stage)[:5]

#: The route of an MLA request that meets every stage.
FULL_ROUTE: tuple[Stage, ...] = MLA_STAGES


class Channel(enum.StrEnum):
    """The route a request for data takes.

    Through the requested State (UNCC Arts 40-43):

    - ``mla``: a mutual legal assistance request screened by the central authority (Art 40);
    - ``preservation``: expedited preservation (Art 42), data frozen, nothing handed over, followed
      by a disclosure request through MLA;
    - ``expedited_disclosure``: traffic data enough to identify the path of a communication (Art 43);
    - ``emergency``: data provided through the 24/7 network to avert an emergency (Arts 41, 2(o));
    - ``spontaneous``: information the requested State sends unasked (Art 40(4)-(5)).

    Around it, straight to a service provider abroad (:mod:`simulator.domain.direct`; which of them
    a pair of States may use is its regime's, :mod:`simulator.domain.regimes`):

    - ``direct_request``: a request the provider may answer voluntarily (non-content records from a US
      provider, 18 U.S.C. 2702(c)(6)); the provider's own review only;
    - ``direct_order``: an order for subscriber information (Budapest Second Protocol, CETS No. 224,
      Art 7), of which the provider's State may require notice and object (7(5));
    - ``domain_registration``: a request for domain name registration data (Second Protocol Art 6);
    - ``giving_effect``: an order the provider's State gives effect to (Second Protocol Art 8);
    - ``emergency_disclosure``: a provider's disclosure to avert an emergency (its emergency policy,
      Second Protocol Art 9);
    - ``executive_agreement``: an order for content directly to the provider under an executive
      agreement (18 U.S.C. 2523; the US-UK agreement in force since 3 October 2022).
    """

    MLA = "mla"
    PRESERVATION = "preservation"
    EXPEDITED_DISCLOSURE = "expedited_disclosure"
    EMERGENCY = "emergency"
    SPONTANEOUS = "spontaneous"
    DIRECT_REQUEST = "direct_request"
    DIRECT_ORDER = "direct_order"
    DOMAIN_REGISTRATION = "domain_registration"
    GIVING_EFFECT = "giving_effect"
    EMERGENCY_DISCLOSURE = "emergency_disclosure"
    EXECUTIVE_AGREEMENT = "executive_agreement"


#: The routes straight to a service provider abroad, around the central authority.
DIRECT_CHANNELS: tuple[Channel, ...] = tuple(Channel)[5:]


class Verdict(enum.StrEnum):
    """What one stage decides about a request."""

    PROCEED = "proceed"  # this stage finds no obstacle: on to the next stage
    GRANT = "grant"  # data handed over
    PARTIAL_GRANT = "partial_grant"  # some of the data handed over (a provider's partial production)
    CONDITIONAL_GRANT = "conditional_grant"  # data handed over under conditions (Art 36)
    REQUEST_INFORMATION = "request_information"  # back to the requester for more (Art 40(16))
    CONSULT = "consult"  # a refusal announced for consultation first (Art 40(27))
    POSTPONE = "postpone"  # execution deferred (Art 40(26))
    REFUSE = "refuse"  # assistance refused on a cited ground
    PRESERVE = "preserve"  # data frozen pending a disclosure request (Art 42): nothing handed over
    REDIRECT = "redirect"  # not for this route (a false emergency, Art 2(o); a provider's "use MLA"): to MLA


GRANT_VERDICTS = frozenset({Verdict.GRANT, Verdict.CONDITIONAL_GRANT, Verdict.PARTIAL_GRANT})


class Outcome(enum.StrEnum):
    """How a request's life ended (or that it had not ended when the simulation stopped)."""

    GRANTED = "granted"
    CONDITIONALLY_GRANTED = "conditionally_granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"  # the requester did not answer a query or a consultation
    PENDING = "pending"
    PRESERVED = "preserved"  # data frozen (Art 42); a disclosure request follows through MLA

    @property
    def data_handed_over(self) -> bool:
        """Whether a request ending so had its data handed over."""
        return self in HANDED_OVER

    @property
    def decided(self) -> bool:
        """Granted or refused by the requested State (not withdrawn, preserved or pending)."""
        return self in HANDED_OVER or self is _REFUSED


#: The outcomes in which data are handed over.
HANDED_OVER = (Outcome.GRANTED, Outcome.CONDITIONALLY_GRANTED)
_REFUSED = Outcome.REFUSED  # bound once: read at every request's end (the hot path: simulator.world)


#: Protected grounds a persecution can rest on. UNCC Art 40(22) lists the first seven only.
PROTECTED_GROUNDS: tuple[str, ...] = (
    "sex",
    "race",
    "language",
    "religion",
    "nationality",
    "ethnic_origin",
    "political_opinion",
    "sexual_orientation",
    "gender_identity",
    "expression",
)
CONVENTION_GROUNDS: frozenset[str] = frozenset(PROTECTED_GROUNDS[:7])


@frozen
class Submission:
    """What the request states on paper: everything the requested State can read directly."""

    requester: str  # id of the requesting State
    measure: Measure
    offence: str  # the offence as labelled by the requester (catalogue id)
    penalty_years: float  # maximum penalty for that offence in the requester's law
    documentation_gaps: int  # required elements (Art 40(15)) missing; 0 = complete
    amendments: int = 0  # how many times the requester amended the request
    channel: Channel = Channel.MLA  # the route it takes (Arts 40-43)
    emergency_claim: bool = False  # it claims an emergency (the emergency and emergency-disclosure routes)
    requested: str = ""  # id of the requested State it is sent to ("" in a one-State scenario)

    def with_gaps(self, documentation_gaps: int, amendments: int | None = None) -> Submission:
        """The submission with ``documentation_gaps`` still missing (and ``amendments`` made): what
        the requester's answer to a query (Art 40(16)) or its amendment (Art 40(27)) sends. The
        ``attrs.evolve`` written out, for the hot path; tests/domain/test_model.py checks they agree."""
        return Submission(
            self.requester,
            self.measure,
            self.offence,
            self.penalty_years,
            documentation_gaps,
            self.amendments if amendments is None else amendments,
            self.channel,
            self.emergency_claim,
            self.requested,
        )


@frozen
class Truth:
    """The hidden facts of a request. The decision core never reads these."""

    abusive: bool
    conduct: str  # the real conduct: an offence id (legitimate) or a protected conduct id (abusive)
    protected_ground: str | None  # the ground an abusive request persecutes on; None if legitimate
    target: str  # target profile id
    disguise: float  # 0..1: how convincingly the facts are dressed as the labelled offence
    factual_basis: float  # 0..1: strength of the facts offered (what a court would weigh)
    person: str = ""  # who is targeted (an id; requests about the same person share it)
    prior_notices: int = 0  # documented earlier politically motivated notices against the person
    emergency: bool = False  # a real emergency within Art 2(o) lies behind it
    flood: bool = False  # a low-quality request sent to tire the reviewers (an adversary's flood)


@frozen
class Request:
    """One MLA request: a numbered submission with its hidden truth."""

    id: int
    submitted_at: float  # simulation day of first submission
    submission: Submission
    truth: Truth
    case: int = -1  # the requester's objective it serves (requests of one case share it; -1: its own id)
    attempt: int = 0  # 0: the first request of its case; then fresh requests, retries, pieces
    parent: int | None = None  # the request it follows (a preservation, a refused attempt...)
    follows: str = ""  # how it follows its parent: disclosure | retry | fresh | piece ("": a first request)
    holder: str = ""  # the provider its case's data sit with, once a request of the case reached one

    @property
    def case_id(self) -> int:
        """The case the request belongs to: its own id for a first request, else the first request's."""
        return self.id if self.case < 0 else self.case

    def amended(self, submission: Submission, truth: Truth) -> Request:
        """The request resubmitted as ``submission``, its truth now ``truth`` (``attrs.evolve``
        written out: a request is amended at each resubmission, and evolve costs three times as much;
        tests/domain/test_model.py checks the two agree)."""
        return Request(
            self.id,
            self.submitted_at,
            submission,
            truth,
            self.case,
            self.attempt,
            self.parent,
            self.follows,
        )


@frozen
class Observation:
    """What a reviewer at one stage perceives of a request (see :mod:`simulator.domain.signals`)."""

    submission: Submission
    requester_record: float  # 0 (exemplary) .. 1 (systematic persecution): public knowledge
    data_protection_adequate: bool  # requester's data-protection regime, as the requested State rates it
    conduct_read_as: str  # the offence or conduct the reviewer reads the facts as showing
    disguise_penetrated: bool  # the reviewer saw through fabricated facts
    dual_criminality: bool  # the conduct read is a crime in the requested State's law
    political_offence: bool  # the conduct read is political or politically connected
    target_recognised: bool  # the reviewer recognised the person as someone at risk
    apparent_ground: str | None  # the protected ground the signals point to, if any
    factual_basis: float  # strength of the facts as the reviewer weighs them
    thoroughness: float  # 0..1: how thorough the review was (drops under load)
    prior_notices: int = 0  # politically motivated notices against the person the reviewer knows of
    recalled: str = ""  # what the reviewer's case file supplied (empty: nothing remembered)
    emergency_credible: bool = False  # the facts shown make out an emergency within Art 2(o)

    @property
    def suspect_conduct(self) -> bool:
        """The facts show conduct a rights-respecting State would not punish, or a political offence."""
        return self.political_offence or not self.dual_criminality


@frozen
class ScreeningDraws:
    """Uniform(0, 1) draws for one pass of screening: explicit randomness for the pure core.

    Each purpose has its own draw so that switching one safeguard on or off never shifts the draws
    another rule sees (the basis of common random numbers and of the monotonicity property).
    """

    see_through: float = 0.5  # the reviewer penetrates the disguise when below (1 - disguise) x thoroughness
    target_recognition: float = 0.5  # recognised when below visibility x thoroughness
    dual_criminality: float = 0.5  # discretionary refusal when below the refusal rate
    essential_interests: float = 0.5  # Art 40(21)(b) refusal when below its refusal rate
    postponement: float = 0.5  # Art 40(26) postponement when below the postponement rate


@frozen
class Recollection:
    """What the requested State's case file holds about a person (or one request) from earlier reviews.

    A finding made once (the disguise seen through to the real conduct, the person recognised as at
    risk, a refusal or consultation on a persecution ground) carries to later submissions when the
    scenario's ``safeguards.memory`` says so. ``requests`` names the requests the findings come from,
    so a decision trace can show the link.
    """

    conduct_seen: str | None = None  # the real conduct a reviewer saw through to
    recognised: bool = False  # a reviewer recognised the person as someone at risk
    persecution_findings: int = (
        0  # refusals or consultations on a persecution ground (40(22), 40(21)(b), Art 6)
    )
    requests: tuple[int, ...] = ()  # the requests these findings come from
    persecution_requests: frozenset[int] = frozenset()  # requests with a persecution finding

    @property
    def empty(self) -> bool:
        """Whether the case file holds nothing about the request (no conduct seen, nobody recognised, no
        finding)."""
        return self.conduct_seen is None and not self.recognised and not self.persecution_findings


@frozen
class History:
    """How a request has moved so far: what the decision core needs to know about earlier rounds."""

    information_requests: int = 0
    consultations: int = 0
    postponed: bool = False
    findings: frozenset[str] = frozenset()  # grounds announced at consultations (provision ids)

    # The history after one more event (each ``attrs.evolve`` written out: a request's life makes
    # one at each round, and evolve costs over twice as much; tests/domain/test_model.py checks them)
    def after_postponement(self) -> History:
        """Execution was postponed (Art 40(26)): it is not postponed twice."""
        return History(self.information_requests, self.consultations, True, self.findings)

    def after_information_request(self) -> History:
        """More information was asked for (Art 40(16))."""
        return History(self.information_requests + 1, self.consultations, self.postponed, self.findings)

    def after_consultation(self, finding: str) -> History:
        """A consultation before refusal announced the ground ``finding`` (Art 40(27))."""
        return History(
            self.information_requests, self.consultations + 1, self.postponed, self.findings | {finding}
        )


@frozen
class Decision:
    """A stage's verdict on a request, with the provision it rests on and a one-line reason.

    For :attr:`Verdict.CONSULT` the provision is the refusal ground announced to the requester.
    """

    verdict: Verdict
    stage: Stage
    provision: str | None
    reason: str

    @property
    def grants(self) -> bool:
        """Whether the decision grants the request (outright or on conditions)."""
        return self.verdict in GRANT_VERDICTS
