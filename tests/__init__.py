"""The test-suite: one folder per layer of :mod:`simulator`, one module per source module."""
