"""When a plan is due: pure functions of a plan and a date (no database), easy to test."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings


def local_zone() -> ZoneInfo:
    # Estates have no time zone of their own yet: they all run in the project's local time.
    return ZoneInfo(settings.TIME_ZONE)


def weekday_set(digits: str) -> set[int]:
    """"135" → {1, 3, 5} (ISO weekdays, 1 = Monday)."""
    return {int(ch) for ch in digits or "" if ch in "1234567"}


def is_due(plan, day: date) -> bool:
    if day < plan.starts_on:
        return False
    frequency = plan.frequency
    if frequency == "daily":
        return True
    if frequency in ("weekly", "weekdays"):
        return day.isoweekday() in weekday_set(plan.weekdays)
    if frequency == "monthly":
        last = calendar.monthrange(day.year, day.month)[1]
        return day.day == min(plan.day_of_month or 1, last)
    return False


def due_days(plan, *, first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if is_due(plan, day):
            days.append(day)
        day += timedelta(days=1)
    return days


def window_of(plan, day: date) -> tuple[datetime, datetime]:
    """The plan's window on ``day`` in local time; a window closing before it opens ends the
    next morning (a night round 22:00 → 06:00)."""
    zone = local_zone()
    start = datetime.combine(day, plan.window_start, tzinfo=zone)
    end = datetime.combine(day, plan.window_end, tzinfo=zone)
    if end <= start:
        end += timedelta(days=1)
    return start, end
