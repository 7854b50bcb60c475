"""Metric declarations: one per metric or family, found by name, with bounds from the kind."""

from __future__ import annotations

import math

import pytest

from simulator.world.metrics import (
    Better,
    Catalogue,
    Kind,
    Metric,
    catalogue,
    headline,
    metric,
    metric_range,
)


def test_a_family_resolves_with_what_its_placeholders_stand_for():
    found = metric("state.partner.refusals.uncc-40-22")
    assert found.metric.name == "state.{requester}.refusals.{provision}"
    assert found.bindings == {"requester": "partner", "provision": "uncc-40-22"}
    assert found.label == "partner: refusals citing uncc-40-22"
    assert metric("requested.us.abuse_pass_through").bindings == {"requested": "us"}
    assert metric("monitoring.eu.hybrid.flagged").bindings == {"requested": "eu", "requester": "hybrid"}


def test_bounds_come_from_the_kind_and_abusive_cases_reached_is_a_share():
    assert metric_range("abusive_cases_reached") == (0.0, 1.0)
    assert metric_range("abuse_pass_through") == (0.0, 1.0)
    assert metric_range("state.A.legitimate_refusal_rate") == (0.0, 1.0)
    assert metric_range("stage.intake.rushed_share") == (0.0, 1.0)
    assert metric_range("legitimate_days_median") == (0.0, math.inf)
    assert metric_range("no.such.metric") == (-math.inf, math.inf)  # undeclared: not clipped


def test_every_share_is_bounded_by_0_and_1_and_every_metric_has_a_meaning():
    for declared in catalogue().declarations:
        assert declared.meaning.strip().endswith("."), declared.name
        assert declared.label and declared.short, declared.name
        if declared.kind is Kind.SHARE:
            assert declared.bounds == (0.0, 1.0), declared.name


def test_the_headline_is_what_tables_lead_with():
    assert [m.name for m in headline()][:2] == ["abuse_pass_through", "abusive_cases_reached"]
    assert all(m.kind is not Kind.COUNT or m.name == "backlog_at_end" for m in headline())
    assert metric("legitimate_days_median").metric.better is Better.LOWER


def test_a_name_declared_twice_or_matching_two_families_is_caught():
    one = Metric("a.{x}", "a", "a", Kind.COUNT, Better.NEITHER, "A.", "s")
    other = Metric("{y}.b", "b", "b", Kind.COUNT, Better.NEITHER, "B.", "s")
    with pytest.raises(ValueError, match="declared twice"):
        Catalogue([one, one])
    both = Catalogue([one, other])
    assert len(both.matches("a.b")) == 2 and both.resolve("a.b") is None
    with pytest.raises(KeyError):
        both["a.b"]


def test_metadata_carries_what_later_work_hangs_on_a_metric():
    target = Metric("x", "x", "x", Kind.SHARE, Better.LOWER, "X.", "s", metadata={"target": (0.028, 0.061)})
    assert Catalogue([target])["x"].metric.metadata["target"] == (0.028, 0.061)
