"""Serving: ``mlasim serve``, a what-if page for the people who decide on safeguards.

The page shows a scenario's safeguards as controls (built from the settings' declarations,
:mod:`simulator.domain.settings`, and the ground records, :mod:`simulator.domain.grounds`), runs a
paired comparison of the what-if against the scenario as loaded on common random numbers
(:mod:`simulator.experiments.comparison`) outside the request thread, and streams an answer that
sharpens as replications finish. The what-if lives in the page's address as dotted keys, the same
keys as ``--set`` (:mod:`simulator.files.overrides`), so a link reproduces it.

What lives here: the controls (``controls``), what-ifs read from an address and written as a scenario
file (``whatif``), the paired replications with the scenario as loaded run once and kept
(``replications``), the comparisons that run and can be cancelled (``jobs``), the page's HTML
(``page``) and the web application (``app``, Starlette; its scripts and styles are in ``static/``).

May import: every layer but :mod:`simulator.cli`.
"""
