"""Scenario files: TOML in, validated :class:`~simulator.world.scenario.Scenario` out.

Validation is separate from construction: the file is read table by table through
:class:`~simulator.files.reader.Table`, which collects every problem (unknown key with a "did you mean",
wrong type, probability outside [0, 1], negative rate, unknown offence name...) with its dotted
path. Only when nothing is wrong are the frozen objects built; otherwise :class:`ScenarioError`
carries the whole list. The file format is documented in the README and in the commented files
of ``scenarios/``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.catalogue import plausible_labels
from simulator.domain.model import PROTECTED_GROUNDS, Measure, Stage
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
from simulator.files.limits import distribution_problems, scenario_problems
from simulator.files.reader import REQUIRED, Problem, ScenarioError, Table, suggestion
from simulator.world.distributions import FAMILIES, Distribution, Exponential
from simulator.world.requesters import MAX_ROUNDS
from simulator.world.scenario import (
    DEFAULT_FACTUAL_BASIS,
    SURVEILLANCE_DAYS,
    AbuseProfile,
    LoadEffect,
    Mix,
    RequestedState,
    RequestingState,
    Scenario,
    StageConfig,
    Surge,
)

__all__ = ["EXPERIMENT_KEYS", "ScenarioError", "load_scenario", "parse_scenario", "read_toml"]

#: Top-level tables of a scenario file that describe experiments on the scenario (variants, sweeps,
#: properties), checked by the commands that use them, not part of the scenario itself.
EXPERIMENT_KEYS = ("variant", "sweep", "property")

STATE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
MEASURES = [m.value for m in Measure]
STAGES = [s.value for s in Stage]


def read_toml(path: str | Path) -> dict[str, Any]:
    """The raw TOML document of a scenario file, or a ScenarioError naming what stops reading it."""
    file = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(file, "", "no such file")]) from None
    except IsADirectoryError:
        raise ScenarioError([Problem(file, "", "is a directory, not a scenario file")]) from None
    except OSError as error:
        raise ScenarioError([Problem(file, "", f"cannot be read: {error.strerror}")]) from None
    except UnicodeDecodeError:
        raise ScenarioError([Problem(file, "", "is not UTF-8 text")]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError([Problem(file, "", f"is not valid TOML: {error}")]) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file."""
    return parse_scenario(read_toml(path), str(path))


def parse_scenario(document: Mapping[str, Any], source: str) -> Scenario:
    """Validate a TOML document already read; raise ScenarioError listing every problem."""
    problems: list[Problem] = []
    root = Table(document, "", source, problems)
    run = root.table("scenario", required=True)
    name = run.text("name")
    description = run.text("description", "")
    horizon = run.number("horizon_days", positive=True)
    follow_up = run.number("follow_up_days", 0.0, minimum=0)
    warmup = run.number("warmup_days", 0.0, minimum=0)
    if warmup >= horizon:
        run.problem("warmup_days", f"must be shorter than horizon_days ({horizon:g})")
    replications = int(run.number("replications", 20, minimum=1, integer=True))
    seed = int(run.number("seed", 0, minimum=0, integer=True))
    run.finish()

    safeguards = _safeguards(root.table("safeguards"))
    requested = _requested_state(root, safeguards)
    states = [_requesting_state(t) for t in root.tables("requesting_state", required=True)]
    _check_unique_ids(root, states)
    root.used.update(EXPERIMENT_KEYS)
    root.finish()
    problems += scenario_problems(source, horizon, follow_up, states)  # times, surges, volume
    if problems:
        raise ScenarioError(problems)
    return Scenario(
        name=name,
        description=description,
        source=source,
        horizon_days=float(horizon),
        follow_up_days=float(follow_up),
        warmup_days=float(warmup),
        replications=replications,
        seed=seed,
        requested_states=(requested,),
        requesting_states=tuple(states),
    )


# --- distributions and mixes --------------------------------------------------------------------
def distribution(
    table: Table, key: str, default: Distribution | None = None, *, score: bool = False
) -> Distribution:
    """A ``{ distribution = "lognormal", mean = 20, sd = 10 }`` table; ``score``: values in [0, 1]."""
    fallback = default or Exponential(1.0)
    if not table.has(key):
        if default is None:
            table.problem(key, "is required")
        table.used.add(key)
        return fallback
    spec = table.table(key)
    family = spec.text("distribution")
    if family not in FAMILIES:
        if family:
            spec.problem(
                "distribution",
                f"unknown distribution {family!r}{suggestion(family, FAMILIES)}; "
                f"one of {', '.join(FAMILIES)}",
            )
        spec.used.update(spec.data)
        return fallback
    cls, parameters = FAMILIES[family]
    values = {p: spec.number(p, minimum=0) for p in parameters}
    spec.finish()
    before = len(table.problems)
    _check_distribution(spec, family, values, score)
    if len(table.problems) == before:
        _check_numerical_sanity(spec, cls, values, score)
    return cls(**values) if len(table.problems) == before else fallback


def _check_numerical_sanity(spec: Table, cls: type, values: dict[str, float], score: bool) -> None:
    """Bounds and sampling sanity of a distribution (see :mod:`simulator.files.limits`)."""
    for parameter, message in distribution_problems(cls, values, score):
        spec.problem(parameter or None, message)


def _check_distribution(spec: Table, family: str, v: dict[str, float], score: bool) -> None:
    if family in ("exponential", "lognormal") and v["mean"] <= 0:
        spec.problem("mean", "must be greater than 0")
    if family == "lognormal" and v["sd"] <= 0:
        spec.problem("sd", "must be greater than 0")
    if family == "beta":
        for p in ("a", "b"):
            if v[p] <= 0:
                spec.problem(p, "must be greater than 0")
    if family == "uniform" and v["low"] > v["high"]:
        spec.problem("high", f"must not be below low ({v['low']:g})")
    if family == "triangular" and not v["low"] <= v["mode"] <= v["high"]:
        spec.problem("mode", "must lie between low and high")
    if score:
        if family in ("exponential", "lognormal"):
            spec.problem("distribution", f"{family} is unbounded; a score needs values in [0, 1]")
        for p in ("value", "low", "mode", "high"):
            if p in v and v[p] > 1:
                spec.problem(p, f"must be at most 1 for a score, not {v[p]:g}")


def mix(table: Table, key: str, allowed: Any, default: Mapping[str, float] = REQUIRED) -> Mix:
    """A table of name = weight (weights are normalised to shares)."""
    weights = table.weights(key, allowed, default)
    return Mix.of(weights) if weights else Mix((next(iter(allowed)),), (1.0,))


# --- safeguards ---------------------------------------------------------------------------------
def _safeguards(t: Table) -> Safeguards:
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


# --- requested State ----------------------------------------------------------------------------
def _requested_state(root: Table, safeguards: Safeguards) -> RequestedState:
    catalogue = load_catalogue()
    offences = list(catalogue.offences)
    rs = root.table("requested_state", required=True)
    name = rs.text("name")
    extra = set(rs.names("criminalises", offences, []))
    removed = set(rs.names("decriminalises", offences, []))
    criminalised = {o.id for o in catalogue.offences.values() if o.criminal} | extra
    postponement = distribution(rs, "postponement_days", Exponential(60.0))
    visibility = _target_visibility(rs.table("target_visibility"), catalogue.targets)
    sv = rs.table("surveillance_days")
    surveillance = {
        m: sv.number(m.value, SURVEILLANCE_DAYS[m], minimum=0)
        for m in (Measure.REAL_TIME_TRAFFIC, Measure.INTERCEPTION)
    }
    sv.finish()
    rs.finish()

    stages_table = root.table("stages", required=True)
    stages = {}
    for stage in Stage:
        if not stages_table.has(stage.value):
            stages_table.used.add(stage.value)
            continue
        st = stages_table.table(stage.value)
        stages[stage] = StageConfig(
            staff=int(st.number("staff", minimum=0, integer=True)),
            service=distribution(st, "service"),
        )
        st.finish()
    stages_table.finish()

    routes = _routes(root.table("routes"), stages)
    load_effect = _load_effect(root.table("load_effect"))
    return RequestedState(
        name=name,
        criminalised=frozenset(criminalised - removed),
        stages=stages,
        routes=routes,
        safeguards=safeguards,
        load_effect=load_effect,
        postponement_days=postponement,
        target_visibility=visibility,
        surveillance_days=surveillance,
    )


def _target_visibility(t: Table, targets: Mapping[str, Any]) -> dict[str, float]:
    """Per-scenario overrides of how recognisable each target profile is (``target = probability``)."""
    visibility = {}
    for target in t.data:
        if target not in targets:
            t.problem(target, f"unknown target profile{suggestion(target, targets)}")
            t.used.add(target)
            continue
        visibility[target] = t.probability(target)
    t.finish()
    return visibility


def _routes(t: Table, stages: Mapping[Stage, StageConfig]) -> dict:
    default = tuple(Stage(s) for s in t.names("default", STAGES, STAGES))
    routes, reported = {}, set()
    for measure in Measure:
        names = t.names(measure.value, STAGES, [s.value for s in default])
        route = tuple(Stage(s) for s in names)
        key = measure.value if t.has(measure.value) else "default"
        if not route or route[-1] is not Stage.EXECUTION:
            t.problem(key, "a route must end with 'execution'")
        elif len(set(route)) != len(route):
            t.problem(key, "a route must not visit a stage twice")
        missing = [s.value for s in route if s not in stages]
        if missing and key not in reported:
            reported.add(key)
            t.problem(key, f"uses stage(s) with no [stages.*] table: {', '.join(missing)}")
        routes[measure] = route
    t.finish()
    return routes


def _load_effect(t: Table) -> LoadEffect:
    effect = LoadEffect(
        enabled=t.flag("enabled", False),
        stages=frozenset(Stage(s) for s in t.names("stages", STAGES, ["legal_review", "rights_scrutiny"])),
        queue_threshold=int(t.number("queue_threshold", 20, minimum=0, integer=True)),
        slope=t.number("slope", 0.01, minimum=0),
        floor=t.probability("floor", 0.4),
    )
    t.finish()
    return effect


# --- requesting States --------------------------------------------------------------------------
def _requesting_state(t: Table) -> RequestingState:
    catalogue = load_catalogue()
    offences, conducts, targets = catalogue.offences, catalogue.conducts, catalogue.targets
    state_id = t.text("id")
    if isinstance(t.data.get("id"), str) and not STATE_ID.match(state_id):
        t.problem(
            "id",
            "must be a non-empty identifier: letters, digits, '-' or '_' (it names the State in outputs)",
        )
    abusive_share = t.probability("abusive_share", 0.0)
    abuse = None
    if t.has("abuse") or abusive_share > 0:
        a = t.table("abuse", required=True)
        conduct_mix = mix(a, "conducts", conducts)
        labels = mix(a, "labels", offences) if a.has("labels") else Mix((), ())
        a.used.add("labels")
        relabel_to = mix(a, "relabel_to", offences) if a.has("relabel_to") else None
        coherent, recoherent = _coherent_labels(a.table("plausible"), conduct_mix, labels, relabel_to)
        abuse = AbuseProfile(
            conducts=conduct_mix,
            labels=labels,
            disguise=distribution(a, "disguise", score=True),
            relabel_rate=a.probability("relabel_rate", 0.5),
            relabel_to=relabel_to,
            disguise_gain=a.probability("disguise_gain", 0.2),
            labels_by_conduct=coherent,
            relabels_by_conduct=recoherent,
            targeted_persons=int(a.number("targeted_persons", 50, minimum=1, integer=True)),
            documented_history=a.probability("documented_history", 0.0),
            prior_notices=int(a.number("prior_notices", 2, minimum=0, integer=True)),
        )
        a.finish()
    at_risk = [tid for tid in targets if tid != "ordinary"]
    penalties_table = t.table("penalties")
    penalties = {}
    for offence in penalties_table.data:
        if offence not in offences:
            penalties_table.problem(offence, f"unknown offence{suggestion(offence, offences)}")
            penalties_table.used.add(offence)
            continue
        penalties[offence] = penalties_table.number(offence, minimum=0)
    penalties_table.finish()
    surges = []
    for s in t.tables("surge"):
        start = s.number("start_day", minimum=0)
        end = s.number("end_day", minimum=0)
        if end <= start:
            s.problem("end_day", f"must come after start_day ({start:g})")
        surges.append(Surge(start, end, s.number("multiplier", minimum=0)))
        s.finish()
    state = RequestingState(
        id=state_id,
        name=t.text("name", state_id),
        requests_per_year=t.number("requests_per_year", minimum=0),
        abusive_share=abusive_share,
        rights_record=t.probability("rights_record"),
        measures=mix(t, "measures", MEASURES),
        offences=mix(t, "offences", offences),
        abuse=abuse,
        response_days=distribution(t, "response_days"),
        surges=tuple(surges),
        data_protection_adequate=t.flag("data_protection_adequate", True),
        documentation_complete=t.probability("documentation_complete", 0.8),
        information_fix_rate=t.probability("information_fix_rate", 0.8),
        response_rate=t.probability("response_rate", 0.9),
        accepts_conditions=t.probability("accepts_conditions", 0.8),
        amendment_gain=t.probability("amendment_gain", 0.15),
        sensitive_target_share=t.probability("sensitive_target_share", 0.02),
        sensitive_targets=mix(t, "sensitive_targets", at_risk, {"journalist": 1.0}),
        factual_basis=distribution(t, "factual_basis", DEFAULT_FACTUAL_BASIS, score=True),
        penalties=penalties,
    )
    t.finish()
    return state


def _coherent_labels(
    t: Table, conducts: Mix, labels: Mix, relabel_to: Mix | None
) -> tuple[dict[str, Mix], dict[str, Mix]]:
    """Per conduct, the labels (and relabels) a requester uses: the catalogue's plausible labels for
    that conduct, or the scenario's ``abuse.plausible`` row, weighted by its preferred ``labels``."""
    catalogue = load_catalogue()
    overrides = {}
    for conduct in t.data:
        if conduct not in catalogue.conducts:
            t.problem(conduct, f"unknown conduct{suggestion(conduct, catalogue.conducts)}")
            t.used.add(conduct)
            continue
        overrides[conduct] = t.weights(conduct, catalogue.offences)
    t.finish()
    preferred = labels.shares() if labels.names else None
    coherent, recoherent = {}, {}
    for conduct in conducts.names:
        override = overrides.get(conduct) or None
        coherent[conduct] = Mix.of(plausible_labels(catalogue, conduct, preferred, override))
        if relabel_to is not None:
            recoherent[conduct] = Mix.of(plausible_labels(catalogue, conduct, relabel_to.shares(), override))
    return coherent, recoherent


def _check_unique_ids(root: Table, states: list[RequestingState]) -> None:
    seen: set[str] = set()
    for i, state in enumerate(states):
        if state.id in seen:
            root.problem(f"requesting_state[{i}].id", f"duplicate id {state.id!r}")
        seen.add(state.id)
