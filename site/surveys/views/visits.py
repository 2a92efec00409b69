"""Admin views of quarterly return visits: the list, recording one, the progress report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from servicedesk.models import Ticket
from spreadsheets.writing import export_response
from wagtail.admin import messages

from surveys import forms, selectors, services
from surveys.periods import quarter_of
from surveys.views.common import add_service_errors, require_perm, with_format

VISIT_PERMS = ("surveys.view_quarterlyvisit", "surveys.record_quarterlyvisit")


def _filtered(request):
    """The visits of the filter form (the current quarter by default); the form; its status."""
    form = forms.VisitFilterForm(request.GET or None, user=request.user)
    visits = selectors.visible_visits(request.user).select_related(
        "estate", "household__house__building", "assignee", "ticket")
    quarter = quarter_of(timezone.localdate())
    if form.is_bound and not form.is_valid():
        return visits.none(), form, quarter, 400
    data = form.cleaned_data if form.is_bound else {}
    state = data.get("state")
    # Overdue visits of any past quarter are listed unless a quarter is asked for.
    if data.get("quarter") or state != "overdue":
        quarter = data.get("quarter") or quarter
        visits = visits.filter(quarter=quarter.start)
    if data.get("estate"):
        visits = visits.filter(estate=data["estate"])
    if data.get("mine"):
        visits = visits.filter(assignee=request.user)
    today = timezone.localdate()
    if state == "done":
        visits = visits.filter(visited_at__isnull=False)
    elif state == "due":
        visits = visits.filter(visited_at__isnull=True, due_on__gte=today)
    elif state == "overdue":
        visits = visits.filter(visited_at__isnull=True, due_on__lt=today)
    return visits, form, quarter, 200


@login_required
def visits_view(request):
    require_perm(request.user, *VISIT_PERMS)
    visits, form, quarter, status = _filtered(request)
    rows = list(visits.order_by("visited_at", "household__house__building__name", "household__house__room")[:300])
    return render(request, "surveys/admin/visits.html", {
        "header_title": _("Quarterly return visits"), "header_icon": "user", "form": form, "quarter": quarter,
        "visits": rows, "today": timezone.localdate(), "total": visits.count(),
        "can_record": request.user.has_perm("surveys.record_quarterlyvisit"),
    }, status=status)


@login_required
def visits_progress_view(request):
    require_perm(request.user, *VISIT_PERMS)
    visits, form, quarter, status = _filtered(request)
    progress = selectors.visits_progress(visits)
    if status == 200 and request.GET.get("format") == "xlsx":
        header = [_("Group"), _("Name"), _("done"), _("due"), _("overdue"), _("Coverage (%)")]
        rows = [[title, p.label, p.done, p.due, p.overdue, p.coverage]
                for key, title in (("estates", _("Estate")), ("people", _("Assigned to"))) for p in progress[key]]
        return export_response(fmt="xlsx", headers=header, rows=rows, title=quarter.label,
                               filename=f"quarterly-visits-{quarter.label}")
    return render(request, "surveys/admin/progress.html", {
        "header_title": _("Quarterly visit progress"), "header_icon": "doc-full", "form": form, "quarter": quarter,
        "progress": progress, "xlsx_query": with_format(request.GET, "xlsx"),
    }, status=status)


@login_required
def visit_record_view(request, pk: int):
    require_perm(request.user, *VISIT_PERMS)
    visit = get_object_or_404(
        selectors.visible_visits(request.user).select_related("estate", "household__house__building", "assignee", "ticket"),
        pk=pk)
    can_record = request.user.has_perm("surveys.record_quarterlyvisit")
    form = forms.VisitForm(request.POST or None)
    status = 200
    if request.method == "POST":
        require_perm(request.user, "surveys.record_quarterlyvisit")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.visit_record(
                    visit=visit, by=request.user, visited_at=data["visited_at"], method=data["method"],
                    answered_by=data["answered_by"], satisfaction=data["satisfaction"], remarks=data["remarks"],
                    ticket_kind=data["ticket_kind"], ticket_description=data["ticket_description"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The visit is recorded."))
                return redirect("surveys_visits")
        status = 400
    return render(request, "surveys/admin/visit.html", {
        "header_title": _("Return visit: %(house)s") % {"house": visit.household.house}, "header_icon": "user",
        "visit": visit, "form": form, "can_record": can_record, "Ticket": Ticket,
    }, status=status)
