"""Reporting: what a person reads. Tables, CSV and JSON of results, and traces of single requests.

What lives here: a run's result (`run`), a comparison's paired differences (`comparison`), a
check's verdicts and counterexamples (`check`) and the replay of one request's life for `mlasim
explain` (`trace`).

May import: every layer below (domain, world, files, experiments, checking). Only the command line
(:mod:`simulator.cli`) sits above it.
"""
