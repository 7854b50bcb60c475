"""What a reviewer perceives of a request: signals drawn from the hidden truth, with noise.

The requested State never sees whether a request is abusive. It reads the offence label, the
facts offered, who the person is, and what it knows of the requesting State. This module turns a
request's hidden :class:`~simulator.domain.model.Truth` into an :class:`~simulator.domain.model.Observation`:

- **Disguise.** An abusive request dresses protected conduct (journalism, a protest) as an ordinary
  crime. The reviewer sees through it with probability ``(1 - disguise) x thoroughness``; if not,
  the facts are read as the labelled offence. A well-disguised request can therefore pass, and an
  honest request is always read as what it says.
- **Target recognition.** The person is recognised as someone at risk (a known journalist, an
  activist) with probability ``visibility x thoroughness``. Legitimate requests sometimes concern
  such people too, which is how a legitimate request can be refused.
- **Memory.** A reviewer whose case file holds an earlier finding about the person (see
  :class:`~simulator.domain.model.Recollection` and ``safeguards.memory``) reads a new submission in
  its light: a disguise once seen through stays seen through, a person once recognised stays
  recognised, and earlier persecution findings count as politically motivated notices.
- **Documented history.** When the person is recognised, the politically motivated notices on record
  against them (prior notices in the hidden truth) become known to the reviewer.
- **Thoroughness** (0..1) drops when a reviewer's queue is long (the pipeline's load effect), so an
  overloaded central authority sees less.

The decision core (:mod:`simulator.domain.rules`) only ever reads the Observation.
"""

from __future__ import annotations

from collections.abc import Mapping, Set

from attrs import field, frozen

from simulator.domain.catalogue import Catalogue
from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.grounds import PERSECUTION_PROVISIONS
from simulator.domain.model import Decision, Observation, Recollection, Request, ScreeningDraws, Verdict


@frozen
class ReviewContext:
    """What the requested State brings to reading a request from one requesting State."""

    requester_record: float  # 0 (exemplary) .. 1 (systematic persecution)
    data_protection_adequate: bool
    criminalised: Set[str]  # offence ids the requested State's own law punishes
    visibility: Mapping[str, float] = field(
        factory=dict
    )  # per-scenario target visibility overrides (target id -> 0..1)


_NOTHING_RECALLED = Recollection()  # an empty case file (immutable: one serves every review)


def observe(
    request: Request,
    context: ReviewContext,
    thoroughness: float,
    draws: ScreeningDraws,
    catalogue: Catalogue | None = None,
    recalled: Recollection | None = None,
) -> Observation:
    """The signals one reviewer, working at the given thoroughness, perceives of ``request``.

    ``recalled`` is what the requested State's case file holds about the person (None: nothing).
    """
    catalogue = catalogue or load_catalogue()
    recalled = recalled or _NOTHING_RECALLED
    submission, truth = request.submission, request.truth
    label = submission.offence
    remembered = []
    if truth.conduct == label:
        penetrated = False
    elif recalled.conduct_seen == truth.conduct:
        penetrated = True
        remembered.append(f"facts seen through to '{truth.conduct}' before")
    else:
        penetrated = draws.see_through < (1.0 - truth.disguise) * thoroughness
    read_as = truth.conduct if penetrated else label
    target = catalogue.targets[truth.target]
    visibility = context.visibility.get(truth.target, target.visibility)
    recognised = draws.target_recognition < visibility * thoroughness
    if recalled.recognised and not recognised:
        recognised = True
        remembered.append("person recognised as at risk before")
    notices = (truth.prior_notices if recognised else 0) + recalled.persecution_findings
    if recalled.persecution_findings:
        remembered.append(f"{recalled.persecution_findings} earlier persecution finding(s)")
    if remembered and recalled.requests:
        remembered.append("in request(s) " + ", ".join(str(r) for r in recalled.requests))
    ground = target.ground if recognised else catalogue.ground_of(read_as)
    return Observation(
        submission=submission,
        requester_record=context.requester_record,
        data_protection_adequate=context.data_protection_adequate,
        conduct_read_as=read_as,
        disguise_penetrated=penetrated,
        dual_criminality=read_as in context.criminalised
        or (read_as in catalogue.conducts and catalogue.conducts[read_as].criminal),
        political_offence=catalogue.is_political(read_as),
        target_recognised=recognised,
        apparent_ground=ground,
        factual_basis=0.0 if penetrated else truth.factual_basis,
        thoroughness=thoroughness,
        prior_notices=notices,
        recalled="; ".join(remembered),
    )


#: The verdicts that refuse, now or after a consultation (bound once: the hot path, see
#: simulator.world; a case file is written at every review).
_REFUSING = frozenset({Verdict.REFUSE, Verdict.CONSULT})


def remember(
    recollection: Recollection, observation: Observation, decision: Decision, request_id: int
) -> Recollection:
    """The case file after one more review: what this review found is added to what was known."""
    seen = observation.conduct_read_as if observation.disguise_penetrated else recollection.conduct_seen
    persecution = decision.verdict in _REFUSING and (decision.provision in PERSECUTION_PROVISIONS)
    learned = (
        seen != recollection.conduct_seen
        or (observation.target_recognised and not recollection.recognised)
        or (persecution and request_id not in recollection.requests)
    )
    if not learned:
        return recollection
    return Recollection(
        conduct_seen=seen,
        recognised=recollection.recognised or observation.target_recognised,
        persecution_findings=recollection.persecution_findings
        + (1 if persecution and request_id not in recollection.persecution_requests else 0),
        requests=tuple(sorted({*recollection.requests, request_id})),
        persecution_requests=recollection.persecution_requests | ({request_id} if persecution else set()),
    )
