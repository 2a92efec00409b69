"""Secretaries and estate managers run the bulletin; other staff see sign-ups and figures.

Page permissions (add, change, publish under the bulletin) are Wagtail group page permissions,
given to the same two roles by ``bulletin.services.bulletin_setup`` and narrowed to the user's
estates by ``bulletin.permissions``.
"""

from estates.roles import CLERK, ESTATE_MANAGER, FRONT_DESK, SECRETARY, STEWARD, SUPERVISOR

_EDIT = ["bulletin.*_eventsignup", "bulletin.*_eventreturnvisit", "bulletin.view_eventfeedback"]
_VIEW = ["bulletin.view_eventsignup", "bulletin.view_eventreturnvisit", "bulletin.view_eventfeedback"]

ROLE_PERMISSIONS = {
    SECRETARY: _EDIT,
    ESTATE_MANAGER: _EDIT,
    SUPERVISOR: _VIEW,
    CLERK: _VIEW,
    FRONT_DESK: _VIEW,
    # Stewards make return visits (DOMAIN.md), so they record them.
    STEWARD: [*_VIEW, "bulletin.add_eventreturnvisit", "bulletin.change_eventreturnvisit"],
}
