"""Settings are declared once, on their fields: bounds enforced, meanings given, strictness directed."""

from __future__ import annotations

import math

import attrs
import pytest

from simulator.domain.channels import ChannelRules, PreservationRules
from simulator.domain.monitoring import Monitoring, Reputation
from simulator.domain.safeguards import (
    Consultation,
    Discrimination,
    DualCriminality,
    DualCriminalityMode,
    JudicialOrder,
    Safeguards,
)
from simulator.domain.settings import Kind, Stricter, declared, paths, setting_of, walk
from simulator.world.scenario import LoadEffect, RequestingState, Strategies

SETTINGS_CLASSES = (Safeguards, ChannelRules, Monitoring, Reputation, LoadEffect, RequestingState, Strategies)


@pytest.mark.parametrize("cls", SETTINGS_CLASSES, ids=lambda c: c.__name__)
def test_every_declared_setting_says_what_it_means(cls):
    """Catches: a setting added without a meaning (the schema, the docs and the what-if page show it)."""
    for path, setting in paths(cls):
        assert setting.meaning.strip(), path


@pytest.mark.parametrize("cls", SETTINGS_CLASSES, ids=lambda c: c.__name__)
def test_the_values_strategies_draw_are_distinct_ascending_and_allowed(cls):
    """Catches: an example repeated (the strategies then never try the value it replaced) or outside
    the setting's bounds (every draw of it would be refused)."""
    for path, setting in paths(cls):
        examples = list(setting.examples)
        assert examples == sorted(set(examples)), path
        assert all(setting.bound_problem(value) is None for value in examples), path
        if setting.typical is not None:  # the range drawn from where the bounds leave it open
            low, high = setting.typical
            assert low < high and setting.bound_problem(low) is setting.bound_problem(high) is None, path


def test_bounds_are_enforced_on_construction():
    """Catches: a value outside its declared bounds built in Python (not only read from a file)."""
    with pytest.raises(ValueError, match="between 0 and 1"):
        Discrimination(evidence_threshold=1.5)
    with pytest.raises(ValueError, match="Art 42"):
        PreservationRules(retention_days=30.0)
    with pytest.raises(ValueError, match="finite"):
        Reputation(discovery_days=math.inf)
    with pytest.raises(TypeError):
        DualCriminality(refusal_rate="half")
    with pytest.raises(ValueError, match="one of"):
        DualCriminality(mode="sometimes")
    with pytest.raises(ValueError, match="unknown name"):
        Discrimination(grounds=frozenset({"astrology"}))
    assert DualCriminality(refusal_rate=1.0).refusal_rate == 1.0  # a bound itself is allowed


def test_an_open_interval_excludes_its_ends():
    """Catches: SPRT rates of exactly 0 or 1 (log of 0) accepted."""
    for value in (0.0, 1.0):
        with pytest.raises(ValueError, match="strictly between 0 and 1"):
            Monitoring(p0=value)
    assert Monitoring(p0=0.001).p0 == 0.001


def test_walk_visits_every_setting_of_a_value_with_its_path():
    """Catches: a nested part skipped, or a path that does not name the field it holds."""
    found = {path: value for path, _, value in walk(Safeguards())}
    assert found["discrimination.evidence_threshold"] == 0.7
    assert found["human_rights.enabled"] is False
    assert found["memory"] == Safeguards().memory
    assert set(found) == {path for path, _ in paths(Safeguards)}


def test_parts_are_declared_and_optional_parts_default_to_none():
    """Catches: an optional strategy that is present when a file does not ask for it."""
    kinds = {a.name: s.kind for a, s in declared(Strategies)}
    assert set(kinds.values()) == {Kind.PART}
    assert Strategies().forum_shopping is None and not Strategies().any


def test_strictness_is_declared_for_every_ground_switch():
    """Catches: a refusal ground whose switch has no direction (the stricter search never turns it on)."""
    for path, setting in paths(Safeguards):
        if path.endswith(".enabled") and not path.startswith("consultation"):
            assert setting.stricter is Stricter.HIGHER, path
    order = setting_of(DualCriminality, "mode").order
    assert order[0] is DualCriminalityMode.WAIVED and order[-1] is DualCriminalityMode.REQUIRED
    assert setting_of(Discrimination, "evidence_threshold").stricter is Stricter.LOWER
    # a switch that adds a refusal where it is on (18 U.S.C. 3512(e): tests/domain/test_rules.py)
    assert setting_of(JudicialOrder, "warrant_dual_criminality").stricter is Stricter.HIGHER


def test_aliases_name_whole_sets():
    """Catches: the consultation scope words ('treaty', 'every_refusal') drifting from the catalogue."""
    setting = setting_of(Consultation, "applies_to")
    assert setting.aliases["treaty"]() == Consultation().applies_to
    assert setting.aliases["treaty"]() < setting.aliases["every_refusal"]()


def test_defaults_stay_the_documented_ones():
    """Catches: a declaration that changed a default (the pinned results rest on them)."""
    assert attrs.asdict(Safeguards(), recurse=False).keys() == {a.name for a in attrs.fields(Safeguards)}
    assert Safeguards().dual_criminality.refusal_rate == 0.5
    assert Safeguards().scope_test.serious_crime_years == 4.0
    assert LoadEffect().queue_threshold == 20 and LoadEffect().floor == 0.4
