"""Each rule's record says what its check does: the provisions it cites, when it is on, its stage."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given

from simulator.domain import rules
from simulator.domain.channels import CHANNEL_GROUNDS
from simulator.domain.grounds import (
    BY_STAGE,
    DESK_RULES,
    PERSECUTION_PROVISIONS,
    RULES,
    enabled_provisions,
)
from simulator.domain.model import History, ScreeningDraws, Stage, Verdict
from simulator.domain.provisions import catalogue as provision_catalogue
from simulator.domain.safeguards import Safeguards, no_safeguards
from simulator.domain.settings import declared
from tests.strategies import histories, observations, safeguards, screening_draws

REFUSING = (Verdict.REFUSE, Verdict.CONSULT)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.ground)
@given(observation=observations(), config=safeguards(), draws=screening_draws(), history=histories())
def test_a_check_cites_only_what_its_record_declares(rule, observation, config, draws, history):
    """Catches: a record whose provisions are not those its check cites (a ground cited under another
    ground's name), or a refusal on a provision its record says is switched off."""
    decision = rule.check(observation, config, draws, history)
    if decision is None:
        return
    assert decision.provision in rule.provisions
    assert decision.stage is rule.stage
    if decision.verdict in REFUSING:
        assert decision.provision in rule.refuses_on(config)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.ground)
def test_a_record_names_catalogued_provisions_of_its_stage_and_real_fields(rule):
    """Catches: a record pointing at a provision, a setting or a draw that does not exist, or at a
    provision the catalogue places at another stage."""
    known = provision_catalogue()
    assert set(rule.provisions) | set(rule.basis) <= set(known)
    assert known[rule.ground].stage in (rule.stage.value, "any")
    assert rule.setting in {a.name for a, _ in declared(Safeguards)}
    if rule.draw is not None:
        assert rule.draw in attrs.fields_dict(ScreeningDraws)
    assert rule.refuses_on(Safeguards()) <= set(rule.provisions)


def test_no_safeguards_switch_every_ground_off():
    assert enabled_provisions(no_safeguards()) == frozenset()
    assert all(not rule.refuses_on(no_safeguards()) for rule in RULES)


def test_the_families_read_from_the_records():
    """Catches: a list of grounds kept by hand beside the records (the desks, the findings)."""
    assert (
        frozenset(DESK_RULES)
        == CHANNEL_GROUNDS
        == {"budapest-27-4-a", "uncc-40-22", "uncc-6", "uncc-40-21-b"}
    )
    assert {"uncc-40-22", "uncc-6", "uncc-40-21-b"} == PERSECUTION_PROVISIONS
    assert {rule.ground for rule in RULES if rule.bar(Safeguards()) is not None} == {"uncc-40-22"}


def test_the_stages_apply_their_rules_in_the_documented_order():
    """Catches: two rules of a stage swapped (a request both out of scope and a political offence would
    cite the political offence; one both discriminatory and a persecution risk, 40(21)(b))."""
    assert [rule.ground for rule in BY_STAGE[Stage.LEGAL_REVIEW]] == [
        "uncc-35-1-c",
        "budapest-27-4-a",
        "uncc-40-9",
        "uncc-36",
    ]
    assert [rule.ground for rule in BY_STAGE[Stage.RIGHTS_SCRUTINY]] == [
        "uncc-40-22",
        "uncc-6",
        "uncc-40-21-b",
    ]
    assert [rule.stage for rule in RULES] == sorted((rule.stage for rule in RULES), key=list(Stage).index)


def test_the_first_rule_of_a_stage_that_finds_something_decides(both_grounds):
    """Out of scope and a political offence at once: scope is checked first and cited."""
    observation, config = both_grounds
    decision = rules.decide(Stage.LEGAL_REVIEW, observation, config, ScreeningDraws(), History())
    assert decision.provision == "uncc-35-1-c"
    without_scope = attrs.evolve(config, scope_test=attrs.evolve(config.scope_test, enabled=False))
    decision = rules.decide(Stage.LEGAL_REVIEW, observation, without_scope, ScreeningDraws(), History())
    assert decision.provision == "budapest-27-4-a"


@pytest.fixture
def both_grounds():
    """A submission outside the scope ('extremism' at 2 years) whose facts read as a political offence,
    under a configuration that refuses on both (and consults on neither)."""
    from tests.domain.test_rules import journalist_labelled_as_extremist

    observation = journalist_labelled_as_extremist()
    observation = attrs.evolve(
        observation, submission=attrs.evolve(observation.submission, penalty_years=2.0)
    )
    config = attrs.evolve(
        no_safeguards(),
        scope_test=attrs.evolve(no_safeguards().scope_test, enabled=True),
        political_offence=True,
    )
    return observation, config


@pytest.mark.parametrize("rule", [r for r in RULES if r.can_refuse], ids=lambda r: r.ground)
def test_switching_a_ground_on_changes_the_decision_of_some_request(rule):
    """Catches: a ground that can be on and never decide anything (a dead setting) where its stage is
    on the route: the other half of the check that a ground off every route is refused. Only this
    ground's setting is drawn, every other safeguard off."""
    from hypothesis import HealthCheck, Phase, find
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st

    from simulator.checking.strategies.settings import value_of
    from simulator.domain.settings import setting_of

    base = no_safeguards()
    alone = value_of(setting_of(Safeguards, rule.setting)).map(
        lambda v: attrs.evolve(base, **{rule.setting: v})
    )

    def differs(drawn) -> bool:
        config, observation, draws = drawn
        return bool(rule.refuses_on(config)) and rules.screen(observation, config, draws) != rules.screen(
            observation, base, draws
        )

    search = hypothesis_settings(
        max_examples=2000, database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
    )
    find(st.tuples(alone, observations(), screening_draws()), differs, settings=search)
