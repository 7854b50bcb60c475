"""Result documents: provenance in each, flip examples that replay, saved results read back."""

from __future__ import annotations

import json

import pytest

from simulator.domain.model import Outcome
from simulator.reporting import documents
from simulator.reporting.trace import explain
from tests.reporting.conftest import SMALL


def test_run_document_has_provenance_and_per_replication_values(run_document):
    block = run_document["provenance"]
    assert block["scenario_text"] == SMALL.read_text("utf-8")
    assert len(block["scenario_sha256"]) == 64
    assert (block["seed"], block["replications"]) == (11, 3)
    assert block["command"] == ["mlasim", "run", str(SMALL)]
    assert {"mlasim", "python", "numpy", "simpy"} <= set(block)
    assert len(run_document["per_replication"]["abuse_pass_through"]) == 3
    assert run_document["refusals"]["uncc-40-9"]["citation"].startswith("UNCC Art 40(9)")


def test_flip_examples_replay_as_flipped_with_the_explain_command(comparison, comparison_document):
    alternative = comparison_document["configurations"][1]
    kinds = alternative["flipped_examples"]["kinds"]
    key = "abusive.granted_to_refused"
    assert kinds[key]["requests"], "the stricter variant refuses some abusive request the base granted"
    request = kinds[key]["requests"][0]
    assert kinds[key]["explain"] == (
        f"mlasim explain {SMALL} --variant required --request {request} --replication 0 --seed 11"
    )

    def outcome(scenario):
        return explain(scenario, request, 0, 11).events[-1].details["outcome"]

    assert outcome(comparison.scenarios[0]) in (Outcome.GRANTED, Outcome.CONDITIONALLY_GRANTED)
    assert outcome(comparison.scenarios[1]) is Outcome.REFUSED


def test_comparison_document_has_refusals_by_provision_per_configuration(comparison_document):
    for entry in comparison_document["configurations"]:
        assert entry["refusals"]["uncc-40-9"]["citation"].startswith("UNCC Art 40(9)")
        assert "A" in entry["requesting_states"]
    assert [c["label"] for c in comparison_document["provenance"]["configurations"]] == ["base", "required"]


def test_saved_documents_are_read_back_as_their_kind(
    tmp_path, run_document, comparison_document, check_document
):
    for kind, document in (
        ("run", run_document),
        ("comparison", comparison_document),
        ("check", check_document),
    ):
        path = tmp_path / f"{kind}.json"
        path.write_text(json.dumps(document))
        assert documents.read_saved(path) == (kind, json.loads(json.dumps(document)))


def test_sweep_directory_is_read_with_parameters_and_estimates(sweep_document):
    rates = [
        c["parameters"]["safeguards.dual_criminality.refusal_rate"] for c in sweep_document["configurations"]
    ]
    assert rates == [0.1, 0.5, 0.9]
    assert all(c["metrics"]["abuse_pass_through"]["n"] == 2 for c in sweep_document["configurations"])


@pytest.mark.parametrize(
    ("content", "message"),
    [("not json", "not a JSON result"), ('{"a": 1}', "not a result of mlasim run, compare or check")],
)
def test_unreadable_saved_results_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(documents.ReportInputError, match=message):
        documents.read_saved(path)
    with pytest.raises(documents.ReportInputError, match="not a finished sweep run directory"):
        documents.read_saved(tmp_path)
