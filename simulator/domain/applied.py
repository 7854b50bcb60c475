"""Which provisions a safeguard configuration applies: the grounds it can refuse on, and its procedures.

A configuration (:class:`~simulator.domain.safeguards.Safeguards`) switches grounds on and off and
sets the requested State's own judicial standards. The grounds it can refuse (or consult) on are
those its rules' records say (:func:`simulator.domain.grounds.enabled_provisions`);
:func:`active_provisions` adds the procedures it applies (asking for more information, consulting,
postponing) and the provisions every request is executed under.
"""

from __future__ import annotations

from simulator.domain.grounds import enabled_provisions
from simulator.domain.safeguards import DataProtectionMode, DualCriminalityMode, Safeguards


def active_provisions(safeguards: Safeguards) -> frozenset[str]:
    """Every provision this configuration applies: refusal grounds plus active procedures."""
    s = safeguards
    active = set(enabled_provisions(s))
    if s.completeness.request_information:
        active.add("uncc-40-16")
    if s.consultation.enabled and s.consultation.applies_to:
        active.add("uncc-40-27")  # a grant agreed at consultation rests on it too
    if s.postponement_rate > 0:
        active.add("uncc-40-26")
    if s.data_protection is not DataProtectionMode.OFF:
        active.add("uncc-36")
    if s.dual_criminality.mode is not DualCriminalityMode.WAIVED:
        active.add("uncc-35-2")  # judged on the conduct read from the facts, not the label
        if s.dual_criminality.exempt_measures:
            active.add("uncc-42")
        if (
            s.dual_criminality.non_coercive_without_dual_criminality
            and s.dual_criminality.non_coercive_measures
        ):
            active.add("uncc-40-9-b")
    # every request is executed under the requested State's own law, by measure (Arts 24(4), 40(17), 44-46),
    # and every grant under the use limitation of 40(19)
    active |= {"uncc-24-4", "uncc-44", "uncc-45", "uncc-46", "uncc-40-19"}
    if enabled_provisions(s):
        active |= {"uncc-40-24", "uncc-40-8", "uncc-40-23"}  # reasons given; never bank secrecy or fiscal
    return frozenset(active)
