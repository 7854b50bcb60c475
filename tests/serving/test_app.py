"""The what-if page's web application without a browser (Starlette's TestClient).

Whatever a user or a hostile link puts in the address or sends from a control (an unknown key, a
number out of bounds, NaN or infinity, a huge string, a value of the wrong type, a path where a
setting goes), the answer is one line with a 4xx status: never a traceback, never a 500. The
answer's stream says it in a ``failed`` event; a good what-if streams its answer and ends.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from simulator.cli import app
from simulator.files.document import read_file
from simulator.serving.app import Site, application
from simulator.serving.jobs import Runner
from simulator.serving.whatif import Loaded, read_changes

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "un-convention-baseline.toml"
DATA = Path(__file__).resolve().parents[1] / "data"
SMALL = DATA / "small-uncertain.toml"
MODE = "safeguards.dual_criminality.mode"

#: (query, what the one line says): hostile and malformed addresses.
HOSTILE = [
    ("safeguards.nothing_here=1", "safeguards.nothing_here: unknown key"),
    ("safeguards.dual_criminality.refusal_rate=2", "must be a probability between 0 and 1, not 2"),
    ("safeguards.dual_criminality.refusal_rate=-0.5", "between 0 and 1"),
    ("safeguards.dual_criminality.refusal_rate=nan", "must be a finite number, not nan"),
    ("safeguards.dual_criminality.refusal_rate=inf", "must be a finite number, not inf"),
    ("safeguards.dual_criminality.refusal_rate=-inf", "must be a finite number, not -inf"),
    ("safeguards.dual_criminality.refusal_rate=1e999", "must be a finite number, not inf"),
    ("scenario.horizon_days=nan", "scenario.horizon_days: must be a finite number"),
    ("scenario.seed=1e30", "scenario.seed: must be an integer"),
    ("scenario.replications=100000000000000000000", "above the limit of 10,000"),
    ("requesting_state.authoritarian.requests_per_year=1e12", "above the ceiling of 1,000,000"),
    (f"{MODE}=1", "must be one of required, discretionary, waived, not 1"),
    (f"{MODE}=%7Ba%3D1%7D", "must be one of required, discretionary, waived"),
    ("safeguards.discrimination.grounds=5", "must be an array of strings"),
    ("safeguards.dual_criminality.refusal_rate=%22half%22", "refusal_rate"),
    ("safeguards=1", "safeguards: must be a table, not an integer"),
    ("safeguards.memory.x.y=1", "is a value, not a table"),
    ("requesting_state.nobody.abusive_share=0.5", "has no entry 'nobody'"),
    ("extends=/etc/passwd", "extends: unknown key"),
    ("requested_state.from=../../etc/passwd", "requested_state.from: unknown key"),
    ("safeguards.memory=..%2F..%2Fetc%2Fpasswd", "safeguards.memory: must be one of"),
    (f"{MODE}=" + "x" * 2001, "longer than 2,000 characters"),
    (f"{MODE}=" + "%5B" * 1999, "the value nests too deeply"),
    ("a" * 201 + "=1", "is not a dotted key"),
    ("safeguards..mode=1", "is not a dotted key"),
    ("%3Cscript%3E=1", "is not a dotted key"),
    ("%FF%FE=1", "is not a dotted key"),
    (f"{MODE}=", "give a value"),
    ("&".join(f"k{i}=1" for i in range(65)), "more than 64 settings"),
]


@pytest.fixture(scope="module")
def site() -> Site:
    loaded = Loaded.load(read_file(BASELINE), BASELINE.read_text("utf-8"))
    site = Site(loaded, Runner(workers=1, least=2, most=2))
    yield site
    site.runner.close()


@pytest.fixture(scope="module")
def client(site: Site) -> TestClient:
    with TestClient(application(site), raise_server_exceptions=False) as client:
        yield client


def _message(text: str) -> str:
    found = re.search(r'<p id="message"[^>]*>([^<]*)</p>', text)
    assert found, text[:300]
    return unescape(found.group(1))


def _selected_mode(text: str) -> str:
    select = re.search(r'<select id="c-safeguards-dual_criminality-mode".*?</select>', text, re.S)
    return re.search(r'<option value="(\w+)" selected>', select.group(0)).group(1)


def _events(response) -> list[tuple[str, dict]]:
    """The server-sent events of ``response``: (name, data), name "" for a plain message."""
    events = []
    for block in response.text.split("\n\n"):
        lines = [line for line in block.split("\n") if line and not line.startswith(":")]
        if not lines:
            continue
        name = next((line[7:] for line in lines if line.startswith("event: ")), "")
        data = next(line[6:] for line in lines if line.startswith("data: "))
        events.append((name, json.loads(data)))
    return events


@pytest.mark.parametrize(("query", "expected"), HOSTILE)
def test_a_hostile_address_gets_one_line_and_a_4xx(client, query, expected):
    page = client.get(f"/?{query}")
    assert page.status_code == 400
    message = _message(page.text)
    assert expected in message and "\n" not in message and "Traceback" not in page.text
    assert _selected_mode(page.text) == "discretionary"  # the controls stay as loaded

    download = client.get(f"/scenario.toml?{query}")
    assert download.status_code == 400 and expected in download.text
    assert download.text.count("\n") == 1 and "Traceback" not in download.text

    trace = client.get(f"/trace?{query}&_replication=0&_request=1")
    assert trace.status_code == 400 and "Traceback" not in trace.text
    assert expected in unescape(re.search(r'<pre id="trace">([^<]*)</pre>', trace.text).group(1))


@pytest.mark.parametrize(("query", "expected"), HOSTILE[::4])
def test_a_control_sent_with_a_hostile_value_fails_in_one_line(client, query, expected):
    response = client.get(f"/answer?{query}&_tab=t")
    assert response.status_code == 200  # an EventSource reads no body of another status
    (name, data), (end, _) = _events(response)
    assert (name, data["state"], end) == ("", "failed", "end")
    assert expected in data["message"] and "\n" not in data["message"]


def test_a_value_shown_on_the_page_is_escaped(client):
    page = client.get("/?scenario.name=%22%3Cscript%3Ealert(1)%3C%2Fscript%3E%22")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("_replication=-1&_request=1", "_replication: give a whole number, not '-1'"),
        ("_replication=1e3&_request=1", "_replication: give a whole number, not '1e3'"),
        ("_replication=5&_request=1", "this server runs replications 0 to 1"),
        ("_replication=0", "_request: give a whole number, not ''"),
        ("_replication=0&_request=" + "9" * 40, "_request: give a whole number"),
        ("_replication=0&_request=999999999", "999999999"),
        ("_replication=0&_request=1&_config=..%2F..%2Fx", "_config: give whatif or base"),
    ],
)
def test_a_bad_trace_request_is_one_line(client, query, expected):
    response = client.get(f"/trace?{query}")
    assert response.status_code == 400
    text = unescape(re.search(r'<pre id="trace">([^<]*)</pre>', response.text).group(1))
    assert expected in text and "\n" not in text.strip()


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("POST", "/", 405),
        ("POST", "/answer", 405),
        ("PUT", "/scenario.toml", 405),
        ("DELETE", "/", 405),
        ("GET", "/nothing", 404),
        ("GET", "/report/nothing.html", 404),
        ("GET", "/report/..%2F..%2Fetc%2Fpasswd.html", 404),
        ("GET", "/static/..%2Fapp.py", 404),
        ("GET", "/static/%2e%2e/app.py", 404),
    ],
)
def test_other_requests_get_a_4xx_not_a_500(client, method, path, status):
    response = client.request(method, path)
    assert response.status_code == status and "Traceback" not in response.text
    assert len(response.text.strip().splitlines()) <= 12  # a short page or a word, no trace


def test_no_change_is_idle_and_a_what_if_streams_its_answer_to_the_end(client, site):
    idle = _events(client.get("/answer?_tab=t"))
    assert [(name, data.get("state")) for name, data in idle] == [("", "idle"), ("end", None)]

    response = client.get(f"/answer?{MODE}=required&_tab=t")
    assert response.headers["content-type"].startswith("text/event-stream")
    *answers, (end, _) = [data if name == "" else (name, data) for name, data in _events(response)]
    assert end == "end" and answers[-1]["state"] == "done" and answers[-1]["replications"] == 2
    assert [a["replications"] for a in answers] == sorted(a["replications"] for a in answers)
    assert 'data-metric="abuse_pass_through"' in answers[-1]["html"]["headline"]
    job_id = re.search(r"/report/(\w+)\.html", answers[-1]["html"]["report-link"]).group(1)
    report = client.get(f"/report/{job_id}.html")
    assert report.status_code == 200 and "<html" in report.text[:500].lower()


def test_the_scenario_file_is_the_what_if(client):
    response = client.get(f"/scenario.toml?{MODE}=required")
    assert response.status_code == 200
    assert 'filename="un-convention-baseline-what-if.toml"' in response.headers["content-disposition"]
    assert 'mode = "required"   # what-if: was discretionary' in response.text


def _served(path: Path) -> Site:
    return Site(Loaded.load(read_file(path), path.read_text("utf-8")), Runner(workers=1, least=2, most=2))


def _answers(client: TestClient, query: str) -> list[dict]:
    events = _events(client.get(f"/answer?{query}&_tab=t"))
    assert events[-1][0] == "end"
    return [data for name, data in events if name == ""]


def test_several_requested_states_and_a_requesting_states_setting_are_answered():
    site = _served(DATA / "small-several-states.toml")
    try:
        with TestClient(application(site), raise_server_exceptions=False) as client:
            page = client.get("/")
            assert page.status_code == 200
            for state in ("us", "eu", "small"):
                assert f'id="c-requested_state-{state}-safeguards-dual_criminality-mode"' in page.text
            assert 'id="c-requesting_state-authoritarian-abusive_share"' in page.text
            query = (
                "requested_state.eu.safeguards.dual_criminality.mode=required"
                "&requesting_state.authoritarian.abusive_share=0.5"
            )
            changed = client.get(f"/?{query}")
            assert changed.status_code == 200 and changed.text.count('class="control changed"') == 2
            last = _answers(client, query)[-1]
            assert (last["state"], last["replications"]) == ("done", 2)
            assert 'data-metric="abuse_pass_through"' in last["html"]["headline"]
    finally:
        site.runner.close()


#: Files that take parts of ../base/small.toml (tests/data/small-uncertain.toml) by a relative path.
COMPOSED = {
    "extends": (
        'extends = "../base/small.toml"  # a path relative to this file\n\n'
        '[scenario]\nname = "mine"\n\n[safeguards.dual_criminality]\nmode = "required"\n'
    ),
    "extends, restating every table": 'extends = "../base/small.toml"\n' + SMALL.read_text("utf-8"),
    "from": (
        '[scenario]\nname = "two States"\nhorizon_days = 300\nseed = 3\n\n'
        '[[requested_state]]\nid = "one"\nfrom = "../base/small.toml"\n\n'
        '[[requested_state]]\nid = "two"\nfrom = "../base/small.toml"\n\n'
        '[[requesting_state]]\nid = "A"\nfrom = "../base/small.toml#A"\n\n'
        # `from` brings a State, not the [sources] its ranges cite: the file names them itself
        '[sources.desk-study]\ntitle = "desk study"\n'
    ),
}


@pytest.fixture(params=COMPOSED)
def composed(request, tmp_path: Path) -> Path:
    """A scenario file that takes parts of another by a relative path."""
    (tmp_path / "base").mkdir()
    (tmp_path / "mine").mkdir()
    (tmp_path / "base" / "small.toml").write_text(SMALL.read_text("utf-8"), "utf-8")
    mine = tmp_path / "mine" / "mine.toml"
    mine.write_text(COMPOSED[request.param], "utf-8")
    return mine


@pytest.mark.parametrize(
    "query",
    ["", "scenario.seed=11", "requesting_state.A.abusive_share=0.3"],
)
def test_the_what_if_of_a_file_taking_parts_of_another_runs_wherever_it_is_saved(composed, tmp_path, query):
    site = _served(composed)
    try:
        with TestClient(application(site), raise_server_exceptions=False) as client:
            response = client.get(f"/scenario.toml?{query}")
    finally:
        site.runner.close()
    assert response.status_code == 200
    assert not re.search(r"^(extends|from) =", response.text, re.M)  # the parts are laid in
    elsewhere = tmp_path / "elsewhere" / "deeper"
    elsewhere.mkdir(parents=True)
    saved = elsewhere / "what-if.toml"
    saved.write_text(response.text, "utf-8")
    whatif = site.loaded.scenario(read_changes(parse_qsl(query)))
    written = read_file(saved).base()
    assert written.requested_states == whatif.requested_states
    assert written.requesting_states == whatif.requesting_states
    ran = CliRunner().invoke(app, ["run", str(saved), "-n", "1", "--quiet", "--brief"])
    assert ran.exit_code == 0, ran.output
    assert "abuse pass-through" in ran.output
