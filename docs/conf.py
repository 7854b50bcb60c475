"""Sphinx configuration of the mlasim documentation site (MyST Markdown pages, the Furo theme).

Build it with ``make docs`` (warnings are errors) and preview it with ``make docs-serve``. The
reference pages are generated at build time from the code and the package data by the local
extension ``_ext/mlasim_reference.py``, so they cannot drift from what the program does.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))  # the checkout's simulator package, also without an install

import simulator  # noqa: E402

project = "mlasim"
author = "the mlasim authors"
copyright = "the mlasim authors, MIT licence"
version = release = simulator.__version__

extensions = ["myst_parser", "sphinx.ext.autodoc", "mlasim_reference"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "**/README.md"]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3  # [text](page.md#a-heading) links to headings of levels 1-3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": False}

html_theme = "furo"
html_title = f"mlasim {release}"
html_static_path: list[str] = []
html_show_sphinx = False
html_copy_source = False  # the Markdown sources are in the repository
# Nothing is fetched from elsewhere: Furo bundles its styles and scripts and uses the system's fonts;
# tests/test_docs.py checks every built page for a reference outside the site.
html_theme_options = {"navigation_with_keys": True}
highlight_language = "none"  # a block without a language is shown as written
# A decision trace's lines start with '#<request>', which the console lexer reads as a root prompt
# and then fails on a quote; Sphinx shows such a block in its relaxed mode, which is what we want.
suppress_warnings = ["misc.highlighting_failure"]
