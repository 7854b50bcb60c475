"""Tests of :mod:`simulator.experiments`."""
