"""The decision core: how a stage applies its rules, and what consultation does with a refusal.

Each screening stage applies an ordered list of rules (:mod:`simulator.domain.grounds`, one record
each). A rule reads an :class:`~simulator.domain.model.Observation` (never the hidden truth), the
requested State's :class:`~simulator.domain.safeguards.Safeguards`, explicit uniform draws and the
request's :class:`~simulator.domain.model.History`, and either finds nothing or returns a
:class:`~simulator.domain.model.Decision` citing its provision. The first rule that finds something
decides the stage; if none does, the request proceeds, and at execution it is granted (under Art 36
conditions where they apply). No SimPy, no I/O, no hidden state: the SimPy pipeline calls
:func:`decide` at the end of each stage and the property tests call it directly.

Consultation (40(27)) comes before the refusals the treaty names (those pursuant to 40(21), and
40(26) postponements) or, where a scenario chooses a wider practice, before the refusals it lists in
``safeguards.consultation.applies_to``: while consultation rounds remain, such a refusal is announced
as ``CONSULT``. The requester is then offered a grant on conditions where the ground allows it
(:func:`offers_conditions`), or may amend and resubmit. A decline under 40(9), 40(22) or Art 36 is
not consulted under the treaty setting. With ``keep_findings``, an incurable ground announced at a
consultation stands when the request comes back (:func:`kept_finding`).
"""

from __future__ import annotations

from collections.abc import Iterable

from simulator.domain.grounds import BY_STAGE, enabled_provisions
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
from simulator.domain.safeguards import DataProtectionMode, Safeguards

_CONDITIONAL_GRANT, _CONSULT, _GRANT, _REFUSE = (
    Verdict.CONDITIONAL_GRANT,
    Verdict.CONSULT,
    Verdict.GRANT,
    Verdict.REFUSE,
)
_EXECUTION, _PRESERVATION, _ON_CONDITIONS = (
    Stage.EXECUTION,
    Measure.PRESERVATION,
    DataProtectionMode.CONDITIONS,
)


def grant(
    observation: Observation, safeguards: Safeguards, draws: ScreeningDraws, history: History
) -> Decision:
    """Execution's decision when no rule found anything: the data handed over, on Art 36 conditions
    where the requester's data-protection regime is inadequate and the State sets conditions."""
    transfers = observation.submission.measure is not _PRESERVATION  # preservation hands nothing over
    if (
        transfers
        and safeguards.data_protection is _ON_CONDITIONS
        and not observation.data_protection_adequate
    ):
        return Decision(
            _CONDITIONAL_GRANT, _EXECUTION, "uncc-36", "data handed over on data-protection conditions"
        )
    return _GRANTED


_GRANTED = Decision(_GRANT, _EXECUTION, None, "data handed over")

#: Each stage's checks in order, and its decision when none finds anything (decisions are immutable).
_CHECKS = {stage: tuple(rule.check for rule in rules) for stage, rules in BY_STAGE.items()}
_PROCEED = {stage: Decision(Verdict.PROCEED, stage, None, "no ground applies") for stage in BY_STAGE}


def consults(safeguards: Safeguards, pid: str | None) -> bool:
    """Whether the configuration consults the requester before refusing or postponing on ``pid``."""
    rule = safeguards.consultation
    return rule.enabled and pid in rule.applies_to


def offers_conditions(safeguards: Safeguards, pid: str | None) -> bool:
    """Whether a consultation on ``pid`` offers a grant subject to the terms the requested State
    chooses (Art 40(27); the kinds are the catalogue's ``conditions``)."""
    return safeguards.consultation.conditions and pid is not None and bool(provision(pid).conditions)


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
            return Decision(
                _REFUSE, stage, pid, f"the ground announced at consultation stands ({entry.title})"
            )
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
