"""The pool of persons an abusive requester targets, renewed as persons enter and leave it.

An abuser does not target a fresh person with every request: its requests name persons from a pool
of ``targeted_persons`` per target profile (journalists, activists, exiles...), so a requested State
that keeps case files by person (``safeguards.memory = "same_target"``) comes to know them. Real
pools renew: new journalists, activists and exiles become targets, others stop being. With
``turnover_years`` above 0 each place in the pool is held by one person for an exponentially
distributed time of that mean, after which a new person (unknown to every case file) takes it: the
pool keeps its size, and persons enter and leave it at ``targeted_persons / turnover_years`` a year
each. With 0 (the default) the pool never changes, as before.

So learning levels off: after a few mean tenures the share of the pool the case files know is
stationary, and so is the abuse pass-through, whatever the length of the run.

Each place's renewal days are drawn from a stream of its own (``turnover``, named after the place),
so who holds a place on a given day does not depend on the order in which requests are drawn, and
nothing else a replication draws changes when turnover is switched on.
"""

from __future__ import annotations

import bisect

from simulator.world.streams import stream

DAYS_PER_YEAR = 365.0


class Turnover:
    """Who holds each place of the targeted pools, day by day, in one replication."""

    def __init__(self, seed: int, replication: int) -> None:
        self.seed, self.replication = seed, replication
        self._renewals: dict[str, tuple[object, list[float]]] = {}

    def generation(self, place: str, mean_years: float, day: float) -> int:
        """How many persons have left ``place`` by ``day`` (0: its first holder is still there)."""
        entry = self._renewals.get(place)
        if entry is None:
            entry = self._renewals[place] = (stream(self.seed, self.replication, "turnover", place), [])
        rng, days = entry
        mean_days = mean_years * DAYS_PER_YEAR
        while not days or days[-1] <= day:
            days.append((days[-1] if days else 0.0) + float(rng.exponential(mean_days)))
        return bisect.bisect_right(days, day)

    def person(self, place: str, mean_years: float, day: float) -> str:
        """The id of the person holding ``place`` on ``day`` (the place's own id for its first holder)."""
        generation = self.generation(place, mean_years, day)
        return place if generation == 0 else f"{place}~{generation}"
