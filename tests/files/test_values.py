"""Values every table uses: State ids, unique ids, stage tables (distributions: see test_loader)."""

from __future__ import annotations

from simulator.domain.model import MLA_STAGES, Stage
from simulator.files.reader import Problem, Table
from simulator.files.values import stage_configs, state_id, unique_ids
from simulator.world.distributions import Fixed
from simulator.world.scenario import StageConfig


def table(data: dict, path: str = "t") -> tuple[Table, list[Problem]]:
    problems: list[Problem] = []
    return Table(data, path, "f.toml", problems), problems


def test_a_state_id_is_an_identifier():
    good, problems = table({"id": "eu-1"})
    assert state_id(good) == "eu-1" and problems == []
    bad, problems = table({"id": "e u"})
    state_id(bad)
    assert [p.path for p in problems] == ["t.id"]
    missing, problems = table({})
    assert state_id(missing, "requested") == "requested" and problems == []


def test_repeated_ids_are_reported_at_the_repeat():
    root, problems = table({}, "")
    unique_ids(root, "requested_state", ["us", "eu", "us"])
    assert [str(p) for p in problems] == ["f.toml: requested_state[2].id: duplicate id 'us'"]


def test_stage_tables_are_read_for_the_allowed_stages_only():
    stages, problems = table({"execution": {"staff": 1, "service": {"distribution": "fixed", "value": 2}}})
    assert stage_configs(stages, MLA_STAGES) == {Stage.EXECUTION: StageConfig(1, Fixed(2))}
    assert problems == []
    other, more = table({"contact_point": {"staff": 1}})
    assert stage_configs(other, MLA_STAGES) == {}
    other.finish()
    assert [p.path for p in more] == ["t.contact_point"]  # left unread: reported as unknown
