"""Views of the service desk, by audience: the admin's (``admin``: board, intake, a ticket's page,
handover, KPIs) and the owners' (``public``: the report form and the status lookup). Every view
is re-exported here, so ``servicedesk.views.X`` keeps working for the URL modules."""

from servicedesk.views.admin import (
    ACTION_FORMS,
    available_actions,
    board_view,
    handover_view,
    intake_view,
    kpi_view,
    ticket_action_view,
    ticket_photo_view,
    ticket_photos_view,
    ticket_view,
)
from servicedesk.views.public import public_report_view, public_status_view, public_thanks_view

__all__ = [
    "ACTION_FORMS",
    "available_actions",
    "board_view",
    "handover_view",
    "intake_view",
    "kpi_view",
    "public_report_view",
    "public_status_view",
    "public_thanks_view",
    "ticket_action_view",
    "ticket_photo_view",
    "ticket_photos_view",
    "ticket_view",
]
