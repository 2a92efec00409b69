"""Reads of the desk procedures: the owner on file, the house's arrears against the estate's
limit, the move-in clocks report and the front desk's day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from archives.models import Person
from django.db.models import F, Sum
from django.utils import timezone
from estates.scoping import scope_queryset
from fees.models import Bill

from lifecycle.models import LifecycleRules, MoveIn, Release


# --- the owner on file ----------------------------------------------------------------------
def owners_on_file(house):
    return Person.objects.filter(household__house=house, role=Person.Role.OWNER)


def owner_mobiles(house) -> list[str]:
    return [m for m in owners_on_file(house).values_list("mobile", flat=True) if m]


# --- arrears --------------------------------------------------------------------------------
def house_arrears(house, *, today: dt.date | None = None) -> Decimal:
    """What the house owes on bills past their due date."""
    today = today or timezone.localdate()
    owed = Bill.objects.filter(house=house, due_date__lt=today, paid__lt=F("amount")).aggregate(
        owed=Sum(F("amount") - F("paid")))["owed"]
    return (owed or Decimal("0")).quantize(Decimal("0.01"))


def arrears_limit(house) -> Decimal:
    return LifecycleRules.for_estate(house.building.estate).release_arrears_limit


def arrears_over_limit(house) -> bool:
    return house_arrears(house) > arrears_limit(house)


# --- the move-in clocks ---------------------------------------------------------------------
@dataclass
class ClockRow:
    estate: object
    month: dt.date
    done: int = 0
    wait_within: int = 0
    handle_within: int = 0
    wait_total: float = 0.0
    handle_total: float = 0.0

    @property
    def wait_share(self) -> float | None:
        return round(100 * self.wait_within / self.done, 1) if self.done else None

    @property
    def handle_share(self) -> float | None:
        return round(100 * self.handle_within / self.done, 1) if self.done else None

    @property
    def wait_average(self) -> float | None:
        return round(self.wait_total / self.done, 1) if self.done else None

    @property
    def handle_average(self) -> float | None:
        return round(self.handle_total / self.done, 1) if self.done else None


def movein_clocks(*, user, year: int, estate=None) -> list[ClockRow]:
    """Per estate and month (local time of the end) of ``year``: completed move-ins, the share
    within each clock's limit (stored on the appointment) and the average minutes."""
    moveins = scope_queryset(MoveIn.objects.filter(status=MoveIn.Status.DONE), user).select_related("estate")
    if estate is not None:
        moveins = moveins.filter(estate=estate)
    rows: dict[tuple, ClockRow] = {}
    for movein in moveins.exclude(arrived_at=None).exclude(started_at=None).exclude(ended_at=None):
        local_end = timezone.localtime(movein.ended_at)
        if local_end.year != year:
            continue
        month = local_end.date().replace(day=1)
        row = rows.setdefault((movein.estate.code, month), ClockRow(estate=movein.estate, month=month))
        wait, handle = movein.wait_minutes, movein.handle_minutes
        row.done += 1
        row.wait_total += wait
        row.handle_total += handle
        row.wait_within += wait <= movein.wait_limit_minutes
        row.handle_within += handle <= movein.handle_limit_minutes
    return [rows[key] for key in sorted(rows)]


# --- the front desk's day -------------------------------------------------------------------
def todays_moveins(user, *, today: dt.date | None = None):
    today = today or timezone.localdate()
    return (scope_queryset(MoveIn.objects.all(), user).filter(date=today)
            .exclude(status=MoveIn.Status.CANCELLED).select_related("house__building").order_by("slot", "pk"))


def releases_waiting(user):
    return (scope_queryset(Release.objects.all(), user)
            .filter(status__in=(Release.Status.REQUESTED, Release.Status.CONFIRMED))
            .select_related("house__building").order_by("date", "pk"))
