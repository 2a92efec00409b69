"""Repairs routed by type, and the owner's own word on a finished repair.

- ``repair_categories_seed``: an estate's default categories (idempotent).
- ``proposed_assignment``: who the dispatch form proposes for a ticket (its category's route).
- ``ticket_owner_confirm``: the owner confirms or rejects the result and rates it, from the owner
  portal or API. It is the return visit the desk would otherwise record by phone, made by the
  owner (``by`` None): confirmed → the ticket closes; rejected → it is reopened with the owner's
  reason and a new completion clock. The same services as the desk's buttons, in one transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from servicedesk.models import RepairCategory, Ticket
from servicedesk.models_routing import DEFAULT_CATEGORIES
from servicedesk.services.common import _locked
from servicedesk.services.tickets import ticket_close, ticket_reopen, ticket_return_visit
from servicedesk.workflow import TICKETS


def repair_categories_seed(*, estate) -> int:
    """Give ``estate`` the default categories it lacks (run twice: nothing more)."""
    created = 0
    for order, name in enumerate(DEFAULT_CATEGORIES):
        _row, new = RepairCategory.objects.get_or_create(estate=estate, name=name, defaults={"order": order * 10})
        created += int(new)
    return created


def proposed_assignment(ticket: Ticket) -> dict:
    """The dispatch form's initial values: the route of the ticket's category (if any)."""
    category = ticket.category
    if category is None or not category.active:
        return {}
    return {"assignee": category.assignee_id, "contractor": category.contractor if not category.assignee_id else ""}


@transaction.atomic
def ticket_owner_confirm(*, ticket: Ticket, confirmed: bool, satisfaction, comment: str = "") -> Ticket:
    """The owner's verdict on a done repair or complaint (see the module's docstring)."""
    ticket = _locked(ticket)
    TICKETS.check("return_visit", ticket, None)  # done, and a kind with a return visit
    comment = (comment or "").strip()
    if not confirmed and not comment:
        raise ValidationError({"comment": [_("Tell us what is still wrong.")]})
    ticket_return_visit(ticket=ticket, satisfaction=satisfaction, comment=comment, owner_confirmed=confirmed, by=None)
    if confirmed:
        return ticket_close(ticket=ticket, by=None)
    return ticket_reopen(ticket=ticket, reason=_("The owner does not confirm: %(why)s") % {"why": comment}, by=None)
