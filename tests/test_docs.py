"""The documentation site builds with warnings as errors, works offline, and its generated pages are real.

The site (``docs/``, Sphinx with MyST pages) is built once per test session, exactly as ``make docs``
builds it (``-W``: a broken link, a missing page or an unresolved reference fails). Then: no built
page loads anything from outside the site (a script, a style sheet, a font, an image, a frame), read
from the HTML and the style sheets and checked again in headless Chromium with every request
leaving the site blocked; and the generated reference pages hold what the program declares (every
command and option, every shipped scenario, provision and built-in property).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# What a page may load: the site's own files. (Links a reader follows, <a href>, may go anywhere.)
LOADS = re.compile(
    r"""<(?:script|img|iframe|source|audio|video|embed)\b[^>]*?\bsrc=["']([^"']+)["']"""
    r"""|<link\b[^>]*?\bhref=["']([^"']+)["']""",
    re.I,
)
CSS_LOADS = re.compile(r"""url\(\s*["']?([^"')]+)|@import\s+["']([^"']+)""", re.I)
ALLOWED_LINK_REL = ("canonical",)  # <link rel=canonical> names a page, it loads nothing


def build(source: Path, target: Path) -> subprocess.CompletedProcess:
    """Build as ``make docs`` does."""
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-E", "-q"]
    return subprocess.run([*command, str(source), str(target)], capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The built site, built once even when several test processes ask for it."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # common to every xdist worker of this session
    target = shared / "docs-site"
    with open(shared / "docs-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / "docs-site.done"
        if not done.exists():
            result = build(DOCS, target)
            assert result.returncode == 0, f"the site does not build strictly:\n{result.stderr}"
            done.write_text(result.stderr)
    return target


def test_the_site_builds_with_warnings_as_errors(site):
    assert (site / "index.html").exists()
    assert (site / "reference" / "commands.html").exists()


def test_a_broken_link_fails_the_build(tmp_path):
    """The strict build has teeth: a page linking to a page that does not exist fails it."""
    copy = tmp_path / "checkout"
    copy.mkdir()
    for name in ("CHANGELOG.md", "scenarios", "simulator"):
        (copy / name).symlink_to(ROOT / name)
    shutil.copytree(DOCS, copy / "docs")
    page = copy / "docs" / "how-to" / "install.md"
    page.write_text(page.read_text() + "\nSee [nowhere](no-such-page.md).\n")
    result = build(copy / "docs", tmp_path / "out")
    assert result.returncode != 0
    assert "no-such-page.md" in result.stderr and "install.md" in result.stderr


def outside_references(site: Path) -> list[str]:
    found = []
    for page in site.rglob("*.html"):
        for match in LOADS.finditer(page.read_text("utf-8")):
            url = match[1] or match[2]
            if match[2] and any(f'rel="{rel}"' in match[0] for rel in ALLOWED_LINK_REL):
                continue
            if urlparse(url).scheme or url.startswith("//"):
                found.append(f"{page.relative_to(site)}: {url}")
    for sheet in site.rglob("*.css"):
        for match in CSS_LOADS.finditer(sheet.read_text("utf-8")):
            url = match[1] or match[2]
            if (urlparse(url).scheme and not url.startswith("data:")) or url.startswith("//"):
                found.append(f"{sheet.relative_to(site)}: {url}")
    return found


def test_no_page_loads_anything_from_outside_the_site(site, tmp_path):
    assert outside_references(site) == []
    # the detector sees a page that does
    leaky = tmp_path / "leaky"
    (leaky / "_static").mkdir(parents=True)
    (leaky / "index.html").write_text('<link rel="stylesheet" href="https://cdn.invalid/x.css">')
    (leaky / "_static" / "s.css").write_text("@font-face { src: url(https://fonts.invalid/f.woff2) }")
    assert len(outside_references(leaky)) == 2


def test_pages_open_in_chromium_without_a_request_leaving_the_site(site):
    from tests.reporting.test_browser import CHROMIUM, FLAGS

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make browser)")
    from playwright.sync_api import sync_playwright

    pages = ["index.html", "tutorials/first-comparison.html", "reference/commands.html"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        outside: list[str] = []

        def intercept(route):
            if route.request.url.startswith(site.resolve().as_uri()):
                return route.continue_()
            outside.append(route.request.url)
            return route.abort()

        context.route("**/*", intercept)
        for name in pages:
            tab = context.new_page()
            errors: list[str] = []
            tab.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
            tab.goto((site / name).resolve().as_uri())
            tab.wait_for_load_state("load")
            assert tab.locator("h1").first.is_visible(), name
            assert errors == [], f"{name}: {errors}"
            tab.close()
        # the search runs in the page, from the site's own index
        tab = context.new_page()
        tab.goto((site / "search.html").resolve().as_uri() + "?q=criminality")
        tab.wait_for_selector("ul.search li", timeout=15_000)
        assert tab.locator("ul.search li").count() >= 3
        browser.close()
    assert outside == []


def text_of(site: Path, page: str) -> str:
    return re.sub(r"<[^>]+>", "", (site / page).read_text("utf-8"))


def test_the_commands_page_lists_every_command_and_option(site):
    import typer.main

    from simulator.cli import app

    group = typer.main.get_command(app)
    root = group.context_class(group, info_name="mlasim")
    page = text_of(site, "reference/commands.html")
    for name in group.list_commands(root):
        command = group.get_command(root, name)
        assert f"mlasim {name}" in page, name
        for param in command.params:
            for option in param.opts:
                if option.startswith("--"):
                    assert option in page, f"mlasim {name} {option}"


def test_the_generated_pages_hold_the_package_data(site):
    provisions = tomllib.loads((ROOT / "simulator/domain/data/provisions.toml").read_text())
    page = text_of(site, "reference/provisions.html")
    assert all(pid in page for pid in provisions)
    properties = tomllib.loads((ROOT / "simulator/domain/data/properties.toml").read_text())
    page = text_of(site, "reference/properties.html")
    assert all(name in page for name in properties)
    page = text_of(site, "reference/scenarios.html")
    assert all(path.name in page for path in (ROOT / "scenarios").glob("*.toml"))
    page = text_of(site, "reference/scenario-format.html")
    assert "safeguards.dual_criminality.mode" in page and "requesting_state[].abusive_share" in page


def test_no_page_cites_working_notes_users_do_not_have(site):
    for page in site.rglob("*.html"):
        text = page.read_text("utf-8")
        assert "../shared" not in text and "/work/shared" not in text, page
        assert "treaty-check.md" not in text and "mla-rules.md" not in text, page
