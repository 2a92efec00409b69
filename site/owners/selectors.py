"""What an owner may read: their household's records only, each query scoped by the household.

Every function takes the signed-in ``Owner`` (owners.services) and filters by its house or
household; an id of another household is simply not found (404), never an error that tells.
"""

from __future__ import annotations

from decimal import Decimal

from archives.models import Person, Vehicle
from bulletin.models import EventSignup
from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from estates.personal_data import mask_id_number, mask_mobile
from fees.models import ArrearsCase, Bill, Payment, Step
from servicedesk.models import RepairCategory, Ticket

from owners.services import Owner


def members(owner: Owner) -> list[dict]:
    """The household's people: the signed-in resident sees their own numbers, others' masked."""
    rows = []
    for person in Person.objects.filter(household=owner.household).order_by("role", "name", "pk"):
        own = person.pk == owner.person.pk
        rows.append({
            "id": person.pk, "name": person.name, "role": person.get_role_display(), "role_code": person.role,
            "relationship": person.relationship, "is_me": own,
            "mobile": person.mobile if own else mask_mobile(person.mobile),
            "id_number": person.id_number if own else mask_id_number(person.id_number),
        })
    return rows


def vehicles(owner: Owner) -> list[Vehicle]:
    today = timezone.localdate()
    result = list(Vehicle.objects.filter(household=owner.household, active=True).order_by("plate"))
    for v in result:
        v.permit_expired = bool(v.permit_valid_to and v.permit_valid_to < today)
        v.permit_expires_soon = bool(v.permit_valid_to and not v.permit_expired
                                     and (v.permit_valid_to - today).days <= 30)
    return result


def bills(owner: Owner):
    return Bill.objects.filter(house=owner.house).select_related("fee_item").order_by("-period", "fee_item__name")


def bills_due(owner: Owner) -> list[Bill]:
    return [b for b in bills(owner) if b.outstanding > 0]


def total_due(owner: Owner) -> Decimal:
    figures = Bill.objects.filter(house=owner.house).aggregate(amount=Sum("amount"), paid=Sum("paid"))
    return (figures["amount"] or Decimal("0")) - (figures["paid"] or Decimal("0"))


def payments(owner: Owner):
    return Payment.objects.filter(house=owner.house).select_related("estate").order_by("-paid_at", "-pk")


def payment(owner: Owner, pk: int) -> Payment:
    return get_object_or_404(payments(owner), pk=pk)


def allocations(payment: Payment):
    return payment.allocations.select_related("bill__fee_item").order_by("bill__period", "bill__fee_item__name")


#: The chasing ladder in polite words (what the owner reads about their own account).
_POLITE = {
    "": "",
    Step.NOTICE: gettext_lazy("A friendly reminder: your monthly fee notice has been sent."),
    Step.REMINDER: gettext_lazy("A friendly reminder: some of your fees are overdue. Thank you for settling them soon."),
    Step.ARREARS_NOTICE: gettext_lazy("We have sent you a written notice about the overdue fees. Please settle them or call us."),
    Step.CALL: gettext_lazy("Our service desk has called you about the overdue fees. Please settle them or tell us when you can."),
    Step.VISIT: gettext_lazy("Your steward has visited you about the overdue fees. Please contact the service desk to settle them."),
    Step.LAWYER_LETTER: gettext_lazy("Your account has been overdue for a long time and a lawyer's letter has been sent. "
                          "Please contact the service desk urgently."),
    Step.LAWSUIT: gettext_lazy("Your account has been referred to the company's counsel. Please contact the service desk "
                    "to settle it."),
}


def arrears_words(owner: Owner) -> dict:
    case = ArrearsCase.objects.filter(house=owner.house).first()
    if case is None or case.amount <= 0:
        return {"overdue": False, "text": _("Your account is up to date. Thank you!"), "step": "", "amount": "0.00",
                "months": 0}
    text = str(_POLITE.get(case.current_step) or _POLITE[Step.REMINDER])
    return {"overdue": True, "text": text, "step": case.current_step, "amount": str(case.amount),
            "months": case.months}


def tickets(owner: Owner):
    """The household's tickets: about the house, or about a shared area reported from this mobile."""
    return (
        Ticket.objects.filter(Q(house=owner.house) | Q(estate=owner.estate, house__isnull=True,
                                                          contact_mobile=owner.mobile))
        .select_related("estate", "category", "house__building")
        .order_by("-received_at", "-pk")
    )


def ticket(owner: Owner, pk: int) -> Ticket:
    return get_object_or_404(tickets(owner), pk=pk)


def categories(owner: Owner):
    return RepairCategory.objects.filter(estate=owner.estate, active=True).order_by("order", "name")


def signups(owner: Owner):
    return (
        EventSignup.objects.filter(house=owner.house).select_related("event")
        .order_by("-created_at")
    )


def owner_can_confirm(ticket: Ticket) -> bool:
    return ticket.status == Ticket.Status.DONE and ticket.needs_return_visit
