"""Providers, regimes and the direct routes of a requested State in a scenario file.

Three parts of a requested State (top-level tables in the one-State form, nested in each
``[[requested_state]]`` entry otherwise, :mod:`simulator.files.requested`):

- ``[[provider]]`` entries: the service providers holding its data, each with a unique ``id``, its
  ``share`` of the State's accounts (a relative weight), its reviewers (``staff``, ``service``), the
  law that binds it (``[provider.law]``: :class:`~simulator.domain.providers.ProviderLaw`) and its own
  review policy (``[provider.policy]``: :class:`~simulator.domain.providers.ProviderPolicy`);
- ``[regimes]``: which treaties bind it to each requesting State, ``<requester id> = [treaty, ...]``
  and ``default = [...]`` for the others (:class:`~simulator.domain.regimes.Treaty` names; ``[]`` or
  ``["none"]``: no treaty). Without the table every pair is bound by the UN convention alone;
- ``[direct_routes.*]``: its rules on the routes around its central authority
  (:class:`~simulator.domain.direct.DirectRules`: a direct order's notification, giving effect, an
  executive agreement's conditions).

Every setting is read by its declaration (:mod:`simulator.files.settings`); what ties settings
together (a record floor above its limit, a reviewer stage the State does not staff, a Second
Protocol without the Convention) is checked here, and whether a requesting State named in
``[regimes]`` exists, by the loader.
"""

from __future__ import annotations

from collections.abc import Mapping

from simulator.domain.direct import DirectRules
from simulator.domain.model import Channel, Stage
from simulator.domain.providers import ProviderRules
from simulator.domain.regimes import RegimeTable, Treaty, problems, regime_of
from simulator.files.reader import Table
from simulator.files.settings import read_fields, read_settings
from simulator.files.values import state_id, unique_ids
from simulator.world.scenario import Provider, StageConfig

#: The treaty names a ``[regimes]`` entry may list.
TREATIES = [t.value for t in Treaty]


def read_providers(parts: Table) -> tuple[Provider, ...]:
    """The ``[[provider]]`` entries of a requested State (none: its data go only through the State)."""
    providers = []
    for t in parts.tables("provider"):
        identifier = state_id(t)
        values = read_fields(t, Provider)
        rules = ProviderRules(**read_fields(t, ProviderRules))
        policy = rules.policy
        if policy.record_floor > policy.record_limit:
            t.problem(
                "policy.record_floor",
                f"must not exceed record_limit ({policy.record_limit:g}): declines rise from the floor "
                "to all at the limit",
            )
        providers.append(Provider(id=identifier, name=t.text("name", identifier), **values, rules=rules))
        t.finish()
    unique_ids(parts, "provider", [p.id for p in providers])
    if providers and sum(p.share for p in providers) <= 0:
        parts.problem("provider", "the providers' shares must not all be 0: some provider holds the data")
    return tuple(providers)


def read_regimes(t: Table) -> RegimeTable:
    """The ``[regimes]`` table: the treaties binding the State to each requesting State."""
    if not t.data:
        t.finish()
        return RegimeTable()
    by_requester, default = {}, None
    for key in t.data:
        value = t.data[key]
        if isinstance(value, list) and not value:
            t.used.add(key)
            names: tuple[str, ...] = ()
        else:
            names = t.names(key, TREATIES)
        for problem in problems(names):
            t.problem(key, problem)
        regime = regime_of(names)
        if key == "default":
            default = regime
        else:
            by_requester[key] = regime
    t.finish()
    if default is None:
        return RegimeTable(by_requester=by_requester, declared=True)
    return RegimeTable(default=default, by_requester=by_requester, declared=True)


def read_direct_routes(t: Table) -> DirectRules:
    """The ``[direct_routes.*]`` tables of a requested State."""
    return read_settings(t, DirectRules)


def check_reviewers(
    parts: Table, rules: DirectRules, stages: Mapping[Stage, StageConfig], regimes: RegimeTable
) -> None:
    """A reviewer stage the State's direct routes need is one of its MLA stages."""
    needed = []
    if rules.direct_order.notification:
        needed.append(("direct_order", rules.direct_order.reviewer))
    opens = [regimes.default, *regimes.by_requester.values()]
    if any(regime.opens(Channel.GIVING_EFFECT) for regime in opens):
        needed.append(("giving_effect", rules.giving_effect.reviewer))
    for route, stage in needed:
        if stage not in stages:
            parts.problem(
                f"direct_routes.{route}.reviewer",
                f"the requested State has no [stages.{stage.value}] to review these orders: add it, or "
                f"name one of its stages ({', '.join(s.value for s in stages)})",
            )
