"""The service desk's admin views (registered by wagtail_hooks through admin_urls): the desk
board, intake, a ticket's page with its step forms, the shift handover and the KPIs. Views parse
input and call services/selectors; they hold no rules.
"""

from __future__ import annotations

import re
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from estates.personal_data import can_view_personal_data, log_personal_data_access, shown_mobile
from estates.scoping import scope_queryset
from estates.workflow import ActionRefused
from spreadsheets.writing import export_response
from wagtail.admin import messages

from servicedesk import forms, selectors, services
from servicedesk.models import ShiftHandover, Ticket, TicketPhoto
from servicedesk.workflow import TICKETS


def _require_perm(user, perm: str) -> None:
    if not user.has_perm(f"servicedesk.{perm}"):
        raise PermissionDenied


# --- admin: the board -----------------------------------------------------------------------
@login_required
def board_view(request):
    _require_perm(request.user, "view_ticket")
    now = timezone.now()
    sections = selectors.board(user=request.user, now=now)
    titles = [
        ("mine", _("My tickets")),
        ("due_soon", _("Due soon")),
        ("overdue", _("Overdue")),
        ("waiting_visit", _("Waiting for a return visit")),
    ]
    return render(request, "servicedesk/admin/board.html", {
        "header_title": _("Desk board"), "header_icon": "table",
        "sections": [(key, title, sections[key]) for key, title in titles],
        "now": now,
        "can_intake": request.user.has_perm("servicedesk.add_ticket"),
        "can_kpi": request.user.has_perm("servicedesk.view_servicedesk_kpi"),
        "can_handover": request.user.has_perm("servicedesk.dispatch_ticket"),
    })


# --- admin: intake --------------------------------------------------------------------------
@login_required
def intake_view(request):
    _require_perm(request.user, "add_ticket")
    form = forms.IntakeForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = services.ticket_intake(
                    estate=data["estate"], kind=data["kind"], severity=data["severity"] or "",
                    channel=data["channel"], house=data.get("house_obj"), shared_area=data["shared_area"],
                    contact_name=data["contact_name"], contact_mobile=data["contact_mobile"],
                    description=data["description"], expected_at=data["expected_at"],
                    received_at=data["received_at"], photo=data.get("photo"), handler=data["handler"],
                    category=data.get("category"), by=request.user,
                )
            except ValidationError as exc:
                forms.add_service_errors(form, exc)
            else:
                messages.success(request, _("Ticket %(number)s recorded.") % {"number": ticket.number})
                return redirect("servicedesk_ticket", pk=ticket.pk)
        status = 400
    return render(request, "servicedesk/admin/intake.html", {
        "form": form, "header_title": _("New ticket"), "header_icon": "plus",
    }, status=status)


# --- admin: a ticket ------------------------------------------------------------------------
#: Step → its form (None: a button alone). The labels, states and rules are in servicedesk.workflow.
ACTION_FORMS = {
    "dispatch": forms.DispatchForm,
    "takeover": None,
    "feedback": forms.NoteForm,
    "start": None,
    "done": forms.DoneForm,
    "return_visit": forms.ReturnVisitForm,
    "close": None,
    "reopen": forms.ReopenForm,
    "handler": forms.HandlerForm,
}


def available_actions(ticket: Ticket, user) -> list[str]:
    """The steps the user can take now: exactly those the services accept (one table)."""
    return TICKETS.allowed(ticket, user)


def _action_form(action: str, ticket: Ticket, data=None):
    form_class = ACTION_FORMS[action]
    if form_class is None:
        return None
    if form_class is forms.DispatchForm:
        # Routed by type: the category's maintenance person or contractor is proposed.
        return form_class(data, ticket=ticket, prefix=action, initial=services.proposed_assignment(ticket))
    if form_class is forms.HandlerForm:
        return form_class(data, estate=ticket.estate, prefix=action)
    return form_class(data, prefix=action)


def _get_ticket(request, pk: int) -> Ticket:
    qs = selectors.visible_tickets(request.user).select_related(
        "estate", "house__building", "handler", "assignee", "created_by"
    )
    return get_object_or_404(qs, pk=pk)


def _history_rows(ticket: Ticket, user) -> list[dict]:
    """Field-level history of the ticket, newest first; mobiles masked for roles without the right."""
    records = list(ticket.history.select_related("history_user").order_by("-history_date", "-history_id")[:50])
    rows = []
    for record, previous in zip(records, [*records[1:], None], strict=True):
        changes = []
        if previous is not None:
            for change in record.diff_against(previous).changes:
                if change.field in ("clock_hours",):
                    continue
                old, new = change.old, change.new
                if change.field == "contact_mobile":
                    old, new = shown_mobile(old, user), shown_mobile(new, user)
                label = Ticket._meta.get_field(change.field).verbose_name
                changes.append({"field": label, "old": old, "new": new})
        rows.append({"record": record, "changes": changes})
    return rows


def _render_ticket(request, ticket: Ticket, *, bound: tuple[str, object] | None = None, status: int = 200):
    user = request.user
    now = timezone.now()
    action_forms = []
    for action in available_actions(ticket, user):
        form = bound[1] if bound and bound[0] == action else _action_form(action, ticket)
        action_forms.append({"action": action, "label": TICKETS.label(action), "form": form})
    if bound and bound[0] not in [a["action"] for a in action_forms]:
        action_forms.insert(0, {"action": bound[0], "label": TICKETS.label(bound[0]), "form": bound[1]})
    clocks = []
    for clock in selectors.clocks_in_order(ticket):
        remaining = clock.remaining
        clocks.append({
            "clock": clock,
            "late": remaining.total_seconds() < 0,
            "delta": selectors.format_delta(remaining),
            "state": (
                _("cancelled") if clock.cancelled
                else (_("kept late") if clock.met_at and remaining.total_seconds() < 0
                      else _("kept in time") if clock.met_at
                      else _("time over") if remaining.total_seconds() < 0 else _("time left"))
            ),
        })
    unmasked = can_view_personal_data(user)
    if unmasked:
        log_personal_data_access(user=user, obj=ticket, fields=["contact_mobile"], action="view", estate=ticket.estate)
    return render(request, "servicedesk/admin/ticket.html", {
        "header_title": f"{ticket.number} · {ticket.get_kind_display()} · {ticket.get_status_display()}",
        "header_icon": "help",
        "ticket": ticket,
        "mobile": shown_mobile(ticket.contact_mobile, user),
        "clocks": clocks,
        "events": ticket.events.select_related("by"),
        "photos": ticket.photos.all(),
        "visits": ticket.return_visits.select_related("by"),
        "history": _history_rows(ticket, user),
        "action_forms": action_forms,
        "now": now,
    }, status=status)


@login_required
def ticket_view(request, pk: int):
    _require_perm(request.user, "view_ticket")
    return _render_ticket(request, _get_ticket(request, pk))


@login_required
def ticket_photo_view(request, pk: int):
    """The ticket's photo from the private storage, for staff who may see the ticket."""
    _require_perm(request.user, "view_ticket")
    ticket = _get_ticket(request, pk)
    if not ticket.photo:
        raise Http404
    try:
        handle = ticket.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, filename=ticket.photo.name.rsplit("/", 1)[-1])


@login_required
def ticket_photos_view(request, pk: int, photo: int):
    """One of the photos sent with the ticket (the owner's up to six), for staff who see it."""
    _require_perm(request.user, "view_ticket")
    ticket = _get_ticket(request, pk)
    item = get_object_or_404(TicketPhoto, ticket=ticket, pk=photo)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=item.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def ticket_action_view(request, pk: int, action: str):
    _require_perm(request.user, "view_ticket")
    if action not in ACTION_FORMS:
        raise Http404
    ticket = _get_ticket(request, pk)
    user = request.user
    try:
        # The same table as the buttons: an action the page does not offer is refused here
        # (and again by the service, under the row lock).
        TICKETS.check(action, ticket, user)
    except ActionRefused as exc:
        messages.error(request, " ".join(exc.messages))
        return _render_ticket(request, ticket, status=exc.status_code)
    form = _action_form(action, ticket, request.POST)
    if form is not None and not form.is_valid():
        return _render_ticket(request, ticket, bound=(action, form), status=400)
    data = form.cleaned_data if form is not None else {}
    try:
        if action == "dispatch":
            services.ticket_dispatch(ticket=ticket, assignee=data["assignee"], contractor=data["contractor"], note=data["note"], by=user)
        elif action == "takeover":
            services.ticket_takeover(ticket=ticket, by=user)
        elif action == "feedback":
            services.ticket_feedback(ticket=ticket, note=data["note"], by=user)
        elif action == "start":
            services.ticket_start(ticket=ticket, by=user)
        elif action == "done":
            services.ticket_done(ticket=ticket, result=data["result"], adopted=data.get("adopted"), by=user)
        elif action == "return_visit":
            services.ticket_return_visit(
                ticket=ticket, satisfaction=data["satisfaction"], comment=data["comment"],
                owner_confirmed=data["owner_confirmed"], by=user,
            )
        elif action == "close":
            services.ticket_close(ticket=ticket, by=user)
        elif action == "reopen":
            services.ticket_reopen(ticket=ticket, reason=data["reason"], by=user)
        elif action == "handler":
            services.ticket_set_handler(ticket=ticket, handler=data["handler"], by=user)
    except ValidationError as exc:
        if form is None:
            form = forms.forms.Form({}, prefix=action)
            form.is_valid()
        forms.add_service_errors(form, exc)
        messages.error(request, " ".join(exc.messages))
        return _render_ticket(request, ticket, bound=(action, form), status=getattr(exc, "status_code", 400))
    messages.success(request, _("%(step)s: %(number)s") % {"step": TICKETS.label(action), "number": ticket.number})
    return redirect("servicedesk_ticket", pk=ticket.pk)


# --- admin: shift handover ------------------------------------------------------------------
@login_required
def handover_view(request):
    _require_perm(request.user, "dispatch_ticket")
    form = forms.ShiftHandoverForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                handover = services.tickets_hand_over(
                    estate=data["estate"], from_user=data["from_user"], to_user=data["to_user"],
                    note=data["note"], by=request.user,
                )
            except ValidationError as exc:
                forms.add_service_errors(form, exc)
            else:
                messages.success(request, _("%(count)s tickets handed over.") % {"count": handover.tickets.count()})
                return redirect("servicedesk_board")
        status = 400
    recent = scope_queryset(
        ShiftHandover.objects.select_related("from_user", "to_user", "estate").prefetch_related("tickets"),
        request.user,
    )[:20]
    return render(request, "servicedesk/admin/handover.html", {
        "form": form, "recent": recent, "header_title": _("Shift handover"), "header_icon": "resubmit",
    }, status=status)


# --- admin: KPIs ----------------------------------------------------------------------------
@login_required
def kpi_view(request):
    _require_perm(request.user, "view_servicedesk_kpi")
    month = request.GET.get("month", "").strip()
    if month and _QUARTER_OR_YEAR.match(month):
        # Quarters and years are the scorecard's (every figure, any period): send them there.
        query = request.GET.copy()
        query["period"] = query.pop("month")[-1]
        query.pop("by", None)
        return redirect(f"{reverse('surveys_scorecard')}?{query.urlencode()}")
    form = forms.KpiForm(request.GET or None, user=request.user)
    today = timezone.localdate()
    month, estate, by = date(today.year, today.month, 1), None, "estate"
    if request.GET and not form.is_valid():
        return render(request, "servicedesk/admin/kpi.html", {
            "form": form, "rows": [], "header_title": _("Service desk KPIs"), "header_icon": "order",
        }, status=400)
    if form.is_bound:
        month = form.cleaned_data["month"] or month
        estate = form.cleaned_data["estate"]
        category = form.cleaned_data["category"]
        by = form.cleaned_data["by"] or "estate"
    tickets = scope_queryset(Ticket.objects.all(), request.user)
    if estate is not None:
        tickets = tickets.filter(estate=estate)
    if form.is_bound and category is not None:
        tickets = tickets.filter(category=category)
    by_handler = by == "handler"
    rows = selectors.kpis(tickets=tickets, month=month, by_handler=by_handler)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header, body = selectors.kpi_table(rows, by_handler=by_handler)
        # The one spreadsheet writer: formula escaping, BOM for CSV (no personal data here).
        return export_response(fmt=fmt, headers=header, rows=body, filename=f"servicedesk-kpi-{month:%Y-%m}",
                               title=f"{month:%Y-%m}")
    query = request.GET.copy()
    return render(request, "servicedesk/admin/kpi.html", {
        "header_title": _("Service desk KPIs"), "header_icon": "order",
        "form": form, "rows": rows, "month": month, "by_handler": by_handler,
        "definitions": selectors.KPI_DEFINITIONS,
        "csv_query": _with(query, "csv"), "xlsx_query": _with(query, "xlsx"),
    })


_QUARTER_OR_YEAR = re.compile(r"^\d{4}(-[Qq][1-4])?$")


def _with(query, fmt: str) -> str:
    query = query.copy()
    query["format"] = fmt
    return query.urlencode()
