"""Which provisions a safeguard configuration applies: the grounds it can refuse on, and its procedures.

A configuration (:class:`~simulator.domain.safeguards.Safeguards`) switches grounds on and off and
sets the requested State's own judicial standards. :func:`enabled_provisions` lists the provisions
a request can be refused (or consulted) on under it; :func:`active_provisions` adds the procedures it
applies (asking for more information, consulting, postponing) and the provisions every request is
executed under. A failed judicial standard cites US law (18 U.S.C. 2703, 3123) or the requested
State's own conditions and safeguards (Arts 24(4), 40(17)): :func:`standard_provision`.
"""

from __future__ import annotations

from simulator.domain.model import Measure
from simulator.domain.provisions import provision
from simulator.domain.safeguards import (
    DataProtectionMode,
    DomesticLaw,
    DualCriminalityMode,
    JudicialStandard,
    Safeguards,
)

#: Provision a failed judicial standard cites under US law; under the requested State's own law it
#: is Arts 24(4), 40(17) (:func:`standard_provision`).
STANDARD_PROVISION: dict[JudicialStandard, str] = {
    JudicialStandard.CERTIFICATION: "us-3123",
    JudicialStandard.SUBPOENA: "us-2703-c-2",
    JudicialStandard.ARTICULABLE_FACTS: "us-2703-d",
    JudicialStandard.PROBABLE_CAUSE: "us-2703-a",
}


# bound once: the judicial-order check asks at every review (an enum member read off its class costs
# a hook call in Python 3.11)
_UNAVAILABLE, _INTERCEPTION, _US = JudicialStandard.UNAVAILABLE, Measure.INTERCEPTION, DomesticLaw.US


def standard_provision(standard: JudicialStandard, measure: Measure, law: DomesticLaw) -> str:
    """The provision a refusal under ``standard`` for ``measure`` cites."""
    if standard is _UNAVAILABLE:
        # interception is assisted only "to the extent permitted" (Art 46); other measures: 40(21)(c)
        return "uncc-46" if measure is _INTERCEPTION else "uncc-40-21-c"
    return STANDARD_PROVISION[standard] if law is _US else "uncc-24-4"


def enabled_provisions(safeguards: Safeguards) -> frozenset[str]:
    """Provisions a request can be refused (or consulted) on under this configuration."""
    s = safeguards
    enabled = set()
    if s.completeness.refuse_nonconforming:
        enabled.add("uncc-40-21-a")
    if s.scope_test.enabled:
        enabled.add("uncc-35-1-c")
    if s.political_offence:
        enabled.add("budapest-27-4-a")
    if s.dual_criminality.mode is not DualCriminalityMode.WAIVED:
        enabled.add("uncc-40-9")
    if s.data_protection is DataProtectionMode.REFUSE:
        enabled.add("uncc-36")
    if s.discrimination.enabled:
        enabled.add("uncc-40-22")
    if s.essential_interests.enabled:
        enabled.add("uncc-40-21-b")
    if s.human_rights.enabled:
        enabled.add("uncc-6")
    order = s.judicial_order
    for measure in Measure:
        standard = order.standard(measure)
        if standard is not JudicialStandard.NONE:
            enabled.add(standard_provision(standard, measure, order.law))
            if standard is JudicialStandard.PROBABLE_CAUSE and order.warrant_dual_criminality:
                enabled.add("us-3512-e" if order.law is DomesticLaw.US else "uncc-24-4")
    return frozenset(enabled)


def active_provisions(safeguards: Safeguards) -> frozenset[str]:
    """Every provision this configuration applies: refusal grounds plus active procedures."""
    s = safeguards
    active = set(enabled_provisions(s))
    if s.completeness.request_information:
        active.add("uncc-40-16")
    if s.consultation.enabled and s.consultation.applies_to:
        active.add("uncc-40-27")
        if s.consultation.conditions and any(provision(p).conditions for p in s.consultation.applies_to):
            active.add("uncc-40-19")
    if s.postponement_rate > 0:
        active.add("uncc-40-26")
    if s.data_protection is not DataProtectionMode.OFF:
        active.add("uncc-36")
    if s.dual_criminality.mode is not DualCriminalityMode.WAIVED:
        active.add("uncc-35-2")  # judged on the conduct read from the facts, not the label
        if s.dual_criminality.exempt_measures:
            active.add("uncc-42")
    # every request is executed under the requested State's own law, by measure (Arts 24(4), 40(17), 44-46)
    active |= {"uncc-24-4", "uncc-44", "uncc-45", "uncc-46"}
    if enabled_provisions(s):
        active |= {"uncc-40-24", "uncc-40-8", "uncc-40-23"}  # reasons given; never bank secrecy or fiscal
    return frozenset(active)
