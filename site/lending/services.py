"""Every write of the borrowing register. Views, tasks and demo data call these; nothing else
changes a loan, a key's status or a document's ``is_out``.

Rules:
- a loan is requested by someone allowed to request that kind of item, for a borrower who is
  either a staff member of the estate or an outside person with a name and a valid mobile;
- a supervisor (``lending.approve_loan``) approves or rejects it, never the person who asked;
- whoever hands items out (``lending.handle_*_loan``) hands it out, takes it back or reports it
  lost; the key's status and the document's ``is_out`` follow in the same transaction;
- one holder at a time: the hand-out locks the item row (``select_for_update``; SQLite takes the
  write lock at BEGIN because the project runs IMMEDIATE transactions), re-reads it, and the
  partial unique constraint of ``Loan`` is the last word: a lost race becomes a ValidationError
  naming the holder, never a 500.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from estates.models import StaffMembership
from estates.personal_data import normalize_mobile, validate_mobile
from estates.scoping import user_can_reach
from estates.workflow import ActionRefused

from lending import selectors
from lending.models import IdType, Loan
from lending.workflow import LOANS, lapse_after


def _is_key(item) -> bool:
    from archives.models import Key

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
    from archives.models import Key

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
    from archives.models import Document, Key

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
        from archives.validators import normalize_id_number, validate_resident_id

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
    from archives.models import Key

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
    from archives.models import Key

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
    from archives.models import Key

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


def item_return(*, item, by, condition: str = "", notes: str = "", now: datetime.datetime | None = None) -> Loan:
    """Take back whatever loan has ``item`` out; a clear message when it is not out."""
    _require_reach(by, item)
    loan = selectors.current_loan(item)
    if loan is None:
        raise ValidationError(_("This item is not out, so it cannot be returned."), code="not_out")
    return loan_return(loan=loan, by=by, condition=condition, notes=notes, now=now)


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
    from django.conf import settings
    from notifications.models import Message
    from notifications.services import notify

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
