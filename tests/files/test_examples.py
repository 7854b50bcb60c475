"""The example scenarios: found in the checkout (editable install) and in the built wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from simulator.files.examples import copy_examples, example_files
from tests.conftest import ROOT, SCENARIOS


def test_an_editable_install_finds_the_checkouts_scenarios():
    assert [p.name for p in example_files()] == sorted(p.name for p in SCENARIOS.glob("*.toml"))


def test_copying_never_overwrites(tmp_path):
    copied = copy_examples(tmp_path / "mine")
    assert [p.read_bytes() for p in copied] == [p.read_bytes() for p in example_files()]
    with pytest.raises(FileExistsError, match="already exists"):
        copy_examples(tmp_path / "mine")


def test_the_wheel_carries_the_scenarios_the_license_and_no_tests(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("mlasim-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("simulator/scenarios/"))
    assert shipped == sorted(p.name for p in SCENARIOS.glob("*.toml"))
    assert any(n.endswith("licenses/LICENSE") for n in names)
    assert not any(n.startswith("tests/") for n in names)
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    requires = [
        line for line in metadata.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line
    ]
    assert not any("pytest" in line for line in requires) and any("hypothesis" in line for line in requires)
