"""Checking: property tests of a safeguard configuration, as `mlasim check` runs them.

What lives here: properties stated in scenario files and the built-in library (`properties`), the
search for a smallest violating request with hypothesis and the simulated estimates (`check`), and
the hypothesis strategies over the domain that the search and the test-suite share (`strategies`).

May import: :mod:`simulator.domain`, :mod:`simulator.world`, :mod:`simulator.files`,
:mod:`simulator.experiments`.
"""
