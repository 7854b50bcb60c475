"""Tests of :mod:`simulator.checking`."""
