"""A loan from request to return: request, approve, reject, withdraw, hand out, return, lost, lapse."""

from __future__ import annotations

import datetime

from archives.models import Key
from archives.validators import normalize_id_number, validate_resident_id
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from estates.models import StaffMembership
from estates.personal_data import normalize_mobile, validate_mobile
from estates.workflow import ActionRefused

from lending import selectors
from lending.models import IdType, Loan
from lending.services.common import (
    _check_due,
    _check_lendable,
    _holder_message,
    _is_key,
    _lock_item,
    _lock_loan,
    _require,
    _require_reach,
    _save_loan,
    _set_item_state,
)
from lending.workflow import LOANS, lapse_after


@transaction.atomic
def loan_request(
    *,
    item,
    by,
    purpose: str,
    borrower_user=None,
    borrower_name: str = "",
    borrower_mobile: str = "",
    borrower_organisation: str = "",
    borrower_id_type: str = "",
    borrower_id_number: str = "",
    due_at: datetime.datetime | None = None,
    notes: str = "",
    now: datetime.datetime | None = None,
) -> Loan:
    """Record a request to borrow ``item`` (a Key or a Document); a supervisor approves it next."""
    now = now or timezone.now()
    is_key = _is_key(item)
    _require(by, "lending.request_key_loan" if is_key else "lending.request_document_loan")
    _require_reach(by, item)
    _check_lendable(item)

    errors: dict[str, list[str]] = {}
    purpose = (purpose or "").strip()
    if not purpose:
        errors.setdefault("purpose", []).append(_("Say what the item is borrowed for."))
    borrower_name = (borrower_name or "").strip()
    borrower_organisation = (borrower_organisation or "").strip()
    borrower_id_number = (borrower_id_number or "").strip().upper()
    if borrower_id_type and borrower_id_type not in IdType.values:
        errors.setdefault("borrower_id_type", []).append(_("Choose an ID document type from the list."))
    elif borrower_id_number and borrower_id_type in ("", IdType.RESIDENT_ID):
        borrower_id_number = normalize_id_number(borrower_id_number)
        try:
            validate_resident_id(borrower_id_number)
        except ValidationError as exc:
            errors.setdefault("borrower_id_number", []).extend(exc.messages)
    if borrower_user is not None:
        if not StaffMembership.objects.filter(user=borrower_user, estate_id=item.estate_id).exists():
            errors.setdefault("borrower_user", []).append(_("This staff member does not work in the item's estate."))
        borrower_mobile = ""
    else:
        if not borrower_name:
            errors.setdefault("borrower_name", []).append(
                _("Enter the borrower's name, or choose a staff member as the borrower.")
            )
        borrower_mobile = normalize_mobile(borrower_mobile)
        if not borrower_mobile:
            errors.setdefault("borrower_mobile", []).append(_("Enter the outside borrower's mobile number."))
        else:
            try:
                validate_mobile(borrower_mobile)
            except ValidationError as exc:
                errors.setdefault("borrower_mobile", []).extend(exc.messages)
    if due_at is not None and due_at <= now:
        errors.setdefault("due_at", []).append(_("The due time must be in the future."))
    if errors:
        raise ValidationError(errors)

    loan = Loan(
        estate_id=item.estate_id,
        key=item if is_key else None,
        document=None if is_key else item,
        status=Loan.Status.REQUESTED,
        borrower_user=borrower_user,
        borrower_name=borrower_name,
        borrower_mobile=borrower_mobile,
        borrower_organisation=borrower_organisation,
        borrower_id_type=borrower_id_type or (IdType.RESIDENT_ID if borrower_id_number else ""),
        borrower_id_number=borrower_id_number,
        purpose=purpose,
        notes=(notes or "").strip(),
        requested_by=by,
        requested_at=now,
        due_at=due_at,
    )
    _save_loan(loan, by=by)
    return loan


@transaction.atomic
def loan_approve(*, loan: Loan, by, due_at: datetime.datetime | None = None, now: datetime.datetime | None = None) -> Loan:
    """A supervisor approves a request; never the person who asked for it."""
    now = now or timezone.now()
    loan = _lock_loan(loan)
    LOANS.check("approve", loan, by)
    _check_lendable(loan.item)
    _check_due(due_at, now=now)
    loan.status = Loan.Status.APPROVED
    loan.approved_by = by
    loan.approved_at = now
    if due_at is not None:
        loan.due_at = due_at
    _save_loan(loan, by=by)
    return loan


@transaction.atomic
def loan_reject(*, loan: Loan, by, reason: str, now: datetime.datetime | None = None) -> Loan:
    """A supervisor turns a request (or an approval not yet handed out) down, with a reason."""
    now = now or timezone.now()
    loan = _lock_loan(loan)
    LOANS.check("reject", loan, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the rejection.")}, code="reason_required")
    loan.status = Loan.Status.REJECTED
    loan.rejected_by = by
    loan.rejected_at = now
    loan.rejection_reason = reason
    _save_loan(loan, by=by)
    return loan


@transaction.atomic
def loan_hand_out(*, loan: Loan, by, due_at: datetime.datetime | None = None, now: datetime.datetime | None = None) -> Loan:
    """Hand an approved loan's item to the borrower: one holder at a time."""
    now = now or timezone.now()
    # Lock the item first: a second hand-out of the same item waits here until the first
    # commits, then sees the item out and is told who holds it.
    item = _lock_item(loan)
    loan = _lock_loan(loan)
    LOANS.check("hand_out", loan, by)
    _check_lendable(item)
    if (_is_key(item) and item.status == Key.Status.LENT_OUT) or (not _is_key(item) and item.is_out):
        raise ValidationError(_holder_message(item), code="already_out")
    _check_due(due_at, now=now)
    due = due_at or loan.due_at
    if due is None or due <= now:
        # No due time yet, or the one set at request or approval passed while waiting.
        due = selectors.default_due_at(item_type=loan.item_type, estate=loan.estate, now=now)
    loan.status = Loan.Status.OUT
    loan.handed_out_by = by
    loan.handed_out_at = now
    loan.due_at = due
    try:
        with transaction.atomic():
            _save_loan(loan, by=by)
    except IntegrityError as exc:
        raise ValidationError(_holder_message(item), code="already_out") from exc
    _set_item_state(item, out=True, key_status=Key.Status.LENT_OUT, by=by)
    return loan


@transaction.atomic
def loan_approve_and_hand_out(
    *, loan: Loan, by, due_at: datetime.datetime | None = None, now: datetime.datetime | None = None
) -> Loan:
    """A supervisor approves and hands out in one step; both are recorded."""
    now = now or timezone.now()
    LOANS.check("approve_hand_out", _lock_loan(loan), by)
    _check_due(due_at, now=now)
    loan = loan_approve(loan=loan, by=by, now=now)
    return loan_hand_out(loan=loan, by=by, due_at=due_at, now=now)


@transaction.atomic
def loan_return(
    *, loan: Loan, by, condition: str = "", notes: str = "", now: datetime.datetime | None = None
) -> Loan:
    """Take the item back; the key goes back to the cabinet, the document is no longer out."""
    now = now or timezone.now()
    item = _lock_item(loan)
    loan = _lock_loan(loan)
    LOANS.check("return", loan, by)
    loan.status = Loan.Status.RETURNED
    loan.returned_at = now
    loan.received_by = by
    loan.return_condition = (condition or "").strip()
    if notes and notes.strip():
        loan.notes = f"{loan.notes}\n{notes.strip()}".strip()
    _save_loan(loan, by=by)
    _set_item_state(item, out=False, key_status=Key.Status.IN_CABINET, by=by)
    return loan


@transaction.atomic
def loan_report_lost(*, loan: Loan, by, notes: str = "", now: datetime.datetime | None = None) -> Loan:
    """The borrower lost the item: the loan ends as lost and the key's status becomes lost."""
    now = now or timezone.now()
    item = _lock_item(loan)
    loan = _lock_loan(loan)
    LOANS.check("lost", loan, by)
    loan.status = Loan.Status.LOST
    loan.lost_reported_by = by
    loan.lost_reported_at = now
    if notes and notes.strip():
        loan.notes = f"{loan.notes}\n{notes.strip()}".strip()
    _save_loan(loan, by=by)
    # A lost document is no longer "out" (it is nowhere); selectors.document_is_lost keeps it
    # from being lent again.
    _set_item_state(item, out=False, key_status=Key.Status.LOST, by=by)
    return loan


@transaction.atomic
def loan_withdraw(*, loan: Loan, by, now: datetime.datetime | None = None) -> Loan:
    """The person who asked takes the request back (before the item is handed out)."""
    now = now or timezone.now()
    loan = _lock_loan(loan)
    LOANS.check("withdraw", loan, by)
    loan.status = Loan.Status.WITHDRAWN
    loan.withdrawn_at = now
    _save_loan(loan, by=by)
    return loan


def loans_lapse_approvals() -> int:
    """Level-triggered sweep: every approval older than LENDING_APPROVAL_LAPSE_HOURS and not
    handed out lapses. Each loan in its own transaction, re-checked under its row lock, so a
    hand-out at the same moment wins and a lost run is made up by the next. Returns the count."""
    cutoff = timezone.now() - lapse_after()
    lapsed = 0
    for pk in Loan.objects.filter(status=Loan.Status.APPROVED, approved_at__lte=cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            loan = Loan.objects.select_for_update().get(pk=pk)
            try:
                LOANS.check("lapse", loan, None)
            except ActionRefused:
                continue  # handed out, rejected or withdrawn meanwhile
            loan.status = Loan.Status.LAPSED
            loan.lapsed_at = timezone.now()
            _save_loan(loan, by=None)
            lapsed += 1
    return lapsed
