"""What a requested State learns about requesters, in a scenario file: ``[reputation]``, ``[monitoring]``.

The tables hold the fields of :class:`simulator.domain.monitoring.Reputation` and
:class:`~simulator.domain.monitoring.Monitoring` (nested in a ``[[requested_state]]`` entry when there
are several requested States), read by their declarations: a discovery delay above 0; a CUSUM
reference below 1 (else no flag could ever be raised) and threshold above 0; SPRT rates and error
probabilities strictly between 0 and 1. Beyond each field's own bounds, the rules must be well posed:
``p0 < p1`` (an abusive requester draws more findings than a clean one) and ``alpha + beta < 1`` (else
the flag level is not above 0).
"""

from __future__ import annotations

from simulator.domain.monitoring import Monitoring, Reputation
from simulator.files.reader import Table
from simulator.files.settings import read_settings


def read_reputation(t: Table) -> Reputation:
    """The ``[reputation]`` table, read by its fields' declarations (a key left out: its default)."""
    return read_settings(t, Reputation)


def read_monitoring(t: Table) -> Monitoring:
    """The ``[monitoring]`` table, with ``p0 < p1`` and ``alpha + beta < 1`` checked beyond each
    field's own bounds."""
    monitoring = read_settings(t, Monitoring)
    for key, problem in monitoring.problems():
        t.problem(key, problem)
    return monitoring
