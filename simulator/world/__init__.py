"""The world in time: requesters, a request's life, and the requested State's screening pipeline.

What lives here: a scenario as the simulator sees it (`scenario`), requesting States and how they
draw and resubmit requests (`requesters`), a request's life written once as a generator of commands
(`lifecycle`), the SimPy pipeline that gives that life time and staff (`pipeline`), the streaming
per-replication tallies (`tally`), random streams spawned from a SeedSequence (`streams`) and the
service-time distributions (`distributions`).

May import: :mod:`simulator.domain`. It never re-implements a rule: every decision comes from
:mod:`simulator.domain.rules`.

**The hot path and enum members.** A replication runs a request's life hundreds of thousands of
times, and the code on that path (here and in the decision core) binds the enumeration members it
compares against to module globals once (``_REFUSE = Verdict.REFUSE``) instead of reading them off
their class at each use: in Python 3.11, ``Verdict.REFUSE`` goes through the hook of
``EnumType.__getattr__`` (about 0.2 microseconds, a global 0.01), and a life reads a dozen per stage
(Python 3.12 made the read plain). A comment "bound once (the hot path)" points here.
"""
