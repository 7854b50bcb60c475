"""Shared hypothesis strategies for the test-suite.

They are the public ones of :mod:`simulator.checking.strategies`, then (at the end) those of the fast
channels and of monitoring.
"""

import attrs
from hypothesis import strategies as st

from simulator.checking.strategies import (  # noqa: F401
    conduct_or_offence_ids,
    grounds,
    histories,
    measures,
    observations,
    offence_ids,
    safeguard_pairs,
    safeguards,
    screening_draws,
    stricter,
    submissions,
    unit,
)
from simulator.domain.channels import (
    CHANNEL_GROUNDS,
    FAST_CHANNELS,
    MIN_RETENTION_DAYS,
    ChannelRules,
    EmergencyRules,
    ExpeditedDisclosureRules,
    PreservationRules,
    SpontaneousRules,
)
from simulator.domain.model import Channel, Observation, Request, Submission, Truth
from simulator.domain.monitoring import Monitoring, MonitoringAction, MonitoringRule

# --- fast channels and monitoring (issue 9) -------------------------------------------------------
fast_channels = st.sampled_from(FAST_CHANNELS)
channel_grounds = st.frozensets(st.sampled_from(sorted(CHANNEL_GROUNDS)))


def channel_rules() -> st.SearchStrategy[ChannelRules]:
    """Any fast-channel rules: grounds drawn from those a desk can apply, retention of at least 60 days."""
    return st.builds(
        ChannelRules,
        preservation=st.builds(
            PreservationRules,
            reservation=st.booleans(),
            grounds=channel_grounds,
            retention_days=st.floats(min_value=MIN_RETENTION_DAYS, max_value=365.0),
        ),
        expedited_disclosure=st.builds(ExpeditedDisclosureRules, grounds=channel_grounds),
        emergency=st.builds(
            EmergencyRules, detection=st.floats(min_value=0.0, max_value=1.0), grounds=channel_grounds
        ),
        spontaneous=st.builds(SpontaneousRules, grounds=channel_grounds),
    )


@st.composite
def stricter_channel_rules(draw: st.DrawFn, base: ChannelRules) -> ChannelRules:
    """Rules at least as strict as ``base``: more grounds per channel, the 42(4) reservation kept."""

    def more(listed: frozenset[str]) -> frozenset[str]:
        return listed | draw(channel_grounds)

    return ChannelRules(
        preservation=attrs.evolve(
            base.preservation,
            reservation=base.preservation.reservation or draw(st.booleans()),
            grounds=more(base.preservation.grounds),
        ),
        expedited_disclosure=ExpeditedDisclosureRules(more(base.expedited_disclosure.grounds)),
        emergency=attrs.evolve(base.emergency, grounds=more(base.emergency.grounds)),
        spontaneous=SpontaneousRules(more(base.spontaneous.grounds)),
    )


@st.composite
def channel_observations(draw: st.DrawFn, channel: Channel | None = None) -> Observation:
    """What the point of contact perceives of a fast-channel request (credible or not, for emergencies)."""
    observation = draw(observations())
    chosen = draw(fast_channels) if channel is None else channel
    submission = attrs.evolve(
        observation.submission,
        channel=chosen,
        emergency_claim=chosen is Channel.EMERGENCY,
    )
    return attrs.evolve(observation, submission=submission, emergency_credible=draw(st.booleans()))


@st.composite
def monitorings(draw: st.DrawFn, rule: MonitoringRule | None = None) -> Monitoring:
    """Valid monitoring settings (CUSUM or SPRT), as a scenario may set them."""
    chosen = draw(st.sampled_from(list(MonitoringRule))) if rule is None else rule
    p0 = draw(st.floats(min_value=0.001, max_value=0.5))
    p1 = p0 + (0.99 - p0) * draw(st.floats(min_value=0.01, max_value=1.0))
    return Monitoring(
        enabled=True,
        rule=chosen,
        reference=draw(st.floats(min_value=0.0, max_value=0.95)),
        threshold=draw(st.floats(min_value=0.05, max_value=20.0)),
        p0=p0,
        p1=p1,
        alpha=draw(st.floats(min_value=1e-4, max_value=0.3)),
        beta=draw(st.floats(min_value=0.01, max_value=0.5)),
        action=draw(st.sampled_from(list(MonitoringAction))),
    )


# --- whole requests, every field drawn (to check the hot path's written-out evolves) ---------------
def any_submissions() -> st.SearchStrategy[Submission]:
    """A submission with every field drawn, defaults included (unlike :func:`submissions`)."""
    return st.builds(
        Submission,
        requester=st.sampled_from(["a", "b"]),
        measure=measures,
        offence=offence_ids,
        penalty_years=st.floats(min_value=0, max_value=25, allow_nan=False),
        documentation_gaps=st.integers(min_value=0, max_value=3),
        amendments=st.integers(min_value=0, max_value=3),
        channel=st.sampled_from(list(Channel)),
        emergency_claim=st.booleans(),
        requested=st.sampled_from(["", "x", "y"]),
    )


def any_requests() -> st.SearchStrategy[Request]:
    """A request with every field drawn (its truth too)."""
    truths = st.builds(
        Truth,
        abusive=st.booleans(),
        conduct=conduct_or_offence_ids,
        protected_ground=st.none() | grounds,
        target=st.sampled_from(["ordinary", "journalist"]),
        disguise=unit,
        factual_basis=unit,
        person=st.sampled_from(["", "a/p/1"]),
        prior_notices=st.integers(min_value=0, max_value=3),
        emergency=st.booleans(),
        flood=st.booleans(),
    )
    return st.builds(
        Request,
        id=st.integers(min_value=0, max_value=2**53),
        submitted_at=st.floats(min_value=0, max_value=1e4, allow_nan=False),
        submission=any_submissions(),
        truth=truths,
        case=st.integers(min_value=-1, max_value=10),
        attempt=st.integers(min_value=0, max_value=3),
        parent=st.none() | st.integers(min_value=0, max_value=10),
        follows=st.sampled_from(["", "disclosure", "retry", "fresh", "piece"]),
    )
