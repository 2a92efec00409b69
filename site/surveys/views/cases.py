"""Admin views of the case library: reviewed complaints, searchable; reviewing a closed one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from estates.scoping import scope_queryset
from servicedesk.models import Ticket
from wagtail.admin import messages

from surveys import forms, services
from surveys.models import CaseReview
from surveys.views.common import add_service_errors, require_perm


def _closed_complaints(user):
    return scope_queryset(Ticket.objects.filter(kind=Ticket.Kind.COMPLAINT, status=Ticket.Status.CLOSED), user)


@login_required
def cases_view(request):
    require_perm(request.user, "surveys.view_casereview")
    form = forms.CaseFilterForm(request.GET or None, user=request.user)
    cases = scope_queryset(CaseReview.objects.select_related("ticket__house__building", "estate", "reviewed_by"),
                           request.user)
    status = 200
    if form.is_bound and not form.is_valid():
        cases, status = cases.none(), 400
    elif form.is_bound:
        data = form.cleaned_data
        if data.get("estate"):
            cases = cases.filter(estate=data["estate"])
        if data.get("cause"):
            cases = cases.filter(cause=data["cause"])
        if data.get("period"):
            cases = cases.filter(ticket__closed_at__gte=data["period"].start_at, ticket__closed_at__lt=data["period"].end_at)
        if data.get("q"):
            q = data["q"]
            cases = cases.filter(Q(what_was_done__icontains=q) | Q(prevention__icontains=q) | Q(lessons__icontains=q)
                                 | Q(ticket__description__icontains=q) | Q(ticket__number__icontains=q))
    waiting = []
    if request.user.has_perm("surveys.add_casereview"):
        waiting = list(_closed_complaints(request.user).filter(case_review__isnull=True)
                       .select_related("house__building", "estate").order_by("-closed_at")[:50])
    return render(request, "surveys/admin/cases.html", {
        "header_title": _("Case library"), "header_icon": "folder-open-inverse", "form": form,
        "cases": list(cases[:200]), "waiting": waiting,
    }, status=status)


@login_required
def case_review_view(request, ticket_pk: int):
    require_perm(request.user, "surveys.add_casereview")
    ticket = get_object_or_404(_closed_complaints(request.user).select_related("house__building", "estate"), pk=ticket_pk)
    existing = CaseReview.objects.filter(ticket=ticket).first()
    form = forms.CaseReviewForm(request.POST or None, instance=existing)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.case_review_save(ticket=ticket, by=request.user, cause=data["cause"],
                                          what_was_done=data["what_was_done"], prevention=data["prevention"],
                                          lessons=data["lessons"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The case is kept in the library."))
                return redirect("surveys_cases")
        status = 400
    return render(request, "surveys/admin/case_review.html", {
        "header_title": _("Review complaint %(number)s") % {"number": ticket.number}, "header_icon": "folder-open-inverse",
        "ticket": ticket, "form": form,
    }, status=status)
