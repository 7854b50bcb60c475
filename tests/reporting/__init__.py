"""Tests of :mod:`simulator.reporting`."""
