"""Scenario files: reading TOML into a scenario, with one-line errors that name the field.

What lives here: the table reader with its field-path problems and "did you mean" suggestions
(`reader`), the scenario loader (`loader`) and variants and dotted-key overrides (`overrides`).

May import: :mod:`simulator.domain`, :mod:`simulator.world`.
"""
