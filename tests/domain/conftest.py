"""What the tests of the decision core share: an observation built from a few named facts."""

from __future__ import annotations

from typing import Any

from simulator.domain.model import Observation, Submission


def observed(submission: Submission, **changes: Any) -> Observation:
    """What a reviewer sees of ``submission`` when nothing gives it away: the conduct read as the offence
    charged, a crime in both States, nothing political, nobody recognised, no protected ground, an
    exemplary requester with adequate data protection, middling facts, a full review. ``changes`` set
    any field of the :class:`Observation`."""
    values: dict[str, Any] = dict(
        submission=submission,
        requester_record=0.0,
        data_protection_adequate=True,
        conduct_read_as=submission.offence,
        disguise_penetrated=False,
        dual_criminality=True,
        political_offence=False,
        target_recognised=False,
        apparent_ground=None,
        factual_basis=0.5,
        thoroughness=1.0,
    )
    return Observation(**{**values, **changes})
