"""The settings strategies vary every declared setting, and ``stricter`` moves every one that has a
direction: the guard that would have caught Art 6 and ``memory`` never varying."""

from __future__ import annotations

import functools

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from simulator.checking.strategies import safeguard_pairs, scenario_documents
from simulator.checking.strategies import settings as settings_strategy
from simulator.domain.channels import ChannelRules
from simulator.domain.monitoring import Monitoring, Reputation
from simulator.domain.safeguards import Safeguards
from simulator.domain.settings import Kind, paths
from simulator.files.reader import Table
from simulator.files.settings import read_settings, settings_table
from simulator.world.scenario import AbuseProfile, InformationSharing, LoadEffect, RequestingState, Strategies

CLASSES = (Safeguards, ChannelRules, Monitoring, Reputation, LoadEffect, InformationSharing)


def drawn(strategy, examples: int) -> list:
    """What a strategy draws in ``examples`` generated examples (no shrinking, no database)."""
    seen = []

    @settings(
        max_examples=examples, database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
    )
    @given(strategy)
    def collect(value):
        seen.append(value)

    collect()
    return seen


def value_at(value, path: str):
    return functools.reduce(getattr, path.split("."), value)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_declared_setting_is_varied(cls):
    """Catches: a setting the strategies leave at its default, for which no property can fail."""
    values = drawn(settings_strategy(cls), 200)
    default = cls()
    constant = [
        path for path, _ in paths(cls) if all(value_at(v, path) == value_at(default, path) for v in values)
    ]
    assert constant == []


def test_stricter_moves_every_setting_that_has_a_direction():
    """Catches: a ground the stricter search never switches on (Art 6 was never tried)."""
    pairs = drawn(safeguard_pairs(), 300)
    directed = [path for path, setting in paths(Safeguards) if setting.stricter is not None]
    unmoved = [path for path in directed if all(value_at(a, path) == value_at(b, path) for a, b in pairs)]
    assert unmoved == []
    undirected = [path for path, setting in paths(Safeguards) if setting.stricter is None]
    assert all(value_at(a, path) == value_at(b, path) for a, b in pairs for path in undirected)


def _requester_keys():
    """(table, key) for every setting a requesting State declares, by the table a file writes it in."""
    tables = {RequestingState: (), AbuseProfile: ("abuse",)}
    found = [(where, path) for cls, where in tables.items() for path, _ in paths(cls)]
    found += [(("strategies",), path) for path, _ in paths(Strategies)]
    skipped = {"abusive_channels", "channels", "strategies"}  # written elsewhere, or only MLA here
    return [(where, path) for where, path in found if path.split(".")[0] not in skipped]


def test_generated_scenario_files_vary_every_requester_setting():
    """Catches: a requester setting no generated scenario file ever writes (so no fuzz test reads it)."""
    seen: dict = {}
    for document in drawn(scenario_documents(), 150):
        for state in document["requesting_state"]:
            for where, path in _requester_keys():
                node = state
                for key in (*where, *path.split(".")):
                    node = node.get(key) if isinstance(node, dict) else None
                if node is not None:
                    seen.setdefault((where, path), set()).add(repr(node))
    assert [key for key in _requester_keys() if len(seen.get(key, ())) < 2] == []


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_a_settings_table_reads_back_into_the_same_value(cls):
    """Catches: a writer and a reader that disagree (a value written by ``settings_table`` must read
    back unchanged: the calibrated and what-if files are written this way)."""

    @settings(max_examples=50, database=None)
    def round_trip(value):
        problems: list = []
        back = read_settings(Table(settings_table(value), "", "written", problems), cls)
        assert problems == [] and back == value

    given(settings_strategy(cls))(round_trip)()


def test_every_kind_of_setting_is_declared_somewhere():
    """The strategies and the reader handle every kind (a kind nobody uses would be untested)."""
    kinds = {setting.kind for cls in (*CLASSES, RequestingState, AbuseProfile) for _, setting in paths(cls)}
    assert kinds == set(Kind) - {Kind.PART}
