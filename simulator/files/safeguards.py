"""The ``[safeguards]`` tables of a requested State: the grounds for refusal it applies and how.

Each key left out takes the convention-as-written default of
:class:`~simulator.domain.safeguards.Safeguards`; every key, its bounds and its meaning are declared
on that class (:mod:`simulator.domain.settings`) and read by those declarations
(:mod:`simulator.files.settings`). What one field cannot say alone is checked here: the information
and consultation rounds together must leave a request a round to be decided in. In the one-State
form the tables are at top level (``[safeguards.*]``); with several requested States each entry has
its own (``[requested_state.safeguards.*]``).
"""

from __future__ import annotations

from simulator.domain.safeguards import Safeguards
from simulator.files.reader import Table
from simulator.files.settings import read_settings
from simulator.world.requesters import MAX_ROUNDS


def read_safeguards(t: Table) -> Safeguards:
    """The [safeguards] tables; a key left out takes the convention-as-written default of Safeguards()."""
    safeguards = read_settings(t, Safeguards)
    rounds = 1 + safeguards.completeness.information_rounds + safeguards.consultation.rounds
    if rounds > MAX_ROUNDS:
        t.problem(
            None,
            f"completeness.information_rounds + consultation.rounds must be at most "
            f"{MAX_ROUNDS - 1}, not {rounds - 1}",
        )
    return safeguards
