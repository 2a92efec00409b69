"""The steward's workbench: what is due for the households a steward owns.

Reads only. It gathers records of later apps (fees, servicedesk) by their model labels, so the
archives app, which comes first in PROJECT_APPS, does not import them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.apps import apps
from django.utils import timezone

from archives.models import Household, Person, Vehicle

#: How far ahead the workbench looks for expiring parking permits and leases.
EXPIRY_DAYS = 30


@dataclass
class Workbench:
    households: int
    arrears: list
    return_visits: list
    open_tickets: list
    permits: list
    leases: list


def steward_workbench(user, *, today: date | None = None, limit: int = 50) -> Workbench:
    today = today or timezone.localdate()
    soon = today + timedelta(days=EXPIRY_DAYS)
    houses = Household.objects.filter(steward=user).values("house_id")
    ArrearsCase = apps.get_model("fees", "ArrearsCase")
    Ticket = apps.get_model("servicedesk", "Ticket")
    return Workbench(
        households=Household.objects.filter(steward=user).count(),
        arrears=list(
            ArrearsCase.objects.filter(house__in=houses, amount__gt=0).exclude(next_step="")
            .select_related("house__building").order_by("-months", "-amount")[:limit]
        ),
        return_visits=list(
            Ticket.objects.filter(house__in=houses, status=Ticket.Status.DONE)
            .select_related("house__building").order_by("done_at")[:limit]
        ),
        open_tickets=list(
            Ticket.objects.filter(house__in=houses, status__in=Ticket.OPEN_STATUSES)
            .select_related("house__building").order_by("received_at")[:limit]
        ),
        permits=list(
            Vehicle.objects.filter(household__steward=user, active=True, permit_valid_to__isnull=False,
                                   permit_valid_to__lte=soon)
            .select_related("household__house__building").order_by("permit_valid_to")[:limit]
        ),
        leases=list(
            Person.objects.filter(household__steward=user, role=Person.Role.TENANT, lease_end__isnull=False,
                                  lease_end__gte=today - timedelta(days=EXPIRY_DAYS), lease_end__lte=soon)
            .select_related("household__house__building").order_by("lease_end")[:limit]
        ),
    )
