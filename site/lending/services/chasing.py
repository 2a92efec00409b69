"""Chasing overdue loans: borrowers reminded daily, supervisors told, managers escalated to."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from estates.models import StaffMembership
from notifications.models import Message
from notifications.services import notify

from lending import selectors
from lending.services.common import _when


def _staff_channel(user, mobile: str) -> tuple[str, str] | None:
    """Email when the staff member has an address, else SMS to the work mobile."""
    if user.email:
        return "email", user.email
    if mobile:
        return "sms", mobile
    return None


def loans_chase_overdue(*, now: datetime.datetime | None = None) -> int:
    """Remind every overdue borrower once a day, tell the estate's supervisors, and escalate to
    the estate manager once a loan is LENDING_ESCALATE_AFTER_DAYS days overdue.

    Level-triggered: every run looks at what is overdue now; each message is recorded under a
    unique key first (notifications.notify), so running twice sends nothing twice and a lost
    run is made up by the next one. Returns the number of messages recorded by this run.
    """
    now = now or timezone.now()
    day = timezone.localdate(now).isoformat()
    escalate_after = datetime.timedelta(days=getattr(settings, "LENDING_ESCALATE_AFTER_DAYS", 3))
    sent = 0
    staff_cache: dict[tuple[int, str], list] = {}

    def staff(estate, which):
        cache_key = (estate.pk, which)
        if cache_key not in staff_cache:
            staff_cache[cache_key] = (selectors.supervisors_of if which == "sup" else selectors.managers_of)(estate)
        return staff_cache[cache_key]

    def send(*, to, channel, template, context, key, estate):
        nonlocal sent
        if Message.objects.filter(key=key).exists():
            return
        notify(to=to, channel=channel, template=template, context=context, key=key, estate=estate)
        sent += 1

    loans = selectors.overdue_loans(now=now).select_related("key__opens_house__building")
    for loan in loans:
        overdue_for = now - loan.due_at
        context = {
            "item": str(loan.item),
            "borrower": loan.borrower_display,
            "estate": loan.estate.name,
            "due": _when(loan.due_at),
            "days": overdue_for.days,
            "loan_id": loan.pk,
        }
        # The borrower.
        if loan.borrower_user_id:
            mobile = (
                StaffMembership.objects.filter(user_id=loan.borrower_user_id, estate_id=loan.estate_id)
                .values_list("mobile", flat=True).first() or ""
            )
            target = _staff_channel(loan.borrower_user, mobile)
        else:
            target = ("sms", loan.borrower_mobile) if loan.borrower_mobile else None
        if target:
            send(
                to=target[1], channel=target[0], template="lending_overdue_borrower", context=context,
                key=f"loan-overdue:{loan.pk}:{day}", estate=loan.estate,
            )
        # The supervisors of the estate.
        for user, mobile in staff(loan.estate, "sup"):
            target = _staff_channel(user, mobile)
            if target:
                send(
                    to=target[1], channel=target[0], template="lending_overdue_staff", context=context,
                    key=f"loan-overdue:{loan.pk}:{day}:staff:{user.pk}", estate=loan.estate,
                )
        # Escalation, once, to the estate manager(s).
        if overdue_for >= escalate_after:
            for user, mobile in staff(loan.estate, "mgr"):
                target = _staff_channel(user, mobile)
                if target:
                    send(
                        to=target[1], channel=target[0], template="lending_escalation", context=context,
                        key=f"loan-escalate:{loan.pk}:{user.pk}", estate=loan.estate,
                    )
    return sent
