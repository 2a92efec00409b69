"""Admin views per event: participants, return-visit and satisfaction rates against their
targets, and the sign-up export. Scoped to the user's estates (404 for another estate)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from estates.personal_data import can_view_personal_data, log_personal_data_access, mask_mobile
from estates.scoping import estate_ids_for

from bulletin import exports, selectors
from bulletin.models import EventPage, EventSignup
from bulletin.services import return_visit_record

VIEW_PERMISSION = "bulletin.view_eventsignup"


def _events_for(user):
    qs = EventPage.objects.select_related("estate").order_by("-starts_at")
    ids = estate_ids_for(user)
    return qs if ids is None else qs.filter(estate_id__in=ids)


def _event_for(user, pk) -> EventPage:
    if not user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    event = _events_for(user).filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def event_list(request):
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    events = _events_for(request.user)
    # ?waiting_visit=1: the workbench's "events waiting for return visits".
    waiting_visit = request.GET.get("waiting_visit") == "1"
    if waiting_visit:
        events = selectors.events_waiting_for_visits(events)
    return render(request, "bulletin/admin/event_list.html", {
        "events": list(events[:200]), "now": timezone.now(), "waiting_visit": waiting_visit,
    })


def event_report(request, pk: int):
    event = _event_for(request.user, pk)
    figures = selectors.event_figures(event=event)
    unmasked = can_view_personal_data(request.user)
    signups = list(
        EventSignup.objects.filter(event=event).select_related("house__building", "return_visit", "feedback")
        .order_by("created_at", "pk")
    )
    for s in signups:
        s.shown_mobile = s.mobile if unmasked else mask_mobile(s.mobile)
        s.visit = getattr(s, "return_visit", None) if hasattr(s, "return_visit") else None
        s.rating = getattr(s, "feedback", None) if hasattr(s, "feedback") else None
    if unmasked and signups:
        log_personal_data_access(user=request.user, obj=event, fields=["mobile"], action="view", estate=event.estate)
    return render(request, "bulletin/admin/event_report.html", {
        "event": event, "figures": figures, "signups": signups,
        "return_visit_target": int(selectors.RETURN_VISIT_TARGET * 100),
        "satisfaction_target": int(selectors.SATISFACTION_TARGET * 100),
        "can_record_visits": request.user.has_perm("bulletin.add_eventreturnvisit"),
    })


def event_export(request, pk: int, fmt: str):
    event = _event_for(request.user, pk)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return exports.signup_export(event=event, user=request.user, fmt=fmt)


def record_visit(request, pk: int, signup_pk: int):
    """POST from the report: record a return visit of one participant."""

    event = _event_for(request.user, pk)
    if request.method != "POST":
        raise Http404
    if not request.user.has_perm("bulletin.add_eventreturnvisit"):
        raise PermissionDenied
    signup = EventSignup.objects.filter(event=event, pk=signup_pk).first()
    if signup is None:
        raise Http404
    return_visit_record(signup=signup, by=request.user, note=request.POST.get("note", "")[:2000])
    messages.success(request, _("Return visit recorded for %(name)s.") % {"name": signup.name})
    return redirect("bulletin_admin_event_report", pk=event.pk)
