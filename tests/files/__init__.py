"""Tests of :mod:`simulator.files`."""
