"""The ``[safeguards]`` tables of a requested State: the grounds for refusal it applies and how.

Each key left out takes the convention-as-written default of
:class:`~simulator.domain.safeguards.Safeguards`. In the one-State form the tables are at top level
(``[safeguards.*]``); with several requested States each entry has its own
(``[requested_state.safeguards.*]``).
"""

from __future__ import annotations

from typing import Any

from simulator.domain.model import PROTECTED_GROUNDS, Measure
from simulator.domain.provisions import catalogue as provision_catalogue
from simulator.domain.safeguards import (
    Completeness,
    Consultation,
    DataProtectionMode,
    Discrimination,
    DomesticLaw,
    DualCriminality,
    DualCriminalityMode,
    EssentialInterests,
    EvidenceWeights,
    HumanRights,
    JudicialOrder,
    JudicialStandard,
    Memory,
    Safeguards,
    ScopeTest,
)
from simulator.files.reader import Table, suggestion
from simulator.world.requesters import MAX_ROUNDS

MEASURES = [m.value for m in Measure]


def read_safeguards(t: Table) -> Safeguards:
    """The [safeguards] tables; a key left out takes the convention-as-written default of Safeguards()."""
    d = Safeguards()
    scope = t.table("scope_test")
    scope_test = ScopeTest(
        enabled=scope.flag("enabled", d.scope_test.enabled),
        serious_crime_years=scope.number("serious_crime_years", d.scope_test.serious_crime_years, minimum=0),
    )
    comp = t.table("completeness")
    completeness = Completeness(
        request_information=comp.flag("request_information", d.completeness.request_information),
        information_rounds=int(
            comp.number("information_rounds", d.completeness.information_rounds, minimum=0, integer=True)
        ),
        refuse_nonconforming=comp.flag("refuse_nonconforming", d.completeness.refuse_nonconforming),
    )
    dc = t.table("dual_criminality")
    exempt = sorted(m.value for m in d.dual_criminality.exempt_measures)
    dual = DualCriminality(
        mode=dc.choice("mode", DualCriminalityMode, d.dual_criminality.mode),
        refusal_rate=dc.probability("refusal_rate", d.dual_criminality.refusal_rate),
        exempt_measures=frozenset(Measure(m) for m in dc.names("exempt_measures", MEASURES, exempt)),
    )
    discrimination, disc = _grounds_rule(t, "discrimination", Discrimination, d.discrimination)
    ei = t.table("essential_interests")
    essential = EssentialInterests(
        enabled=ei.flag("enabled", d.essential_interests.enabled),
        evidence_threshold=ei.probability("evidence_threshold", d.essential_interests.evidence_threshold),
        refusal_rate=ei.probability("refusal_rate", d.essential_interests.refusal_rate),
    )
    human_rights, hr = _grounds_rule(t, "human_rights", HumanRights, d.human_rights)
    jo = t.table("judicial_order")
    judicial = JudicialOrder(
        **{m.value: jo.choice(m.value, JudicialStandard, d.judicial_order.standard(m)) for m in Measure},
        law=jo.choice("law", DomesticLaw, d.judicial_order.law),
        warrant_dual_criminality=jo.flag(
            "warrant_dual_criminality", d.judicial_order.warrant_dual_criminality
        ),
    )
    cons = t.table("consultation")
    consultation = Consultation(
        enabled=cons.flag("enabled", d.consultation.enabled),
        rounds=int(cons.number("rounds", d.consultation.rounds, minimum=0, integer=True)),
        keep_findings=cons.flag("keep_findings", d.consultation.keep_findings),
        applies_to=_consultation_scope(cons, d.consultation.applies_to),
        conditions=cons.flag("conditions", d.consultation.conditions),
        amendment=cons.flag("amendment", d.consultation.amendment),
    )
    ew = t.table("evidence_weights")
    weights = EvidenceWeights(
        **{
            name: ew.number(name, getattr(d.evidence_weights, name), minimum=0)
            for name in ("requester_record", "target_recognised", "suspect_conduct", "prior_notice")
        }
    )
    rounds = 1 + completeness.information_rounds + consultation.rounds
    if rounds > MAX_ROUNDS:
        t.problem(
            None,
            f"completeness.information_rounds + consultation.rounds must be at most "
            f"{MAX_ROUNDS - 1}, not {rounds - 1}",
        )
    safeguards = Safeguards(
        scope_test=scope_test,
        completeness=completeness,
        dual_criminality=dual,
        political_offence=t.flag("political_offence", d.political_offence),
        data_protection=t.choice("data_protection", DataProtectionMode, d.data_protection),
        discrimination=discrimination,
        essential_interests=essential,
        judicial_order=judicial,
        consultation=consultation,
        postponement_rate=t.probability("postponement_rate", d.postponement_rate),
        evidence_weights=weights,
        memory=t.choice("memory", Memory, d.memory),
        human_rights=human_rights,
    )
    for table in (scope, comp, dc, disc, ei, hr, jo, cons, ew, t):
        table.finish()
    return safeguards


#: Consultation scopes a scenario can name instead of listing provisions.
CONSULTATION_SCOPES = ("treaty", "every_refusal")


def _grounds_rule(t: Table, name: str, kind: type, default: Any) -> tuple[Any, Table]:
    """A refusal on grounds to believe persecution (Art 40(22), or Art 6 for the grounds it leaves
    out): on or off, its evidentiary bar and the grounds it covers; with its table, to finish."""
    table = t.table(name)
    rule = kind(
        enabled=table.flag("enabled", default.enabled),
        evidence_threshold=table.probability("evidence_threshold", default.evidence_threshold),
        grounds=frozenset(table.names("grounds", PROTECTED_GROUNDS, sorted(default.grounds))),
    )
    return rule, table


def _consultation_scope(cons: Table, treaty: frozenset[str]) -> frozenset[str]:
    """``applies_to``: "treaty" (Art 40(27): 40(21) refusals, 40(26) postponements), "every_refusal"
    (a wider practice, chosen explicitly), or a list of provision ids."""
    if not cons.has("applies_to"):
        cons.used.add("applies_to")
        return treaty
    value = cons.data["applies_to"]
    if isinstance(value, str):
        cons.used.add("applies_to")
        if value == "treaty":
            return treaty
        if value == "every_refusal":
            return frozenset(provision_catalogue())
        cons.problem(
            "applies_to",
            f"must be 'treaty', 'every_refusal' or a list of provision ids, not {value!r}"
            f"{suggestion(value, CONSULTATION_SCOPES)}",
        )
        return treaty
    return frozenset(cons.names("applies_to", list(provision_catalogue())))
