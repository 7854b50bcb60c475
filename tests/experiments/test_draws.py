"""Draws over the declared ranges: a Latin hypercube, arms that keep their own levers, sweeps resumed."""

from __future__ import annotations

from simulator.experiments.draws import Points, arm, study, unit_sample
from simulator.files.limits import DEFAULT_LIMITS
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "data" / "small-uncertain.toml"


def test_a_latin_hypercube_draws_each_stratum_of_every_range_once_and_the_same_for_a_seed():
    sample = unit_sample(3, 20, seed=5)
    for column in zip(*sample, strict=True):
        assert sorted(int(u * 20) for u in column) == list(range(20))
    assert sample == unit_sample(3, 20, seed=5) and sample != unit_sample(3, 20, seed=6)
    assert unit_sample(0, 4, seed=1) == [()] * 4


def test_arms_share_the_unit_draws_over_the_union_of_their_keys():
    base = arm("base", SMALL, {}, DEFAULT_LIMITS)
    fixed = arm("fixed", SMALL, {"requesting_state.A.abusive_share": 0.3}, DEFAULT_LIMITS)
    both = study([base, fixed], 6, 2, seed=3)
    assert both.keys == ("requesting_state.A.abusive_share", "stages.legal_review.service.mean")
    for i in range(6):
        a, b = both.points(0)[i], both.points(1)[i]
        assert b["requesting_state.A.abusive_share"] == 0.3  # the arm's own value, never a draw
        assert a["stages.legal_review.service.mean"] == b["stages.legal_review.service.mean"]
        assert 0.05 <= a["requesting_state.A.abusive_share"] <= 0.4


def test_the_question_names_the_files_by_their_contents_and_a_new_seed_is_a_new_question():
    base = arm("base", SMALL, {}, DEFAULT_LIMITS)
    one, other = study([base], 4, 2, seed=1), study([base], 4, 2, seed=2)
    assert one.question()["arms"][0]["file_sha256"] and one.digest() != other.digest()
    assert Points(({"a": 1},)).points(0) == [{"a": 1}] and Points(({"a": 1},)).size == 1


def test_a_file_that_extends_another_asks_a_new_question_when_the_other_changes(tmp_path):
    import os

    base = tmp_path / "base.toml"
    base.write_text(SMALL.read_text())
    child = tmp_path / "child.toml"
    child.write_text('extends = "base.toml"\n\n[scenario]\nname = "child"\n')
    before = study([arm("child", child, {}, DEFAULT_LIMITS)], 4, 2, seed=1).digest()
    base.write_text(SMALL.read_text().replace("requests_per_year = 365", "requests_per_year = 300"))
    os.utime(base, ns=(1, 1))  # another size and time: the file is read again
    after = study([arm("child", child, {}, DEFAULT_LIMITS)], 4, 2, seed=1).digest()
    assert before != after
