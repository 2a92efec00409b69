"""Handing tickets over at shift change."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from estates.models import Estate

from servicedesk.models import (
    ShiftHandover,
    Ticket,
    TicketEvent,
)
from servicedesk.services.common import Status, _event, _require, desk_handlers


@transaction.atomic
def tickets_hand_over(
    *, estate: Estate, from_user, to_user, tickets: Iterable[Ticket] | None = None, note: str = "", by
) -> ShiftHandover:
    """Shift change: the open tickets of ``from_user`` (or the chosen ones) pass to ``to_user``."""
    _require(by, "dispatch_ticket", estate=estate)
    if from_user == to_user:
        raise ValidationError(_("Hand over to somebody else."), code="same_user")
    if not desk_handlers(estate).filter(pk=to_user.pk).exists():
        raise ValidationError(_("The next handler must be desk staff of this estate."), code="outside_estate")
    own = Ticket.objects.select_for_update().filter(estate=estate, handler=from_user).exclude(status=Status.CLOSED)
    if tickets is not None:
        ids = [t.pk for t in tickets]
        chosen = list(own.filter(pk__in=ids))
        if len(chosen) != len(set(ids)):
            raise ValidationError(
                _("Only unclosed tickets of the outgoing handler in this estate can be handed over."),
                code="not_theirs",
            )
    else:
        chosen = list(own)
    if not chosen:
        raise ValidationError(_("There are no open tickets to hand over."), code="nothing")
    now = timezone.now()
    handover = ShiftHandover.objects.create(
        estate=estate, from_user=from_user, to_user=to_user, note=(note or "").strip(), by=by, at=now
    )
    handover.tickets.set(chosen)
    to_name = to_user.get_full_name() or to_user.get_username()
    for ticket in chosen:
        ticket.handler = to_user
        ticket.save(update_fields=["handler"])
        _event(ticket, TicketEvent.Action.HANDOVER, by, now, to_name)
    return handover
