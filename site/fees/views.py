"""Custom admin views of the fees app: a house's fees (pay, record a step), the receipt, the
reversal, the readings import, issuing bills and the collection rate. Every view checks the
permission (403) and the estate of the record (404 for another estate's record)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from estates.models import Estate, House
from estates.personal_data import can_view_personal_data, log_personal_data_access, shown_mobile
from estates.scoping import scope_queryset, user_can_reach
from wagtail.admin import messages

from fees import desk_views, letters, readings, selectors, services
from fees.forms import (
    IssueBillsForm,
    PaymentForm,
    ReadingsImportForm,
    ReverseForm,
    StepForm,
    allowed_manual_steps,
)
from fees.models import ArrearsCase, Payment
from fees.models.letters import LetterKind


def _need(request, *permissions: str) -> None:
    if not any(request.user.has_perm(p) for p in permissions):
        raise PermissionDenied


def _house(request, pk: int) -> House:
    house = get_object_or_404(House.objects.select_related("building__estate"), pk=pk)
    if not user_can_reach(request.user, house):
        raise Http404
    return house


def _form_errors(form, exc: ValidationError) -> None:
    for name, errors in (exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}).items():
        form.add_error(name if name in form.fields else None, errors)


def _render_house(request, house, *, payment_form=None, step_form=None, status=200):
    user = request.user
    case = ArrearsCase.objects.filter(house=house).first()
    if case and case.contact_mobile and can_view_personal_data(user):
        log_personal_data_access(user=user, obj=case, fields=["contact_mobile"], action="view", estate=house.building.estate)
    context = {
        "house": house,
        "estate": house.building.estate,
        "history": selectors.house_fee_history(house),
        "payment_form": payment_form or (PaymentForm(house=house) if user.has_perm("fees.add_payment") else None),
        "step_form": step_form or (StepForm(user=user, house=house) if allowed_manual_steps(user, house) else None),
        "can_see_steps": user.has_perm("fees.view_chasingstep"),
        "can_reverse": user.has_perm("fees.reverse_payment"),
        "can_edit_contact": user.has_perm("fees.change_arrearscase"),
        "contact_mobile": shown_mobile(case.contact_mobile, user) if case else "",
        "header_title": _("Fees of %(house)s") % {"house": house.label},
        "page_title": _("Fees of %(house)s") % {"house": house.label},
        "page_subtitle": house.building.estate.name,
        "header_icon": "doc-full",
        # The printed letters (fees.letters): who may print them, and the ones already printed.
        "can_print_notice": user.has_perm(letters.PERMISSION[LetterKind.NOTICE]),
        "can_print_lawyer_letter": user.has_perm(letters.PERMISSION[LetterKind.LAWYER_LETTER]),
        "letters": list(house.arrears_letters.order_by("-created_at")) if user.has_perm("fees.view_arrearsletter") else [],
    }
    return TemplateResponse(request, "fees/house.html", context, status=status)


@login_required
def house_fees(request, pk: int):
    _need(request, "fees.view_bill")
    return _render_house(request, _house(request, pk))


@login_required
@require_POST
def house_pay(request, pk: int):
    _need(request, "fees.add_payment")
    house = _house(request, pk)
    form = PaymentForm(request.POST, house=house)
    if form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.payment_record(
                house=house, amount=data["amount"], method=data["method"], by=request.user,
                paid_at=data["paid_at"], bills=list(data["bills"]) or None,
                keep_rest_as_credit=data["keep_rest_as_credit"], payer=data["payer"],
                reference=data["reference"], note=data["note"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Payment recorded, receipt %(no)s.") % {"no": payment.receipt_number})
            return redirect("fees_receipt", pk=payment.pk)
    messages.error(request, _("The payment was not recorded; see the errors below."))
    return _render_house(request, house, payment_form=form, status=400)


@login_required
@require_POST
def house_step(request, pk: int):
    house = _house(request, pk)
    if not allowed_manual_steps(request.user, house):
        raise PermissionDenied
    form = StepForm(request.POST, user=request.user, house=house)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.chasing_step_record(
                house=house, step=data["step"], outcome=data["outcome"], note=data["note"],
                done_at=data["done_at"], by=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Step recorded."))
            return redirect("fees_house", pk=house.pk)
    messages.error(request, _("The step was not recorded; see the errors below."))
    return _render_house(request, house, step_form=form, status=400)


def _payment(request, pk: int) -> Payment:
    payment = get_object_or_404(
        Payment.objects.select_related("estate", "house__building", "operator", "reversed_by"), pk=pk
    )
    if not user_can_reach(request.user, payment):
        raise Http404
    return payment


@login_required
def receipt(request, pk: int):
    """The printable receipt (缴费凭证)."""
    _need(request, "fees.view_payment")
    payment = _payment(request, pk)
    allocations = list(payment.allocations.select_related("bill__fee_item").order_by("bill__period", "bill__fee_item__name"))
    return TemplateResponse(request, "fees/receipt.html", {
        "payment": payment, "allocations": allocations, "in_words": selectors.rmb_in_words(payment.amount),
        "printed_at": timezone.localtime(),
        "invoices": desk_views.invoices_for_receipt(payment, request.user),
        "can_request_invoice": request.user.has_perm("fees.add_invoicerequest") and not payment.is_reversed,
    })


@login_required
def reverse_payment(request, pk: int):
    _need(request, "fees.reverse_payment")
    payment = _payment(request, pk)
    form = ReverseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.payment_reverse(payment=payment, reason=form.cleaned_data["reason"], by=request.user)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Payment %(no)s reversed.") % {"no": payment.receipt_number})
                return redirect("fees_house", pk=payment.house_id)
        status = 400
    return TemplateResponse(request, "fees/reverse.html", {
        "payment": payment, "form": form, "header_title": _("Reverse payment %(no)s") % {"no": payment.receipt_number},
        "page_title": _("Reverse payment %(no)s") % {"no": payment.receipt_number}, "header_icon": "undo",
    }, status=status)


@login_required
def readings_import(request):
    _need(request, "fees.add_meterreading")
    form = ReadingsImportForm(request.POST or None, request.FILES or None, user=request.user)
    errors, status = [], 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            fee_item, period, upload = form.cleaned_data["fee_item"], form.cleaned_data["period"], form.cleaned_data["file"]
            if not user_can_reach(request.user, fee_item):
                raise Http404
            try:
                table = readings.read_table(upload)
            except readings.UploadRefused as exc:
                form.add_error("file", str(exc))
            else:
                rows, errors = readings.parse_readings(fee_item=fee_item, period=period, table=table)
                if not errors:
                    try:
                        count = services.meter_readings_save(fee_item=fee_item, period=period, rows=rows, by=request.user)
                    except ValidationError as exc:
                        _form_errors(form, exc)
                    else:
                        messages.success(request, _("%(count)s readings imported.") % {"count": count})
                        return redirect("fees_readings_import")
                else:
                    messages.error(request, _("Nothing was imported: correct the rows below and upload the file again."))
    return TemplateResponse(request, "fees/readings_import.html", {
        "form": form, "errors": errors, "header_title": _("Import meter readings"),
        "page_title": _("Import meter readings"), "header_icon": "upload",
    }, status=status)


@login_required
def issue_bills(request):
    _need(request, "fees.add_bill")
    form = IssueBillsForm(request.POST or None, user=request.user,
                          initial={"period": timezone.localdate().replace(day=1)})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            from estatedesk import queue

            from fees.tasks import issue_bills as issue_task

            estate, period = form.cleaned_data["estate"], form.cleaned_data["period"]
            names = {"estate": estate.name, "period": f"{period:%Y-%m}"}
            # One estate's month is bounded work: with the queue down it is done in the request.
            if queue.enqueue(issue_task, estate.pk, period.isoformat(), fallback=queue.LOCAL) == queue.RAN_HERE:
                messages.success(request, _("The task queue is unavailable, so the bills of %(estate)s for %(period)s "
                                            "were issued now; issuing again adds nothing.") % names)
            else:
                messages.success(request, _("The bills of %(estate)s for %(period)s are being issued; "
                                            "issuing again adds nothing.") % names)
            return redirect("fees_collection")
    return TemplateResponse(request, "fees/issue.html", {
        "form": form, "header_title": _("Issue bills"), "page_title": _("Issue bills"), "header_icon": "doc-full",
    }, status=status)


@login_required
def collection(request):
    _need(request, "fees.view_bill")
    estates = scope_queryset(Estate.objects.all(), request.user)
    estate = None
    if request.GET.get("estate"):
        estate = estates.filter(pk=request.GET["estate"]).first() if request.GET["estate"].isdigit() else None
        if estate is None:
            raise Http404
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() else None
    return TemplateResponse(request, "fees/collection.html", {
        "rows": selectors.collection_rates(user=request.user, estate=estate, year=year),
        "estates": estates, "estate": estate, "year": year,
        "can_issue": request.user.has_perm("fees.add_bill"),
        "issue_url": reverse("fees_issue"),
        "header_title": _("Collection rate"), "page_title": _("Collection rate"), "header_icon": "table",
    })


@login_required
def publish_standards(request):
    """Publish the fee standards of one of the user's estates to its bulletin (收费公示)."""
    _need(request, "fees.view_feeitem")
    estates = scope_queryset(Estate.objects.all(), request.user)
    estate = None
    raw = request.POST.get("estate") or request.GET.get("estate")
    if raw:
        estate = estates.filter(pk=raw).first() if str(raw).isdigit() else None
        if estate is None:
            raise Http404
    status = 200
    if request.method == "POST" and estate is not None:
        try:
            notice = services.fee_standards_publish(estate=estate, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            status = 400
        else:
            messages.success(request, _("The fee standards of %(estate)s are published on its bulletin.")
                             % {"estate": estate.name})
            return redirect("wagtailadmin_pages:edit", notice.pk)
    return TemplateResponse(request, "fees/publish_standards.html", {
        "estates": estates, "estate": estate,
        "preview": services.fee_standards_text(estate=estate) if estate else "",
        "header_title": _("Publish the fee standards"), "page_title": _("Publish the fee standards"),
        "header_icon": "doc-full",
    }, status=status)
