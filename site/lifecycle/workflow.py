"""The state machines of the three desk procedures, declared once (see estates.workflow).

Move-in:     booked → arrived → in_progress → done; booked | arrived → cancelled
Decoration:  applied → approved | rejected; approved → stopped (a stop-work violation) → approved
             (resume, once no stop-work violation is open); approved → accepted → closed (deposit settled)
Violation:   open → rectified → verified (by someone else); rectified → open (not accepted)
Release:     requested → confirmed (the owner, by SMS code or in person) → released (slip issued,
             arrears within the estate's limit or overridden) → passed (at the gate, on its date)

The services call ``check`` under a row lock before writing; the pages offer ``allowed``.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from estates.workflow import Guard, Transition, Workflow

from lifecycle import selectors
from lifecycle.models import Decoration, DecorationViolation, MoveIn, Release

M, D, V, R = MoveIn.Status, Decoration.Status, DecorationViolation.Status, Release.Status

MOVEINS = Workflow("movein", [
    Transition(
        "send_pack", _("Send the move-in pack"), (M.BOOKED,),
        _("The pack is sent before the appointment; this move-in is %(status)s."),
        permission="lifecycle.change_movein",
    ),
    Transition(
        "arrive", _("Owner arrived"), (M.BOOKED,),
        _("Only a booked move-in can record the arrival; this one is %(status)s."),
        target=M.ARRIVED, permission="lifecycle.handle_movein",
    ),
    Transition(
        "start", _("Start handling"), (M.ARRIVED,), {
            M.BOOKED: (_("Record the owner's arrival first."), "not_arrived"),
            None: _("Only a move-in whose owner has arrived can start; this one is %(status)s."),
        },
        target=M.IN_PROGRESS, permission="lifecycle.handle_movein",
    ),
    Transition(
        "complete", _("Complete the move-in"), (M.IN_PROGRESS,),
        _("Only a move-in being handled can be completed; this one is %(status)s."),
        target=M.DONE, permission="lifecycle.complete_movein",
    ),
    Transition(
        "cancel", _("Cancel the appointment"), (M.BOOKED, M.ARRIVED),
        _("This move-in can no longer be cancelled; it is %(status)s."),
        target=M.CANCELLED, permission="lifecycle.change_movein",
    ),
])

NO_STOP_WORK_OPEN = Guard(
    lambda decoration, user: not decoration.violations.filter(
        action=DecorationViolation.Action.STOP_WORK).exclude(status=V.VERIFIED).exists(),
    _("A stop-work violation is still open: verify its rectification first."), code="stop_work_open",
)
NO_VIOLATION_OPEN = Guard(
    lambda decoration, user: not decoration.violations.exclude(status=V.VERIFIED).exists(),
    _("Violations are still open: the works are accepted once every rectification is verified."),
    code="violations_open",
)

DECORATIONS = Workflow("decoration", [
    Transition(
        "approve", _("Approve and issue the permit"), (D.APPLIED,),
        _("Only an application can be approved; this decoration is %(status)s."),
        target=D.APPROVED, permission="lifecycle.approve_decoration",
    ),
    Transition(
        "reject", _("Reject the application"), (D.APPLIED,),
        _("Only an application can be rejected; this decoration is %(status)s."),
        target=D.REJECTED, permission="lifecycle.approve_decoration",
    ),
    Transition(
        "inspect", _("Record an inspection"), (D.APPROVED, D.STOPPED),
        _("Inspections are recorded while the works go on; this decoration is %(status)s."),
        permission="lifecycle.inspect_decoration",
    ),
    Transition(
        "resume", _("Allow the works to resume"), (D.STOPPED,),
        _("Only stopped works can resume; this decoration is %(status)s."),
        target=D.APPROVED, permission="lifecycle.approve_decoration", guards=(NO_STOP_WORK_OPEN,),
    ),
    Transition(
        "accept", _("Accept the finished works"), (D.APPROVED,), {
            D.STOPPED: (_("The works are stopped: they cannot be accepted."), "stopped"),
            None: _("Only approved works can be accepted; this decoration is %(status)s."),
        },
        target=D.ACCEPTED, permission="lifecycle.inspect_decoration", guards=(NO_VIOLATION_OPEN,),
    ),
    Transition(
        "settle", _("Refund the deposit"), (D.ACCEPTED,),
        _("The deposit is refunded after acceptance; this decoration is %(status)s."),
        target=D.CLOSED, permission="lifecycle.approve_decoration",
    ),
])

NOT_THE_RECTIFIER = Guard(
    lambda violation, user: user is None or violation.rectified_by_id != user.pk,
    _("The rectification must be verified by someone other than the person who recorded it."),
    code="own_rectification", forbidden=True,
)

VIOLATIONS = Workflow("violation", [
    Transition(
        "rectify", _("Record the rectification"), (V.OPEN,),
        _("Only an open violation can be rectified; this one is %(status)s."),
        target=V.RECTIFIED, permission="lifecycle.inspect_decoration",
    ),
    Transition(
        "verify", _("Verify the rectification"), (V.RECTIFIED,),
        _("Only a rectified violation can be verified; this one is %(status)s."),
        target=V.VERIFIED, permission="lifecycle.inspect_decoration", guards=(NOT_THE_RECTIFIER,),
    ),
    Transition(
        "reject", _("Not accepted"), (V.RECTIFIED,),
        _("Only a rectified violation can be sent back; this one is %(status)s."),
        target=V.OPEN, permission="lifecycle.inspect_decoration", guards=(NOT_THE_RECTIFIER,),
    ),
])

HAS_OWNER_MOBILE = Guard(
    lambda release, user: bool(selectors.owner_mobiles(release.house)),
    _("No owner's mobile is on file for this house: confirm in person with the owner's ID."), code="no_owner_mobile",
)
HAS_OWNER = Guard(
    lambda release, user: selectors.owners_on_file(release.house).exists(),
    _("No owner is on file for this house: the release needs the owner's confirmation."), code="no_owner",
)
ARREARS_WITHIN_LIMIT = Guard(
    lambda release, user: bool(release.override_reason) or not selectors.arrears_over_limit(release.house),
    lambda release: _("The house owes ¥%(owed)s, over the estate's limit of ¥%(limit)s: the release is refused "
                      "unless a supervisor overrides it with a reason.") % {
        "owed": selectors.house_arrears(release.house), "limit": selectors.arrears_limit(release.house)},
    code="arrears",
)
OVER_LIMIT = Guard(
    lambda release, user: not release.override_reason and selectors.arrears_over_limit(release.house),
    _("The house's arrears are within the limit (or already overridden): no override is needed."), code="no_override_needed",
)
ON_ITS_DATE = Guard(
    lambda release, user: release.date == timezone.localdate(),
    lambda release: _("This slip is for %(date)s, not today.") % {"date": release.date.strftime("%Y-%m-%d")},
    code="wrong_day",
)

RELEASES = Workflow("release", [
    Transition(
        "send_code", _("Text the owner a confirmation code"), (R.REQUESTED,),
        _("Only a request waiting for the owner can be confirmed; this one is %(status)s."),
        permission="lifecycle.confirm_release", guards=(HAS_OWNER, HAS_OWNER_MOBILE),
    ),
    Transition(
        "confirm", _("Record the owner's confirmation"), (R.REQUESTED,),
        _("Only a request waiting for the owner can be confirmed; this one is %(status)s."),
        target=R.CONFIRMED, permission="lifecycle.confirm_release", guards=(HAS_OWNER,),
    ),
    Transition(
        "override", _("Override the arrears block"), (R.REQUESTED, R.CONFIRMED),
        _("The arrears block can be overridden before the slip is issued; this release is %(status)s."),
        permission="lifecycle.override_release", guards=(OVER_LIMIT,),
    ),
    Transition(
        "release", _("Issue the release slip"), (R.CONFIRMED,), {
            R.REQUESTED: (_("The owner has not confirmed this release: it cannot be released."), "not_confirmed"),
            None: _("Only a confirmed request can be released; this one is %(status)s."),
        },
        target=R.RELEASED, permission="lifecycle.issue_release", guards=(ARREARS_WITHIN_LIMIT,),
    ),
    Transition(
        "pass", _("Mark as passed"), (R.RELEASED,), {
            R.PASSED: (_("This slip has already been used at the gate."), "already_passed"),
            None: _("Only an issued slip lets items pass; this release is %(status)s."),
        },
        target=R.PASSED, permission="lifecycle.pass_release", guards=(ON_ITS_DATE,),
    ),
    Transition(
        "cancel", _("Cancel the release"), (R.REQUESTED, R.CONFIRMED, R.RELEASED),
        _("This release can no longer be cancelled; it is %(status)s."),
        target=R.CANCELLED, permission="lifecycle.change_release",
    ),
])
