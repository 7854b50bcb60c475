"""The decision core: pure functions that apply the provisions to what a reviewer observes.

Each screening stage applies an ordered list of :class:`Rule`\\ s. A rule reads an
:class:`~simulator.domain.model.Observation` (never the hidden truth), the requested State's
:class:`~simulator.domain.safeguards.Safeguards`, explicit uniform draws and the request's
:class:`~simulator.domain.model.History`, and either finds nothing (``None``) or returns a
:class:`~simulator.domain.model.Decision` citing its provision. The first rule that finds something decides
the stage; if none does, the request proceeds. No SimPy, no I/O, no hidden state: the SimPy
pipeline calls :func:`decide` at the end of each stage and the property tests call it directly.

Stages and their rules, in order:

- intake: form and content (ask for more under Art 40(16); refuse under 40(21)(a));
- legal review: scope (Arts 40(1), 35(1)(c) with 2(h)), political offence (Budapest 27(4)(a)), dual
  criminality judged on the conduct (40(9), 35(2); never for preservation, Art 42), data protection
  (Art 36);
- rights scrutiny: discrimination clause (40(22)), human rights as an opt-in basis for grounds 40(22)
  leaves out (Art 6), essential interests (40(21)(b));
- judicial order: the requested State's own standard for the measure (Arts 24(4), 40(17); or US
  18 U.S.C. 2703, 3123, 3512(e)), or no such measure at all (Art 46 for interception, else 40(21)(c));
- execution: postponement (40(26)), then the grant, under Art 36 conditions where they apply.

Consultation (40(27)) comes before the refusals the treaty names (those pursuant to 40(21), and
40(26) postponements) or, where a scenario chooses a wider practice, before the refusals it lists in
``safeguards.consultation.applies_to``: while consultation rounds remain, such a refusal is announced
as ``CONSULT``. The requester is then offered a grant on conditions where the ground allows it
(:func:`offers_conditions`), or may amend and resubmit. A decline under 40(9), 40(22) or Art 36 is
not consulted under the treaty setting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from attrs import frozen

from simulator.domain.applied import STANDARD_PROVISION, enabled_provisions, standard_provision
from simulator.domain.applied import active_provisions as active_provisions  # re-exported
from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.model import (
    FULL_ROUTE,
    Decision,
    History,
    Measure,
    Observation,
    ScreeningDraws,
    Stage,
    Verdict,
)
from simulator.domain.provisions import provision
from simulator.domain.safeguards import (
    STANDARD_BAR,
    DataProtectionMode,
    DomesticLaw,
    DualCriminalityMode,
    JudicialStandard,
    Safeguards,
)

Check = Callable[[Observation, Safeguards, ScreeningDraws, History], Decision | None]


# The verdicts and stages the checks below return, bound once: in Python 3.11 an enum member read off
# its class goes through the hook of EnumType.__getattr__ (a fifth of a microsecond; a global: 0.01).
_CONDITIONAL_GRANT, _CONSULT, _GRANT, _POSTPONE, _REFUSE, _REQUEST_INFORMATION = (
    Verdict.CONDITIONAL_GRANT,
    Verdict.CONSULT,
    Verdict.GRANT,
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


@frozen
class Rule:
    """One check applied at one stage, with the provisions it can cite."""

    provisions: tuple[str, ...]
    stage: Stage
    check: Check


def _refuse(stage: Stage, provision: str, reason: str) -> Decision:
    return Decision(_REFUSE, stage, provision, reason)


def persecution_evidence(observation: Observation, safeguards: Safeguards) -> float:
    """How strong the grounds to believe a request persecutes, as the reviewer weighs them (0..1)."""
    weights = safeguards.evidence_weights
    score = weights.requester_record * observation.requester_record
    if observation.target_recognised:
        score += weights.target_recognised
    if observation.suspect_conduct:
        score += weights.suspect_conduct
    score += weights.prior_notice * observation.prior_notices
    return min(score, 1.0)


# --- intake -------------------------------------------------------------------------------------
def check_completeness(o: Observation, s: Safeguards, d: ScreeningDraws, h: History):
    gaps = o.submission.documentation_gaps
    if gaps == 0:
        return None
    rule = s.completeness
    if rule.request_information and h.information_requests < rule.information_rounds:
        return Decision(
            _REQUEST_INFORMATION,
            _INTAKE,
            "uncc-40-16",
            f"{gaps} required element(s) missing: more information requested",
        )
    if rule.refuse_nonconforming:
        return _refuse(_INTAKE, "uncc-40-21-a", f"{gaps} required element(s) still missing")
    return None


# Enum members read at every review, bound once (in Python 3.11 a member read off its class goes
# through the hook of EnumType.__getattr__: about 0.2 microseconds, a module global 0.01).
_REFUSE_TRANSFER, _ON_CONDITIONS = DataProtectionMode.REFUSE, DataProtectionMode.CONDITIONS
_NO_ORDER, _PRESERVATION = JudicialStandard.NONE, Measure.PRESERVATION
_WAIVED, _DISCRETIONARY = DualCriminalityMode.WAIVED, DualCriminalityMode.DISCRETIONARY
_PROBABLE_CAUSE, _UNAVAILABLE = JudicialStandard.PROBABLE_CAUSE, JudicialStandard.UNAVAILABLE


# --- legal review -------------------------------------------------------------------------------
def check_scope(o: Observation, s: Safeguards, d: ScreeningDraws, h: History):
    if not s.scope_test.enabled:
        return None
    sub = o.submission
    if load_catalogue().offences[sub.offence].convention:
        return None
    if sub.penalty_years >= s.scope_test.serious_crime_years:
        return None
    return _refuse(
        _LEGAL_REVIEW,
        "uncc-35-1-c",
        f"'{sub.offence}' is no convention offence and its maximum penalty "
        f"({sub.penalty_years:g} years) is below the serious-crime threshold "
        f"({s.scope_test.serious_crime_years:g} years)",
    )


def check_political_offence(o: Observation, s: Safeguards, d: ScreeningDraws, h: History):
    if s.political_offence and o.political_offence:
        return _refuse(
            _LEGAL_REVIEW,
            "budapest-27-4-a",
            f"the facts show '{o.conduct_read_as}', a political or politically connected offence",
        )
    return None


def check_dual_criminality(o: Observation, s: Safeguards, d: ScreeningDraws, h: History):
    rule = s.dual_criminality
    if o.dual_criminality or rule.mode is _WAIVED:
        return None
    if o.submission.measure in rule.exempt_measures:
        return None
    if rule.mode is _DISCRETIONARY and d.dual_criminality >= rule.refusal_rate:
        return None
    return _refuse(
        _LEGAL_REVIEW,
        "uncc-40-9",
        f"the conduct read from the facts ('{o.conduct_read_as}') is no crime in the requested "
        f"State ({rule.mode.value} dual criminality)",
    )


def check_data_protection(o: Observation, s: Safeguards, d: ScreeningDraws, h: History):
    if s.data_protection is not _REFUSE_TRANSFER or o.data_protection_adequate:
        return None
    if o.submission.measure is _PRESERVATION:
        return None  # preservation transfers nothing
    return _refuse(
        _LEGAL_REVIEW,
        "uncc-36",
        "the requesting State's data-protection regime is inadequate for a transfer",
    )


# --- rights scrutiny ----------------------------------------------------------------------------
def _grounds_to_believe(o: Observation, s: Safeguards, rule) -> float | None:
    """The persecution score, when ``rule`` is on, covers the ground the facts show and the score
    reaches its bar (the test Arts 40(22) and 6 share); else None."""
    if not rule.enabled or o.apparent_ground not in rule.grounds:
        return None
    evidence = persecution_evidence(o, s)
    return evidence if evidence >= rule.evidence_threshold else None


def check_discrimination(o: Observation, s: Safeguards, d: ScreeningDraws, h: History):
    rule = s.discrimination
    if (evidence := _grounds_to_believe(o, s, rule)) is None:
        return None
    return _refuse(
        _RIGHTS_SCRUTINY,
        "uncc-40-22",
        f"substantial grounds ({evidence:.2f} >= {rule.evidence_threshold:.2f}) to believe the "
        f"request aims at the person's {o.apparent_ground.replace('_', ' ')}",
    )


def check_human_rights(o: Observation, s: Safeguards, d: ScreeningDraws, h: History):
    rule = s.human_rights
    if (evidence := _grounds_to_believe(o, s, rule)) is None:
        return None
    return _refuse(
        _RIGHTS_SCRUTINY,
        "uncc-6",
        f"grounds ({evidence:.2f} >= {rule.evidence_threshold:.2f}) to believe the request would suppress "
        f"the person's {o.apparent_ground.replace('_', ' ')}, which Art 40(22) does not list",
    )


def check_essential_interests(o: Observation, s: Safeguards, d: ScreeningDraws, h: History):
    rule = s.essential_interests
    if not rule.enabled:
        return None
    evidence = persecution_evidence(o, s)
    if evidence < rule.evidence_threshold or d.essential_interests >= rule.refusal_rate:
        return None
    ground = (o.apparent_ground or "unidentified ground").replace("_", " ")
    return _refuse(
        _RIGHTS_SCRUTINY,
        "uncc-40-21-b",
        f"persecution risk ({evidence:.2f} >= {rule.evidence_threshold:.2f}, {ground}) "
        "prejudices the requested State's ordre public",
    )


# --- judicial order -----------------------------------------------------------------------------
def check_judicial_standard(o: Observation, s: Safeguards, d: ScreeningDraws, h: History):
    measure = o.submission.measure
    standard = s.judicial_order.standard(measure)
    if standard is _NO_ORDER:
        return None
    order = s.judicial_order
    provision = standard_provision(standard, measure, order.law)
    if standard is _PROBABLE_CAUSE and order.warrant_dual_criminality and not o.dual_criminality:
        return _refuse(
            _JUDICIAL_ORDER,
            "us-3512-e" if order.law is DomesticLaw.US else provision,
            f"no warrant: the conduct read ('{o.conduct_read_as}') is not punishable in the requested State",
        )
    if standard is _UNAVAILABLE:
        return _refuse(
            _JUDICIAL_ORDER,
            provision,
            f"the requested State's law offers no {measure.value.replace('_', ' ')} for this case",
        )
    bar = STANDARD_BAR[standard]
    if o.factual_basis >= bar:
        return None
    return _refuse(
        _JUDICIAL_ORDER,
        provision,
        f"facts ({o.factual_basis:.2f}) fall short of the {standard.label.replace('_', ' ')} "
        f"standard ({bar:.2f})",
    )


# --- execution ----------------------------------------------------------------------------------
def check_postponement(o: Observation, s: Safeguards, d: ScreeningDraws, h: History):
    if h.postponed or d.postponement >= s.postponement_rate:
        return None
    return Decision(
        _POSTPONE,
        _EXECUTION,
        "uncc-40-26",
        "execution would interfere with a domestic investigation: postponed",
    )


def grant(o: Observation, s: Safeguards, d: ScreeningDraws, h: History) -> Decision:
    transfers = o.submission.measure is not _PRESERVATION  # preservation hands nothing over
    if transfers and s.data_protection is _ON_CONDITIONS and not o.data_protection_adequate:
        return Decision(
            _CONDITIONAL_GRANT,
            _EXECUTION,
            "uncc-36",
            "data handed over on data-protection conditions",
        )
    return _GRANTED


_GRANTED = Decision(_GRANT, _EXECUTION, None, "data handed over")


RULES: dict[Stage, tuple[Rule, ...]] = {
    Stage.INTAKE: (Rule(("uncc-40-16", "uncc-40-21-a"), Stage.INTAKE, check_completeness),),
    Stage.LEGAL_REVIEW: (
        Rule(("uncc-35-1-c",), Stage.LEGAL_REVIEW, check_scope),
        Rule(("budapest-27-4-a",), Stage.LEGAL_REVIEW, check_political_offence),
        Rule(("uncc-40-9", "uncc-35-2", "uncc-42"), Stage.LEGAL_REVIEW, check_dual_criminality),
        Rule(("uncc-36",), Stage.LEGAL_REVIEW, check_data_protection),
    ),
    Stage.RIGHTS_SCRUTINY: (
        Rule(("uncc-40-22",), Stage.RIGHTS_SCRUTINY, check_discrimination),
        Rule(("uncc-6",), Stage.RIGHTS_SCRUTINY, check_human_rights),
        Rule(("uncc-40-21-b",), Stage.RIGHTS_SCRUTINY, check_essential_interests),
    ),
    Stage.JUDICIAL_ORDER: (
        Rule(
            (*STANDARD_PROVISION.values(), "us-3512-e", "uncc-24-4", "uncc-46", "uncc-40-21-c"),
            Stage.JUDICIAL_ORDER,
            check_judicial_standard,
        ),
    ),
    Stage.EXECUTION: (Rule(("uncc-40-26", "uncc-36"), Stage.EXECUTION, check_postponement),),
    Stage.CONTACT_POINT: (),  # the fast channels' desk: simulator.domain.channels decides there
}


#: Each stage's checks in order, and its decision when none finds anything (decisions are immutable).
_CHECKS = {stage: tuple(rule.check for rule in rules) for stage, rules in RULES.items()}
_PROCEED = {stage: Decision(Verdict.PROCEED, stage, None, "no ground applies") for stage in RULES}


def consults(safeguards: Safeguards, pid: str | None) -> bool:
    """Whether the configuration consults the requester before refusing or postponing on ``pid``."""
    rule = safeguards.consultation
    return rule.enabled and pid in rule.applies_to


def offers_conditions(safeguards: Safeguards, pid: str | None) -> bool:
    """Whether a consultation on ``pid`` offers a grant subject to conditions (Arts 40(19), 36(1)(b))."""
    return safeguards.consultation.conditions and pid is not None and provision(pid).conditions


def _consult_first(decision: Decision, safeguards: Safeguards, history: History) -> Decision:
    if (
        not consults(safeguards, decision.provision)
        or history.consultations >= safeguards.consultation.rounds
    ):
        return decision
    return Decision(_CONSULT, decision.stage, decision.provision, decision.reason)


def kept_finding(stage: Stage, safeguards: Safeguards, history: History) -> Decision | None:
    """With ``keep_findings``, an incurable ground announced at consultation stands at its stage."""
    if not safeguards.consultation.keep_findings or not history.findings:
        return None
    enabled = enabled_provisions(safeguards)
    for pid in sorted(history.findings):
        entry = provision(pid)
        if entry.stage == stage.value and not entry.curable and pid in enabled:
            return _refuse(stage, pid, f"the ground announced at consultation stands ({entry.title})")
    return None


def decide(
    stage: Stage,
    observation: Observation,
    safeguards: Safeguards,
    draws: ScreeningDraws,
    history: History,
) -> Decision:
    """Apply one stage's rules in order; the first that finds something decides."""
    if history.findings and safeguards.consultation.keep_findings:
        kept = kept_finding(stage, safeguards, history)
        if kept is not None:
            return _consult_first(kept, safeguards, history)
    for check in _CHECKS[stage]:
        decision = check(observation, safeguards, draws, history)
        if decision is not None:
            if decision.verdict is _REFUSE:
                return _consult_first(decision, safeguards, history)
            return decision
    if stage is _EXECUTION:
        return grant(observation, safeguards, draws, history)
    return _PROCEED[stage]


def screen(
    observation: Observation,
    safeguards: Safeguards,
    draws: ScreeningDraws,
    history: History | None = None,
    route: Iterable[Stage] = FULL_ROUTE,
) -> Decision:
    """One pass through a route: the first decision that is not ``PROCEED``.

    This is the whole pipeline's logic without queues or time: what happens to a request read as
    ``observation`` at every stage. A route must end with execution.
    """
    history = history or History()
    decision = Decision(Verdict.PROCEED, Stage.INTAKE, None, "empty route")
    for stage in route:
        decision = decide(stage, observation, safeguards, draws, history)
        if decision.verdict is not Verdict.PROCEED:
            return decision
    return decision
