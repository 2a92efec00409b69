"""What each role may do in the desk procedures (merged into the matrix by estates.roles).

- front desk: books move-ins and records arrival and handling; takes release requests, records
  the owner's confirmation and issues slips; checks slips at the gate;
- steward and clerk: all of that, and complete move-ins (they keep the household files), take
  decoration applications and inspect (violations, acceptance);
- supervisor and estate manager: everything, including approving decorations, settling the
  deposit and overriding a release blocked by arrears;
- gate security (门岗), a role of its own: the gate view only (the slip's number, what may pass).
"""

from estates.roles import CLERK, ESTATE_MANAGER, FRONT_DESK, SECRETARY, STEWARD, SUPERVISOR

#: Security staff at the gate: they see the slips of their estate and mark them passed.
GATE = "门岗 Gate security"

_VIEW = ["lifecycle.view_movein", "lifecycle.view_moveinkey", "lifecycle.view_decoration",
         "lifecycle.view_decorationinspection", "lifecycle.view_decorationviolation",
         "lifecycle.view_decorationphoto", "lifecycle.view_release", "lifecycle.view_lifecyclerules"]
_FRONT = [*_VIEW, "lifecycle.add_movein", "lifecycle.change_movein", "lifecycle.handle_movein",
          "lifecycle.add_release", "lifecycle.change_release", "lifecycle.confirm_release",
          "lifecycle.issue_release", "lifecycle.pass_release"]
_DESK = [*_FRONT, "lifecycle.complete_movein", "lifecycle.add_decoration", "lifecycle.change_decoration",
         "lifecycle.inspect_decoration"]
_ALL = [*_DESK, "lifecycle.approve_decoration", "lifecycle.override_release", "lifecycle.*_lifecyclerules"]

ROLE_PERMISSIONS = {
    ESTATE_MANAGER: _ALL,
    SUPERVISOR: _ALL,
    CLERK: _DESK,
    STEWARD: _DESK,
    FRONT_DESK: _FRONT,
    SECRETARY: ["lifecycle.view_decoration", "lifecycle.view_lifecyclerules"],
    GATE: ["wagtailadmin.access_admin", "lifecycle.view_release", "lifecycle.pass_release"],
}
