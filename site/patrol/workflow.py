"""The hazard's state machine, declared once (see estates.workflow).

    reported → assigned → rectifying → rectified → verified
    assigned | rectifying → rectified (the work may be recorded without a separate start)
    rectified → rectifying (verification refused: "not accepted")
    reported | assigned | rectifying → assigned (reassigned to another department or person)

The services of patrol.hazards call ``HAZARDS.check`` before writing; the hazard page offers
``HAZARDS.allowed`` as its buttons.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from estates.workflow import Guard, Transition, Workflow

from patrol.models import Hazard

S = Hazard.Status

#: DOMAIN.md: rectified, then verified by someone else.
NOT_THE_RECTIFIER = Guard(
    lambda hazard, user: user is None or hazard.rectified_by_id is None or hazard.rectified_by_id != user.pk,
    _("The rectification must be verified by someone other than the person who rectified it."),
    code="own_rectification", forbidden=True,
)
#: The assigned person does the work; anyone who may assign hazards may record it for them.
ASSIGNEE_OR_DESK = Guard(
    lambda hazard, user: (
        user is None or hazard.assignee_id in (None, user.pk) or user.has_perm("patrol.assign_hazard")
    ),
    _("This hazard is assigned to someone else."), code="not_assignee", forbidden=True,
)

HAZARDS = Workflow("hazard", [
    Transition(
        "assign", _("Assign"), (S.REPORTED, S.ASSIGNED, S.RECTIFYING),
        _("Only an open hazard can be assigned; this one is %(status)s."),
        target=S.ASSIGNED, permission="patrol.assign_hazard",
    ),
    Transition(
        "start", _("Start rectifying"), (S.ASSIGNED,),
        _("Only an assigned hazard can be started; this one is %(status)s."),
        target=S.RECTIFYING, permission="patrol.rectify_hazard", guards=(ASSIGNEE_OR_DESK,),
    ),
    Transition(
        "rectify", _("Record the rectification"), (S.ASSIGNED, S.RECTIFYING), {
            S.REPORTED: (_("Assign the hazard to a department first."), "not_assigned"),
            None: _("Only an assigned hazard can be rectified; this one is %(status)s."),
        },
        target=S.RECTIFIED, permission="patrol.rectify_hazard", guards=(ASSIGNEE_OR_DESK,),
    ),
    Transition(
        "verify", _("Verify the rectification"), (S.RECTIFIED,),
        _("Only a rectified hazard can be verified; this one is %(status)s."),
        target=S.VERIFIED, permission="patrol.verify_hazard", guards=(NOT_THE_RECTIFIER,),
    ),
    Transition(
        "reject", _("Not accepted"), (S.RECTIFIED,),
        _("Only a rectified hazard can be sent back; this one is %(status)s."),
        target=S.RECTIFYING, permission="patrol.verify_hazard", guards=(NOT_THE_RECTIFIER,),
    ),
])
