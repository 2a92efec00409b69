"""Admin views of the borrowing register: an item's loans, the request form, a loan's page with
its actions, and the "who holds what now" board. Every view is scoped to the user's estates
(another estate's record is a 404) and every write goes through lending.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from estates.models import Estate
from estates.personal_data import (
    can_view_personal_data,
    log_personal_data_access,
    shown_id_number,
    shown_mobile,
)
from estates.scoping import scope_queryset, user_can_reach
from estates.workflow import ActionRefused

from lending import selectors, services
from lending.forms import DueForm, LoanRequestForm, LostForm, RejectForm, ReturnForm, WithdrawForm
from lending.models import Loan
from lending.workflow import LOANS

ITEM_KINDS = ("key", "document")


def _require_view(user) -> None:
    if not user.has_perm("lending.view_loan"):
        raise PermissionDenied


def _item_model(kind: str):
    from archives.models import Document, Key

    if kind == "key":
        return Key
    if kind == "document":
        return Document
    raise Http404


def _get_item(request, kind: str, pk: int):
    model = _item_model(kind)
    queryset = model.objects.select_related("estate")
    if kind == "key":
        queryset = queryset.select_related("opens_house__building")
    item = get_object_or_404(queryset, pk=pk)
    if not user_can_reach(request.user, item):
        raise Http404
    return item


def _get_loan(request, pk: int) -> Loan:
    loan = get_object_or_404(
        Loan.objects.select_related(
            "estate", "key__opens_house__building", "document", "borrower_user", "requested_by",
            "approved_by", "rejected_by", "handed_out_by", "received_by", "lost_reported_by",
        ),
        pk=pk,
    )
    if not user_can_reach(request.user, loan):
        raise Http404
    return loan


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def item_url(item) -> str:
    from archives.models import Key

    kind = "key" if isinstance(item, Key) else "document"
    return reverse("lending:item", args=[kind, item.pk])


def loan_url(loan: Loan) -> str:
    return reverse("lending:loan", args=[loan.pk])


def _status_of_item(item) -> str:
    from archives.models import Key

    if isinstance(item, Key):
        return item.get_status_display()
    if item.is_out:
        return _("lent out")
    if selectors.document_is_lost(item):
        return _("lost")
    return _("in the cabinet")


def _borrower_details(loan: Loan, user) -> dict:
    """The borrower's contact details, masked for roles without view_personal_data."""
    details = {
        "mobile": shown_mobile(loan.borrower_mobile, user),
        "id_number": shown_id_number(loan.borrower_id_number, user),
    }
    shown = [f for f in ("borrower_mobile", "borrower_id_number") if getattr(loan, f)]
    if shown and can_view_personal_data(user):
        log_personal_data_access(user=user, obj=loan, fields=shown, action="view", estate=loan.estate)
    return details


# --- an item's page ------------------------------------------------------------------------------

def item_view(request, kind: str, pk: int):
    _require_view(request.user)
    item = _get_item(request, kind, pk)
    current = selectors.current_loan(item)
    loans = list(selectors.item_loans(item))
    user = request.user
    handle_perm = "lending.handle_key_loan" if kind == "key" else "lending.handle_document_loan"
    request_perm = "lending.request_key_loan" if kind == "key" else "lending.request_document_loan"
    context = {
        "page_title": _("Loans of %(item)s") % {"item": item},
        "header_title": _("Loans of %(item)s") % {"item": item},
        "header_icon": "key" if kind == "key" else "doc-full",
        "item": item,
        "kind": kind,
        "item_status": _status_of_item(item),
        "current": current,
        "current_details": _borrower_details(current, user) if current else None,
        "loans": loans,
        "can_request": user.has_perm(request_perm),
        "can_handle": user.has_perm(handle_perm),
        "return_form": ReturnForm(prefix="return"),
        "lost_form": LostForm(prefix="lost"),
        "board_url": reverse("lending:board") + f"?estate={item.estate_id}",
    }
    return render(request, "lending/item.html", context)


def request_view(request, kind: str, pk: int):
    item = _get_item(request, kind, pk)
    request_perm = "lending.request_key_loan" if kind == "key" else "lending.request_document_loan"
    if not request.user.has_perm(request_perm):
        raise PermissionDenied
    borrowers = selectors.staff_borrower_choices(item.estate)
    status = 200
    if request.method == "POST":
        form = LoanRequestForm(request.POST, borrower_queryset=borrowers)
        if form.is_valid():
            try:
                loan = services.loan_request(item=item, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Loan request #%(id)s recorded; a supervisor approves it next.") % {"id": loan.pk})
                return redirect(loan_url(loan))
        status = 400
    else:
        form = LoanRequestForm(borrower_queryset=borrowers)
    context = {
        "page_title": _("Lend %(item)s") % {"item": item},
        "header_title": _("Lend %(item)s") % {"item": item},
        "header_icon": "key" if kind == "key" else "doc-full",
        "item": item,
        "kind": kind,
        "form": form,
        "item_url": item_url(item),
    }
    return render(request, "lending/request.html", context, status=status)


# --- a loan's page and its actions -------------------------------------------------------------

#: Action → its form. The labels, states and rules are in lending.workflow (one table).
ACTION_FORMS = {
    "approve": DueForm,
    "approve_hand_out": DueForm,
    "reject": RejectForm,
    "withdraw": WithdrawForm,
    "hand_out": DueForm,
    "return": ReturnForm,
    "lost": LostForm,
}

_DONE = {
    "approve": gettext_lazy("Loan approved."),
    "approve_hand_out": gettext_lazy("Loan approved and handed out."),
    "reject": gettext_lazy("Loan rejected."),
    "withdraw": gettext_lazy("Request withdrawn."),
    "hand_out": gettext_lazy("Item handed out."),
    "return": gettext_lazy("Item taken back."),
    "lost": gettext_lazy("Item reported lost."),
}


def _run_action(action: str, *, loan: Loan, by, data: dict) -> Loan:
    if action == "approve":
        return services.loan_approve(loan=loan, by=by, due_at=data["due_at"])
    if action == "approve_hand_out":
        return services.loan_approve_and_hand_out(loan=loan, by=by, due_at=data["due_at"])
    if action == "reject":
        return services.loan_reject(loan=loan, by=by, reason=data["reason"])
    if action == "withdraw":
        return services.loan_withdraw(loan=loan, by=by)
    if action == "hand_out":
        return services.loan_hand_out(loan=loan, by=by, due_at=data["due_at"])
    if action == "return":
        return services.loan_return(loan=loan, by=by, condition=data["condition"], notes=data["notes"])
    if action == "lost":
        return services.loan_report_lost(loan=loan, by=by, notes=data["notes"])
    raise Http404


def available_actions(loan: Loan, user) -> list[str]:
    """The actions the user may take on the loan now: exactly those the services accept."""
    return LOANS.allowed(loan, user)


def loan_view(request, pk: int, action: str | None = None):
    _require_view(request.user)
    loan = _get_loan(request, pk)
    forms = {name: ACTION_FORMS[name](prefix=name) for name in available_actions(loan, request.user)}
    status = 200
    offered = False
    if action is not None:
        if action not in ACTION_FORMS:
            raise Http404
        if request.method != "POST":
            return redirect(loan_url(loan))
        form = ACTION_FORMS[action](request.POST, prefix=action)
        forms[action] = form
        status = 400
        try:
            # The table the buttons come from: an action the page does not offer is refused.
            LOANS.check(action, loan, request.user)
        except ActionRefused as exc:
            messages.error(request, " ".join(exc.messages))
            forms.pop(action)
            status = exc.status_code
        else:
            offered = True
        if offered and form.is_valid():
            try:
                _run_action(action, loan=loan, by=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = getattr(exc, "status_code", 400)
            else:
                messages.success(request, _DONE[action])
                next_url = request.POST.get("next", "")
                if next_url.startswith("/admin/") and "//" not in next_url:
                    return redirect(next_url)
                return redirect(loan_url(loan))
    now = timezone.now()
    context = {
        "page_title": _("Loan #%(id)s") % {"id": loan.pk},
        "header_title": _("Loan #%(id)s") % {"id": loan.pk},
        "header_icon": "key" if loan.key_id else "doc-full",
        "loan": loan,
        "is_overdue": loan.is_overdue_at(now),
        "details": _borrower_details(loan, request.user),
        "action_forms": [
            {"name": name, "label": LOANS.label(name), "form": form,
             "url": reverse("lending:loan_action", args=[loan.pk, name])}
            for name, form in forms.items()
        ],
        "waiting_for_other_supervisor": (
            loan.status == Loan.Status.REQUESTED and loan.requested_by_id == request.user.pk
            and request.user.has_perm("lending.approve_loan")
        ),
        "item_url": item_url(loan.item),
        "history": loan.history.select_related("history_user").order_by("-history_date")[:50],
    }
    return render(request, "lending/loan.html", context, status=status)


# --- the board ---------------------------------------------------------------------------------

def board_view(request):
    _require_view(request.user)
    estates = list(scope_queryset(Estate.objects.all(), request.user).order_by("code"))
    if not estates:
        raise Http404
    estate = estates[0]
    wanted = request.GET.get("estate")
    if wanted:
        estate = next((e for e in estates if str(e.pk) == wanted), None)
        if estate is None:
            raise Http404
    board = selectors.board_loans(estate=estate)
    context = {
        "page_title": _("Who holds what now"),
        "header_title": _("Who holds what now"),
        "header_icon": "key",
        "estates": estates,
        "estate": estate,
        "out": board["out"],
        "approved": board["approved"],
        "requested": board["requested"],
    }
    return render(request, "lending/board.html", context)
