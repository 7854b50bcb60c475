"""Properties of the decision core (simulator.domain.rules), over generated requests and configurations."""

from __future__ import annotations

import attrs
from hypothesis import assume, given
from hypothesis import strategies as st

from simulator.domain import rules
from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.grounds import RULES, check_judicial_standard, enabled_provisions, persecution_evidence
from simulator.domain.model import (
    GRANT_VERDICTS,
    Decision,
    History,
    Measure,
    Observation,
    ScreeningDraws,
    Stage,
    Submission,
    Verdict,
)
from simulator.domain.provisions import catalogue as provision_catalogue
from simulator.domain.safeguards import (
    Consultation,
    DataProtectionMode,
    Discrimination,
    DomesticLaw,
    DualCriminality,
    DualCriminalityMode,
    EssentialInterests,
    HumanRights,
    JudicialOrder,
    JudicialStandard,
    Safeguards,
    no_safeguards,
)
from tests.strategies import (
    grounds,
    histories,
    observations,
    safeguard_pairs,
    safeguards,
    screening_draws,
    submissions,
)

REFUSING = (Verdict.REFUSE, Verdict.CONSULT)


@given(observations(), safeguards(), screening_draws(), histories())
def test_every_refusal_cites_an_enabled_provision(observation, config, draws, history):
    """Art 40(24): reasons for every refusal; the ground cited is one the configuration applies."""
    for stage in Stage:
        decision = rules.decide(stage, observation, config, draws, history)
        if decision.verdict in REFUSING:
            assert decision.provision in enabled_provisions(config)
            assert decision.reason


@given(observations(), safeguards(), screening_draws(), histories())
def test_every_cited_provision_is_in_the_catalogue_and_at_its_stage(observation, config, draws, history):
    for stage in Stage:
        decision = rules.decide(stage, observation, config, draws, history)
        if decision.provision is not None:
            provision = provision_catalogue()[decision.provision]
            assert provision.stage in (stage.value, "any") or decision.provision == "uncc-36"
            assert decision.stage is stage


@given(safeguard_pairs(), observations(), screening_draws(), histories())
def test_adding_a_safeguard_never_turns_a_refusal_into_a_grant(pair, observation, draws, history):
    lax, strict = pair
    lax_decision = rules.screen(observation, lax, draws, history)
    strict_decision = rules.screen(observation, strict, draws, history)
    if not lax_decision.grants:
        assert not strict_decision.grants, (lax_decision, strict_decision)


@given(observations(), screening_draws())
def test_with_every_safeguard_off_every_request_is_granted(observation, draws):
    decision = rules.screen(observation, no_safeguards(), draws)
    assert decision.verdict is Verdict.GRANT


@given(observations(), safeguards(), screening_draws(), histories(), st.data())
def test_discrimination_clause_over_its_threshold_blocks_every_grant(
    observation, config, draws, history, data
):
    ground = data.draw(grounds)
    observation = attrs.evolve(observation, apparent_ground=ground)
    evidence = persecution_evidence(observation, config)
    clause = Discrimination(
        enabled=True,
        evidence_threshold=data.draw(st.floats(min_value=0, max_value=evidence)),
        grounds=config.discrimination.grounds | {ground},
    )
    config = attrs.evolve(config, discrimination=clause)
    decision = rules.screen(observation, config, draws, history)
    assert not decision.grants
    kept = config.consultation.keep_findings and decision.provision in history.findings
    if decision.stage is Stage.RIGHTS_SCRUTINY and not kept:  # a finding kept from a consultation comes first
        assert decision.provision == "uncc-40-22"


@given(observations(), safeguards(), screening_draws(), histories())
def test_only_execution_grants_and_execution_never_refuses(observation, config, draws, history):
    for stage in Stage:
        verdict = rules.decide(stage, observation, config, draws, history).verdict
        if stage is Stage.EXECUTION:
            assert verdict in (*GRANT_VERDICTS, Verdict.POSTPONE)
        else:
            assert verdict not in GRANT_VERDICTS and verdict is not Verdict.POSTPONE


@given(observations(), safeguards(), screening_draws(), histories(), st.integers(1, 3))
def test_every_refusal_practice_consults_before_every_refusal_while_rounds_remain(
    observation, config, draws, history, extra_rounds
):
    rounds = history.consultations + extra_rounds
    every = frozenset(provision_catalogue())
    config = attrs.evolve(config, consultation=Consultation(enabled=True, rounds=rounds, applies_to=every))
    for stage in Stage:
        assert rules.decide(stage, observation, config, draws, history).verdict is not Verdict.REFUSE


@given(observations(), safeguards(), screening_draws(), histories())
def test_under_the_treaty_setting_only_40_21_refusals_are_consulted(observation, config, draws, history):
    """Art 40(27): consultation before refusals pursuant to 40(21) and 40(26), never 40(9), 40(22), 36."""
    config = attrs.evolve(config, consultation=Consultation(enabled=True, rounds=9))
    for stage in Stage:
        decision = rules.decide(stage, observation, config, draws, history)
        if decision.verdict is Verdict.CONSULT:
            assert provision_catalogue()[decision.provision].consult
        if decision.verdict is Verdict.REFUSE:
            assert decision.provision not in Consultation().applies_to


def test_a_40_9_decline_is_not_consulted_and_a_40_21_b_refusal_is():
    observation = journalist_labelled_as_extremist()
    treaty = Safeguards(
        dual_criminality=DualCriminality(mode=DualCriminalityMode.REQUIRED),
        discrimination=Discrimination(enabled=False),
    )
    declined = rules.decide(Stage.LEGAL_REVIEW, observation, treaty, ScreeningDraws(), History())
    assert (declined.verdict, declined.provision) == (Verdict.REFUSE, "uncc-40-9")
    essential = attrs.evolve(treaty, essential_interests=EssentialInterests(enabled=True, refusal_rate=1.0))
    consulted = rules.decide(Stage.RIGHTS_SCRUTINY, observation, essential, ScreeningDraws(), History())
    assert (consulted.verdict, consulted.provision) == (Verdict.CONSULT, "uncc-40-21-b")
    assert rules.offers_conditions(essential, "uncc-40-21-b") and not rules.offers_conditions(
        essential, "uncc-40-9"
    )


@given(observations(), safeguards(), screening_draws(), histories())
def test_more_information_is_asked_only_for_incomplete_requests(observation, config, draws, history):
    decision = rules.decide(Stage.INTAKE, observation, config, draws, history)
    if decision.verdict is Verdict.REQUEST_INFORMATION:
        assert observation.submission.documentation_gaps > 0
        assert history.information_requests < config.completeness.information_rounds
    if observation.submission.documentation_gaps == 0:
        assert decision.verdict is Verdict.PROCEED


@given(observations(submissions()), safeguards(), screening_draws(), histories())
def test_convention_offences_are_always_in_scope(observation, config, draws, history):
    """...unless the scope ground was announced at an earlier consultation of the same request and the
    State keeps its findings (a relabelled resubmission does not cure it: ``kept_finding``)."""
    assume(load_catalogue().offences[observation.submission.offence].convention)
    assume(not (config.consultation.keep_findings and "uncc-35-1-c" in history.findings))
    decision = rules.decide(Stage.LEGAL_REVIEW, observation, config, draws, history)
    assert decision.provision != "uncc-35-1-c"


@given(observations(), safeguards(), screening_draws(), histories())
def test_preservation_is_never_refused_for_lack_of_dual_criminality_when_exempt(
    observation, config, draws, history
):
    """(A 40(9) finding kept from an earlier consultation is another matter: ``kept_finding``.)"""
    assume(observation.submission.measure in config.dual_criminality.exempt_measures)
    assume(not (config.consultation.keep_findings and "uncc-40-9" in history.findings))
    decision = rules.decide(Stage.LEGAL_REVIEW, observation, config, draws, history)
    assert decision.provision != "uncc-40-9"


@given(observations(), screening_draws(), histories())
def test_required_dual_criminality_refuses_every_conduct_that_is_no_crime(observation, draws, history):
    assume(not observation.dual_criminality and observation.submission.measure is not Measure.PRESERVATION)
    config = attrs.evolve(no_safeguards(), dual_criminality=DualCriminality(DualCriminalityMode.REQUIRED))
    decision = rules.decide(Stage.LEGAL_REVIEW, observation, config, draws, history)
    assert decision.verdict is Verdict.REFUSE and decision.provision == "uncc-40-9"


@given(observations(), screening_draws(), st.floats(min_value=0, max_value=1))
def test_discretionary_dual_criminality_refuses_exactly_below_the_rate(observation, draws, rate):
    assume(not observation.dual_criminality and observation.submission.measure is not Measure.PRESERVATION)
    config = attrs.evolve(
        no_safeguards(),
        dual_criminality=DualCriminality(DualCriminalityMode.DISCRETIONARY, refusal_rate=rate),
    )
    decision = rules.decide(Stage.LEGAL_REVIEW, observation, config, draws, History())
    assert (decision.verdict is Verdict.REFUSE) == (draws.dual_criminality < rate)


@given(observations(), screening_draws())
def test_probable_cause_refuses_content_on_weak_facts(observation, draws):
    observation = attrs.evolve(
        observation, submission=attrs.evolve(observation.submission, measure=Measure.STORED_CONTENT)
    )
    config = attrs.evolve(
        no_safeguards(),
        judicial_order=JudicialOrder(stored_content=JudicialStandard.PROBABLE_CAUSE, law=DomesticLaw.US),
    )
    decision = rules.decide(Stage.JUDICIAL_ORDER, observation, config, draws, History())
    refused = decision.verdict is Verdict.REFUSE
    assert refused == (observation.factual_basis < 0.6)
    if refused:
        assert decision.provision == "us-2703-a"


@given(observations(), safeguards())
def test_persecution_evidence_is_a_score_that_grows_with_each_signal(observation, config):
    score = persecution_evidence(observation, config)
    assert 0.0 <= score <= 1.0
    stronger = attrs.evolve(observation, target_recognised=True, dual_criminality=False)
    assert persecution_evidence(stronger, config) >= score


@given(observations(), screening_draws())
def test_sexual_orientation_is_outside_the_convention_grounds(observation, draws):
    """UNCC Art 40(22) does not list sexual orientation: only an extended list refuses on it."""
    observation = attrs.evolve(
        observation,
        apparent_ground="sexual_orientation",
        target_recognised=True,
        dual_criminality=False,
        requester_record=1.0,
    )
    convention = attrs.evolve(no_safeguards(), discrimination=Discrimination(enabled=True))
    extended = attrs.evolve(
        convention,
        discrimination=Discrimination(
            enabled=True, grounds=convention.discrimination.grounds | {"sexual_orientation"}
        ),
    )
    assert rules.decide(Stage.RIGHTS_SCRUTINY, observation, convention, draws, History()).verdict is (
        Verdict.PROCEED
    )
    refused = rules.decide(Stage.RIGHTS_SCRUTINY, observation, extended, draws, History())
    assert refused.verdict is Verdict.REFUSE and refused.provision == "uncc-40-22"


@given(observations(), screening_draws())
def test_data_protection_conditions_attach_to_the_grant(observation, draws):
    config = attrs.evolve(no_safeguards(), data_protection=DataProtectionMode.CONDITIONS)
    decision = rules.screen(observation, config, draws)
    transfers = observation.submission.measure is not Measure.PRESERVATION  # preservation hands nothing over
    conditional = transfers and not observation.data_protection_adequate
    assert decision.verdict is (Verdict.CONDITIONAL_GRANT if conditional else Verdict.GRANT)


def journalist_labelled_as_extremist() -> Observation:
    """A request whose disguise the reviewer saw through: journalism, called 'extremism'."""
    return Observation(
        submission=Submission("X", Measure.STORED_CONTENT, "extremism", 6.0, 0),
        requester_record=0.9,
        data_protection_adequate=False,
        conduct_read_as="journalism",
        disguise_penetrated=True,
        dual_criminality=False,
        political_offence=True,
        target_recognised=True,
        apparent_ground="political_opinion",
        factual_basis=0.0,
        thoroughness=1.0,
    )


def test_screen_stops_at_the_first_decisive_stage():
    config = Safeguards(
        dual_criminality=DualCriminality(DualCriminalityMode.REQUIRED),
        consultation=Consultation(enabled=False),
    )
    decision = rules.screen(journalist_labelled_as_extremist(), config, ScreeningDraws())
    assert decision == Decision(
        Verdict.REFUSE,
        Stage.LEGAL_REVIEW,
        "uncc-40-9",
        "the conduct read from the facts ('journalism') is no crime in the requested State "
        "(required dual criminality)",
    )


def test_the_discrimination_clause_decides_when_dual_criminality_is_waived():
    config = Safeguards(
        dual_criminality=DualCriminality(DualCriminalityMode.WAIVED),
        consultation=Consultation(enabled=False),
    )
    decision = rules.screen(journalist_labelled_as_extremist(), config, ScreeningDraws())
    assert (decision.verdict, decision.stage, decision.provision) == (
        Verdict.REFUSE,
        Stage.RIGHTS_SCRUTINY,
        "uncc-40-22",
    )
    # 0.3 x 0.9 + 0.3 + 0.5 = 1.07, capped at 1
    assert "substantial grounds (1.00 >= 0.70)" in decision.reason


# --- measures and domestic law ---------------------------------------------------------------------
def _judicial(measure: Measure, basis: float, dual: bool = True) -> Observation:
    return attrs.evolve(
        journalist_labelled_as_extremist(),
        submission=Submission("X", measure, "computer_fraud", 8.0, 0),
        disguise_penetrated=False,
        conduct_read_as="computer_fraud",
        dual_criminality=dual,
        political_offence=False,
        factual_basis=basis,
    )


def test_interception_unavailable_cites_art_46_and_other_measures_40_21_c():
    order = JudicialOrder(
        interception=JudicialStandard.UNAVAILABLE, stored_content=JudicialStandard.UNAVAILABLE
    )
    config = Safeguards(judicial_order=order, consultation=Consultation(enabled=False))
    draws, history = ScreeningDraws(), History()
    tapped = rules.decide(Stage.JUDICIAL_ORDER, _judicial(Measure.INTERCEPTION, 0.9), config, draws, history)
    stored = rules.decide(
        Stage.JUDICIAL_ORDER, _judicial(Measure.STORED_CONTENT, 0.9), config, draws, history
    )
    assert (tapped.verdict, tapped.provision) == (Verdict.REFUSE, "uncc-46")
    assert stored.provision == "uncc-40-21-c"


def test_domestic_standards_cite_art_24_4_and_us_ones_the_statute():
    domestic = Safeguards(judicial_order=JudicialOrder(stored_content=JudicialStandard.PROBABLE_CAUSE))
    us = attrs.evolve(domestic, judicial_order=attrs.evolve(domestic.judicial_order, law=DomesticLaw.US))
    weak = _judicial(Measure.STORED_CONTENT, 0.3)
    no_consult = Consultation(enabled=False)
    assert rules.decide(
        Stage.JUDICIAL_ORDER,
        weak,
        attrs.evolve(domestic, consultation=no_consult),
        ScreeningDraws(),
        History(),
    ).provision == ("uncc-24-4")
    assert rules.decide(
        Stage.JUDICIAL_ORDER, weak, attrs.evolve(us, consultation=no_consult), ScreeningDraws(), History()
    ).provision == ("us-2703-a")


def test_a_certification_of_relevance_is_a_low_bar_and_3512_e_asks_for_us_punishability():
    order = JudicialOrder(
        real_time_traffic=JudicialStandard.CERTIFICATION,
        stored_content=JudicialStandard.PROBABLE_CAUSE,
        law=DomesticLaw.US,
        warrant_dual_criminality=True,
    )
    config = Safeguards(judicial_order=order, consultation=Consultation(enabled=False))
    d, h = ScreeningDraws(), History()
    assert rules.decide(
        Stage.JUDICIAL_ORDER, _judicial(Measure.REAL_TIME_TRAFFIC, 0.06), config, d, h
    ).verdict is (Verdict.PROCEED)
    assert rules.decide(
        Stage.JUDICIAL_ORDER, _judicial(Measure.REAL_TIME_TRAFFIC, 0.0), config, d, h
    ).provision == ("us-3123")
    foreign_only = _judicial(Measure.STORED_CONTENT, 0.9, dual=False)
    assert rules.decide(Stage.JUDICIAL_ORDER, foreign_only, config, d, h).provision == "us-3512-e"
    record = next(r for r in RULES if r.check is check_judicial_standard)
    assert "us-3512-e" in record.provisions and "us-3512-e" in record.refuses_on(config)
    assert rules.decide(
        Stage.JUDICIAL_ORDER, _judicial(Measure.STORED_CONTENT, 0.9), config, d, h
    ).verdict is (Verdict.PROCEED)


def test_art_6_is_an_opt_in_basis_for_grounds_40_22_leaves_out():
    observation = attrs.evolve(journalist_labelled_as_extremist(), apparent_ground="sexual_orientation")
    off = Safeguards()
    on = attrs.evolve(off, human_rights=HumanRights(enabled=True))
    assert rules.decide(Stage.RIGHTS_SCRUTINY, observation, off, ScreeningDraws(), History()).verdict is (
        Verdict.PROCEED
    )
    refused = rules.decide(Stage.RIGHTS_SCRUTINY, observation, on, ScreeningDraws(), History())
    assert (refused.verdict, refused.provision) == (Verdict.REFUSE, "uncc-6")
    assert "uncc-6" in enabled_provisions(on) and "uncc-6" not in enabled_provisions(off)


def _keeping(**consultation) -> Safeguards:
    return attrs.evolve(Safeguards(), consultation=Consultation(keep_findings=True, **consultation))


def test_a_kept_finding_stands_only_at_its_stage_incurable_and_enabled():
    """Catches: ``kept_finding`` switched off or inverted, a kept finding applied at another stage, a
    curable ground (40(21)(a), cured by a corrected request) or a ground the configuration no longer
    has standing on resubmission, and the findings read in another order than their ids'."""
    found = History(findings=frozenset({"uncc-40-9", "uncc-35-1-c"}))
    kept = rules.kept_finding(Stage.LEGAL_REVIEW, _keeping(), found)
    assert kept == Decision(
        Verdict.REFUSE,
        Stage.LEGAL_REVIEW,
        "uncc-35-1-c",
        kept.reason,
    )
    assert "announced at consultation stands" in kept.reason
    assert rules.kept_finding(Stage.LEGAL_REVIEW, Safeguards(), found) is None
    assert rules.kept_finding(Stage.LEGAL_REVIEW, _keeping(), History()) is None
    assert rules.kept_finding(Stage.RIGHTS_SCRUTINY, _keeping(), found) is None
    curable = History(findings=frozenset({"uncc-40-21-a"}))
    assert rules.kept_finding(Stage.INTAKE, _keeping(), curable) is None
    off = attrs.evolve(_keeping(), dual_criminality=DualCriminality(mode=DualCriminalityMode.WAIVED))
    only_off = History(findings=frozenset({"uncc-40-9"}))
    assert rules.kept_finding(Stage.LEGAL_REVIEW, off, only_off) is None
    assert rules.kept_finding(Stage.LEGAL_REVIEW, _keeping(), only_off).provision == "uncc-40-9"
