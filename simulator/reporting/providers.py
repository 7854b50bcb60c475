"""Where data leave around the central authority, as tables: by provider, and by provision.

A scenario with providers or regimes (:mod:`simulator.world.direct`) reports, beside the routes of
:mod:`simulator.reporting.routes` (whose "by channel" table already gives each route straight to a
provider):

- **by provider** (``provider.<id>.*``): the abusive and legitimate data each provider handed over,
  through any route (MLA included), and what its reviews of requests sent to it directly decided
  (some data produced, declined on its policy or its law, no data held);
- **providers' direct answers by requesting State** (``provider.<id>.<requester>.*``): the share of a
  requesting State's direct requests with some data produced, ordinary and emergency apart, the
  measure of providers' transparency reports;
- **by provision** (``granted_under.<provision>.*``): the data handed over under each provision (the
  MLA treaty between the pair, or a route's basis), with its citation and confidence mark.

Each section appears only when its metrics do; the rows serve the text of ``mlasim run``, the
comparison's side-by-side tables and differences, and the JSON documents.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.domain import provisions
from simulator.experiments.display import format_estimate
from simulator.experiments.stats import Estimate
from simulator.reporting.tables import section
from simulator.world.metrics import Resolved, catalogue

Estimates = Mapping[str, Estimate]

#: Per provider: metric suffix (its column header comes from the declaration).
PROVIDER_SUFFIXES = (
    "abusive_handed_over",
    "legitimate_handed_over",
    "direct_reviewed",
    "direct_produced",
    "direct_declined",
    "direct_no_data",
)
SHARE_SUFFIXES = ("some_data_share", "emergency_some_data_share")


def _cell(estimates: Estimates, name: str) -> str:
    est = estimates.get(name)
    return "-" if est is None else format_estimate(est, catalogue().kind(name).value)


def provider_ids(estimates: Estimates) -> list[str]:
    """The providers that have metrics among ``estimates``, in order."""
    found: dict[str, None] = {}
    for name in estimates:
        parts = name.split(".")
        if parts[0] == "provider" and len(parts) == 3:
            found[parts[1]] = None
    return list(found)


def provider_pairs(estimates: Estimates) -> list[tuple[str, str]]:
    """The (provider, requesting State) pairs that have metrics among ``estimates``, in order."""
    found: dict[tuple[str, str], None] = {}
    for name in estimates:
        parts = name.split(".")
        if parts[0] == "provider" and len(parts) == 4:
            found[parts[1], parts[2]] = None
    return list(found)


def bases(estimates: Estimates) -> list[str]:
    """The provisions data were handed over under, among ``estimates``."""
    return list(dict.fromkeys(n.split(".")[1] for n in estimates if n.startswith("granted_under.")))


def provider_rows(estimates: Estimates) -> list[tuple[str, ...]]:
    """One table row per provider: the data it handed over and what its direct reviews decided."""
    return [
        (p, *(_cell(estimates, f"provider.{p}.{s}") for s in PROVIDER_SUFFIXES))
        for p in provider_ids(estimates)
    ]


def share_rows(estimates: Estimates) -> list[tuple[str, ...]]:
    """One table row per provider and requesting State: the shares of direct requests with some data
    produced."""
    return [
        (p, r, *(_cell(estimates, f"provider.{p}.{r}.{s}") for s in SHARE_SUFFIXES))
        for p, r in provider_pairs(estimates)
    ]


def basis_rows(estimates: Estimates) -> list[tuple[str, ...]]:
    """Data handed over by provision, those under which anything left (in some replication) only."""
    rows = []
    for pid in bases(estimates):
        found = [estimates.get(f"granted_under.{pid}.{t}") for t in ("abusive", "legitimate")]
        if all(est is None or est.mean == 0 for est in found):
            continue
        cells = [_cell(estimates, f"granted_under.{pid}.{truth}") for truth in ("abusive", "legitimate")]
        rows.append((provisions.cite(pid), *cells))
    return rows


def _header(first: tuple[str, ...], template: str, suffixes: tuple[str, ...]) -> tuple[str, ...]:
    return (*first, *(catalogue()[template.format(s)].short for s in suffixes))


PROVIDER_HEADER = _header(("provider",), "provider.x.{}", PROVIDER_SUFFIXES)
SHARE_HEADER = _header(("provider", "requester"), "provider.x.y.{}", SHARE_SUFFIXES)
BASIS_HEADER = ("provision", "abusive handed over", "legitimate handed over")


def text_lines(estimates: Estimates, table) -> list[str]:
    """The provider and provision sections as text lines (``table`` lays out a header and rows)."""
    return [
        *section(
            "By provider (data it held, handed over through any route; its direct reviews)",
            PROVIDER_HEADER, provider_rows(estimates), table,
        ),
        *section(
            "Providers' direct answers (share of a State's direct requests with some data produced)",
            SHARE_HEADER, share_rows(estimates), table,
        ),
        *section(
            "By provision (data handed over under it: the pair's MLA treaty, or the route's basis)",
            BASIS_HEADER, basis_rows(estimates), table,
        ),
    ]  # fmt: skip


def compared_metrics(names: Mapping[str, Any]) -> list[tuple[str, list[Resolved]]]:
    """The provider and provision metrics present among ``names``, by section."""
    metric = catalogue().__getitem__
    found = [
        metric(f"provider.{p}.{s}")
        for p in provider_ids(names)
        for s in ("abusive_handed_over", "legitimate_handed_over")
    ]
    sections = [("By provider", found)]
    found = [metric(f"granted_under.{pid}.{t}") for pid in bases(names) for t in ("abusive", "legitimate")]
    sections.append(("By provision data left under", found))
    return [(title, metrics) for title, metrics in sections if metrics]


def document_blocks(estimates: Estimates) -> dict[str, Any]:
    """The provider and provision metrics as nested JSON blocks (only those present)."""
    blocks: dict[str, Any] = {}
    providers: dict[str, dict[str, Any]] = {}
    granted: dict[str, dict[str, Any]] = {}
    for name, est in estimates.items():
        parts = name.split(".")
        if parts[0] == "provider" and len(parts) == 3:
            providers.setdefault(parts[1], {})[parts[2]] = est.to_dict()
        elif parts[0] == "provider" and len(parts) == 4:
            by = providers.setdefault(parts[1], {}).setdefault("by_requester", {})
            by.setdefault(parts[2], {})[parts[3]] = est.to_dict()
        elif parts[0] == "granted_under":
            entry = granted.setdefault(parts[1], {"citation": provisions.provision(parts[1]).citation})
            entry[parts[2]] = est.to_dict()
    if providers:
        blocks["providers"] = providers
    if granted:
        blocks["granted_under"] = granted
    return blocks


def flat_estimates(document: Mapping[str, Any], estimate) -> dict[str, Estimate]:
    """The provider and provision metrics of a saved document, by name (``estimate`` reads one entry)."""
    flat: dict[str, Estimate] = {}
    for provider, metrics in (document.get("providers") or {}).items():
        for metric, entry in metrics.items():
            if metric == "by_requester":
                for requester, shares in entry.items():
                    for share, value in shares.items():
                        flat[f"provider.{provider}.{requester}.{share}"] = estimate(value)
            else:
                flat[f"provider.{provider}.{metric}"] = estimate(entry)
    for pid, entry in (document.get("granted_under") or {}).items():
        for truth in ("abusive", "legitimate"):
            if truth in entry:
                flat[f"granted_under.{pid}.{truth}"] = estimate(entry[truth])
    return flat
