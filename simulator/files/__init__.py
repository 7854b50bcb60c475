"""Scenario files: reading TOML into a scenario, with one-line errors that name the field.

What lives here: the table reader with its field-path problems and "did you mean" suggestions
(`reader`), the scenario loader (`loader`), which reads its parts through `values` (distributions,
mixes, ids), `requested` (one or several requested States) with `safeguards`, `channels` (fast
channels) and `monitoring` (reputation, monitoring), and `requesting` (requesting States and their
strategies); numerical limits (`limits`), variants and dotted-key overrides (`overrides`), the JSON
Schema (`schema`), output files (`output`) and the shipped examples (`examples`).

May import: :mod:`simulator.domain`, :mod:`simulator.world`.
"""
