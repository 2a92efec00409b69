"""What the loan services share: permission checks, locks, the item's state, messages."""

from __future__ import annotations

import datetime

from archives.models import Document, Key
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from estates.scoping import user_can_reach

from lending import selectors
from lending.models import Loan


def _is_key(item) -> bool:
    return isinstance(item, Key)


def _item_type(item) -> str:
    return "key" if _is_key(item) else "document"


def _require(by, permission: str) -> None:
    if not by.has_perm(permission):
        raise PermissionDenied(_("You are not allowed to do this."))


def _require_reach(by, obj) -> None:
    if not user_can_reach(by, obj):
        raise PermissionDenied(_("This record belongs to an estate you do not work in."))


def _when(value: datetime.datetime | None) -> str:
    return date_format(timezone.localtime(value), "Y-m-d H:i") if value else "—"


def _holder_message(item) -> str:
    loan = selectors.current_loan(item)
    if loan is None:
        if _is_key(item):
            return _("This key is marked as lent out but has no loan in the register; check it in the cabinet.")
        return _("This paper document is marked as out but has no loan in the register; check it in the cabinet.")
    params = {"holder": loan.borrower_display, "since": _when(loan.handed_out_at), "due": _when(loan.due_at)}
    if _is_key(item):
        return _("This key is already out with %(holder)s since %(since)s (due back %(due)s).") % params
    return _("This paper document is already out with %(holder)s since %(since)s (due back %(due)s).") % params


def _check_lendable(item) -> None:
    """A lost or retired key, or a document whose paper copy was lost, cannot be lent."""
    if _is_key(item):
        if item.status == Key.Status.LOST:
            raise ValidationError(_("This key is reported lost and cannot be lent."), code="key_lost")
        if item.status == Key.Status.RETIRED:
            raise ValidationError(_("This key is retired and cannot be lent."), code="key_retired")
    elif selectors.document_is_lost(item):
        raise ValidationError(
            _("The paper copy of this document was reported lost and cannot be lent."), code="document_lost"
        )


def _check_due(due_at: datetime.datetime | None, *, now: datetime.datetime) -> None:
    if due_at is not None and due_at <= now:
        raise ValidationError({"due_at": _("The due time must be in the future.")}, code="due_in_past")


def _lock_item(loan: Loan):
    """Lock the item row for the rest of the transaction and return it freshly read."""
    if loan.key_id:
        return Key.objects.select_for_update().get(pk=loan.key_id)
    return Document.objects.select_for_update().get(pk=loan.document_id)


def _lock_loan(loan: Loan) -> Loan:
    return Loan.objects.select_for_update().get(pk=loan.pk)


def _save_loan(loan: Loan, *, by) -> None:
    loan._history_user = by
    loan.save()


def _set_item_state(item, *, out: bool | None = None, key_status: str | None = None, by) -> None:
    """Keep the archive record in step with the register, with a history entry by ``by``."""
    item._history_user = by
    if _is_key(item):
        if item.status != key_status:
            item.status = key_status
            item.save(update_fields=["status"])
    elif item.is_out != out:
        item.is_out = out
        item.save(update_fields=["is_out"])
