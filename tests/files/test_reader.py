"""Reading untrusted tables: types, ranges, did-you-mean."""

from __future__ import annotations

import enum

from simulator.files.reader import REQUIRED, Problem, ScenarioError, Table, suggestion


class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


def table(data):
    problems: list[Problem] = []
    return Table(data, "root", "f.toml", problems), problems


def test_suggestions_only_for_close_words():
    assert suggestion("polical", ["political", "economic"]) == " (did you mean 'political'?)"
    assert suggestion("xyz", ["political"]) == ""


def test_booleans_are_not_numbers_and_integers_are_not_floats():
    t, problems = table({"a": True, "b": 1.5, "c": 3})
    t.number("a")
    t.number("b", integer=True)
    assert t.number("c", integer=True) == 3
    assert [p.message for p in problems] == ["must be a number, not a boolean", "must be an integer, not 1.5"]


def test_required_defaults_and_unknown_keys():
    t, problems = table({"colour": "gren", "extra": 1})
    assert t.number("missing", 4.0) == 4.0
    t.text("needed", REQUIRED)
    t.choice("colour", Colour, Colour.RED)
    t.finish()
    assert [str(p) for p in problems] == [
        "f.toml: root.needed: is required",
        "f.toml: root.colour: must be one of red, green, not 'gren' (did you mean 'green'?)",
        "f.toml: root.extra: unknown key",
    ]


def test_weights_must_be_known_non_negative_and_not_all_zero():
    t, problems = table({"w": {"a": -1}, "z": {"a": 0}})
    t.weights("w", ["a"])
    t.weights("z", ["a"])
    assert [p.path for p in problems] == ["root.w.a", "root.z"]


def test_scenario_error_keeps_every_problem():
    error = ScenarioError([Problem("f", "a", "x"), Problem("f", "", "y")])
    assert str(error) == "f: a: x\nf: y"


def test_a_misspelt_required_key_is_one_line_that_names_both():
    """Catches: "requests_per_year: is required" hiding the typo that caused it."""
    problems: list = []
    table = Table({"requests_per_yaer": 10, "id": "A"}, "requesting_state[0]", "f.toml", problems)
    table.number("requests_per_year")
    table.text("id")
    table.finish()
    assert [str(p) for p in problems] == [
        "f.toml: requesting_state[0].requests_per_yaer: unknown key (did you mean 'requests_per_year'?); "
        "requests_per_year is required"
    ]
