"""``mlasim explain`` on the routes around the central authority: the doors a request goes through."""

from __future__ import annotations

from typer.testing import CliRunner

from simulator.cli import app
from tests.conftest import ROOT

SMALL = str(ROOT / "tests" / "data" / "small-routes.toml")


def explained(request: int) -> str:
    result = CliRunner().invoke(app, ["explain", SMALL, "--request", str(request)])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())  # long lines are wrapped


def test_a_request_refused_by_the_central_authority_tried_directly_at_the_provider():
    text = explained(61)
    assert "rights scrutiny -> REFUSE [UNCC Art 40(22)" in text
    assert "request #61.1 tries the requested State by direct request after the refusal of #61 by MLA" in text
    assert "(route shopping)" in text
    assert "provider mail: taken up" in text and "provider -> GRANT [18 U.S.C. 2702(c)(6)" in text
    assert "data held by provider mail, handed over through direct request under 18 U.S.C. 2702(c)(6)" in text
    assert "Outcome of the case: DATA HANDED OVER" in text


def test_a_direct_order_notified_to_the_providers_state():
    text = explained(0)
    assert "sent by direct order straight to a provider at the requested State" in text
    assert "between them: budapest, budapest_second_protocol, executive_agreement, uncc" in text
    assert "checked: Budapest 2AP Art 7(5)" in text
    assert "contact point -> PROCEED [Budapest 2AP Art 7(5)" in text and "lets the order stand" in text


def test_a_route_not_for_the_measure_and_the_providers_use_mla():
    text = explained(3)
    assert "sent by direct order straight to a provider" in text
    assert "not for stored content: it goes by the direct request route" in text
    assert "provider -> REDIRECT [18 U.S.C. 2702(a)" in text
    assert "the provider sends it back (use MLA): the request goes on through MLA" in text
    assert "false emergency" not in text
