"""Views of patrol (admin URLs, registered by wagtail_hooks under /admin/patrol/).

Phone pages (the QR link, today's rounds, a round, a checkpoint's checklist, a hazard) use a
light template made for a phone; the label and the report are printable admin pages. Views parse
input and call services; they hold no rules.
"""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from estates.scoping import scope_queryset
from estates.workflow import ActionRefused
from spreadsheets.writing import XLSX_TYPE, xlsx_bytes
from wagtail.admin import messages

from patrol import forms, hazards, selectors, services
from patrol.models import Checkpoint, Hazard, PatrolPhoto, PatrolRound
from patrol.workflow import HAZARDS


def _require(user, perm: str) -> None:
    if not user.has_perm(f"patrol.{perm}"):
        raise PermissionDenied


def _scoped(model, user, **lookup):
    return get_object_or_404(scope_queryset(model.objects.all(), user), **lookup)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- the QR label ---------------------------------------------------------------------------
def scan_url(checkpoint: Checkpoint) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("patrol_scan", args=(checkpoint.token,))


def label_view(request, pk: int):
    _require(request.user, "view_checkpoint")
    checkpoint = _scoped(Checkpoint, request.user, pk=pk)
    url = scan_url(checkpoint)
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    return render(request, "patrol/label.html", {
        "checkpoint": checkpoint, "url": url, "qr_svg": mark_safe(image.to_string(encoding="unicode")),
        "items": checkpoint.items.all(),
    })


def scan_view(request, token):
    """Where the label's QR code leads: the round to walk here, or the checkpoint's state."""
    _require(request.user, "view_checkpoint")
    checkpoint = _scoped(Checkpoint, request.user, token=token)
    due = [r for r in selectors.rounds_to_walk(request.user)
           if r.status in (PatrolRound.Status.DUE, PatrolRound.Status.IN_PROGRESS)
           and checkpoint.pk in {c.pk for c in services.route(r)}
           and not r.visits.filter(checkpoint=checkpoint).exists()]
    if len(due) == 1:
        return redirect("patrol_visit", pk=due[0].pk, checkpoint=checkpoint.pk)
    open_hazards = checkpoint.hazards.filter(status__in=Hazard.OPEN_STATUSES)
    return render(request, "patrol/phone/scan.html", {
        "title": checkpoint.name, "checkpoint": checkpoint, "rounds": due, "hazards": open_hazards,
    })


# --- rounds on a phone ----------------------------------------------------------------------
def today_view(request):
    _require(request.user, "walk_patrolround")
    return render(request, "patrol/phone/today.html", {
        "title": _("Today's rounds"), "rounds": selectors.rounds_to_walk(request.user),
    })


def round_view(request, pk: int):
    _require(request.user, "view_patrolround")
    patrol_round = _scoped(PatrolRound, request.user, pk=pk)
    visits = {v.checkpoint_id: v for v in patrol_round.visits.all()}
    stops = [(checkpoint, visits.get(checkpoint.pk)) for checkpoint in services.route(patrol_round)]
    return render(request, "patrol/phone/round.html", {
        "title": str(patrol_round), "round": patrol_round, "stops": stops,
        "can_walk": services.may_walk(request.user, patrol_round)
        and patrol_round.status in (PatrolRound.Status.DUE, PatrolRound.Status.IN_PROGRESS),
    })


def visit_view(request, pk: int, checkpoint: int):
    _require(request.user, "walk_patrolround")
    patrol_round = _scoped(PatrolRound, request.user, pk=pk)
    point = get_object_or_404(Checkpoint, pk=checkpoint, estate_id=patrol_round.estate_id)
    if not services.may_walk(request.user, patrol_round):
        return render(request, "patrol/phone/refused.html", {
            "title": point.name, "message": _("This round is walked by others: the plan names who walks it."),
        }, status=403)
    form = forms.VisitForm(request.POST or None, checkpoint=point)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            results = [
                services.ItemResult(
                    item=item, ok=form.cleaned_data[f"item_{item.pk}"] == "ok",
                    note=form.cleaned_data[f"note_{item.pk}"], severity=form.cleaned_data[f"severity_{item.pk}"],
                    photos=request.FILES.getlist(f"photo_{item.pk}"),
                )
                for item in form.items
            ]
            try:
                services.visit_record(patrol_round=patrol_round, checkpoint=point, results=results, by=request.user)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("%(checkpoint)s recorded.") % {"checkpoint": point.name})
                return redirect("patrol_round", pk=patrol_round.pk)
        status = 400
    return render(request, "patrol/phone/visit.html", {
        "title": point.name, "round": patrol_round, "checkpoint": point, "form": form,
    }, status=status)


# --- hazards --------------------------------------------------------------------------------
def _hazard_page(request, hazard: Hazard, *, bound=None, status: int = 200):
    action_forms = []
    for action in HAZARDS.allowed(hazard, request.user):
        form_class = forms.HAZARD_FORMS.get(action, forms.EmptyForm)
        form = bound[1] if bound and bound[0] == action else (
            form_class(hazard=hazard, prefix=action) if action == "assign" else form_class(prefix=action))
        action_forms.append({"action": action, "label": HAZARDS.label(action), "form": form})
    if bound and bound[0] not in [a["action"] for a in action_forms]:
        action_forms.insert(0, {"action": bound[0], "label": HAZARDS.label(bound[0]), "form": bound[1]})
    return render(request, "patrol/phone/hazard.html", {
        "title": _("Hazard"), "hazard": hazard, "photos": hazard.photos.all(), "action_forms": action_forms,
        "overdue": hazard.status in Hazard.OPEN_STATUSES and hazard.overdue,
    }, status=status)


def hazard_view(request, pk: int):
    _require(request.user, "view_hazard")
    return _hazard_page(request, _scoped(Hazard, request.user, pk=pk))


@require_POST
def hazard_action_view(request, pk: int, action: str):
    _require(request.user, "view_hazard")
    if action not in HAZARDS.actions:
        raise Http404
    hazard = _scoped(Hazard, request.user, pk=pk)
    form_class = forms.HAZARD_FORMS.get(action, forms.EmptyForm)
    form = form_class(request.POST, hazard=hazard, prefix=action) if action == "assign" else form_class(request.POST, prefix=action)
    if not form.is_valid():
        return _hazard_page(request, hazard, bound=(action, form), status=400)
    data, user = form.cleaned_data, request.user
    try:
        if action == "assign":
            hazards.hazard_assign(
                hazard=hazard, department=data["department"], assignee=data["assignee"], contractor=data["contractor"],
                needs_repair=data["needs_repair"], contact_mobile=data["contact_mobile"], by=user,
            )
        elif action == "start":
            hazards.hazard_start(hazard=hazard, by=user)
        elif action == "rectify":
            hazards.hazard_rectify(hazard=hazard, rectification=data["rectification"], by=user)
        elif action == "verify":
            hazards.hazard_verify(hazard=hazard, by=user)
        elif action == "reject":
            hazards.hazard_reject(hazard=hazard, reason=data["reason"], by=user)
    except ActionRefused as exc:
        # The table's refusal (wrong state, own rectification, no right): its message, 400 or 403.
        form.add_error(None, exc.messages)
        return _hazard_page(request, hazard, bound=(action, form), status=exc.status_code)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("You may not do this."))
        return _hazard_page(request, hazard, bound=(action, form), status=403)
    except ValidationError as exc:
        _add_errors(form, exc)
        return _hazard_page(request, hazard, bound=(action, form), status=400)
    messages.success(request, _("%(step)s: %(hazard)s") % {"step": HAZARDS.label(action), "hazard": hazard.place})
    return redirect("patrol_hazard", pk=hazard.pk)


def photo_view(request, pk: int):
    """Photos are private: only staff of the photo's estate get them, through this view."""
    _require(request.user, "view_patrolphoto")
    photo = _scoped(PatrolPhoto, request.user, pk=pk)
    try:
        handle = photo.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the report -----------------------------------------------------------------------------
def report_view(request):
    _require(request.user, "view_patrolround")
    user = request.user
    form = forms.ReportForm(request.GET or None, user=user)
    if request.GET and not form.is_valid():
        return render(request, "patrol/admin/report.html", {"form": form, "report": None}, status=400)
    today = timezone.localdate()
    data = form.cleaned_data if form.is_bound else {"estate": None, "start": today.replace(day=1), "end": today}
    rounds = scope_queryset(PatrolRound.objects.all(), user)
    found = scope_queryset(Hazard.objects.all(), user)
    checkpoints = scope_queryset(Checkpoint.objects.all(), user)
    if data["estate"] is not None:
        rounds, found = rounds.filter(estate=data["estate"]), found.filter(estate=data["estate"])
        checkpoints = checkpoints.filter(estate=data["estate"])
    report = selectors.patrol_report(rounds=rounds, hazards=found, checkpoints=checkpoints,
                                     start=data["start"], end=data["end"])
    if request.GET.get("format") == "xlsx":
        header, body = selectors.report_table(report)
        response = HttpResponse(xlsx_bytes(header, body, title=_("Patrol report")), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="patrol-report-{report.start:%Y%m%d}-{report.end:%Y%m%d}.xlsx"'
        return response
    query = request.GET.copy()
    query["format"] = "xlsx"
    rows = [(selectors.department_label(r.department), Hazard.Severity(r.severity).label, r) for r in report.hazard_rows]
    return render(request, "patrol/admin/report.html", {
        "form": form, "report": report, "rows": rows, "xlsx_query": query.urlencode(), "estate": data["estate"],
    })
