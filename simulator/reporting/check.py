"""Presenting ``mlasim check`` results: each property held or violated, and the smallest request
that violates it, with its decision trace and the provisions cited."""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from typing import Any

from simulator import __version__
from simulator.checking.check import Counterexample, PropertyResult
from simulator.checking.properties import Case, Evaluation
from simulator.domain import grounds, provisions
from simulator.domain.model import Verdict
from simulator.domain.safeguards import Safeguards
from simulator.domain.settings import walk, word
from simulator.experiments.provenance import provenance
from simulator.reporting.run import format_estimate
from simulator.reporting.tables import wrapped
from simulator.reporting.trace import decision_text
from simulator.world.lifecycle import Decided, Resubmitted, Wait
from simulator.world.scenario import Scenario

STATUS = {"held": "held", "violated": "VIOLATED", "not_applicable": "n/a", "inconclusive": "INCONCLUSIVE"}


def _words(text: str) -> str:
    return text.replace("_", " ")


def describe_case(case: Case, evaluation: Evaluation, scenario: Scenario) -> list[str]:
    """The request in three lines: what it states, its hidden truth, and what the first review
    perceived (with the persecution score)."""
    sub, truth = case.request.submission, case.request.truth
    o = evaluation.observation
    state = case.requester
    documentation = (
        "documentation complete"
        if sub.documentation_gaps == 0
        else f"{sub.documentation_gaps} element(s) missing"
    )
    truth_text = (
        f"abusive: real conduct '{truth.conduct}' ({_words(truth.protected_ground)}), "
        f"target {_words(truth.target)}, disguise {truth.disguise:.2f}"
        if truth.abusive
        else f"legitimate, target {_words(truth.target)}, strength of facts {truth.factual_basis:.2f}"
    )
    evidence = grounds.persecution_evidence(o, scenario.requested_state.safeguards)
    ground = f" ({_words(o.apparent_ground)})" if o.apparent_ground else ""
    return [
        f"request from {state.name} [{state.id}]: {_words(sub.measure.value)} for '{sub.offence}' "
        f"(max penalty {sub.penalty_years:g} years), {documentation}",
        f"hidden truth: {truth_text}",
        f"first review at thoroughness {case.thoroughness:.2f}: facts read as '{o.conduct_read_as}'"
        + (" (disguise seen through)" if o.disguise_penetrated else "")
        + f"; person recognised as at risk: {'yes' if o.target_recognised else 'no'}"
        + f"; grounds to believe persecution {evidence:.2f}{ground}",
    ]


def trace_lines(evaluation: Evaluation) -> list[str]:
    """The request's life as lines: each decision (one that only proceeded, in brief), postponement
    and resubmission, then ``=> outcome`` and why."""
    lines = []
    for command in evaluation.commands:
        if isinstance(command, Decided) and (
            command.decision.verdict is not Verdict.PROCEED or command.resumed
        ):
            lines.append(decision_text(command.decision))
        elif isinstance(command, Decided):
            lines.append(f"{_words(command.decision.stage.value)} -> proceed")
        elif isinstance(command, Wait) and command.reason == "postponement":
            lines.append(f"postponed {command.days:.0f} days")
        elif isinstance(command, Resubmitted):
            sub, truth = command.request.submission, command.request.truth
            what = (
                "answered the query"
                if command.after is Verdict.REQUEST_INFORMATION
                else "amended the request"
            )
            lines.append(
                f"requester {what}: now '{sub.offence}', {sub.documentation_gaps} element(s) missing"
                + (f", disguise {truth.disguise:.2f}" if truth.abusive else "")
            )
    lines.append(f"=> {evaluation.outcome}" + (f": {evaluation.why}" if evaluation.why else ""))
    return lines


def _stricter_lines(base: Safeguards, strict: Safeguards) -> list[str]:
    """Each setting the stricter configuration changed, as ``path: before -> after`` (every declared
    setting is compared: :func:`simulator.domain.settings.walk`)."""
    before = {path: value for path, _, value in walk(base)}
    return [
        f"{path}: {_shown(before[path])} -> {_shown(value)}"
        for path, _, value in walk(strict)
        if before.get(path) != value
    ]


def _shown(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(str(getattr(v, "value", v)) for v in value)) + "}"
    return word(value) if isinstance(value, enum.Enum) else str(value)


def counterexample_lines(example: Counterexample, scenario: Scenario) -> list[str]:
    """A counterexample, indented under its property: the request and its trace, then the stricter
    configuration's changes or the shared refusal, with the trace under it, where the property
    compares one."""
    pad = "      "
    lines = [f"{pad}{line}" for line in describe_case(example.case, example.evaluation, scenario)]
    lines += [f"{pad}  {line}" for line in trace_lines(example.evaluation)]
    if example.stricter is not None:
        lines.append(f"{pad}under a stricter configuration that changes")
        lines += [
            f"{pad}  {line}"
            for line in _stricter_lines(scenario.requested_state.safeguards, example.stricter)
        ]
        lines += [f"{pad}  {line}" for line in trace_lines(example.stricter_evaluation)]
    if example.shared is not None:
        shared = example.shared
        lines.append(
            f"{pad}once requested State '{shared.origin}' shared a refusal citing {shared.provision} "
            f"(its review at thoroughness {shared.thoroughness:.2f})"
        )
        lines += [f"{pad}  {line}" for line in trace_lines(example.shared_evaluation)]
    return lines


def as_table(results: list[PropertyResult], scenario: Scenario, seed: int, max_examples: int) -> str:
    """Each property's verdict and what it rests on (a counterexample under it), the counts, then the
    legend of the provisions cited."""
    lines = [
        f"{scenario.name}  ({scenario.source})",
        f"properties searched with hypothesis: up to {max_examples} matching requests per property, "
        f"requesting State and measure; seed {seed}",
        "",
    ]
    for result in results:
        prop = result.property
        if prop.scope == "monitoring" and result.status in ("held", "violated"):
            replications = prop.expect.replications
            detail = (
                f"{result.examples} (requested State, clean requester) pairs over {replications} replications"
            )
        elif result.estimate is not None:
            detail = f"share {format_estimate(result.estimate, 'share')} over {result.examples} replications"
        elif result.status == "violated":
            detail = f"after {result.examples} example(s)"
            if result.requested and scenario.several:
                detail += f", at requested State '{result.requested}'"
        elif result.status == "held":
            detail = f"{result.examples} examples"
            if scenario.several and result.checked:
                detail += f" at {', '.join(result.checked)}"
        else:
            detail = result.note
        lines.append(f"{STATUS[result.status]:<12} {prop.name}  ({prop.scope}; {detail})")
        if prop.description:
            lines.append(f"             {prop.description}")
        if result.note and result.status == "inconclusive":
            lines.append(f"             {result.note}")
        if result.detail:
            lines.append(f"    found: {result.detail}")
        if result.counterexample is not None:
            lines.append("    smallest counterexample found:")
            lines += counterexample_lines(result.counterexample, scenario)
        lines.append("")
    counts = {s: sum(r.status == s for r in results) for s in STATUS}
    lines.append(
        f"{counts['held']} held, {counts['violated']} violated, {counts['inconclusive']} inconclusive, "
        f"{counts['not_applicable']} not applicable"
    )
    legend = provisions.legend("\n".join(lines))
    return "\n".join(wrapped([*lines, *(["", *legend] if legend else [])]))


def document(
    results: list[PropertyResult],
    scenario: Scenario,
    seed: int,
    max_examples: int,
    command: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The JSON document of a check: each property's verdict and counterexample, and the provenance."""

    def example(ex: Counterexample | None) -> dict[str, Any] | None:
        if ex is None:
            return None
        request = ex.case.request
        entry = {
            "requester": ex.case.requester.id,
            "submission": {
                "measure": request.submission.measure.value,
                "offence": request.submission.offence,
                "penalty_years": request.submission.penalty_years,
                "documentation_gaps": request.submission.documentation_gaps,
            },
            "truth": {
                "abusive": request.truth.abusive,
                "conduct": request.truth.conduct,
                "protected_ground": request.truth.protected_ground,
                "target": request.truth.target,
                "disguise": request.truth.disguise,
                "factual_basis": request.truth.factual_basis,
            },
            "thoroughness": ex.case.thoroughness,
            "outcome": ex.evaluation.outcome,
            "why": ex.evaluation.why,
            "trace": trace_lines(ex.evaluation),
            "provisions_cited": sorted(
                {
                    c.decision.provision
                    for c in ex.evaluation.commands
                    if isinstance(c, Decided) and c.decision.provision
                }
            ),
        }
        if ex.stricter is not None:
            entry["stricter_trace"] = trace_lines(ex.stricter_evaluation)
        if ex.shared is not None:
            entry["shared_refusal"] = {
                "origin": ex.shared.origin,
                "provision": ex.shared.provision,
                "thoroughness": ex.shared.thoroughness,
            }
            entry["shared_trace"] = trace_lines(ex.shared_evaluation)
        entry["requested"] = ex.evaluation.requested
        entry["channel"] = ex.evaluation.channel
        return entry

    return {
        "scenario": scenario.name,
        "file": scenario.source,
        "seed": seed,
        "max_examples": max_examples,
        "version": __version__,
        "properties": [
            {
                "name": r.property.name,
                "description": r.property.description,
                "scope": r.property.scope,
                "status": r.status,
                "examples": r.examples,
                "note": r.note,
                "requested": r.requested,
                "checked": list(r.checked),
                "detail": r.detail,
                "estimate": r.estimate.to_dict() if r.estimate is not None else None,
                "counterexample": example(r.counterexample),
            }
            for r in results
        ],
        "provenance": provenance(scenario, seed=seed, replications=None, command=command),
    }


def as_json(
    results: list[PropertyResult],
    scenario: Scenario,
    seed: int,
    max_examples: int,
    command: Sequence[str] | None = None,
) -> str:
    """The check document (:func:`document`)."""
    return json.dumps(document(results, scenario, seed, max_examples, command), indent=2)
