"""Shared hypothesis strategies for the test-suite: the public ones of :mod:`simulator.strategies`."""

from simulator.strategies import (  # noqa: F401
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
