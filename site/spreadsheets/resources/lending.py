"""The borrowing register (借阅登记), export only: loans are written by the lending app's
services (approval, hand-out, return), never by a spreadsheet."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from estates.personal_data import mask_id_number, mask_mobile
from lending.models import Loan

from spreadsheets import cells
from spreadsheets.resources.base import Column, SpreadsheetResource


def _label(name):
    return Loan._meta.get_field(name).verbose_name


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


class LoanResource(SpreadsheetResource):
    importable = False

    estate = Column("estate__code", gettext_lazy("estate code"))
    item = Column(None, gettext_lazy("item"))
    status = Column("status", _label("status"), cells.ChoiceWidget(Loan.Status.choices))
    borrower = Column(None, gettext_lazy("borrower"))
    borrower_mobile = Column("borrower_mobile", _label("borrower_mobile"), mask=mask_mobile)
    borrower_id_number = Column("borrower_id_number", _label("borrower_id_number"), mask=mask_id_number)
    borrower_organisation = Column("borrower_organisation", _label("borrower_organisation"))
    purpose = Column("purpose", _label("purpose"))
    requested_at = Column("requested_at", _label("requested_at"), cells.LocalDateTimeWidget())
    approved_by = Column(None, _label("approved_by"))
    handed_out_at = Column("handed_out_at", _label("handed_out_at"), cells.LocalDateTimeWidget())
    due_at = Column("due_at", _label("due_at"), cells.LocalDateTimeWidget())
    returned_at = Column("returned_at", _label("returned_at"), cells.LocalDateTimeWidget())

    class Meta:
        model = Loan
        fields = ("estate", "item", "status", "borrower", "borrower_mobile", "borrower_id_number",
                  "borrower_organisation", "purpose", "requested_at", "approved_by", "handed_out_at", "due_at",
                  "returned_at")

    def export_queryset(self, queryset):
        return queryset.select_related("estate", "key", "document", "borrower_user", "approved_by")

    def dehydrate_item(self, loan):
        if loan.key_id:
            return f"{loan.key.tag}"
        return f"{loan.document.reference or loan.document.title}" if loan.document_id else ""

    def dehydrate_borrower(self, loan):
        return loan.borrower_name or _person(loan.borrower_user)

    def dehydrate_approved_by(self, loan):
        return _person(loan.approved_by)
