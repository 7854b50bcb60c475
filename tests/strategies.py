"""Shared hypothesis strategies for the test-suite.

They are the public ones of :mod:`simulator.checking.strategies`.
"""

from simulator.checking.strategies import (  # noqa: F401
    conduct_or_offence_ids,
    grounds,
    histories,
    measures,
    observations,
    offence_ids,
    safeguard_pairs,
    safeguards,
    screening_draws,
    stricter,
    submissions,
    unit,
)
