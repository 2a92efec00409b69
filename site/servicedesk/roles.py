"""What each role may do at the service desk (merged into the matrix by estates.roles).

- front desk: intake (phone and walk-in), dispatch of what they take in, the board;
- clerk: intake, dispatch, feedback, handover, start/finish on the desk's behalf, return visits;
- steward: return visits of their households;
- maintenance: sees and progresses only the tickets dispatched to them;
- supervisor: everything, including taking over major and urgent complaints and the clock settings;
- estate manager: everything, and the KPIs.
"""

from estates.roles import CLERK, ESTATE_MANAGER, FRONT_DESK, MAINTENANCE, STEWARD, SUPERVISOR

_DESK = [
    "servicedesk.view_ticket", "servicedesk.view_ticketclock", "servicedesk.view_ticketevent",
    "servicedesk.view_returnvisit", "servicedesk.view_shifthandover", "servicedesk.view_serviceclocksettings",
    "servicedesk.view_repaircategory", "servicedesk.view_ticketphoto",
]
_CLERK = [
    *_DESK, "servicedesk.add_ticket", "servicedesk.dispatch_ticket", "servicedesk.progress_ticket",
    "servicedesk.visit_ticket",
]
_ALL = [*_CLERK, "servicedesk.takeover_ticket", "servicedesk.change_serviceclocksettings",
        "servicedesk.add_serviceclocksettings",
        # The routing table (repair category → maintenance person or contractor).
        "servicedesk.add_repaircategory", "servicedesk.change_repaircategory", "servicedesk.delete_repaircategory"]

ROLE_PERMISSIONS = {
    # The front desk takes the call and sends the work order out at once (DOMAIN.md: "a work
    # order is created at once → dispatched"), so it dispatches too.
    FRONT_DESK: [*_DESK, "servicedesk.add_ticket", "servicedesk.dispatch_ticket"],
    CLERK: _CLERK,
    STEWARD: [*_DESK, "servicedesk.visit_ticket"],
    MAINTENANCE: ["servicedesk.view_ticket", "servicedesk.progress_ticket"],
    SUPERVISOR: _ALL,
    ESTATE_MANAGER: [*_ALL, "servicedesk.view_servicedesk_kpi"],
}
