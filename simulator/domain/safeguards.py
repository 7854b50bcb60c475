"""The requested State's safeguard configuration: which grounds it applies and how strictly.

The UN convention leaves most safeguards to the requested State's choice: its refusal grounds are
permissive ("may refuse"), dual criminality is optional, the discrimination clause needs
"substantial grounds", judicial review is required only "as appropriate". A :class:`Safeguards`
value records one State's choices. It is plain data; :mod:`simulator.domain.rules` applies it.

Strictness has a direction. A configuration is *at least as strict* as another when every ground
the other applies it applies too, with a bar no higher and a refusal rate no lower; the decision
core guarantees that a stricter configuration never grants what a laxer one refused for the same
draws (tested as a property).
"""

from __future__ import annotations

import enum

from attrs import field, frozen

from simulator.domain.model import CONVENTION_GROUNDS, Measure
from simulator.domain.provisions import treaty_consultation_scope


class DualCriminalityMode(enum.StrEnum):
    """How the requested State treats conduct that is no crime in its own law (UNCC Art 40(9))."""

    REQUIRED = "required"  # always refuse (the Budapest and critics' view of a cornerstone)
    DISCRETIONARY = "discretionary"  # may refuse: refuses a set share of such requests
    WAIVED = "waived"  # never refuses on this ground


class JudicialStandard(enum.IntEnum):
    """The order a requested State's court needs before a provider hands over data, by strictness."""

    NONE = 0  # executed on the central authority's say-so
    CERTIFICATION = 1  # a certification of relevance (US pen register, 18 U.S.C. 3122(b)(2), 3123)
    SUBPOENA = 2  # relevance (US basic subscriber information, 18 U.S.C. 2703(c)(2))
    ARTICULABLE_FACTS = 3  # specific and articulable facts (US non-content, 18 U.S.C. 2703(d))
    PROBABLE_CAUSE = 4  # probable-cause warrant (US content, 18 U.S.C. 2703(a)/(b))
    UNAVAILABLE = 5  # domestic law offers no such measure for this case (Art 46 for interception)

    @property
    def label(self) -> str:
        return self.name.lower()


#: Strength of facts (0..1) each standard demands, a modelling assumption: relevance is a low bar,
#: probable cause a high one. The provision a failed standard cites is in :mod:`simulator.domain.rules`.
STANDARD_BAR: dict[JudicialStandard, float] = {
    JudicialStandard.NONE: 0.0,
    JudicialStandard.CERTIFICATION: 0.05,
    JudicialStandard.SUBPOENA: 0.1,
    JudicialStandard.ARTICULABLE_FACTS: 0.35,
    JudicialStandard.PROBABLE_CAUSE: 0.6,
}


class DataProtectionMode(enum.StrEnum):
    """What the requested State does when the requester's data-protection regime is inadequate (Art 36)."""

    OFF = "off"
    CONDITIONS = "conditions"  # grant under conditions on the use of the data
    REFUSE = "refuse"  # refuse to transfer personal data


@frozen
class ScopeTest:
    """UNCC Arts 35(1)(c), 23(2) with 2(h): convention offence, or serious crime of at least N years."""

    enabled: bool = True
    serious_crime_years: float = 4.0


@frozen
class Completeness:
    """Form and content of requests (Art 40(14)-(15)); asking for more (40(16)); refusing (40(21)(a))."""

    request_information: bool = True
    information_rounds: int = 2
    refuse_nonconforming: bool = True


@frozen
class DualCriminality:
    mode: DualCriminalityMode = DualCriminalityMode.DISCRETIONARY
    refusal_rate: float = 0.5  # share refused when the mode is discretionary
    exempt_measures: frozenset[Measure] = frozenset({Measure.PRESERVATION})  # Art 42


@frozen
class Discrimination:
    """UNCC Art 40(22): refuse on substantial grounds to believe the request persecutes on a listed ground."""

    enabled: bool = True
    evidence_threshold: float = 0.7  # how strong "substantial grounds" must be, 0..1
    grounds: frozenset[str] = CONVENTION_GROUNDS


@frozen
class EssentialInterests:
    """UNCC Art 40(21)(b) used against persecution risks on any ground, at the State's discretion."""

    enabled: bool = False
    evidence_threshold: float = 0.8
    refusal_rate: float = 0.5


@frozen
class HumanRights:
    """UNCC Art 6 read as a refusal basis for grounds Art 40(22) leaves out; a scenario opts in."""

    enabled: bool = False
    evidence_threshold: float = 0.7
    grounds: frozenset[str] = frozenset({"sexual_orientation", "gender_identity", "expression"})


@frozen
class EvidenceWeights:
    """How a rights reviewer weighs signals into "grounds to believe" a request persecutes (0..1)."""

    requester_record: float = 0.45  # times the requester's record (0..1)
    target_recognised: float = 0.35  # the person is recognised as someone at risk
    suspect_conduct: float = 0.5  # the facts show conduct that is no crime here, or a political offence
    prior_notice: float = 0.15  # per politically motivated notice against the person the reviewer knows of


class DomesticLaw(enum.StrEnum):
    """Whose law a failed judicial standard cites."""

    DOMESTIC = "domestic"  # the requested State's own law, applying to MLA by Arts 24(4), 40(17)
    US = "us"  # United States law: 18 U.S.C. 2703, 3122-3123, 3512


@frozen
class JudicialOrder:
    """The judicial standard per measure, under the requested State's own law (Arts 24(4), 40(17)).

    ``warrant_dual_criminality``: a warrant (probable cause) issues only for conduct punishable in the
    requested State (US 18 U.S.C. 3512(e): more than one year); other orders carry no such condition.
    """

    subscriber_info: JudicialStandard = JudicialStandard.NONE
    traffic_data: JudicialStandard = JudicialStandard.NONE
    stored_content: JudicialStandard = JudicialStandard.NONE
    real_time_traffic: JudicialStandard = JudicialStandard.NONE
    interception: JudicialStandard = JudicialStandard.NONE
    preservation: JudicialStandard = JudicialStandard.NONE
    law: DomesticLaw = DomesticLaw.DOMESTIC
    warrant_dual_criminality: bool = False

    def standard(self, measure: Measure) -> JudicialStandard:
        return getattr(self, measure)  # a measure is its value (a StrEnum): the field's name


class Memory(enum.StrEnum):
    """What a reviewer remembers of earlier reviews (a central authority's case file)."""

    NONE = "none"  # every submission is read afresh, as if never seen
    SAME_REQUEST = "same_request"  # findings carry to the amended resubmissions of the same request
    SAME_TARGET = "same_target"  # findings carry to every later request naming the same person


@frozen
class Consultation:
    """UNCC Art 40(27): consult the requester before refusing pursuant to 40(21) or postponing (40(26)).

    ``applies_to`` lists the provisions a refusal (or postponement) on which is consulted first; the
    default is the treaty's scope (provisions with ``consult = true`` in the catalogue). A wider
    practice (``every_refusal`` in a scenario file) must be chosen explicitly. At a consultation on a
    ground marked ``conditions`` the requested State offers a grant subject to conditions (use
    limitation, Art 40(19); data-protection conditions, Art 36(1)(b)), which the requester accepts or
    declines; with ``amendment`` the requester may instead amend and resubmit.
    """

    enabled: bool = True
    rounds: int = 1
    keep_findings: bool = False  # an incurable ground announced at consultation stands on resubmission
    applies_to: frozenset[str] = field(factory=treaty_consultation_scope)
    conditions: bool = True  # offer a grant on conditions where the ground allows
    amendment: bool = True  # the requester may amend and resubmit after a consultation


@frozen
class Safeguards:
    """One requested State's complete safeguard configuration."""

    scope_test: ScopeTest = field(factory=ScopeTest)
    completeness: Completeness = field(factory=Completeness)
    dual_criminality: DualCriminality = field(factory=DualCriminality)
    political_offence: bool = False  # Budapest Art 27(4)(a)-style ground
    data_protection: DataProtectionMode = DataProtectionMode.OFF
    discrimination: Discrimination = field(factory=Discrimination)
    essential_interests: EssentialInterests = field(factory=EssentialInterests)
    judicial_order: JudicialOrder = field(factory=JudicialOrder)
    consultation: Consultation = field(factory=Consultation)
    postponement_rate: float = 0.0  # share of executions that would disturb a domestic case
    evidence_weights: EvidenceWeights = field(factory=EvidenceWeights)
    human_rights: HumanRights = field(factory=HumanRights)
    memory: Memory = Memory.SAME_TARGET  # a central authority keeps its case files (Art 40(15): identity)


def no_safeguards() -> Safeguards:
    """Every safeguard off: the requested State executes whatever arrives."""
    return Safeguards(
        scope_test=ScopeTest(enabled=False),
        completeness=Completeness(request_information=False, refuse_nonconforming=False),
        dual_criminality=DualCriminality(mode=DualCriminalityMode.WAIVED),
        political_offence=False,
        data_protection=DataProtectionMode.OFF,
        discrimination=Discrimination(enabled=False),
        essential_interests=EssentialInterests(enabled=False),
        judicial_order=JudicialOrder(),
        consultation=Consultation(enabled=False),
        postponement_rate=0.0,
        memory=Memory.NONE,
    )
