"""Result documents: each kind of result as one JSON-ready mapping, with its provenance.

A *document* is what ``--format json`` writes and what ``mlasim report`` reads back, so a report
made from a saved file shows exactly what a report made straight after the run would. There are
four kinds, told apart by their keys (:func:`kind_of`):

- ``run``: one configuration's headline metrics, refusals by provision (with citations), by
  requesting State, stage waits, and a few metrics replication by replication; where present, the
  routes abuse takes (:mod:`simulator.reporting.routes`): ``requested_states``, ``channels``,
  ``monitoring`` (requested State -> requester -> metric), ``counts`` (abusive cases, preservations,
  flood requests) and ``monitoring_rules`` (each monitoring State's rule and action);
- ``comparison``: configurations on the same requests, the paired differences, the flipped outcomes
  and, for each kind of flip, a few example request ids of replication 0 with the ``mlasim explain``
  command that replays one; each configuration carries the same route blocks as a run, and each
  alternative the paired differences of the route metrics (``route_differences``);
- ``check``: each property's verdict and smallest counterexample;
- ``sweep``: a run directory's manifest and its per-configuration summary.

Every document carries a ``provenance`` block (:mod:`simulator.experiments.provenance`): the
scenario's fingerprint and text, versions, seed, replications and the command that made it.
"""

from __future__ import annotations

import json
import math
import re
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from simulator.domain import provisions
from simulator.experiments.comparison import Comparison, excludes_zero, flipped_ids
from simulator.experiments.provenance import provenance
from simulator.experiments.run import RunResult
from simulator.reporting import routes
from simulator.world.metrics import headline, requests
from simulator.world.pipeline import simulate
from simulator.world.scenario import Scenario

#: Metrics kept replication by replication in a run document (for the distribution figures).
PER_REPLICATION = (
    "abuse_pass_through",
    "legitimate_refusal_rate",
    "legitimate_days_median",
    "legitimate_days_p90",
)
EXAMPLES = 3  # example request ids kept per kind of flipped outcome
_VARIANT_SOURCE = re.compile(r"^(?P<file>.*) \(variant '(?P<variant>.*)'\)$")


class ReportInputError(ValueError):
    """A saved result that cannot be read back (not JSON, or not a result mlasim wrote)."""


def _plain_number(value: float) -> float | None:
    return None if math.isnan(value) else value


def cited(nested: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Refusals by provision with each provision's citation, its confidence and title beside its counts."""
    for pid, entry in nested.items():
        entry["citation"] = provisions.provision(pid).citation
        entry["confidence"] = provisions.provision(pid).confidence.value
        entry["title"] = provisions.provision(pid).title
    return nested


def run_document(result: RunResult, command: Sequence[str] | None = None) -> dict[str, Any]:
    """The JSON document of a run (what ``mlasim run --format json`` prints)."""
    document = result.to_dict()
    cited(document["refusals"])
    document["system"] = {
        name.split(".", 1)[1]: est.to_dict() for name, est in result.section("system.").items()
    }
    document.update(routes.document_blocks(result.estimates))
    rules = routes.monitoring_rules(result.scenario)
    if rules:
        document["monitoring_rules"] = rules
    document["per_replication"] = {
        name: [_plain_number(row.get(name, math.nan)) for row in result.rows] for name in PER_REPLICATION
    }
    document["provenance"] = provenance(
        result.scenario, seed=result.seed, replications=result.replications, command=command
    )
    return document


def fit_document(result: RunResult, targets: Any, fits: Sequence[Any], command=None) -> dict[str, Any]:
    """A run's document with its ``record`` block: how it compares with each target of ``targets``."""
    from simulator.reporting.fit import record_block

    document = run_document(result, command)
    document["record"] = record_block(targets.name, targets.path, fits)
    return document


def explain_command(scenario: Scenario, request: int, replication: int, seed: int) -> str:
    """The ``mlasim explain`` command that replays one request of this configuration."""
    source = scenario.source or "FILE"
    match = _VARIANT_SOURCE.match(source)
    words = ["mlasim", "explain", match["file"] if match else source]
    if match:
        words += ["--variant", match["variant"]]
    words += ["--request", str(request), "--replication", str(replication), "--seed", str(seed)]
    return shlex.join(words)


def flip_examples(comparison: Comparison, replication: int = 0) -> list[dict[str, Any]]:
    """For each alternative, a few ids of each kind of flipped request in ``replication``.

    The replication is simulated again for the baseline and each alternative (the same seed gives the
    same requests), so the ids can be replayed with ``mlasim explain``.
    """
    seed = comparison.seed
    base = simulate(comparison.scenarios[0], seed, replication, keep_outcomes=True).outcomes
    examples = []
    for scenario in comparison.scenarios[1:]:
        other = simulate(scenario, seed, replication, keep_outcomes=True).outcomes
        found = flipped_ids(base, other) or {}
        examples.append(
            {
                key: {
                    "requests": ids[:EXAMPLES],
                    "explain": explain_command(
                        scenario if key.split(".")[1] == "granted_to_refused" else comparison.scenarios[0],
                        ids[0],
                        replication,
                        seed,
                    ),
                }
                for key, ids in found.items()
                if ids
            }
        )
    return examples


def route_differences(comparison: Comparison, index: int) -> dict[str, dict[str, Any]]:
    """Paired differences (alternative ``index`` minus the baseline) of the route metrics present."""
    names = {**comparison.result(0).estimates, **comparison.result(index).estimates}
    found = {}
    for _, metrics in routes.compared_metrics(list(names)):
        for metric in metrics:
            difference = comparison.difference(index, metric.name)
            found[metric.name] = {**difference.to_dict(), "excludes_zero": excludes_zero(difference)}
    return found


def comparison_document(comparison: Comparison, command: Sequence[str] | None = None) -> dict[str, Any]:
    """The JSON document of a comparison, with breakdowns per configuration and flip examples."""
    document = comparison.to_dict()
    examples = flip_examples(comparison) if comparison.same_requests else []
    for i, entry in enumerate(document["configurations"]):
        run = comparison.result(i)
        result = run.to_dict()
        entry["refusals"] = cited(result["refusals"])
        entry["requesting_states"] = result["requesting_states"]
        entry["stages"] = result["stages"]
        entry.update(routes.document_blocks(run.estimates))
        rules = routes.monitoring_rules(run.scenario)
        if rules:
            entry["monitoring_rules"] = rules
        if i:
            entry["route_differences"] = route_differences(comparison, i)
            flipped = {name.split(".")[2] for name in entry["flipped"] if name.count(".") == 2}
            entry["citations"] = {
                pid: provisions.provision(pid).citation
                for pid in sorted(flipped & set(provisions.catalogue()))
            }
        if i and examples:
            entry["flipped_examples"] = {"replication": 0, "kinds": examples[i - 1]}
    base = comparison.scenarios[0]
    block = provenance(base, seed=comparison.seed, replications=comparison.replications, command=command)
    block["configurations"] = [
        _configuration_block(label, scenario, comparison.seed, block)
        for label, scenario in zip(comparison.labels, comparison.scenarios, strict=True)
    ]
    document["provenance"] = block
    return document


def _configuration_block(label: str, scenario: Scenario, seed: int, base: dict[str, Any]) -> dict[str, Any]:
    """One configuration of a comparison in its provenance: its file, fingerprint and description, and
    its file's text when it is another file than the baseline's (the report shows its assumptions)."""
    own = provenance(scenario, seed=seed, replications=0)
    entry = {
        "label": label,
        "scenario_file": scenario.source,
        "scenario_sha256": own["scenario_sha256"],
        "description": scenario.description,
    }
    if own["scenario_text"] is not None and own["scenario_file_sha256"] != base.get("scenario_file_sha256"):
        entry["scenario_file_sha256"] = own["scenario_file_sha256"]
        entry["scenario_text"] = own["scenario_text"]
    return entry


def sweep_document(manifest: dict[str, Any], summary, directory: str | Path | None = None) -> dict[str, Any]:
    """A sweep's manifest and, per configuration, its parameters and headline estimates; with the run
    ``directory`` (where the scenario's text is kept)."""
    configurations = []
    for record in summary.to_dict("records"):
        metrics = {}
        for spec in (*headline(), *requests()):
            parts = {p: record.get(f"{spec.name}.{p}") for p in ("mean", "ci_low", "ci_high", "n")}
            metrics[spec.name] = {
                k: (None if v is None or (isinstance(v, float) and math.isnan(v)) else v)
                for k, v in parts.items()
            }
            if metrics[spec.name]["n"] is not None:
                metrics[spec.name]["n"] = int(metrics[spec.name]["n"])
        index = int(record["config_index"])
        configurations.append(
            {
                "index": index,
                "label": record["configuration"],
                "parameters": manifest["configurations"][index]["parameters"],
                "metrics": metrics,
            }
        )
    document = {"sweep": manifest, "configurations": configurations}
    if directory is not None:
        document["run_directory"] = str(directory)
    return document


def assumptions_document(found, command: Sequence[str] | None = None) -> dict[str, Any]:
    """The JSON document of ``mlasim assumptions`` (a screening), with the scenario's provenance."""
    from simulator.files.document import load_scenario

    document = found.to_dict()
    scenario = load_scenario(found.source)
    document["provenance"] = provenance(
        scenario, seed=found.seed, replications=found.per_draw, command=command
    )
    return document


def kind_of(document: Any) -> str | None:
    """``run``, ``comparison``, ``check``, ``sweep`` or ``assumptions``; None for anything else."""
    if not isinstance(document, dict):
        return None
    if "without_range" in document and "parameters" in document:
        return "assumptions"
    if "sweep" in document and "configurations" in document:
        return "sweep"
    if "properties" in document and "scenario" in document:
        return "check"
    if "baseline" in document and "configurations" in document:
        return "comparison"
    if "metrics" in document and "refusals" in document:
        return "run"
    return None


def read_saved(path: str | Path) -> tuple[str, dict[str, Any]]:
    """A saved result: a JSON file of ``run``, ``compare`` or ``check``, or a sweep's run directory."""
    path = Path(path)
    if path.is_dir():
        from simulator.experiments import sweeps

        if not (path / sweeps.MANIFEST).is_file() or not (path / "summary.parquet").is_file():
            raise ReportInputError(f"{path}: not a finished sweep run directory (no manifest or summary)")
        result = sweeps.SweepResult(path)
        return "sweep", sweep_document(result.manifest(), result.summary(), path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ReportInputError(f"{path}: cannot read: {error.strerror}") from None
    except ValueError as error:
        raise ReportInputError(f"{path}: not a JSON result of mlasim ({error})") from None
    kind = kind_of(document)
    if kind is None:
        raise ReportInputError(
            f"{path}: not a result of mlasim run, compare or check in JSON (give --format json)"
        )
    return kind, document
