"""The world in time: requesters, a request's life, and the requested State's screening pipeline.

What lives here: a scenario as the simulator sees it (`scenario`), requesting States and how they
draw and resubmit requests (`requesters`), a request's life written once as a generator of commands
(`lifecycle`), the SimPy pipeline that gives that life time and staff (`pipeline`), the streaming
per-replication tallies (`tally`), random streams spawned from a SeedSequence (`streams`) and the
service-time distributions (`distributions`).

May import: :mod:`simulator.domain`. It never re-implements a rule: every decision comes from
:mod:`simulator.domain.rules`.
"""
