"""The calibrated scenario file: the original's comments and layout kept, each fitted value commented."""

from __future__ import annotations

import tomllib

from simulator.files.calibrated import Calibrated, calibrated_text, header_lines
from simulator.files.document import ScenarioFile
from simulator.files.loader import parse_scenario
from simulator.files.parameters import uncertain_parameters
from tests.conftest import SCENARIOS

US = SCENARIOS / "us-doj-scrutiny.toml"


def test_fitted_values_are_set_where_they_stand_and_everything_else_is_kept():
    text = US.read_text()
    parameters = [
        Calibrated("stages.legal_review.staff", 7, 5, 9, (2, 20), ("a", "b")),
        Calibrated("stages.execution.service.mode", 80.5, 50.0, 90.0, (30.0, 120.0), ("a",)),
        Calibrated("requesting_state.partner.requests_per_year", 2100.0, 1900.0, 2300.0, (1e3, 3e3), ("a",)),
        Calibrated(
            "requesting_state.authoritarian.abuse.turnover_years", 3.0, None, None, (0.5, 10.0), ("a",)
        ),
    ]
    source = {"title": "mlasim calibrate: fitted to targets a, b of t.toml", "year": 2026}
    out = calibrated_text(text, parameters, ["Calibrated by a test", ""], source=source)
    document = tomllib.loads(out)
    # a fitted value carries the range the fit leaves and cites the calibration, a [sources] entry
    assert document["stages"]["legal_review"]["staff"] == {
        "value": 7,
        "low": 5,
        "high": 9,
        "source": "calibration",
    }
    assert document["stages"]["execution"]["service"] == {
        "distribution": "triangular", "low": 20, "high": 240,
        "mode": {"value": 80.5, "low": 50.0, "high": 90.0, "source": "calibration"},
    }  # fmt: skip
    assert document["sources"]["calibration"] == source
    states = {s["id"]: s for s in document["requesting_state"]}
    assert states["partner"]["requests_per_year"]["value"] == 2100.0
    assert states["authoritarian"]["abuse"]["turnover_years"] == 3.0  # added: the file left it at its default
    assert document["scenario"]["name"] == "US DOJ scrutiny (calibrated)"
    assert out.startswith("# Calibrated by a test\n#\n#\n# US DOJ scrutiny:")
    lines = out.splitlines()
    staff = next(line for line in lines if line.startswith("staff = {value = 7"))
    assert "calibrated to targets a, b: non-implausible 5 to 9 (prior 2 to 20)" in staff
    turnover = next(line for line in lines if line.startswith("turnover_years"))
    assert "least implausible value found, none non-implausible" in turnover
    # every comment of the original is still there, and everything but the fitted lines is unchanged
    kept = [line for line in text.splitlines() if "#" in line and "staff = 10" not in line]
    assert all(line in lines or line.split("#", 1)[1] in out for line in kept)
    assert len(lines) == len(text.splitlines()) + 3 + 1 + 4  # the header, the added key, [sources]
    scenario = parse_scenario(tomllib.loads(out), "calibrated.toml")
    assert scenario.requester("authoritarian").abuse.turnover_years == 3.0
    assert ScenarioFile.of(tomllib.loads(out), "c").base().requested_state.stages
    # the ranges are the scenario's own now: the uncertainty tools and the next calibration read them
    ranged = {
        p.key: (p.low, p.high, p.source)
        for p in uncertain_parameters(ScenarioFile.of(tomllib.loads(out), "c"))
    }
    assert ranged["stages.legal_review.staff"] == (5, 9, "calibration")
    assert ranged["requesting_state.partner.requests_per_year"] == (1900.0, 2300.0, "calibration")


def test_an_authors_comment_on_a_fitted_line_is_kept_before_the_calibration_note():
    text = "[stages.x]\nstaff = 3  # two lawyers and a clerk\n"
    out = calibrated_text(text, [Calibrated("stages.x.staff", 4, 3, 5, (1, 9), ("t",))], [])
    line = 'staff = {value = 4, low = 3, high = 5, source = "calibration"} # two lawyers and a clerk; '
    assert line + "calibrated to targets t" in out


def test_a_file_already_named_calibrated_keeps_its_name():
    text = '[scenario]\nname = "US calibrated"\n[stages.x]\nstaff = 3\n'
    out = calibrated_text(text, [Calibrated("stages.x.staff", 4, 3, 5, (1, 9), ("t",))], [])
    assert tomllib.loads(out)["scenario"]["name"] == "US calibrated"


def test_a_file_calibrated_again_carries_one_header_and_rounded_ranges():
    text = (
        "# An author's header\n[stages.x]\nstaff = 3\n"
        'service = { distribution = "exponential", mean = 2.0 }\n'
    )
    fitted = [Calibrated("stages.x.service.mean", 1.234, 1.0123456789, 1.98765432, (0.5, 3.0), ("t",))]
    header = header_lines("a.toml", "t.toml", ["t"], [], "2026-12-07", 0.5)
    once = calibrated_text(text, fitted, header)
    twice = calibrated_text(once, fitted, header)
    assert twice.count("# Calibrated by mlasim calibrate") == 1 and "# An author's header" in twice
    assert tomllib.loads(twice)["stages"]["x"]["service"]["mean"] == {
        "value": 1.234, "low": 1.012, "high": 1.988, "source": "calibration"
    }  # fmt: skip
