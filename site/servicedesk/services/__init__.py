"""Every write of the service desk: intake, the steps of a ticket, handovers and escalation.

The state machine (see docs/servicedesk.md):

    repair     new → dispatched → in progress → done → return visit → closed
    complaint  new (→ dispatched) → in progress → done → return visit → closed
    suggestion / enquiry   new (→ in progress) → done (answered) → closed

A ticket with a return visit (or a closed one) can be reopened: back to "in progress" with a new
completion clock, counted in ``reopen_count``. Rule violations raise ``ValidationError`` with a
translated message and change nothing; a user without the right raises ``PermissionDenied``.
"""

from __future__ import annotations

from servicedesk.selectors import can_see_all_tickets  # a read; re-exported for old callers
from servicedesk.services.common import (
    COMPLETION_CLOCK,
    DESK_ROLES,
    RETURN_VISIT_HOURS,
    ClockKind,
    Kind,
    Status,
    User,
    clock_hours_for,
    desk_handlers,
    maintenance_staff,
    staff_with_role,
)
from servicedesk.services.escalation import (
    clock_escalate,
    escalate_due_clocks,
    escalation_recipients,
    notify_supervisors_of_serious_complaint,
)
from servicedesk.services.handover import (
    tickets_hand_over,
)
from servicedesk.services.owner_notices import (
    new_expected_time,
    notify_owners_of_late_repairs,
    owner_step_notice,
    send_step_notice,
)
from servicedesk.services.routing import (
    proposed_assignment,
    repair_categories_seed,
    ticket_owner_confirm,
)
from servicedesk.services.tickets import (
    ticket_close,
    ticket_dispatch,
    ticket_done,
    ticket_feedback,
    ticket_intake,
    ticket_reopen,
    ticket_return_visit,
    ticket_set_handler,
    ticket_start,
    ticket_takeover,
)

__all__ = [
    "User",
    "Kind",
    "Status",
    "ClockKind",
    "COMPLETION_CLOCK",
    "RETURN_VISIT_HOURS",
    "clock_hours_for",
    "can_see_all_tickets",
    "staff_with_role",
    "maintenance_staff",
    "DESK_ROLES",
    "desk_handlers",
    "ticket_intake",
    "ticket_dispatch",
    "ticket_takeover",
    "ticket_feedback",
    "ticket_start",
    "ticket_done",
    "ticket_return_visit",
    "ticket_close",
    "ticket_reopen",
    "ticket_set_handler",
    "tickets_hand_over",
    "notify_supervisors_of_serious_complaint",
    "escalation_recipients",
    "clock_escalate",
    "escalate_due_clocks",
    "notify_owners_of_late_repairs",
    "new_expected_time",
    "owner_step_notice",
    "send_step_notice",
    "proposed_assignment",
    "repair_categories_seed",
    "ticket_owner_confirm",
]
