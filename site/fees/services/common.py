"""Helpers shared by the fee services: months, permission checks, amounts, history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from estates.scoping import user_can_reach

from fees.models import money

BATCH = 2000
ZERO = Decimal("0.00")


# --- helpers --------------------------------------------------------------------------------
def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _require(user, permission: str, obj=None) -> None:
    """Staff need the permission and, for a record, its estate; Huey (user None) may do all."""
    if user is None:
        return
    if not user.has_perm(permission) or (obj is not None and not user_can_reach(user, obj)):
        raise PermissionDenied(_("You may not do this in this estate."))


def _as_amount(value, *, field_name: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "").replace("¥", "").replace("￥", ""))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field_name: _("Enter an amount in yuan, e.g. 350.00.")}) from None
    if not amount.is_finite():
        raise ValidationError({field_name: _("Enter an amount in yuan, e.g. 350.00.")})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field_name: _("An amount has at most two decimals (fen).")})
    if amount <= 0:
        raise ValidationError({field_name: _("The amount must be more than zero.")})
    return money(amount)


def _set_history_user(obj, user, reason: str = "") -> None:
    obj._history_user = user
    if reason:
        obj._change_reason = reason
