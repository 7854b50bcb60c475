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

from attrs import frozen

from simulator.domain.model import CONVENTION_GROUNDS, PROTECTED_GROUNDS, Measure, Observation
from simulator.domain.provisions import catalogue, treaty_consultation_scope
from simulator.domain.settings import Stricter, choice, count, flag, names, number, part, share


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
        """The standard's name as a file writes it."""
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
    """UNCC Arts 40(1), 35(1)(a)-(c) with 2(h): a convention offence, or a serious crime (N years)."""

    enabled: bool = flag(True, "refuse requests outside the convention's scope", stricter=True)
    serious_crime_years: float = number(
        4.0,
        "maximum penalty from which an offence is a serious crime (Art 2(h): four years)",
        unit="years",
        stricter=Stricter.HIGHER,
        examples=(2.0, 3.0, 4.0, 5.0, 10.0),
    )


@frozen
class Completeness:
    """Form and content of requests (Art 40(14)-(15)); asking for more (40(16)); refusing (40(21)(a))."""

    request_information: bool = flag(True, "ask for the missing elements before refusing (Art 40(16))")
    information_rounds: int = count(
        2, "requests for more information before the file is judged", typical=(0, 3)
    )
    refuse_nonconforming: bool = flag(
        True, "refuse a request still incomplete (Art 40(21)(a))", stricter=True
    )


#: Dual-criminality modes, laxest first.
DUAL_CRIMINALITY_ORDER = (
    DualCriminalityMode.WAIVED,
    DualCriminalityMode.DISCRETIONARY,
    DualCriminalityMode.REQUIRED,
)


def _measures(default: Measure, meaning: str) -> frozenset[Measure]:
    """A setting that is a set of measures (named by their values), by default ``default`` alone;
    fewer is stricter."""
    return names(
        lambda: frozenset({default}),
        meaning,
        lambda: [m.value for m in Measure],
        convert=Measure,
        stricter=Stricter.FEWER,
    )


@frozen
class DualCriminality:
    """UNCC Art 40(9), judged on the conduct (35(2)): whether conduct that is no crime here is refused.

    ``non_coercive_without_dual_criminality``: UNCAC Art 46(9)(b) lets a State decline for lack of dual
    criminality but obliges it to render assistance that involves no coercive action, where consistent
    with its legal system. Whether UNCC Art 40(9) copied that sentence is **unverified** (the adopted
    English text could not be read), so it is a setting, off by default; on, dual criminality never
    refuses a measure of ``non_coercive_measures`` (by default subscriber information, which a provider
    may hand over without being compelled, as 18 U.S.C. 2702(c)(6) lets a US provider: an assumption).
    """

    mode: DualCriminalityMode = choice(
        DualCriminalityMode.DISCRETIONARY,
        "refuse conduct that is no crime in the requested State: always, at discretion, or never",
        DualCriminalityMode,
        order=DUAL_CRIMINALITY_ORDER,
    )
    refusal_rate: float = share(
        0.5, "share of such requests refused when the mode is discretionary", stricter=Stricter.HIGHER
    )
    exempt_measures: frozenset[Measure] = _measures(
        Measure.PRESERVATION, "measures granted without dual criminality (preservation: Art 42(3))"
    )
    non_coercive_without_dual_criminality: bool = flag(
        False,
        "assistance involving no coercive action is given without dual criminality (as UNCAC "
        "Art 46(9)(b); unverified for UNCC Art 40(9))",
        laxer=True,
    )
    non_coercive_measures: frozenset[Measure] = _measures(
        Measure.SUBSCRIBER_INFO, "measures the requested State gives without coercive action (an assumption)"
    )

    def non_coercive(self, measure: Measure) -> bool:
        """Whether ``measure`` is given without dual criminality as non-coercive assistance."""
        return self.non_coercive_without_dual_criminality and measure in self.non_coercive_measures


def _evidence_threshold(default: float, meaning: str) -> float:
    return share(default, meaning, unit="score (0..1)", stricter=Stricter.LOWER)


@frozen
class Discrimination:
    """UNCC Art 40(22): refuse on substantial grounds to believe the request persecutes on a listed ground."""

    enabled: bool = flag(True, "apply the discrimination clause (Art 40(22))", stricter=True)
    evidence_threshold: float = _evidence_threshold(0.7, 'how strong "substantial grounds" must be')
    grounds: frozenset[str] = names(
        lambda: CONVENTION_GROUNDS,
        "protected grounds it covers (Art 40(22) lists seven)",
        lambda: PROTECTED_GROUNDS,
        stricter=Stricter.MORE,
    )


@frozen
class EssentialInterests:
    """UNCC Art 40(21)(b) used against persecution risks on any ground, at the State's discretion."""

    enabled: bool = flag(
        False, "refuse persecution risks as prejudicing ordre public (Art 40(21)(b))", stricter=True
    )
    evidence_threshold: float = _evidence_threshold(0.8, "how strong the persecution risk must be")
    refusal_rate: float = share(
        0.5, "share of such risks refused (a discretionary ground)", stricter=Stricter.HIGHER
    )


@frozen
class HumanRights:
    """UNCC Art 6 read as a refusal basis for grounds Art 40(22) leaves out; a scenario opts in."""

    enabled: bool = flag(False, "refuse on Art 6 for grounds Art 40(22) does not list", stricter=True)
    evidence_threshold: float = _evidence_threshold(0.7, "how strong the grounds to believe must be")
    grounds: frozenset[str] = names(
        lambda: frozenset({"sexual_orientation", "gender_identity", "expression"}),
        "protected grounds it covers",
        lambda: PROTECTED_GROUNDS,
        stricter=Stricter.MORE,
    )


def _weight(default: float, meaning: str) -> float:
    return number(default, meaning, unit="score (0..1)", typical=(0.0, 1.0))


@frozen
class EvidenceWeights:
    """How a rights reviewer weighs signals into "grounds to believe" a request persecutes (0..1)."""

    requester_record: float = _weight(0.45, "weight of the requester's human-rights record (times 0..1)")
    target_recognised: float = _weight(0.35, "added when the person is recognised as someone at risk")
    suspect_conduct: float = _weight(
        0.5, "added when the facts show conduct that is no crime here, or a political offence"
    )
    prior_notice: float = _weight(
        0.15, "added per politically motivated notice against the person the reviewer knows of"
    )

    def score(self, record: float, recognised: bool, suspect: bool, notices: int) -> float:
        """The grounds to believe a request persecutes, from these signals (capped at 1)."""
        total = self.requester_record * record
        if recognised:
            total += self.target_recognised
        if suspect:
            total += self.suspect_conduct
        total += self.prior_notice * notices
        return min(total, 1.0)

    def weigh(self, observation: Observation) -> float:
        """The grounds to believe a request persecutes, from what a reviewer observed of it (0..1)."""
        return self.score(
            observation.requester_record,
            observation.target_recognised,
            observation.suspect_conduct,
            observation.prior_notices,
        )


class DomesticLaw(enum.StrEnum):
    """Whose law a failed judicial standard cites."""

    DOMESTIC = "domestic"  # the requested State's own law, applying to MLA by Arts 24(4), 40(17)
    US = "us"  # United States law: 18 U.S.C. 2703, 3122-3123, 3512


def _standard(measure: str) -> JudicialStandard:
    return choice(
        JudicialStandard.NONE,
        f"the order a court needs before {measure} are handed over",
        JudicialStandard,
        order=tuple(JudicialStandard),
    )


@frozen
class JudicialOrder:
    """The judicial standard per measure, under the requested State's own law (Arts 24(4), 40(17)).

    ``warrant_dual_criminality``: a warrant (probable cause) issues only for conduct punishable in the
    requested State (US 18 U.S.C. 3512(e): more than one year); other orders carry no such condition.
    """

    subscriber_info: JudicialStandard = _standard("subscriber information")
    traffic_data: JudicialStandard = _standard("traffic data")
    stored_content: JudicialStandard = _standard("stored content")
    real_time_traffic: JudicialStandard = _standard("real-time traffic data")
    interception: JudicialStandard = _standard("interception of content")
    preservation: JudicialStandard = _standard("preservation")
    law: DomesticLaw = choice(DomesticLaw.DOMESTIC, "whose law a failed standard cites", DomesticLaw)
    warrant_dual_criminality: bool = flag(
        False, "a warrant issues only for conduct punishable in the requested State", stricter=True
    )

    def standard(self, measure: Measure) -> JudicialStandard:
        """The standard the requested State's law sets for an order for ``measure``."""
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
    ground with ``conditions`` in the catalogue the requested State offers a grant on the terms it
    deems necessary (confidentiality, a narrower scope of data, assurances on use, Art 36(1)(b)
    data-protection conditions; not the use limitation of 40(19), which binds every grant anyway),
    which the requester accepts or declines; with ``amendment`` the requester may instead amend and
    resubmit.
    """

    enabled: bool = flag(True, "consult the requester before the refusals it applies to (Art 40(27))")
    rounds: int = count(1, "consultations per request", typical=(0, 2))
    keep_findings: bool = flag(False, "an incurable ground announced at consultation stands on resubmission")
    applies_to: frozenset[str] = names(
        treaty_consultation_scope,
        "provisions a refusal on which is consulted first",
        lambda: catalogue().keys(),
        aliases={"treaty": treaty_consultation_scope, "every_refusal": lambda: frozenset(catalogue())},
        noun="provision ids",
    )
    conditions: bool = flag(True, "offer a grant on conditions where the ground allows")
    amendment: bool = flag(True, "the requester may amend and resubmit after a consultation")


@frozen
class Safeguards:
    """One requested State's complete safeguard configuration."""

    scope_test: ScopeTest = part(ScopeTest, "the scope test (Arts 40(1), 35(1) with 2(h))")
    completeness: Completeness = part(Completeness, "form and content of requests (Art 40(14)-(16), 21(a))")
    dual_criminality: DualCriminality = part(DualCriminality, "dual criminality (Arts 40(9), 35(2))")
    political_offence: bool = flag(
        False, "refuse political offences (a Budapest Art 27(4)(a)-style ground)", stricter=True
    )
    data_protection: DataProtectionMode = choice(
        DataProtectionMode.OFF,
        "what an inadequate data-protection regime leads to (Art 36): nothing, conditions, or refusal",
        DataProtectionMode,
        order=(DataProtectionMode.OFF, DataProtectionMode.CONDITIONS, DataProtectionMode.REFUSE),
    )
    discrimination: Discrimination = part(Discrimination, "the discrimination clause (Art 40(22))")
    essential_interests: EssentialInterests = part(EssentialInterests, "essential interests (Art 40(21)(b))")
    judicial_order: JudicialOrder = part(JudicialOrder, "judicial standards by measure (Arts 24(4), 40(17))")
    consultation: Consultation = part(Consultation, "consultation before refusal (Art 40(27))")
    postponement_rate: float = share(
        0.0, "share of executions that would disturb a domestic case (Art 40(26))", examples=(0.0, 0.05, 0.5)
    )
    evidence_weights: EvidenceWeights = part(EvidenceWeights, 'how signals add up to "grounds to believe"')
    human_rights: HumanRights = part(HumanRights, "human rights as a refusal basis (Art 6)")
    memory: Memory = choice(
        Memory.SAME_TARGET, "what the central authority's case files remember (Art 40(15): identity)", Memory
    )
    unused: frozenset[str] = names(
        frozenset,
        "grounds kept switched on although no route applies them, on purpose (else an error)",
        lambda: _ground_settings(),
    )


def _ground_settings() -> list[str]:
    """The settings a rule of the decision core reads (its records import this module: read lazily)."""
    from simulator.domain.grounds import RULES

    return sorted({rule.setting for rule in RULES})


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
