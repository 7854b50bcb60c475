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


#: Per figure: pairs of its text labels whose boxes, as the browser lays them out, overlap.
OVERLAPS = """() => Object.fromEntries([...document.querySelectorAll('figure svg')].map(svg => {
    const boxes = [...svg.querySelectorAll('text')].map(t => [t.textContent, t.getBoundingClientRect()])
        .filter(([, r]) => r.width > 0 && r.height > 0);
    const found = [];
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const [s, a] = boxes[i], [t, b] = boxes[j], e = 0.5;
        if (a.left + e < b.right && b.left + e < a.right && a.top + e < b.bottom && b.top + e < a.bottom)
            found.push([s, t]);
    }
    return [svg.closest('figure').id, [boxes.length, found]];
}))"""


def overlapping_labels(tab) -> dict[str, list]:
    """Per figure of the page, the pairs of overlapping text labels (and that it has labels)."""
    found = tab.evaluate(OVERLAPS)
    assert all(count > 0 for count, _ in found.values())
    return {figure: pairs for figure, (_, pairs) in found.items() if pairs}


def write(tmp_path: Path, kind: str, document: dict, name: str | None = None) -> Path:
    path = tmp_path / f"{name or kind}.html"
    path.write_text(page(kind, document), "utf-8")
    return path


def defined_shares(states: dict) -> int:
    """How many States' pass-through and legitimate refusal shares are defined (one bar each)."""
    return sum(
        states[s][m]["mean"] is not None
        for s in states
        for m in ("abuse_pass_through", "legitimate_refusal_rate")
    )


def test_the_detector_sees_a_request_leave_the_page(browser, tmp_path):
    leaky = tmp_path / "leaky.html"
    leaky.write_text('<!DOCTYPE html><html><body><img src="http://example.invalid/x.png"></body></html>')
    _, _, requests = open_page(browser, leaky)
    assert requests == ["http://example.invalid/x.png"]


def test_the_overlap_detector_sees_overprinted_labels(browser, tmp_path):
    from simulator.reporting.figures import bar_chart
    from simulator.reporting.html import figure_html

    labels = [f"configuration {i} with a long label that wraps over several lines" * 2 for i in range(60)]
    crowded = bar_chart("crowded", "t", "c", labels, [("s", [(0.5, 0.4, 0.6)] * 60)], "x")
    path = tmp_path / "crowded.html"
    path.write_text(f"<!DOCTYPE html><html><body>{figure_html(crowded)}</body></html>", "utf-8")
    tab, _, _ = open_page(browser, path)
    assert overlapping_labels(tab)["figure-crowded"]


def test_run_report_renders_every_figure(browser, tmp_path, run_document):
    tab, errors, requests = open_page(browser, write(tmp_path, "run", run_document), "run.png")
    assert errors == [] and requests == []
    marks = rendered_marks(tab)
    defined = defined_shares(run_document["requesting_states"])
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
    assert overlapping_labels(tab) == {}
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
    assert overlapping_labels(tab) == {}
    assert "mlasim explain" in tab.inner_text("main")


def test_sweep_report_draws_a_point_per_configuration_and_metric(browser, tmp_path, sweep_document):
    tab, errors, requests = open_page(browser, write(tmp_path, "sweep", sweep_document), "sweep.png")
    assert errors == [] and requests == []
    assert rendered_marks(tab)["response"][1] == 2 * len(sweep_document["configurations"])
    assert overlapping_labels(tab) == {}


def test_a_sweep_of_four_settings_and_36_configurations_reads_at_a_glance(
    browser, tmp_path, wide_sweep_document
):
    path = write(tmp_path, "sweep", wide_sweep_document, "sweep-36")
    tab, errors, requests = open_page(browser, path, "sweep-36.png")
    assert errors == [] and requests == []
    marks = rendered_marks(tab)
    assert marks["response"][1] == 36  # a heatmap cell per configuration, in small multiples
    assert marks["pass-through"][1] <= 2 * 12  # only the best configurations as bars
    assert all(stated == drawn and area > 0 for stated, drawn, area in marks.values())
    assert overlapping_labels(tab) == {}
    text = tab.inner_text("main")
    assert text.count("scenario.horizon_days=400") == 1  # the constant setting, said once
    assert "The scenario's text was not recorded" not in text  # found in the run directory
    assert tab.evaluate("document.documentElement.scrollWidth") <= 1100  # nothing wider than the page


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
    defined = defined_shares(several_document["requested_states"])
    assert marks["requested-states"][1] == defined
    assert marks["channels"][1] == 2 * len(several_document["channels"])
    assert all(stated == drawn and area > 0 for stated, drawn, area in marks.values())
    assert overlapping_labels(tab) == {}
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
    assert overlapping_labels(tab) == {}
    assert "abusive cases that got the data anywhere" in tab.inner_text("main")


def test_a_right_to_left_override_reverses_nothing_after_the_name(browser, tmp_path, comparison_document):
    import copy

    document = copy.deepcopy(comparison_document)
    document["configurations"][0]["label"] = document["baseline"] = "evil\u202eabc"
    tab, errors, _ = open_page(browser, write(tmp_path, "comparison", document, "rtl"))
    assert errors == []
    # the x of each letter of "required", the label after the hostile one in the heading
    xs = tab.evaluate(
        """() => { const h = document.querySelector('h1'); const walker = document.createTreeWalker(h, 4);
            let node; while ((node = walker.nextNode())) { const i = node.data.indexOf('required');
              if (i >= 0) return [...'required'].map((_, k) => { const r = document.createRange();
                r.setStart(node, i + k); r.setEnd(node, i + k + 1);
                return r.getBoundingClientRect().left; }); }
            return []; }"""
    )
    assert len(xs) == 8 and xs == sorted(xs)  # left to right, as written


def test_a_very_long_name_wraps_within_the_page(browser, tmp_path, run_document):
    import copy

    document = copy.deepcopy(run_document)
    document["scenario"] = "n" * 20_000
    tab, errors, _ = open_page(browser, write(tmp_path, "run", document, "long-name"))
    assert errors == []
    assert tab.evaluate("document.documentElement.scrollWidth") <= 1100
    assert overlapping_labels(tab) == {}
