"""What each role may do in patrol (merged into the matrix by estates.roles).

- supervisor and estate manager: plan (checkpoints, checklists, plans), assign hazards, and all
  the rest;
- clerk, steward, maintenance: walk rounds (the plan names which role walks it), record the
  rectification (not the steward) and verify someone else's (not maintenance);
- every role sees the estate's hazards.
"""

from estates.roles import (
        CLERK,
        ESTATE_MANAGER,
        FRONT_DESK,
        MAINTENANCE,
        ROLES,
        SECRETARY,
        STEWARD,
        SUPERVISOR,
)

_SEE = ["patrol.view_checkpoint", "patrol.view_patrolplan", "patrol.view_patrolround", "patrol.view_hazard",
        "patrol.view_patrolphoto"]
_WALK = [*_SEE, "patrol.walk_patrolround"]
_PLAN = ["patrol.*_checkpoint", "patrol.*_checklistitem", "patrol.*_patrolplan", "patrol.*_planstop"]
_ALL = [*_WALK, *_PLAN, "patrol.assign_hazard", "patrol.rectify_hazard", "patrol.verify_hazard",
        "patrol.view_hazardescalation"]

ROLE_PERMISSIONS = {role: ["patrol.view_hazard"] for role in ROLES}
ROLE_PERMISSIONS.update({
    CLERK: [*_WALK, "patrol.rectify_hazard", "patrol.verify_hazard"],
    STEWARD: [*_WALK, "patrol.verify_hazard"],
    MAINTENANCE: [*_WALK, "patrol.rectify_hazard"],
    SUPERVISOR: _ALL,
    ESTATE_MANAGER: _ALL,
    FRONT_DESK: ["patrol.view_hazard"],
    SECRETARY: ["patrol.view_hazard"],
})
