"""Admin views of the fee desk: the ageing report, invoice requests, printed letters. Every view
checks the permission (403) and the estate of the record (404 for another estate's record)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from estates.models import Estate, House
from estates.scoping import scope_queryset, user_can_reach
from spreadsheets import writing
from wagtail.admin import messages

from fees import ageing, invoices, letters
from fees.desk_forms import AgeingForm, InvoiceCancelForm, InvoiceIssueForm, InvoiceRequestForm
from fees.models import Payment
from fees.models.invoices import InvoiceRequest
from fees.models.letters import ArrearsLetter, LetterKind


def _need(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _reachable(request, obj):
    if not user_can_reach(request.user, obj):
        raise Http404
    return obj


def _errors(form, exc: ValidationError) -> None:
    for name, errors in (exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}).items():
        form.add_error(name if name in form.fields else None, errors)


# --- the ageing report ------------------------------------------------------------------------
@login_required
def ageing_report(request):
    _need(request, "fees.view_bill")
    estates = scope_queryset(Estate.objects.order_by("code"), request.user)
    data = request.GET.copy()
    if "estate" not in data and estates.exists():
        data["estate"] = str(estates.first().pk)
    if not data.get("by"):
        data["by"] = "house"
    form = AgeingForm(data, estates=estates)
    report, buildings, status = None, [], 200
    if form.is_valid():
        as_of = form.cleaned_data["as_of"] or timezone.localdate()
        report = ageing.ageing_report(
            estate=form.cleaned_data["estate"], as_of=as_of, by=form.cleaned_data["by"] or "house",
            building=form.cleaned_data["building"],
        )
        if report.by == "house":
            buildings = ageing.building_totals(report)
        if request.GET.get("format") == "xlsx":
            return _ageing_xlsx(report, form.cleaned_data["estate"], buildings)
    elif data:
        status = 400
    return TemplateResponse(request, "fees/ageing.html", {
        "form": form, "report": report, "buildings": buildings,
        "header_title": _("Ageing of arrears"), "page_title": _("Ageing of arrears"), "header_icon": "time",
    }, status=status)


def _ageing_xlsx(report, estate, buildings) -> HttpResponse:
    bucket_headers = [str(label) for _key, label, _m in ageing.BUCKETS]
    keys = [key for key, _label, _m in ageing.BUCKETS] + ["total"]
    if report.by == "house":
        headers = [_("Building"), _("Unit"), _("Room"), *bucket_headers, _("Total (¥)")]
        rows = [[r["building"], r["unit"], r["room"], *(r[k] for k in keys)] for r in report.rows]
        rows += [[_("Subtotal %(building)s") % {"building": b["building"]}, "", "", *(b[k] for k in keys)] for b in buildings]
    else:
        headers = [_("Fee item"), *bucket_headers, _("Total (¥)")]
        rows = [[r["fee_item__name"], *(r[k] for k in keys)] for r in report.rows]
    pad = [""] * (len(headers) - len(keys) - 1)
    rows.append([_("Total"), *pad, *(report.totals[k] for k in keys)])
    rows.append([_("Billed in %(year)s (¥)") % {"year": report.as_of.year}, *pad, *([""] * (len(keys) - 1)), report.billed_this_year])
    share = report.share_of_year
    rows.append([_("Arrears as a share of the year's billing (%)"), *pad, *([""] * (len(keys) - 1)), share if share is not None else ""])
    content = writing.xlsx_bytes(headers, rows, title=_("Ageing"))
    response = HttpResponse(content, content_type=writing.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="ageing-{estate.code}-{report.as_of:%Y%m%d}.xlsx"'
    return response


# --- invoices ---------------------------------------------------------------------------------
def _payment(request, pk: int) -> Payment:
    return _reachable(request, get_object_or_404(Payment.objects.select_related("estate", "house__building"), pk=pk))


@login_required
def invoice_request(request, pk: int):
    _need(request, invoices.REQUEST_PERMISSION)
    payment = _payment(request, pk)
    form = InvoiceRequestForm(request.POST or None, initial={"title": payment.payer})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                invoices.invoice_request(payment=payment, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("Invoice requested for receipt %(no)s.") % {"no": payment.receipt_number})
                return redirect("fees_receipt", pk=payment.pk)
    title = _("Request an invoice for receipt %(no)s") % {"no": payment.receipt_number}
    return TemplateResponse(request, "fees/invoice_form.html", {
        "form": form, "payment": payment, "header_title": title, "page_title": title, "header_icon": "doc-full",
        "submit_label": _("Request invoice"),
    }, status=status)


@login_required
def invoice_action(request, pk: int, action: str):
    if action not in invoices.WORKFLOW.actions:
        raise Http404
    invoice = _reachable(request, get_object_or_404(InvoiceRequest.objects.select_related("payment__estate"), pk=pk))
    transition = invoices.WORKFLOW.row(action, invoice)
    _need(request, transition.permission)
    form_class = InvoiceIssueForm if action == "issue" else InvoiceCancelForm
    form = form_class(request.POST or None)
    status = 200
    if invoice.state not in transition.sources:
        # Offered no more (issued or cancelled meanwhile): say so; a stale POST is a conflict.
        messages.error(request, _("This invoice is %(state)s: it cannot be changed that way.") % {"state": invoice.get_state_display()})
        if request.method != "POST":
            return redirect("fees_receipt", pk=invoice.payment_id)
        form, status = form_class(), 409
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                invoices.invoice_transition(invoice=invoice, action=action, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("Invoice updated."))
                return redirect("fees_receipt", pk=invoice.payment_id)
    title = f"{transition.label}: {invoice.payment.receipt_number}"
    return TemplateResponse(request, "fees/invoice_form.html", {
        "form": form, "payment": invoice.payment, "invoice": invoice, "header_title": title, "page_title": title,
        "header_icon": "doc-full", "submit_label": transition.label,
    }, status=status)


def invoices_for_receipt(payment, user) -> list[dict]:
    """The receipt page's invoice box: each request with the actions the user may take."""
    return [
        {"invoice": inv, "actions": invoices.actions_for(inv, user)}
        for inv in payment.invoice_requests.order_by("-requested_at")
    ]


# --- letters ----------------------------------------------------------------------------------
@login_required
@require_POST
def letter_print(request, pk: int, kind: str):
    if kind not in LetterKind.values:
        raise Http404
    _need(request, letters.PERMISSION[kind])
    house = _reachable(request, get_object_or_404(House.objects.select_related("building__estate"), pk=pk))
    try:
        letter = letters.letter_issue(house=house, kind=kind, by=request.user)
    except ValidationError as exc:
        # fees.views imports this module: a local import breaks the cycle.
        from fees.views import _render_house

        messages.error(request, " ".join(exc.messages))
        return _render_house(request, house, status=400)
    messages.success(request, _("%(kind)s %(no)s printed and recorded.") % {"kind": letter.get_kind_display(), "no": letter.number})
    return redirect("fees_letter_pdf", pk=letter.pk)


@login_required
def letter_pdf(request, pk: int):
    _need(request, "fees.view_arrearsletter")
    letter = _reachable(request, get_object_or_404(ArrearsLetter, pk=pk))
    response = FileResponse(letter.pdf.open("rb"), content_type="application/pdf", filename=f"{letter.number}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response
