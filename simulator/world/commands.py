"""What a request's life tells whoever drives it: the commands of :func:`simulator.world.lifecycle.life`.

A life is a generator. It yields a :class:`Review` (have a reviewer at a stage review the request;
the driver sends back the review's thoroughness), a :class:`Wait` (let days pass: the requester
preparing its answer, a postponement), and, when it is told (``narrate``), a :class:`Decided` for
each decision and a :class:`Resubmitted` for each new round; it returns an :class:`Ending`. The
SimPy layer (:mod:`simulator.world.journey`) gives the commands their time; ``mlasim check``
(:func:`simulator.world.lifecycle.settle`) drives them instantly.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from attrs import frozen

from simulator.domain.model import Channel, Decision, Observation, Outcome, Request, Stage, Verdict

OUTCOME_OF = {
    Verdict.GRANT: Outcome.GRANTED,
    Verdict.PARTIAL_GRANT: Outcome.GRANTED,  # some data handed over
    Verdict.CONDITIONAL_GRANT: Outcome.CONDITIONALLY_GRANTED,
    Verdict.REFUSE: Outcome.REFUSED,
}


@frozen
class Review:
    """Have a reviewer at ``stage`` take the request; the driver sends back the review's thoroughness."""

    request: Request
    stage: Stage
    service_draw: float  # the uniform that fixes this review's service time
    channel: Channel = Channel.MLA  # whose reviewers: the MLA stages or a fast channel's own
    provider: str = ""  # a provider's review (stage ``provider``): whose reviewers


@frozen
class Decided:
    """A stage's decision (after a postponement, ``resumed`` is true)."""

    request: Request
    observation: Observation
    decision: Decision
    resumed: bool = False


@frozen
class Wait:
    """Let ``days`` pass: a postponement, or the requester preparing its answer."""

    request: Request
    days: float
    reason: str  # postponement | response


@frozen
class Resubmitted:
    """The requester answered (``after`` the verdict that sent the request back): a new round."""

    request: Request
    delay: float
    after: Verdict


@frozen
class Ending:
    """How a request's life ended: its outcome, the provision and decision behind it, the channel and
    provider."""

    outcome: Outcome
    provision: str | None  # the provision cited by the last decision
    observation: Observation | None = None  # what the last review saw (shared with other States)
    decision: Decision | None = None  # the last decision
    channel: Channel = Channel.MLA  # the channel the request ended in
    redirected: bool = False  # a false emergency seen through, sent on to MLA
    provider: str = ""  # the provider holding its data (scenarios with providers)
    provider_verdict: Verdict | None = None  # what that provider decided, asked directly
    basis: str | None = None  # the provision its data were handed over under (scenarios with routes)


Command = Review | Decided | Wait | Resubmitted
Life = Generator[Command, Any, Ending]
