"""Start-up: the command line loads no heavy library until a command needs it.

``mlasim --help`` and ``mlasim validate`` must answer at once (well under half a second), so:

- importing ``simulator`` and ``simulator.cli``, and ``mlasim --help``, load neither the simulation
  (simpy, numpy) nor scipy, pandas, pyarrow, dask, matplotlib or pydantic: each command imports the layers it
  uses in its body, and of the package only the command line itself (and the small module of output
  files it shares) is loaded;
- ``mlasim validate`` reads the scenario (numpy may come with it) but runs nothing, so it loads
  neither simpy nor scipy (the distributions' check probes without scipy, see
  :func:`simulator.files.limits.probe_draws`), pandas, pyarrow, dask, matplotlib or pydantic.

Each check runs in a fresh interpreter, where ``sys.modules`` shows exactly what an import loaded.
Speed itself is measured by the benchmarks, not here.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import simulator
from tests.conftest import BASELINE, ROOT

#: Packages none of the checked commands needs (each costs a tenth of a second to seconds; pydantic
#: comes with typer 0.29, which builds an adapter per parameter: pyproject.toml keeps typer below it).
HEAVY = ("scipy", "simpy", "pandas", "pyarrow", "dask", "matplotlib", "pydantic")
#: And what ``import simulator.cli`` and ``--help`` need neither: the simulation's arrays.
HEAVY_FOR_HELP = (*HEAVY, "numpy")
#: The package's modules that importing the command line may load: the command line, and its output files.
LIGHT = ("simulator", "simulator.cli", "simulator.files", "simulator.files.output")


def probe(code: str, packages: tuple[str, ...]) -> dict:
    """Run ``code`` in a fresh interpreter: which of ``packages`` (or of their modules) it loaded, and
    the ``status`` and ``out`` it left (a command's exit status and standard output)."""
    report = (
        f"{code}\nimport json, sys\n"
        f"loaded = sorted(p for p in {packages!r} "
        "if any(m == p or m.startswith(p + '.') for m in sys.modules))\n"
        "print(json.dumps({'loaded': loaded, 'status': globals().get('status'), "
        "'out': globals().get('out')}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", report], capture_output=True, text=True, cwd=ROOT, check=True, timeout=120
    )
    return json.loads(done.stdout.splitlines()[-1])


def running(argv: list[str]) -> str:
    """Code that runs ``mlasim argv`` as the console script does, keeping its exit status and output."""
    return (
        "import contextlib, io\nfrom simulator.cli import main\n"
        "out, status = io.StringIO(), None\n"
        "with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):\n"
        "    try:\n"
        f"        main({argv!r})\n"
        "    except SystemExit as exit:\n"
        "        status = exit.code\n"
        "out = out.getvalue()"
    )


def test_importing_the_command_line_loads_no_heavy_module():
    assert probe("import simulator.cli", HEAVY_FOR_HELP)["loaded"] == []


def test_importing_the_command_line_loads_only_the_command_line():
    """Each command imports the layers it uses when it runs: none of them is loaded by the import."""
    code = (
        "import simulator.cli, sys\n"
        f"out = sorted(m for m in sys.modules if m.startswith('simulator') and m not in {LIGHT!r} "
        "and not m.startswith('simulator.cli.'))"
    )
    assert probe(code, ())["out"] == []


@pytest.mark.parametrize(
    "argv, shown",
    [(["--help"], "Usage: mlasim"), (["run", "--help"], "Usage: mlasim run"), (["--version"], "mlasim 0.")],
)
def test_help_loads_no_heavy_module(argv, shown):
    result = probe(running(argv), HEAVY_FOR_HELP)
    assert result["status"] == 0 and shown in result["out"]
    assert result["loaded"] == [], argv


def test_validate_loads_no_heavy_module():
    result = probe(running(["validate", str(BASELINE)]), HEAVY)
    assert result["status"] == 0 and result["out"].endswith(": ok\n")
    assert result["loaded"] == []


def test_the_probe_sees_a_heavy_import():
    """The check has teeth: a module that does load pandas, simpy or a part of scipy is reported."""
    assert "pandas" in probe("import simulator.cli\nimport pandas", HEAVY)["loaded"]
    both = probe("import simulator.cli\nimport simpy\nimport scipy.special", HEAVY)
    assert both["loaded"] == ["scipy", "simpy"]


def test_the_light_module_check_sees_an_eager_import():
    code = (
        "import simulator.cli, sys\nimport simulator.files.loader\n"
        f"out = sorted(m for m in sys.modules if m.startswith('simulator') and m not in {LIGHT!r} "
        "and not m.startswith('simulator.cli.'))"
    )
    assert "simulator.files.loader" in probe(code, ())["out"]


def test_the_public_api_is_still_there_on_first_use():
    from simulator.experiments.run import run
    from simulator.files.document import load_variant

    assert simulator.run is run
    assert simulator.load_variant is load_variant
    assert set(simulator.__all__) <= set(dir(simulator))


def test_an_unknown_name_is_an_attribute_error():
    try:
        simulator.no_such_thing  # noqa: B018
    except AttributeError as error:
        assert "no_such_thing" in str(error)
    else:
        raise AssertionError("simulator.no_such_thing did not raise AttributeError")
