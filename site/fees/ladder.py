"""The chasing ladder as a pure function: given a case's arrears and the steps taken, what next.

DOMAIN.md: monthly notice → reminder to each overdue household → phone call → door visit after
repeated failures → legal route. Over 3 months: watch list; a large account over 3 months gets a
lawyer's letter; from 6 months, any account goes to a lawsuit.

The boundaries follow the words of the company's rules (seed 004). In Chinese legal usage
(Civil Code art. 1259) 以上 and 以下 include the number, 超过 and 不满 exclude it: "欠费达六个月以上"
is six months or more, "欠费超过3个月" is four months or more.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from fees.models import STEP_ORDER, Step

#: "欠费超过3个月的，应密切关注其物业的买卖和变更": more than 3 months, so from the fourth.
WATCH_AFTER_MONTHS = 3
#: A large account "超过3个月" overdue gets a lawyer's letter: more than 3 months, so from the fourth.
LAWYER_LETTER_AFTER_MONTHS = 3
#: "欠费达六个月以上的，应当书面委托法律顾问，向法院提出费用催缴诉讼": 以上 includes six.
LAWSUIT_FROM_MONTHS = 6
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
    if months >= LAWSUIT_FROM_MONTHS:
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
