"""Named random streams: every source of randomness is a Generator spawned for one purpose.

A replication's randomness is split by *purpose* (arrivals of State A, attributes of State A's
requests, ...). Each stream is seeded from the scenario seed, the replication index and the
purpose through :class:`numpy.random.SeedSequence`, so

- the same seed always gives the same numbers, whatever the worker count or backend;
- replication ``r`` is the same whether 10 or 1000 replications are run;
- two safeguard configurations run with the same seed see exactly the same requests (common random
  numbers), because nothing about the safeguards enters the seeding of the requesting side.

Purposes are hashed with CRC-32 (stable across Python runs, unlike ``hash``).
"""

from __future__ import annotations

import zlib

import numpy as np


def _key(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def stream(seed: int, replication: int, purpose: str, owner: str = "") -> np.random.Generator:
    """The generator for one purpose (and owner, such as a requesting State) of one replication."""
    sequence = np.random.SeedSequence(seed, spawn_key=(replication, _key(purpose), _key(owner)))
    return np.random.Generator(np.random.PCG64(sequence))
