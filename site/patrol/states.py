"""The hazard state machine, declared once: action → from-states → to-state → permission → guard.

Read by patrol.hazards (a refused action raises, nothing changes) and by the hazard page (the
buttons offered). A guard takes (hazard, user) and returns a refusal message or None.

    reported → assigned → rectifying → rectified → verified
                  ↑______________________|  (verification refused: back to rectifying)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from django.utils.translation import gettext as _

from patrol.models import Hazard

S = Hazard.Status


class Transition(NamedTuple):
    sources: tuple[str, ...]
    target: str
    permission: str
    guard: Callable | None = None


def _not_the_rectifier(hazard: Hazard, user) -> str | None:
    # DOMAIN.md: rectified, then verified by someone else.
    if hazard.rectified_by_id is not None and hazard.rectified_by_id == user.pk:
        return _("The rectification must be verified by someone other than the person who rectified it.")
    return None


def _assignee_or_desk(hazard: Hazard, user) -> str | None:
    # The assigned person does the work; anyone who may assign hazards may record it for them.
    if hazard.assignee_id in (None, user.pk) or user.has_perm("patrol.assign_hazard"):
        return None
    return _("This hazard is assigned to someone else.")


TRANSITIONS: dict[str, Transition] = {
    "assign": Transition((S.REPORTED, S.ASSIGNED, S.RECTIFYING), S.ASSIGNED, "patrol.assign_hazard"),
    "start": Transition((S.ASSIGNED,), S.RECTIFYING, "patrol.rectify_hazard", _assignee_or_desk),
    "rectify": Transition((S.ASSIGNED, S.RECTIFYING), S.RECTIFIED, "patrol.rectify_hazard", _assignee_or_desk),
    "verify": Transition((S.RECTIFIED,), S.VERIFIED, "patrol.verify_hazard", _not_the_rectifier),
    "reject": Transition((S.RECTIFIED,), S.RECTIFYING, "patrol.verify_hazard", _not_the_rectifier),
}


def refusal(action: str, hazard: Hazard, user) -> str | None:
    """Why ``user`` may not do ``action`` on ``hazard`` now; None when they may."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        return _("Unknown action.")
    if user is None or not user.has_perm(transition.permission):
        return _("You may not do this.")
    if hazard.status not in transition.sources:
        return _("This cannot be done to a hazard that is %(status)s.") % {"status": hazard.get_status_display()}
    if transition.guard is not None:
        return transition.guard(hazard, user)
    return None


def available_actions(hazard: Hazard, user) -> list[str]:
    return [action for action in TRANSITIONS if refusal(action, hazard, user) is None]
