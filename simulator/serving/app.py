"""The what-if page as a web application (Starlette, served by uvicorn on 127.0.0.1 by default).

Routes:

- ``/``: the page, its controls valued as the address's what-if says;
- ``/answer``: the answer to the address's what-if as server-sent events, one each time more
  replications have finished, then an ``end`` event; a new request from the same tab (``_tab``)
  cancels the tab's running comparison, and so does a tab that goes away;
- ``/trace``: one flipped request's trace (``_config`` ``whatif`` or ``base``, ``_replication``,
  ``_request``), as ``mlasim explain`` prints it;
- ``/scenario.toml``: the what-if as a scenario file; ``/report/<job>.html``: a comparison's report;
- ``/static/...``: the page's script and style, from the package (no network needed).

Why Starlette: a small, well-kept ASGI framework that serves its own static files and streams
responses, so the page needs no JavaScript framework and no CDN (the script is a few dozen lines of
plain JavaScript reading server-sent events); the simulation never runs in the event loop: it runs
in the jobs' threads and worker processes (:mod:`simulator.serving.jobs`), and the short pieces of
work a request needs (building a what-if, a trace, a report) run in Starlette's thread pool.

Every error a user can cause (an address that names no setting, a value out of bounds, a request id
that did not arrive) is answered in one line on the page with a 4xx status, never a traceback: the
page (status 400) shows the scenario as loaded with the line above its answer. The answer's stream
is the one exception: it says so in a ``failed`` event (status 200), since a browser's EventSource
reads no body of a response with another status.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from simulator.reporting import charts, html
from simulator.reporting.documents import comparison_document
from simulator.reporting.trace import UnknownRequest, explain, format_trace
from simulator.serving import page
from simulator.serving.jobs import Runner
from simulator.serving.whatif import Loaded, WhatIfError, read_changes, scenario_text
from simulator.world.volume import RunawayReplication

#: Query names that are not settings: the tab, and what a trace asks for.
RESERVED = ("_tab", "_config", "_replication", "_request")
#: Traces and reports computed at once (each is a replication or two of work).
AT_ONCE = 2
HEARTBEAT_SECONDS = 0.5
STATIC = Path(__file__).resolve().parent / "static"
_SECURITY = {
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class Site:
    """What the application serves: one loaded scenario, and the jobs comparing what-ifs with it."""

    def __init__(self, loaded: Loaded, runner: Runner) -> None:
        self.loaded, self.runner = loaded, runner
        self.base_controls = {c.key: c for c in loaded.controls()}
        self._heavy = threading.BoundedSemaphore(AT_ONCE)
        #: Whether the server is stopping: open answers then end, so it stops without waiting for them.
        self.stopping: Callable[[], bool] = lambda: False

    def what_if(self, request: Request) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The address's changes (WhatIfError if it cannot be read) and its query items (settings only)."""
        items = [(k, v) for k, v in request.query_params.multi_items() if k not in RESERVED]
        changes = read_changes(items)
        # a value equal to the loaded one is no change
        changes = {
            k: v for k, v in changes.items() if k not in self.base_controls or self.base_controls[k].base != v
        }
        return changes, items

    def was(self, changes: dict[str, Any]) -> dict[str, Any]:
        """The value each changed key had in the scenario as loaded."""
        return {
            k: self.base_controls[k].base if k in self.base_controls else self.loaded.loaded_value(k)
            for k in changes
        }

    def heavy(self, work, *args):
        """Run ``work`` in the thread pool, at most :data:`AT_ONCE` at a time."""

        def bounded():
            with self._heavy:
                return work(*args)

        return run_in_threadpool(bounded)


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=_SECURITY)


def _event(data: dict[str, Any], name: str = "") -> str:
    head = f"event: {name}\n" if name else ""
    return f"{head}data: {json.dumps(data)}\n\n"


def application(site: Site) -> Starlette:
    """The Starlette application of ``site``."""

    async def index(request: Request) -> Response:
        message, scenario, changes, status = "", site.loaded.base, {}, 200
        try:
            changes, _ = site.what_if(request)
            scenario = await run_in_threadpool(site.loaded.scenario, changes)
        except WhatIfError as error:  # the page as loaded, with the one line saying why
            message, changes, status = f"The address's what-if cannot be used: {error}", {}, 400
        shown = site.loaded.controls(scenario)
        keys = {c.key for c in shown}
        extra = {k: v for k, v in changes.items() if k not in keys}
        return _html(page.page(site.loaded, shown, extra, message), status)

    async def answer(request: Request) -> Response:
        tab = request.query_params.get("_tab", "")[:64] or uuid.uuid4().hex
        try:
            changes, items = site.what_if(request)
            scenario = await run_in_threadpool(site.loaded.scenario, changes)
        except WhatIfError as error:
            site.runner.forget(tab)
            return _stream(
                [_event({"state": "failed", "message": str(error), "html": {}}), _event({}, "end")]
            )
        if not changes:
            site.runner.forget(tab)
            idle = {
                "status": "Change a control to ask a what-if.",
                "headline": "",
                "breakdown": "",
                "flips": "",
            }
            return _stream([_event({"state": "idle", "message": "", "html": idle}), _event({}, "end")])
        job = site.runner.start(tab, (site.loaded.base, scenario), ("as loaded", "what-if"), changes)

        async def events():
            sent = -1
            try:
                while True:
                    if site.stopping():
                        yield _event({}, "end")
                        return
                    version = job.version
                    if version != sent:
                        sent = version
                        yield _event(page.answer(job, items))
                    elif not job.running:
                        yield _event({}, "end")
                        return
                    else:
                        yield ": still running\n\n"
                    await asyncio.sleep(0.1 if job.running else 0)
                    for _ in range(int(HEARTBEAT_SECONDS / 0.1) - 1):
                        if job.version != sent or not job.running or site.stopping():
                            break
                        await asyncio.sleep(0.1)
            finally:  # the tab changed its what-if or went away: its work stops
                job.cancel()

        return StreamingResponse(
            events(), media_type="text/event-stream", headers={"Cache-Control": "no-store", **_SECURITY}
        )

    async def trace(request: Request) -> Response:
        items: list[tuple[str, str]] = []
        try:
            changes, items = site.what_if(request)
            config = request.query_params.get("_config", "whatif")
            replication = _whole(request.query_params.get("_replication", ""), "_replication")
            number = _whole(request.query_params.get("_request", ""), "_request")
            if config not in ("whatif", "base"):
                raise WhatIfError(f"_config: give whatif or base, not {config[:40]!r}")
            if replication >= site.runner.most:
                raise WhatIfError(f"_replication: this server runs replications 0 to {site.runner.most - 1}")
            scenario = (
                site.loaded.base
                if config == "base"
                else await run_in_threadpool(site.loaded.scenario, changes)
            )
            found = await site.heavy(explain, scenario, number, replication)
        except (WhatIfError, UnknownRequest, RunawayReplication) as error:
            return _html(page.trace_page("No trace", str(error), "/?" + _query(items)), 400)
        where = "in the what-if" if config == "whatif" else "in the scenario as loaded"
        title = f"Request {number}, replication {replication}, {where}"
        return _html(page.trace_page(title, format_trace(found), "/?" + _query(items)))

    async def scenario_file(request: Request) -> Response:
        try:
            changes, _ = site.what_if(request)
            await run_in_threadpool(site.loaded.scenario, changes)
        except WhatIfError as error:
            return PlainTextResponse(f"# the what-if cannot be used: {error}\n", status_code=400)
        text = scenario_text(site.loaded, changes, site.was(changes))
        name = Path(site.loaded.source).stem + ("-what-if" if changes else "") + ".toml"
        return PlainTextResponse(
            text,
            media_type="application/toml",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    async def report(request: Request) -> Response:
        job = site.runner.job(request.path_params["job"])
        comparison = job.comparison() if job is not None else None
        if comparison is None or comparison.replications < 2:
            return _html(
                page.trace_page("No report", "no such comparison, or fewer than 2 replications", "/"), 404
            )
        text = await site.heavy(_report_page, comparison)
        return HTMLResponse(
            text, headers={"Content-Disposition": f'attachment; filename="what-if-{job.id}.html"'}
        )

    routes = [
        Route("/", index),
        Route("/answer", answer),
        Route("/trace", trace),
        Route("/scenario.toml", scenario_file),
        Route("/report/{job:str}.html", report),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        yield
        await run_in_threadpool(site.runner.close)

    return Starlette(routes=routes, lifespan=lifespan)


def _report_page(comparison) -> str:
    document = comparison_document(comparison)
    return html.page("comparison", document, charts.charts("comparison", document))


def _whole(text: str, name: str) -> int:
    if not text.isdigit() or len(text) > 9:
        raise WhatIfError(f"{name}: give a whole number, not {text[:40]!r}")
    return int(text)


def _query(items: Sequence[tuple[str, str]]) -> str:
    from urllib.parse import urlencode

    return urlencode(list(items))


def _stream(events: list[str]) -> StreamingResponse:
    async def send():
        for event in events:
            yield event

    return StreamingResponse(send(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})
