"""What a requested State knows as it reviews: its case files, and its standing view of each requester.

- **Case files** (:class:`CaseFiles`): what a review found (a disguise seen through, a person
  recognised, a persecution ground) is filed by request or by person, as ``safeguards.memory`` says,
  and recalled at later reviews. A file never changes in place: a review that learns something files a
  new :class:`~simulator.domain.model.Recollection`, so a reviewer can tell at once whether anything
  changed since it last read the request. Refusals other requested States share
  (``information_sharing``) are filed by person beside the State's own.
- **Standing** (:class:`Standing`): the record a State's reviewers read for one requester (it moves
  with reputation) and whether monitoring has escalated that requester.
"""

from __future__ import annotations

from simulator.domain.model import Decision, Observation, Recollection, Request
from simulator.domain.safeguards import Memory
from simulator.domain.signals import ReviewContext, remember


class Standing:
    """What the requested State currently holds about one requester: read afresh at every review.

    ``context`` changes when the requester's record moves (reputation); ``escalated`` when monitoring
    flags it (full route, full thoroughness).
    """

    __slots__ = ("context", "escalated")

    def __init__(self, context: ReviewContext) -> None:
        self.context = context
        self.escalated = False


_NOTHING = Recollection()


class CaseFiles:
    """The requested State's case files for one run: findings by request or by person (``memory``).

    Refusals other requested States share (``information_sharing``) are filed by person, and recalled
    with the State's own findings unless it keeps no case files at all (memory ``none``).
    """

    def __init__(self, memory: Memory) -> None:
        self.memory = memory
        self._by_person, self._forgets = memory is Memory.SAME_TARGET, memory is Memory.NONE
        self._files: dict[tuple[str, object], Recollection] = {}
        self._shared: dict[str, Recollection] = {}
        # a review recalls a request's file, then files what it found: the key is worked out once
        self._last: tuple[Request | None, tuple[str, object] | None] = (None, None)

    def _key(self, request: Request) -> tuple[str, object] | None:
        last, key = self._last
        if request is last:
            return key
        if self._by_person and request.truth.person:
            key = ("person", request.truth.person)
        elif self._forgets:
            key = None
        else:
            key = ("request", request.id)
        self._last = (request, key)
        return key

    def recall(self, request: Request) -> Recollection | None:
        """What the files hold on ``request`` (its own or its person's file, with what other States shared);
        None when nothing is on file or the State keeps no case files."""
        key = self._key(request)
        if key is None:
            return None
        own = self._files.get(key)
        if self._shared:
            shared = self._shared.get(request.truth.person)
            if shared is not None:
                return shared if own is None else merge(own, shared)
        return own

    def record(self, request: Request, observation: Observation, decision: Decision) -> None:
        """File what a review of ``request`` found: a new file only if it learned something, nothing when
        the State keeps no case files."""
        key = self._key(request)
        if key is not None:
            known = self._files.get(key, _NOTHING)
            found = remember(known, observation, decision, request.id)
            if found is not known:  # something learned: a new file (a file never changes in place)
                self._files[key] = found

    def share(self, request: Request, observation: Observation, decision: Decision) -> None:
        """File what another requested State found when it refused ``request`` (by person)."""
        if self.memory is Memory.NONE or not request.truth.person:
            return
        known = self._shared.get(request.truth.person, Recollection())
        self._shared[request.truth.person] = remember(known, observation, decision, request.id)


def merge(own: Recollection, shared: Recollection) -> Recollection:
    """One recollection from the State's own case file and what other States shared."""
    return Recollection(
        conduct_seen=own.conduct_seen or shared.conduct_seen,
        recognised=own.recognised or shared.recognised,
        persecution_findings=len(own.persecution_requests | shared.persecution_requests),
        requests=tuple(sorted({*own.requests, *shared.requests})),
        persecution_requests=own.persecution_requests | shared.persecution_requests,
    )
