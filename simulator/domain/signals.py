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
- **Thoroughness** (0..1) drops when a reviewer's queue is long (the pipeline's load effect), so an
  overloaded central authority sees less.

The decision core (:mod:`simulator.domain.rules`) only ever reads the Observation.
"""

from __future__ import annotations

from collections.abc import Set

from attrs import frozen

from simulator.domain.catalogue import Catalogue
from simulator.domain.catalogue import load as load_catalogue
from simulator.domain.model import Observation, Request, ScreeningDraws


@frozen
class ReviewContext:
    """What the requested State brings to reading a request from one requesting State."""

    requester_record: float  # 0 (exemplary) .. 1 (systematic persecution)
    data_protection_adequate: bool
    criminalised: Set[str]  # offence ids the requested State's own law punishes


def observe(
    request: Request,
    context: ReviewContext,
    thoroughness: float,
    draws: ScreeningDraws,
    catalogue: Catalogue | None = None,
) -> Observation:
    """The signals one reviewer, working at the given thoroughness, perceives of ``request``."""
    catalogue = catalogue or load_catalogue()
    submission, truth = request.submission, request.truth
    label = submission.offence
    if truth.conduct == label:
        penetrated = False
    else:
        penetrated = draws.see_through < (1.0 - truth.disguise) * thoroughness
    read_as = truth.conduct if penetrated else label
    target = catalogue.targets[truth.target]
    recognised = draws.target_recognition < target.visibility * thoroughness
    ground = target.ground if recognised else catalogue.ground_of(read_as)
    return Observation(
        submission=submission,
        requester_record=context.requester_record,
        data_protection_adequate=context.data_protection_adequate,
        conduct_read_as=read_as,
        disguise_penetrated=penetrated,
        dual_criminality=read_as in context.criminalised,
        political_offence=catalogue.is_political(read_as),
        target_recognised=recognised,
        apparent_ground=ground,
        factual_basis=0.0 if penetrated else truth.factual_basis,
        thoroughness=thoroughness,
    )
