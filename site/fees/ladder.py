"""The chasing ladder as a pure function: given a case's arrears and the steps taken, what next.

DOMAIN.md: monthly notice → reminder to each overdue household → phone call → door visit after
repeated failures → legal route. Over 3 months: watch list; a large account over 3 months gets a
lawyer's letter; over 6 months, any account goes to a lawsuit.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from fees.models import STEP_ORDER, Step

WATCH_AFTER_MONTHS = 3
LAWYER_LETTER_AFTER_MONTHS = 3
LAWSUIT_AFTER_MONTHS = 6
#: A phone call is proposed from this many months overdue (after a reminder went unanswered).
CALL_FROM_MONTHS = 2
#: A door visit is proposed from this many months overdue (repeated failures).
VISIT_FROM_MONTHS = 3


def large_account_share() -> Decimal:
    return Decimal(str(getattr(settings, "FEES_LARGE_ACCOUNT_SHARE", "0.01")))


def is_large_account(area, managed_area) -> bool:
    managed_area = Decimal(managed_area or 0)
    return managed_area > 0 and Decimal(area or 0) > managed_area * large_account_share()


def next_step(*, months: int, large_account: bool, since_opened: set[str], this_period: set[str]) -> str:
    """The step to take next ("" when nothing is due).

    ``since_opened``: steps taken since the house fell into arrears; ``this_period``: steps taken
    this month (a reminder, call or visit is due again each month the arrears last).
    """
    if months <= 0:
        return ""
    if Step.LAWSUIT in since_opened:
        return ""  # the legal route is running; the counsel chases from here
    if months > LAWSUIT_AFTER_MONTHS:
        return Step.LAWSUIT
    if months > LAWYER_LETTER_AFTER_MONTHS and large_account and Step.LAWYER_LETTER not in since_opened:
        return Step.LAWYER_LETTER
    if Step.REMINDER not in this_period:
        return Step.REMINDER
    if months >= CALL_FROM_MONTHS and Step.CALL not in this_period:
        return Step.CALL
    if months >= VISIT_FROM_MONTHS and Step.VISIT not in this_period:
        return Step.VISIT
    return ""


def current_step(since_opened: set[str]) -> str:
    """The highest rung reached since the house fell into arrears."""
    steps = [s for s in since_opened if s != Step.NOTICE]
    return max(steps, key=STEP_ORDER.__getitem__) if steps else ""
