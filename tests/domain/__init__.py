"""Tests of :mod:`simulator.domain`."""
