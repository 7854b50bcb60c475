"""The ``mlasim`` command line: run, compare and sweep scenarios; validate files; explain a request.

Presentation only: each command loads scenarios (:mod:`simulator.files`), calls the experiment or
checking layer and prints through :mod:`simulator.reporting`. The typer app and what the commands
share live in :mod:`simulator.cli.common`; each family of commands has its own module, which
registers its commands on the app when imported.
"""

from simulator.cli import (  # noqa: F401  (registers the commands)
    assumptions,
    calibrating,
    checking,
    comparing,
    exploring,
    provisions,
    reporting,
    running,
    serving,
    starting,
    sweeping,
)
from simulator.cli.common import app, main

__all__ = ["app", "main"]
