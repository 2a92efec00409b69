"""Who may manage residents' access to the owner portal (merged by estates.roles).

Owners themselves are not staff and hold no role: they sign in by SMS code (owners.services).
"""

from estates.roles import CLERK, ESTATE_MANAGER, FRONT_DESK, STEWARD, SUPERVISOR

_VIEW = ["owners.view_residentaccess"]
_MANAGE = [*_VIEW, "owners.add_residentaccess", "owners.change_residentaccess"]

ROLE_PERMISSIONS = {
    ESTATE_MANAGER: _MANAGE,
    SUPERVISOR: _MANAGE,
    CLERK: _MANAGE,
    STEWARD: _MANAGE,
    FRONT_DESK: _VIEW,
}
