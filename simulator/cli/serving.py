"""``mlasim serve``: a what-if page in the browser for people who decide on safeguards."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Annotated

import typer

from simulator.cli.common import app, command_limits, fail, user_errors
from simulator.cli.options import Scheduler, Workers


@app.command()
def serve(
    context: typer.Context,
    scenario: Annotated[
        Path | None,
        typer.Argument(help="Scenario file (default: the shipped UN convention baseline).", metavar="[FILE]"),
    ] = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (another than 127.0.0.1 opens it to others).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", "-p", min=0, max=65535, help="Port (0: any free one).")
    ] = 8765,
    workers: Workers = None,
    scheduler: Scheduler = None,
    precision: Annotated[
        float,
        typer.Option(
            "--precision",
            help="Stop a what-if when the abuse pass-through difference's half-width is at most this "
            "(0.01 = 1 point).",
        ),
    ] = 0.01,
    max_replications: Annotated[
        int, typer.Option("--max-replications", min=2, max=10_000, help="Most replications of a what-if.")
    ] = 200,
) -> None:
    """Serve a what-if page: safeguards as controls, a paired answer that sharpens as it runs.

    Every change on the page is compared with the scenario as loaded on the same requests; the
    address keeps the what-if (share it), and the page downloads it as a scenario file and the
    comparison as an HTML report. Needs the 'serve' extra: pip install 'mlasim[serve]'.
    """
    try:
        import uvicorn

        from simulator.serving.app import Site, application
    except ImportError as error:
        raise fail(
            f"mlasim serve needs the 'serve' extra ({error.name} is missing): pip install 'mlasim[serve]'"
        ) from None
    from simulator.experiments.executors import check_address
    from simulator.files.document import read_file
    from simulator.files.examples import example_directory
    from simulator.serving.jobs import Runner
    from simulator.serving.whatif import Loaded

    if not precision > 0:
        raise fail(f"--precision: must be a half-width greater than 0, not {precision:g}")
    path = scenario if scenario is not None else example_directory() / "un-convention-baseline.toml"
    limits = command_limits(context)
    with user_errors():
        check_address(scheduler)
        file = read_file(path, limits)
        loaded = Loaded.load(file, path.read_text("utf-8-sig"), limits)
        problem = limits.replication_problem(max_replications)
        if problem:
            raise fail(f"--max-replications: {problem}")
        runner = Runner(workers, scheduler, precision, min(10, max_replications), max_replications, limits)
        backend = runner.warm(loaded.base)  # before any thread starts: local workers are forked
    listener = _listen(host, port)
    site = Site(loaded, runner)
    config = uvicorn.Config(
        application(site), log_level="warning", lifespan="on", timeout_graceful_shutdown=2
    )
    address = listener.getsockname()
    shown = f"[{address[0]}]" if ":" in address[0] else address[0]
    print(f"mlasim: what-if page for {loaded.base.name}: http://{shown}:{address[1]}/", flush=True)
    typer.echo(f"mlasim: backend: {backend}; stop with Ctrl-C", err=True)
    server = uvicorn.Server(config)
    site.stopping = lambda: server.should_exit
    try:
        asyncio.run(server.serve(sockets=[listener]))
    except KeyboardInterrupt:
        pass
    finally:
        runner.close()


def _listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host``:``port``, or one line saying why not."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except (OSError, UnicodeError) as error:
        raise fail(f"--host {host}: not an address this machine has ({error})") from None
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise fail(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    listener.listen(128)
    listener.set_inheritable(True)
    return listener
