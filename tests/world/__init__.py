"""Tests of :mod:`simulator.world`."""
