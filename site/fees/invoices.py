"""Invoice requests (开具发票): the buyer's title and tax number for a payment, then the number and
date the desk copies from the tax system. Issuing through a tax service is a configured backend
for later; the record and its workflow are here.

The state machine is declared once, in ``WORKFLOW`` (an ``estates.workflow`` table): the services refuse what it does not
allow and the views offer only what it allows.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from estates.scoping import user_can_reach
from estates.workflow import Transition, Workflow

from fees.models import Payment
from fees.models.invoices import InvoiceRequest

State = InvoiceRequest.State

# --- the unified social credit code (统一社会信用代码, GB 32100-2015) -------------------------
#: The 31 characters a code may use (no I, O, S, V, Z), in the order of their values.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    """Normalise (upper case, no spaces) and check a unified social credit code; return it."""
    code = re.sub(r"\s+", "", value or "").upper()
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)s.") % {"n": len(code)},
            code="uscc_length",
        )
    if any(c not in USCC_CHARS for c in code):
        raise ValidationError(
            _("A unified social credit code uses digits and capital letters other than I, O, S, V and Z."),
            code="uscc_chars",
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("This unified social credit code is mistyped: its check character does not match."), code="uscc_check",
        )
    return code


# --- the state machine (estates.workflow: one table, read by the services and the pages) ---------
_STATE_REFUSAL = gettext_lazy("This invoice is %(status)s: it cannot be changed that way.")
WORKFLOW = Workflow(
    name="invoice",
    state_field="state",
    transitions=[
        Transition(
            action="issue", label=gettext_lazy("Record the issued invoice"), sources={State.REQUESTED},
            refusal=_STATE_REFUSAL, target=State.ISSUED, permission="fees.issue_invoice",
        ),
        # A wrong or refused request is cancelled; an issued invoice voided in the tax system too.
        Transition(
            action="cancel", label=gettext_lazy("Cancel the request"), sources={State.REQUESTED, State.ISSUED},
            refusal=_STATE_REFUSAL, target=State.CANCELLED, permission="fees.issue_invoice",
        ),
    ],
)
REQUEST_PERMISSION = "fees.add_invoicerequest"
INVOICE_NUMBER = re.compile(r"^\d{8,20}$")


def actions_for(invoice: InvoiceRequest, user) -> list[tuple[str, Transition]]:
    """The buttons: (action, its row) for what the user may do to the invoice now."""
    return [(action, WORKFLOW.row(action, invoice)) for action in WORKFLOW.allowed(invoice, user)]


def _require(user, permission: str, obj) -> None:
    if not user.has_perm(permission) or not user_can_reach(user, obj):
        raise PermissionDenied(_("You may not do this in this estate."))


def invoice_request(
    *, payment: Payment, buyer_type: str, title: str, tax_number: str = "", note: str = "", by,
) -> InvoiceRequest:
    """Ask for an invoice for a payment (the desk for an owner at the counter, or the owner later)."""
    _require(by, REQUEST_PERMISSION, payment)
    errors: dict[str, list] = {}
    if payment.is_reversed:
        errors.setdefault("__all__", []).append(_("This payment was reversed: no invoice can be requested for it."))
    if buyer_type not in InvoiceRequest.BuyerType.values:
        errors.setdefault("buyer_type", []).append(_("Choose a person or a company."))
    title = (title or "").strip()
    if not title:
        errors.setdefault("title", []).append(_("Give the invoice title (the buyer's name)."))
    elif len(title) > 100:
        errors.setdefault("title", []).append(_("The invoice title is at most 100 characters."))
    tax_number = (tax_number or "").strip()
    if buyer_type == InvoiceRequest.BuyerType.COMPANY:
        if not tax_number:
            errors.setdefault("tax_number", []).append(_("A company invoice needs the company's tax number."))
        else:
            try:
                tax_number = validate_uscc(tax_number)
            except ValidationError as exc:
                errors.setdefault("tax_number", []).extend(exc.messages)
    else:
        tax_number = ""  # a person's invoice carries no tax number
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return InvoiceRequest.objects.create(
                estate_id=payment.estate_id, payment=payment, buyer_type=buyer_type, title=title,
                tax_number=tax_number, amount=payment.amount, note=(note or "").strip()[:255],
                requested_by=by, requested_at=timezone.now(),
            )
    except IntegrityError:
        raise ValidationError(_("An invoice has already been requested for this payment.")) from None


def invoice_transition(
    *, invoice: InvoiceRequest, action: str, by, invoice_no: str = "", invoice_date: dt.date | None = None,
    reason: str = "",
) -> InvoiceRequest:
    """Move an invoice request along ``WORKFLOW`` (issue: number and date; cancel: a reason)."""
    transition = WORKFLOW.check(action, invoice, by)
    invoice_no = (invoice_no or "").strip()
    if action == "issue":
        errors = {}
        if not INVOICE_NUMBER.match(invoice_no):
            errors["invoice_no"] = _("An invoice number is 8 to 20 digits.")
        if invoice_date is None:
            errors["invoice_date"] = _("Give the date of the invoice.")
        elif invoice_date > timezone.localdate():
            errors["invoice_date"] = _("The invoice date cannot be in the future.")
        elif invoice_date < timezone.localdate(invoice.requested_at):
            errors["invoice_date"] = _("The invoice date cannot be before the request.")
        if errors:
            raise ValidationError(errors)
    elif not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the invoice is cancelled.")})
    try:
        with transaction.atomic():
            locked = InvoiceRequest.objects.select_for_update().get(pk=invoice.pk)
            WORKFLOW.check(action, locked, by)  # again under the lock: a second desk may have acted
            locked.state, locked.done_by, locked.done_at = transition.target, by, timezone.now()
            if action == "issue":
                locked.invoice_no, locked.invoice_date = invoice_no, invoice_date
            else:
                locked.note = (f"{locked.note} · " if locked.note else "") + reason.strip()
                locked.note = locked.note[:255]
            locked.save()
    except IntegrityError:
        raise ValidationError({"invoice_no": _("This invoice number is already recorded in this estate.")}) from None
    return locked
