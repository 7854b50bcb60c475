"""The commands a life gives its driver: values the driver cannot change, and an outcome for every
verdict that ends a life."""

from __future__ import annotations

import attrs
import pytest

from simulator.domain.model import GRANT_VERDICTS, Outcome, Stage, Verdict
from simulator.world.commands import OUTCOME_OF, Ending, Review, Wait


def test_a_driver_cannot_change_what_a_life_asked():
    review = Review(request=None, stage=Stage.LEGAL_REVIEW, service_draw=0.25)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        review.stage = Stage.EXECUTION  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        Wait(request=None, days=3.0, reason="response").days = 0.0  # type: ignore[misc]


def test_every_verdict_that_ends_a_life_has_its_outcome():
    assert set(OUTCOME_OF) == {*GRANT_VERDICTS, Verdict.REFUSE}
    assert OUTCOME_OF[Verdict.REFUSE] is Outcome.REFUSED
    assert {OUTCOME_OF[v] for v in GRANT_VERDICTS} <= {Outcome.GRANTED, Outcome.CONDITIONALLY_GRANTED}
    assert Ending(Outcome.WITHDRAWN, None).redirected is False
