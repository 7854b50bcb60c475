"""The what-if page in a real browser: headless Chromium (Debian's package) driven by playwright.

A server is started as a user starts it (``mlasim serve FILE --port 0``) on the shipped baseline.
The page must load with no console error and no request leaving 127.0.0.1; flipping dual
criminality to ``required`` shows the headline difference and its interval narrows as replications
finish; a flipped request's trace opens; the shared address reproduces the what-if; the downloaded
scenario runs with ``mlasim run``; hostile addresses get one line on the page (status 400); two
tabs at once keep their own answers; a value typed outside the range the file declares is marked.
There is no skipping: without ``/usr/bin/chromium`` the test fails.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.reporting.test_browser import CHROMIUM, FLAGS

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "un-convention-baseline.toml"
MODE = "#c-safeguards-dual_criminality-mode"
BAD_REQUEST = "Failed to load resource: the server responded with a status of 400 (Bad Request)"


@pytest.fixture(scope="module")
def server():
    """``mlasim serve`` on a free port of 127.0.0.1: its address."""
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "serve", str(BASELINE), "--port", "0", "--workers", "2",
         "--max-replications", "12"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    line = process.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:\d+/", line)
    assert found, (
        f"no address printed: {line!r} {process.stderr.read() if process.poll() is not None else ''}"
    )
    yield found.group(0)
    process.terminate()
    _, errors = process.communicate(timeout=30)
    assert "Traceback" not in errors, errors


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


class Tab:
    """A browser tab on the server, recording console errors and requests that leave 127.0.0.1."""

    def __init__(self, browser, server: str) -> None:
        self.context = browser.new_context(viewport={"width": 1300, "height": 900}, accept_downloads=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.errors.append(f"dialog {d.message}"), d.dismiss()))

        def guard(route):
            if not route.request.url.startswith(server):
                self.outside.append(route.request.url)
                return route.abort()
            return route.continue_()

        self.context.route("**/*", guard)

    def replications(self) -> int:
        return int(self.page.locator("body").get_attribute("data-replications") or 0)

    def wait_for(self, replications: int, timeout: float = 180) -> None:
        """Until the answer rests on ``replications`` (read without script: the page forbids eval)."""
        deadline = time.monotonic() + timeout
        while self.replications() < replications:
            assert time.monotonic() < deadline, f"fewer than {replications} replications in {timeout} s"
            self.page.wait_for_timeout(200)

    def headline(self, metric: str) -> tuple[float, float, str]:
        row = self.page.locator(f"tr[data-metric='{metric}']")
        return (
            float(row.get_attribute("data-mean")),
            float(row.get_attribute("data-half-width")),
            row.locator("td.words").inner_text(),
        )


def test_flip_dual_criminality_read_share_download(browser, server, tmp_path):
    tab = Tab(browser, server)
    tab.page.goto(server)
    assert "UN convention baseline" in tab.page.title()
    assert [t.lower() for t in tab.page.locator("fieldset legend").all_inner_texts()[:3]] == [
        "grounds for refusal",
        "judicial standards",
        "consultation",
    ]
    assert "UNCC Art 40(9)" in tab.page.locator("h3", has_text="dual criminality").inner_text()
    tab.page.select_option(MODE, "required")
    assert "safeguards.dual_criminality.mode=required" in tab.page.url
    tab.wait_for(2)
    mean, first, words = tab.headline("abuse_pass_through")
    assert mean < 0 and words in ("enough: the interval excludes 0", "no difference detectable yet")
    tab.wait_for(6)
    _, later, _ = tab.headline("abuse_pass_through")
    assert math.isfinite(first) and later < first  # the interval narrows as replications finish
    assert "UNCC Art 40(9)" in tab.page.locator("#breakdown").inner_text()

    # a flipped request, followed to its trace
    link = tab.page.locator("#flip-list a.trace").first
    link.click()
    tab.page.wait_for_selector("#trace")
    assert re.search(r"Request \d+, replication \d+, in the what-if", tab.page.locator("h1").inner_text())
    assert "UNCC Art 40(9)" in tab.page.locator("#trace").inner_text()
    tab.page.go_back()

    # the shared address, in another browser, shows the same what-if
    shared = Tab(browser, server)
    shared.page.goto(tab.page.url)
    assert shared.page.locator(MODE).input_value() == "required"
    shared.wait_for(2)
    assert shared.headline("abuse_pass_through")[0] < 0

    # the what-if as a scenario file, which mlasim run reads
    with shared.page.expect_download() as download:
        shared.page.click("#download-scenario")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    text = saved.read_text("utf-8")
    assert 'mode = "required"   # what-if: was discretionary' in text
    ran = subprocess.run(
        [sys.executable, "-m", "simulator", "run", str(saved), "-n", "2", "--quiet"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert "abuse pass-through" in ran.stdout

    # the comparison as an HTML report
    with shared.page.expect_download(timeout=180_000) as report:
        shared.page.click("#download-report")
    assert "<html" in Path(report.value.path()).read_text("utf-8")[:500].lower()
    for each in (tab, shared):
        assert each.errors == [] and each.outside == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("safeguards.dual_criminality.refusal_rate=2", "must be a probability between 0 and 1, not 2"),
        ("safeguards.memory=%3Cscript%3Ealert(1)%3C/script%3E", "safeguards.memory"),
        ("safeguards..mode=1", "is not a dotted key"),
        ("requesting_state.nobody.abusive_share=0.5", "has no entry 'nobody'"),
        ("safeguards.dual_criminality.mode=" + "%5B" * 5000, "longer than 2,000 characters"),
    ],
)
def test_a_hostile_address_gets_one_line_on_the_page(browser, server, query, expected):
    tab = Tab(browser, server)
    response = tab.page.goto(f"{server}?{query}")
    assert response.status == 400
    message = tab.page.locator("#message").inner_text()
    assert expected in message and "Traceback" not in message and "\n" not in message.strip()
    assert tab.page.locator(MODE).input_value() == "discretionary"  # the controls stay as loaded
    # the only console line is Chromium's note of the page's own status
    assert tab.errors == [BAD_REQUEST] and tab.outside == []


def test_two_tabs_at_once_keep_their_own_answers(browser, server):
    stricter, laxer = Tab(browser, server), Tab(browser, server)
    stricter.page.goto(server)
    laxer.page.goto(server)
    stricter.page.select_option(MODE, "required")
    laxer.page.select_option(MODE, "waived")
    stricter.wait_for(2)
    laxer.wait_for(2)
    assert stricter.headline("abuse_pass_through")[0] < 0 < laxer.headline("abuse_pass_through")[0]
    assert "mode=required" in stricter.page.url and "mode=waived" in laxer.page.url
    assert stricter.errors == laxer.errors == []


def test_a_value_outside_the_files_range_is_marked_as_it_is_typed(browser, server):
    tab = Tab(browser, server)
    tab.page.goto(server)
    rate = "#c-safeguards-dual_criminality-refusal_rate"
    note = tab.page.locator(f"div.control:has(input{rate}) p.range")
    assert note.inner_text() == "the scenario's range: 0.25 - 0.75; source: an assumption"
    assert "outside" not in note.get_attribute("class")
    tab.page.fill(rate, "0.9")
    tab.page.dispatch_event(rate, "change")
    assert "safeguards.dual_criminality.refusal_rate=0.9" in tab.page.url
    assert "outside" in note.get_attribute("class")
    tab.page.fill(rate, "0.6")
    tab.page.dispatch_event(rate, "change")
    assert "outside" not in note.get_attribute("class")
    share = tab.page.locator("div.control:has(#c-requesting_state-authoritarian-abusive_share) p.range")
    assert share.inner_text() == "the scenario's range: 0.1 - 0.4; source: an assumption"
    assert tab.errors == [] and tab.outside == []
