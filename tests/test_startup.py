"""Start-up: the command line loads no heavy library until a command needs it.

``mlasim --help`` and ``mlasim validate`` must answer in well under a second, so importing
``simulator`` and ``simulator.cli`` must not load scipy.stats, pandas, pyarrow, dask or matplotlib
(they cost seconds together). Each check runs in a fresh interpreter, where ``sys.modules`` shows
exactly what an import loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys

import simulator
from tests.conftest import BASELINE, ROOT

HEAVY = ("scipy.stats", "pandas", "pyarrow", "dask", "matplotlib")


def heavy_modules_after(code: str) -> list[str]:
    """The heavy modules loaded once ``code`` has run in a fresh interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True, timeout=120
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_importing_the_command_line_loads_no_heavy_module():
    assert heavy_modules_after("import simulator.cli") == []


def test_help_and_validate_load_no_heavy_module():
    for argv in (["--help"], ["validate", str(BASELINE)]):
        code = (
            "import contextlib, io\nfrom simulator.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            f"    main({argv!r})"
        )
        assert heavy_modules_after(code) == [], argv


def test_the_probe_sees_a_heavy_import():
    """The check has teeth: a module that does load pandas is reported."""
    assert "pandas" in heavy_modules_after("import simulator.cli\nimport pandas")


def test_the_public_api_is_still_there_on_first_use():
    from simulator.experiments.run import run
    from simulator.files.overrides import load_variant

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
