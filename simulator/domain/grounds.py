"""The grounds a requested State can refuse on, and the other checks its stages apply: one record each.

A :class:`Rule` is everything the rest of the project needs to know about one check of the decision
core, declared in one place: the pure function that applies it, the stage that applies it, the
provisions it can cite, the safeguard setting it reads (whose declaration says which way is stricter,
:mod:`simulator.domain.settings`), when a configuration has it switched on, whether a fast channel's
24/7 desk may apply it, whether it refuses on the persecution score (so its refusals are findings
against the requester and it has an evidence bar), and the draw of its discretionary refusal. The
stages apply :data:`RULES` in this order (:mod:`simulator.domain.rules`); everything that lists
grounds (the provisions a configuration applies, the fast channels' desks, the evidence bars, the
case files' findings, the report of a stricter configuration, the schema) reads these records.

Each check reads an :class:`~simulator.domain.model.Observation` (never the hidden truth), the
requested State's :class:`~simulator.domain.safeguards.Safeguards`, explicit uniform draws and the
request's :class:`~simulator.domain.model.History`, and returns a
:class:`~simulator.domain.model.Decision` citing its provision, or None when it finds nothing.

The stages and their checks, in order:

- intake: form and content (ask for more under Art 40(16); refuse under 40(21)(a));
- legal review: scope (Arts 40(1), 35(1)(c) with 2(h)), political offence (Budapest 27(4)(a)), dual
  criminality judged on the conduct (40(9), 35(2); never for preservation, Art 42), data protection
  (Art 36);
- rights scrutiny: discrimination clause (40(22)), human rights as an opt-in basis for grounds 40(22)
  leaves out (Art 6), essential interests (40(21)(b));
- judicial order: the requested State's own standard for the measure (Arts 24(4), 40(17); or US
  18 U.S.C. 2703, 3123, 3512(e)), or no such measure at all (Art 46 for interception, else 40(21)(c));
- execution: postponement (40(26)).

Enum members used by the checks are bound to module names once (the hot path: see
:mod:`simulator.world`).
"""

from __future__ import annotations

from collections.abc import Callable

from attrs import frozen

from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.model import Decision, History, Measure, Observation, ScreeningDraws, Stage, Verdict
from simulator.domain.provisions import provision
from simulator.domain.safeguards import (
    STANDARD_BAR,
    DataProtectionMode,
    DomesticLaw,
    DualCriminalityMode,
    JudicialStandard,
    Safeguards,
)

#: A check: what one rule finds in an observation under a configuration, or None.
Check = Callable[[Observation, Safeguards, ScreeningDraws, History], Decision | None]

_CONDITIONAL_GRANT, _POSTPONE, _REFUSE, _REQUEST_INFORMATION = (
    Verdict.CONDITIONAL_GRANT,
    Verdict.POSTPONE,
    Verdict.REFUSE,
    Verdict.REQUEST_INFORMATION,
)
_EXECUTION, _INTAKE, _JUDICIAL_ORDER, _LEGAL_REVIEW, _RIGHTS_SCRUTINY = (
    Stage.EXECUTION,
    Stage.INTAKE,
    Stage.JUDICIAL_ORDER,
    Stage.LEGAL_REVIEW,
    Stage.RIGHTS_SCRUTINY,
)
_REFUSE_TRANSFER = DataProtectionMode.REFUSE
_NO_ORDER, _PRESERVATION, _INTERCEPTION = JudicialStandard.NONE, Measure.PRESERVATION, Measure.INTERCEPTION
_WAIVED, _DISCRETIONARY = DualCriminalityMode.WAIVED, DualCriminalityMode.DISCRETIONARY
_PROBABLE_CAUSE, _UNAVAILABLE, _US = (
    JudicialStandard.PROBABLE_CAUSE,
    JudicialStandard.UNAVAILABLE,
    DomesticLaw.US,
)

#: Provision a failed judicial standard cites under US law; under the requested State's own law it
#: is Arts 24(4), 40(17) (:func:`standard_provision`).
STANDARD_PROVISION: dict[JudicialStandard, str] = {
    JudicialStandard.CERTIFICATION: "us-3123",
    JudicialStandard.SUBPOENA: "us-2703-c-2",
    JudicialStandard.ARTICULABLE_FACTS: "us-2703-d",
    JudicialStandard.PROBABLE_CAUSE: "us-2703-a",
}


def standard_provision(standard: JudicialStandard, measure: Measure, law: DomesticLaw) -> str:
    """The provision a refusal under ``standard`` for ``measure`` cites."""
    if standard is _UNAVAILABLE:
        # interception is assisted only "to the extent permitted" (Art 46); other measures: 40(21)(c)
        return "uncc-46" if measure is _INTERCEPTION else "uncc-40-21-c"
    return STANDARD_PROVISION[standard] if law is _US else "uncc-24-4"


def persecution_evidence(observation: Observation, safeguards: Safeguards) -> float:
    """How strong the grounds to believe a request persecutes, as the reviewer weighs them (0..1)."""
    return safeguards.evidence_weights.weigh(observation)


def _refuse(stage: Stage, provision: str, reason: str) -> Decision:
    return Decision(_REFUSE, stage, provision, reason)


# --- intake -------------------------------------------------------------------------------------
def check_completeness(
    observation: Observation, safeguards: Safeguards, draws: ScreeningDraws, history: History
) -> Decision | None:
    """Missing elements: ask for them while rounds remain (40(16)), then refuse (40(21)(a))."""
    gaps = observation.submission.documentation_gaps
    if gaps == 0:
        return None
    rule = safeguards.completeness
    if rule.request_information and history.information_requests < rule.information_rounds:
        return Decision(
            _REQUEST_INFORMATION,
            _INTAKE,
            "uncc-40-16",
            f"{gaps} required element(s) missing: more information requested",
        )
    if rule.refuse_nonconforming:
        return _refuse(_INTAKE, "uncc-40-21-a", f"{gaps} required element(s) still missing")
    return None


# --- legal review -------------------------------------------------------------------------------
def check_scope(
    observation: Observation, safeguards: Safeguards, draws: ScreeningDraws, history: History
) -> Decision | None:
    """Neither a convention offence nor a serious crime: outside the convention's scope."""
    if not safeguards.scope_test.enabled:
        return None
    submission = observation.submission
    if load_catalogue().offences[submission.offence].convention:
        return None
    threshold = safeguards.scope_test.serious_crime_years
    if submission.penalty_years >= threshold:
        return None
    return _refuse(
        _LEGAL_REVIEW,
        "uncc-35-1-c",
        f"'{submission.offence}' is no convention offence and its maximum penalty "
        f"({submission.penalty_years:g} years) is below the serious-crime threshold ({threshold:g} years)",
    )


def check_political_offence(
    observation: Observation, safeguards: Safeguards, draws: ScreeningDraws, history: History
) -> Decision | None:
    """The facts read show a political or politically connected offence, where the State refuses those."""
    if safeguards.political_offence and observation.political_offence:
        return _refuse(
            _LEGAL_REVIEW,
            "budapest-27-4-a",
            f"the facts show '{observation.conduct_read_as}', a political or politically connected offence",
        )
    return None


def check_dual_criminality(
    observation: Observation, safeguards: Safeguards, draws: ScreeningDraws, history: History
) -> Decision | None:
    """The conduct read is no crime here: refused always, at discretion (a draw), or never."""
    rule = safeguards.dual_criminality
    if observation.dual_criminality or rule.mode is _WAIVED:
        return None
    measure = observation.submission.measure
    if measure in rule.exempt_measures or rule.non_coercive(measure):
        return None
    if rule.mode is _DISCRETIONARY and draws.dual_criminality >= rule.refusal_rate:
        return None
    return _refuse(
        _LEGAL_REVIEW,
        "uncc-40-9",
        f"the conduct read from the facts ('{observation.conduct_read_as}') is no crime in the requested "
        f"State ({rule.mode.value} dual criminality)",
    )


def check_data_protection(
    observation: Observation, safeguards: Safeguards, draws: ScreeningDraws, history: History
) -> Decision | None:
    """Personal data would go to an inadequate regime, where the State refuses such transfers."""
    if safeguards.data_protection is not _REFUSE_TRANSFER or observation.data_protection_adequate:
        return None
    if observation.submission.measure is _PRESERVATION:
        return None  # preservation transfers nothing
    return _refuse(
        _LEGAL_REVIEW, "uncc-36", "the requesting State's data-protection regime is inadequate for a transfer"
    )


# --- rights scrutiny ----------------------------------------------------------------------------
def _grounds_to_believe(observation: Observation, safeguards: Safeguards, rule) -> float | None:
    """The persecution score, when ``rule`` is on, covers the ground the facts show and the score
    reaches its bar (the test Arts 40(22) and 6 share); else None."""
    if not rule.enabled or observation.apparent_ground not in rule.grounds:
        return None
    evidence = persecution_evidence(observation, safeguards)
    return evidence if evidence >= rule.evidence_threshold else None


def check_discrimination(
    observation: Observation, safeguards: Safeguards, draws: ScreeningDraws, history: History
) -> Decision | None:
    """Substantial grounds to believe the request aims at a ground Art 40(22) lists."""
    rule = safeguards.discrimination
    if (evidence := _grounds_to_believe(observation, safeguards, rule)) is None:
        return None
    return _refuse(
        _RIGHTS_SCRUTINY,
        "uncc-40-22",
        f"substantial grounds ({evidence:.2f} >= {rule.evidence_threshold:.2f}) to believe the "
        f"request aims at the person's {observation.apparent_ground.replace('_', ' ')}",
    )


def check_human_rights(
    observation: Observation, safeguards: Safeguards, draws: ScreeningDraws, history: History
) -> Decision | None:
    """Grounds to believe the request would suppress a right on a ground Art 40(22) leaves out (Art 6)."""
    rule = safeguards.human_rights
    if (evidence := _grounds_to_believe(observation, safeguards, rule)) is None:
        return None
    return _refuse(
        _RIGHTS_SCRUTINY,
        "uncc-6",
        f"grounds ({evidence:.2f} >= {rule.evidence_threshold:.2f}) to believe the request would suppress "
        f"the person's {observation.apparent_ground.replace('_', ' ')}, which Art 40(22) does not list",
    )


def check_essential_interests(
    observation: Observation, safeguards: Safeguards, draws: ScreeningDraws, history: History
) -> Decision | None:
    """A persecution risk on any ground, refused at discretion as prejudicing ordre public (40(21)(b))."""
    rule = safeguards.essential_interests
    if not rule.enabled:
        return None
    evidence = persecution_evidence(observation, safeguards)
    if evidence < rule.evidence_threshold or draws.essential_interests >= rule.refusal_rate:
        return None
    ground = (observation.apparent_ground or "unidentified ground").replace("_", " ")
    return _refuse(
        _RIGHTS_SCRUTINY,
        "uncc-40-21-b",
        f"persecution risk ({evidence:.2f} >= {rule.evidence_threshold:.2f}, {ground}) "
        "prejudices the requested State's ordre public",
    )


# --- judicial order -----------------------------------------------------------------------------
def check_judicial_standard(
    observation: Observation, safeguards: Safeguards, draws: ScreeningDraws, history: History
) -> Decision | None:
    """The facts fall short of the order the requested State's law needs for the measure, or none exists."""
    measure = observation.submission.measure
    order = safeguards.judicial_order
    standard = order.standard(measure)
    if standard is _NO_ORDER:
        return None
    provision = standard_provision(standard, measure, order.law)
    if standard is _PROBABLE_CAUSE and order.warrant_dual_criminality and not observation.dual_criminality:
        return _refuse(
            _JUDICIAL_ORDER,
            "us-3512-e" if order.law is _US else provision,
            f"no warrant: the conduct read ('{observation.conduct_read_as}') is not punishable in the "
            "requested State",
        )
    if standard is _UNAVAILABLE:
        return _refuse(
            _JUDICIAL_ORDER,
            provision,
            f"the requested State's law offers no {measure.value.replace('_', ' ')} for this case",
        )
    bar = STANDARD_BAR[standard]
    if observation.factual_basis >= bar:
        return None
    return _refuse(
        _JUDICIAL_ORDER,
        provision,
        f"facts ({observation.factual_basis:.2f}) fall short of the {standard.label.replace('_', ' ')} "
        f"standard ({bar:.2f})",
    )


# --- execution ----------------------------------------------------------------------------------
def check_postponement(
    observation: Observation, safeguards: Safeguards, draws: ScreeningDraws, history: History
) -> Decision | None:
    """Execution would disturb a domestic case (a draw): postponed once (40(26))."""
    if history.postponed or draws.postponement >= safeguards.postponement_rate:
        return None
    return Decision(
        _POSTPONE,
        _EXECUTION,
        "uncc-40-26",
        "execution would interfere with a domestic investigation: postponed",
    )


# --- the records ----------------------------------------------------------------------------------
def _judicial_refusals(safeguards: Safeguards) -> frozenset[str]:
    """The provisions the judicial-order check can refuse on: one per measure that needs an order."""
    order = safeguards.judicial_order
    found = set()
    for measure in Measure:
        standard = order.standard(measure)
        if standard is not _NO_ORDER:
            found.add(standard_provision(standard, measure, order.law))
            if standard is _PROBABLE_CAUSE and order.warrant_dual_criminality:
                found.add("us-3512-e" if order.law is _US else "uncc-24-4")
    return frozenset(found)


def when(switched_on: Callable[[Safeguards], bool], provision: str) -> Callable[[Safeguards], frozenset[str]]:
    """``refuses_on`` for a rule that refuses on ``provision`` whenever ``switched_on`` says so."""
    only = frozenset({provision})
    return lambda safeguards: only if switched_on(safeguards) else frozenset()


def _never(safeguards: Safeguards) -> frozenset[str]:
    return frozenset()


@frozen
class Rule:
    """One check of the decision core, with everything that lists grounds reads (module docstring)."""

    provisions: tuple[str, ...]  # every provision it can cite; the first is its own ground
    stage: Stage
    check: Check
    basis: tuple[str, ...] = ()  # provisions it rests on without citing them
    setting: str | None = None  # the Safeguards field it reads (its declaration gives the direction)
    refuses_on: Callable[[Safeguards], frozenset[str]] = _never  # provisions it can refuse on, if on
    desk: bool = False  # a fast channel's 24/7 desk may apply it
    persecution: bool = False  # it refuses on the persecution score: an evidence bar, and a finding
    draw: str | None = None  # the ScreeningDraws field of its discretionary refusal

    @property
    def ground(self) -> str:
        """The provision it is known by."""
        return self.provisions[0]

    @property
    def can_refuse(self) -> bool:
        """Whether it refuses under some configuration (postponement never does)."""
        return self.refuses_on is not _never

    @property
    def rests_on(self) -> tuple[str, ...]:
        """Every provision it applies: those it cites, then those it rests on without citing."""
        return (*self.provisions, *self.basis)

    def bar(self, safeguards: Safeguards) -> float | None:
        """Its evidence bar under ``safeguards`` (None: it does not refuse on the persecution score, is
        off, or refuses at a discretionary rate of 0)."""
        if not self.persecution or not self.refuses_on(safeguards):
            return None
        setting = getattr(safeguards, self.setting)
        if self.draw is not None and setting.refusal_rate <= 0:
            return None
        return setting.evidence_threshold


def rule(
    check: Check,
    provisions: str | tuple[str, ...],
    setting: str,
    on: Callable[[Safeguards], bool] | None = None,
    *,
    refuses: str | None = None,
    refuses_on: Callable[[Safeguards], frozenset[str]] | None = None,
    **more: object,
) -> Rule:
    """A rule's record: it refuses on ``refuses`` (its first provision unless said) whenever ``on`` says
    it is switched on (or on what ``refuses_on`` lists), at the stage the catalogue gives its first
    provision (``simulator/domain/data/provisions.toml``)."""
    cited = (provisions,) if isinstance(provisions, str) else provisions
    if refuses_on is None:
        refuses_on = when(on, refuses or cited[0]) if on is not None else _never
    stage = Stage(provision(cited[0]).stage)
    return Rule(cited, stage, check, setting=setting, refuses_on=refuses_on, **more)


#: Every check, in the order the stages apply them.
RULES: tuple[Rule, ...] = (
    rule(
        check_completeness,
        ("uncc-40-16", "uncc-40-21-a"),
        "completeness",
        lambda s: s.completeness.refuse_nonconforming,
        refuses="uncc-40-21-a",
    ),
    rule(check_scope, "uncc-35-1-c", "scope_test", lambda s: s.scope_test.enabled),
    rule(
        check_political_offence,
        "budapest-27-4-a",
        "political_offence",
        lambda s: s.political_offence,
        desk=True,
    ),
    rule(
        check_dual_criminality,
        "uncc-40-9",
        "dual_criminality",
        lambda s: s.dual_criminality.mode is not _WAIVED,
        basis=("uncc-35-2", "uncc-42", "uncc-40-9-b"),  # on the conduct; preservation; non-coercive
        draw="dual_criminality",
    ),
    rule(
        check_data_protection, "uncc-36", "data_protection", lambda s: s.data_protection is _REFUSE_TRANSFER
    ),
    rule(
        check_discrimination,
        "uncc-40-22",
        "discrimination",
        lambda s: s.discrimination.enabled,
        desk=True,
        persecution=True,
    ),
    rule(
        check_human_rights,
        "uncc-6",
        "human_rights",
        lambda s: s.human_rights.enabled,
        desk=True,
        persecution=True,
    ),
    rule(
        check_essential_interests,
        "uncc-40-21-b",
        "essential_interests",
        lambda s: s.essential_interests.enabled,
        desk=True,
        persecution=True,
        draw="essential_interests",
    ),
    rule(
        check_judicial_standard,
        (*STANDARD_PROVISION.values(), "us-3512-e", "uncc-24-4", "uncc-46", "uncc-40-21-c"),
        "judicial_order",
        refuses_on=_judicial_refusals,
    ),
    rule(
        check_postponement,
        "uncc-40-26",
        "postponement_rate",
        basis=("uncc-36",),  # the grant that follows may carry Art 36 conditions
        draw="postponement",
    ),
)

#: Each stage's rules, in order (the 24/7 desk's are the fast channels': simulator.domain.channels).
BY_STAGE: dict[Stage, tuple[Rule, ...]] = {
    stage: tuple(r for r in RULES if r.stage is stage) for stage in Stage
}

#: The grounds a fast channel's desk may apply.
DESK_RULES: dict[str, Rule] = {rule.ground: rule for rule in RULES if rule.desk}

#: Provisions whose refusal (or consultation) is a finding of persecution against the requester.
PERSECUTION_PROVISIONS: frozenset[str] = frozenset(rule.ground for rule in RULES if rule.persecution)


def enabled_provisions(safeguards: Safeguards) -> frozenset[str]:
    """Provisions a request can be refused (or consulted) on under this configuration."""
    return frozenset().union(*(rule.refuses_on(safeguards) for rule in RULES))
