"""Experiments: replications, comparisons and sweeps, with honest intervals.

What lives here: replicated runs of one configuration (`run`), paired comparisons on common random
numbers (`comparison`), sweep designs (`designs`) and resumable Parquet sweeps (`sweeps`), the
serial, process-pool and Dask backends (`executors`) and the interval statistics (`stats`).

May import: :mod:`simulator.domain`, :mod:`simulator.world`, :mod:`simulator.files`.
"""
