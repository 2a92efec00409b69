"""What the owner is told about their ticket: each step (taken, dispatched, done, closed) and,
when a repair runs past a promised time, that it is late and when it is now expected.

DOMAIN.md: "followed; if late, the owner is told". Messages go through
``notifications.services.notify`` under one key per event (a step) or per clock (a late notice),
so a step told twice or a sweep run twice sends nothing more. The channels are
``settings.SERVICEDESK_OWNER_CHANNELS`` (default SMS and email); each is looked up in the
notifications channel registry, and a channel whose address the ticket lacks is skipped (email
needs ``Ticket.contact_email``, which the owner portal fills). A WeChat template channel is added
by registering it in ``NOTIFICATION_CHANNELS`` and naming it here, once tickets carry its address.

Step notices are sent after the step's transaction commits (``on_commit``): a step rolled back
tells nobody.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from notifications.channels import get_channel
from notifications.services import notify

from servicedesk.models import Ticket, TicketClock, TicketEvent, TicketPhoto

#: The steps the owner is told about, and the template line that names them.
TOLD_STEPS = (TicketEvent.Action.INTAKE, TicketEvent.Action.DISPATCH, TicketEvent.Action.DONE,
              TicketEvent.Action.CLOSE)
#: The clocks of a repair whose lateness the owner hears about.
LATE_CLOCKS = (TicketClock.Kind.RESPOND, TicketClock.Kind.FINISH)


def owner_channels() -> list[str]:
    return list(getattr(settings, "SERVICEDESK_OWNER_CHANNELS", ["sms", "email"]))


def late_extension_hours() -> int:
    """How far the new expected time of a late repair lies past its missed promise."""
    return int(getattr(settings, "SERVICEDESK_LATE_EXTENSION_HOURS", 24))


def _addresses(ticket: Ticket) -> dict[str, str]:
    return {"mobile": ticket.contact_mobile, "email": ticket.contact_email}


def _tell(ticket: Ticket, *, template: str, context: dict, key: str) -> int:
    # Tickets a patrol raised have staff, not an owner, as their contact.
    if ticket.channel == Ticket.Channel.PATROL:
        return 0
    sent = 0
    addresses = _addresses(ticket)
    for name in owner_channels():
        to = addresses.get(get_channel(name).address_kind)
        if not to:
            continue
        notify(to=to, template=template, channel=name, key=f"{key}:{name}", estate=ticket.estate,
               context={"ticket": ticket, **context})
        sent += 1
    return sent


def send_step_notice(event_id: int) -> int:
    event = TicketEvent.objects.select_related("ticket__estate").filter(pk=event_id).first()
    if event is None or event.action not in TOLD_STEPS:
        return 0
    return _tell(event.ticket, template="servicedesk_owner_step", key=f"sd-owner:{event.pk}",
                 context={"step": event.action, "step_label": event.get_action_display(),
                          "at": timezone.localtime(event.at)})


def owner_step_notice(event: TicketEvent) -> None:
    """Tell the owner about this step once the step's transaction has committed."""
    if event.action in TOLD_STEPS:
        transaction.on_commit(lambda: send_step_notice(event.pk), robust=True)


def new_expected_time(clock: TicketClock, now: datetime) -> datetime:
    """The time the owner is now promised: the extension counted from the missed promise (or
    from now, when the notice goes out late), rounded up to the hour."""
    start = max(clock.due_at, now)
    moment = start + timedelta(hours=late_extension_hours())
    local = timezone.localtime(moment)
    if local.minute or local.second or local.microsecond:
        local = local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return local


def late_repair_clocks(now: datetime):
    """Running respond/finish clocks of open repairs whose promise has passed (last 30 days)."""
    return (
        TicketClock.objects.filter(
            kind__in=LATE_CLOCKS, met_at__isnull=True, cancelled=False, due_at__lte=now,
            due_at__gte=now - timedelta(days=30), ticket__kind=Ticket.Kind.REPAIR,
            ticket__status__in=Ticket.OPEN_STATUSES,
        )
        .exclude(ticket__channel=Ticket.Channel.PATROL)
        .select_related("ticket__estate")
        .order_by("due_at", "pk")
    )


def notify_owners_of_late_repairs(*, now: datetime | None = None) -> int:
    """The sweep's part: one notice per ticket and clock (notify's key), whatever the runs."""
    now = now or timezone.now()
    count = 0
    for clock in late_repair_clocks(now):
        count += _tell(clock.ticket, template="servicedesk_owner_late", key=f"sd-owner-late:{clock.pk}", context={
            "clock": clock.get_kind_display(), "kind": clock.kind,
            "due_at": timezone.localtime(clock.due_at), "expected_at": new_expected_time(clock, now),
        })
    return count


def store_photos(ticket: Ticket, photos, content_types: list[str], now: datetime) -> list[TicketPhoto]:
    """Keep the checked photos of a ticket in private storage, under names that say nothing."""
    stored = []
    for uploaded, content_type in zip(photos or [], content_types, strict=False):
        photo = TicketPhoto(ticket=ticket, content_type=content_type, uploaded_at=now)
        extension = ".png" if content_type == "image/png" else ".jpg"
        photo.file.save(f"{now:%Y%m}{extension}", uploaded, save=False)
        photo.save()
        stored.append(photo)
    return stored


__all__ = ["owner_step_notice", "send_step_notice", "notify_owners_of_late_repairs", "new_expected_time",
           "store_photos", "late_repair_clocks"]
