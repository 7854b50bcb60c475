"""Hypothesis strategies for mlasim's domain: requests, observations, draws, configurations, scenarios.

These generate the inputs of the decision core so that properties of a safeguard configuration can
be tested over the whole space of requests rather than a few hand-picked ones. The project's own
tests use them, and so can users who want to state properties of their own::

    from hypothesis import given
    from simulator.checking import strategies
from simulator.domain import grounds, rules

    @given(strategies.observations(), strategies.safeguards(), strategies.screening_draws())
    def test_every_refusal_cites_an_enabled_provision(observation, safeguards, draws):
        decision = rules.screen(observation, safeguards, draws)
        if decision.verdict in (Verdict.REFUSE, Verdict.CONSULT):
            assert decision.provision in grounds.enabled_provisions(safeguards)

:func:`safeguard_pairs` draws two configurations of which the second is at least as strict as the
first in every respect (the ordering documented in :mod:`simulator.domain.safeguards`). :func:`cases`
draws requests *within a scenario's space* (its requesting States, their measures, offences and
abuse profiles) with the draws of each screening round: what ``mlasim check`` searches.
A ``Given`` with a ``channel`` makes :func:`cases` draw fast-channel requests (an emergency claim is
real for a legitimate requester, false for an abusive one) with their routing draws
(:func:`routing_draws`, the detection of a false emergency drawn as an event). :func:`shared_refusals`
draws a refusal another requested State could share (scope ``sharing``).
:func:`scenario_documents` draws valid scenario files (as TOML-ready dictionaries). :func:`settings`
draws any settings class over its declared space (:mod:`simulator.domain.settings`), and
:func:`documents` draws it as a scenario file's table.
"""

from simulator.checking.space import can_match, channels_used
from simulator.checking.strategies.core import (
    UNTIMED_SERVICE,
    cases,
    conduct_or_offence_ids,
    fine_unit,
    grounds,
    histories,
    measures,
    observations,
    offence_ids,
    round_draws,
    routing_draws,
    safeguard_pairs,
    safeguards,
    screening_draws,
    shared_refusals,
    slot_value,
    stricter,
    submissions,
    unit,
)
from simulator.checking.strategies.documents import scenario_documents
from simulator.checking.strategies.settings import documents, settings

__all__ = [
    "UNTIMED_SERVICE",
    "can_match",
    "cases",
    "channels_used",
    "conduct_or_offence_ids",
    "documents",
    "fine_unit",
    "grounds",
    "histories",
    "measures",
    "observations",
    "offence_ids",
    "round_draws",
    "routing_draws",
    "safeguard_pairs",
    "safeguards",
    "scenario_documents",
    "screening_draws",
    "settings",
    "shared_refusals",
    "slot_value",
    "stricter",
    "submissions",
    "unit",
]
