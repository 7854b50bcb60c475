"""A scenario file is read once, in named phases, and anything that stops the reading is one line."""

from __future__ import annotations

import os

import pytest
import tomli_w

from simulator.files.document import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    ScenarioFile,
    check_file,
    load_configuration,
    load_scenario,
    nesting,
    read_file,
)
from simulator.files.limits import Limits
from simulator.files.reader import ScenarioError
from tests.conftest import BASELINE, document


def one_line(path, **kwargs) -> str:
    with pytest.raises(ScenarioError) as caught:
        read_file(path, **kwargs)
    assert len(caught.value.problems) == 1
    return str(caught.value.problems[0])


def test_files_that_cannot_be_read_give_one_problem(tmp_path):
    assert one_line(tmp_path / "missing.toml").endswith("missing.toml: no such file")
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario\nname = 1\n")
    assert "bad.toml: is not valid TOML:" in one_line(bad) and "line 1" in one_line(bad)
    assert one_line(tmp_path).endswith(": is a directory, not a scenario file")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[scenario]\nname = 'x'\n".encode("utf-16"), "is UTF-16 text: save it as UTF-8"),
        (b"[scenario]\nname = 'x'\x00\n", "contains a NUL byte (at byte 21): it is not a text file"),
        (b"[scenario]\nname = '\xc3\x28'\n", "is not UTF-8 text (byte 19 cannot be decoded)"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(1, 40)), "is not UTF-8 text (byte 0 cannot be decoded)"),
    ],
    ids=["utf-16", "nul", "invalid-utf-8", "binary"],
)
def test_odd_encodings_are_one_line(tmp_path, content, expected):
    """Catches: a binary or UTF-16 file ending in a traceback or a confusing TOML error."""
    path = tmp_path / "odd.toml"
    path.write_bytes(content)
    assert one_line(path).endswith(expected)


def test_a_byte_order_mark_is_tolerated(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BASELINE.read_bytes())
    assert load_scenario(path).name == load_scenario(BASELINE).name


@pytest.mark.parametrize("opening", ["[", "{ a = "], ids=["arrays", "inline-tables"])
def test_deep_nesting_is_one_line_not_a_recursion_error(tmp_path, opening):
    """Catches: "internal error RecursionError" for a 3.5 kB file of nested brackets."""
    path = tmp_path / "deep.toml"
    closing = "]" if opening == "[" else "}"
    path.write_text(f"x = {opening * 1000}1{closing * 1000}\n")
    message = one_line(path)
    assert "nests tables or arrays" in message and str(MAX_DEPTH) in message


def test_nesting_just_deeper_than_allowed_is_refused_and_at_the_limit_accepted(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text(f"x = {'[' * (MAX_DEPTH - 1)}1{']' * (MAX_DEPTH - 1)}\n")
    assert nesting(read_file(path).document) == MAX_DEPTH
    path.write_text(f"x = {'[' * MAX_DEPTH}1{']' * MAX_DEPTH}\n")
    assert f"{MAX_DEPTH + 1} levels deep" in one_line(path)


def test_a_huge_file_is_refused_before_it_is_parsed_unless_allowed(tmp_path):
    """Catches: a 67 MB file of unknown keys keeping validate busy for minutes."""
    path = tmp_path / "huge.toml"
    path.write_text("\n".join(f"k{i} = {i}" for i in range(120_000)) + "\n" + BASELINE.read_text())
    assert os.path.getsize(path) > MAX_FILE_BYTES
    assert "too large for a scenario file" in one_line(path)
    assert read_file(path, Limits(allow_large=True)).document["k7"] == 7


def test_a_file_is_read_once_and_read_again_when_it_changes(tmp_path):
    """Catches: a command reading and parsing the same file several times, or a stale copy kept."""
    path = tmp_path / "s.toml"
    path.write_text(tomli_w.dumps(document()))
    first = read_file(path)
    assert read_file(path) is first and read_file(first) is first
    assert first.base() is first.base()  # the scenario is built once
    changed = document()
    changed["scenario"]["name"] = "changed, and longer"
    path.write_text(tomli_w.dumps(changed))
    assert read_file(path).base().name == "changed, and longer"


def test_a_variant_reports_only_what_its_own_changes_break(tmp_path):
    """Catches: validate repeating each problem of the base once per variant."""
    doc = document()
    doc["scenario"]["seed"] = -1  # a problem of the base
    doc["variant"] = [
        {"name": "fine", "set": {"scenario.replications": 3}},
        {"name": "broken", "set": {"safeguards.discrimination.evidence_threshold": 2}},
    ]
    problems = [str(p) for p in ScenarioFile.of(doc, "v.toml").problems()]
    assert sum("scenario.seed" in p for p in problems) == 1
    assert [p for p in problems if "evidence_threshold" in p] == [
        "v.toml (variant 'broken'): safeguards.discrimination.evidence_threshold: "
        "must be a probability between 0 and 1, not 2"
    ]
    with pytest.raises(ScenarioError):
        check_file(ScenarioFile.of(doc, "v.toml"))


def test_a_configuration_is_named_for_what_changed():
    scenario = load_configuration(BASELINE, None, {"scenario.seed": 3})
    assert scenario.name.endswith(" / scenario.seed=3") and scenario.seed == 3
