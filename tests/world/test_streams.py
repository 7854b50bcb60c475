"""Random streams: one per purpose, reproducible, independent of each other."""

from __future__ import annotations

import numpy as np

from simulator.world.streams import stream


def test_same_key_same_numbers():
    assert np.array_equal(stream(1, 0, "arrivals", "A").random(5), stream(1, 0, "arrivals", "A").random(5))


def test_every_part_of_the_key_matters():
    reference = stream(1, 0, "arrivals", "A").random(5)
    for other in (
        stream(2, 0, "arrivals", "A"),
        stream(1, 1, "arrivals", "A"),
        stream(1, 0, "requests", "A"),
        stream(1, 0, "arrivals", "B"),
    ):
        assert not np.array_equal(reference, other.random(5))
