"""Reports opened in a real browser: headless Chromium (Debian's package) driven by playwright.

Each page must load with no console error and without a single request leaving it, every figure must
render as a visible SVG with the number of bars, points or cells its result calls for, a hostile
scenario name must stay text, and a screenshot is taken. There is no skipping: without
``/usr/bin/chromium`` the test fails and says how to install it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simulator.experiments.run import run
from simulator.files.document import load_scenario
from simulator.reporting import documents
from simulator.reporting.html import page
from tests.reporting.conftest import HOSTILE_NAME, hostile_file

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium tries to reach Google's hosts at start.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the "
            "browser tests; .ci/run does so"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def open_page(browser, path: Path, screenshot: str | None = None):
    """Open a file; return the page, its console errors and every request other than the file itself."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    tab = context.new_page()
    errors, requests = [], []
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    own = path.resolve().as_uri()

    def intercept(route):
        if route.request.url != own:
            requests.append(route.request.url)
            return route.abort()
        return route.continue_()

    context.route("**/*", intercept)
    tab.on("request", lambda request: requests.append(request.url) if request.url != own else None)
    tab.goto(own)
    tab.wait_for_load_state("load")
    if screenshot:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=SCREENSHOTS / screenshot, full_page=True)
    return tab, errors, sorted(set(requests))


def rendered_marks(tab) -> dict[str, tuple[int, int, float]]:
    """Per figure: its stated marks, the mark groups in its SVG, and the SVG's drawn area."""
    return tab.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('figure[data-marks]')].map(f => {
            const svg = f.querySelector('svg');
            const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
            const name = f.id.replace('figure-', '');
            const drawn = svg ? svg.querySelectorAll(`g[id^="${name}-mark-"]`).length : 0;
            return [name, [Number(f.dataset.marks), drawn, box.width * box.height]];
        }))"""
    )


def write(tmp_path: Path, kind: str, document: dict, name: str | None = None) -> Path:
    path = tmp_path / f"{name or kind}.html"
    path.write_text(page(kind, document), "utf-8")
    return path


def test_the_detector_sees_a_request_leave_the_page(browser, tmp_path):
    leaky = tmp_path / "leaky.html"
    leaky.write_text('<!DOCTYPE html><html><body><img src="http://example.invalid/x.png"></body></html>')
    _, _, requests = open_page(browser, leaky)
    assert requests == ["http://example.invalid/x.png"]


def test_run_report_renders_every_figure(browser, tmp_path, run_document):
    tab, errors, requests = open_page(browser, write(tmp_path, "run", run_document), "run.png")
    assert errors == [] and requests == []
    marks = rendered_marks(tab)
    states = run_document["requesting_states"]
    defined = sum(
        states[s][m]["mean"] is not None
        for s in states
        for m in ("abuse_pass_through", "legitimate_refusal_rate")
    )
    cited = [
        p for p, e in run_document["refusals"].items() if e["abusive"]["mean"] or e["legitimate"]["mean"]
    ]
    expected = {
        "pass-through": 2,
        "refusals": 2 * len(cited),
        "states": defined,
        "days": 2,
        "stage-waits": len(run_document["stages"]),
    }
    assert {name: drawn for name, (_, drawn, _) in marks.items()} == expected
    assert all(stated == drawn and area > 0 for stated, drawn, area in marks.values())
    assert (SCREENSHOTS / "run.png").stat().st_size > 10_000


def test_comparison_report_renders_forest_and_flips(browser, tmp_path, comparison_document):
    tab, errors, requests = open_page(
        browser, write(tmp_path, "comparison", comparison_document), "comparison.png"
    )
    assert errors == [] and requests == []
    marks = rendered_marks(tab)
    alternatives = len(comparison_document["configurations"]) - 1
    assert marks["differences"][1] == 4 * alternatives
    assert marks["differences-days"][1] == 2 * alternatives
    assert marks["pass-through"][1] == 2 * (alternatives + 1)
    assert marks["flips-1"][1] > 0
    assert all(stated == drawn and area > 0 for stated, drawn, area in marks.values())
    assert "mlasim explain" in tab.inner_text("main")


def test_sweep_report_draws_a_point_per_configuration_and_metric(browser, tmp_path, sweep_document):
    tab, errors, requests = open_page(browser, write(tmp_path, "sweep", sweep_document), "sweep.png")
    assert errors == [] and requests == []
    assert rendered_marks(tab)["response"][1] == 2 * len(sweep_document["configurations"])


def test_check_report_shows_each_verdict(browser, tmp_path, check_document):
    tab, errors, requests = open_page(browser, write(tmp_path, "check", check_document), "check.png")
    assert errors == [] and requests == []
    text = tab.inner_text("main")
    assert all(p["name"] in text for p in check_document["properties"])


def test_hostile_scenario_name_stays_text(browser, tmp_path):
    document = documents.run_document(run(load_scenario(hostile_file(tmp_path)), replications=2))
    tab, errors, requests = open_page(browser, write(tmp_path, "run", document, "hostile"), "hostile.png")
    assert errors == [] and requests == []
    assert tab.evaluate("window.__xss") is None
    assert tab.inner_text("h1") == HOSTILE_NAME
    assert tab.locator("main img").count() == 0


def test_several_state_report_renders_routes_figures_and_monitoring(browser, tmp_path, several_document):
    tab, errors, requests = open_page(
        browser, write(tmp_path, "run", several_document, "several"), "several.png"
    )
    assert errors == [] and requests == []
    marks = rendered_marks(tab)
    states = several_document["requested_states"]
    defined = sum(
        states[s][m]["mean"] is not None
        for s in states
        for m in ("abuse_pass_through", "legitimate_refusal_rate")
    )
    assert marks["requested-states"][1] == defined
    assert marks["channels"][1] == 2 * len(several_document["channels"])
    assert all(stated == drawn and area > 0 for stated, drawn, area in marks.values())
    monitoring = tab.inner_text("#monitoring + p + table")
    assert "eu (sprt, suspend)" in monitoring and "never" in monitoring


def test_several_state_comparison_renders_figures_by_configuration(
    browser, tmp_path, several_comparison_document
):
    path = write(tmp_path, "comparison", several_comparison_document, "several-comparison")
    tab, errors, requests = open_page(browser, path)
    assert errors == [] and requests == []
    marks = rendered_marks(tab)
    assert marks["requested-states"][1] > 0 and marks["channels"][1] > 0
    assert all(stated == drawn and area > 0 for stated, drawn, area in marks.values())
    assert "abusive cases that got the data anywhere" in tab.inner_text("main")
