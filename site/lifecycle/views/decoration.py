"""Decoration pages: the application, its page (approval, inspections, violations, acceptance,
the deposit), the printable permit and the inspection photos (private)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST
from estates.personal_data import shown_mobile

from lifecycle import forms, services
from lifecycle.models import Decoration, DecorationPhoto, DecorationViolation
from lifecycle.views.common import (
    action_forms,
    log_unmasked,
    new_record_view,
    require,
    run_action,
    scoped,
)
from lifecycle.workflow import DECORATIONS, VIOLATIONS


def decoration_new_view(request):
    def create(data):
        return services.decoration_apply(
            house=data["house"], owner_name=data["owner_name"], owner_mobile=data["owner_mobile"],
            contractor=data["contractor"], contractor_contact=data["contractor_contact"],
            contractor_mobile=data["contractor_mobile"], workers=data["workers"], scope=data["scope"],
            controlled_items=data["controlled_items"], start=data["start"], end=data["end"],
            deposit_amount=data["deposit_amount"], deposit_method=data["deposit_method"],
            agreement_file=data["agreement"], by=request.user,
        )

    return new_record_view(
        request, perm="lifecycle.add_decoration", form_class=forms.DecorationForm, create=create,
        title=_("Decoration application"), icon="cogs",
        done=lambda record: (_("Decoration application recorded: %(decoration)s") % {"decoration": record}, "lifecycle_decoration"),
    )


def _facts(decoration: Decoration, user) -> list[tuple]:
    facts = [
        (_("House"), f"{decoration.estate.name} {decoration.house.label}"),
        (pgettext("household role", "Owner"), f"{decoration.owner_name} {shown_mobile(decoration.owner_mobile, user)}"),
        (_("Contractor"), f"{decoration.contractor} {decoration.contractor_contact} "
                          f"{shown_mobile(decoration.contractor_mobile, user)}".strip()),
        (_("Workers"), decoration.workers),
        (_("Scope of the works"), decoration.scope),
        (_("Controlled items included"), "、".join(decoration.controlled_items)),
        (_("Works"), f"{decoration.start:%Y-%m-%d} – {decoration.end:%Y-%m-%d}"),
        (_("Deposit"), f"¥{decoration.deposit_amount}" + (
            f" · {_('receipt')} {decoration.deposit.receipt_number}" if decoration.deposit_id else "")),
    ]
    if decoration.deposit_id and decoration.deposit.refunded_at:
        deposit = decoration.deposit
        deductions = "; ".join(f"{d.reason} ¥{d.amount}" for d in deposit.deductions.all())
        facts.append((_("Refunded"), f"¥{deposit.refunded_amount}" + (f" ({deductions})" if deductions else "")))
    if decoration.permit_no:
        facts.append((_("Permit number"), decoration.permit_no))
    if decoration.decision_note:
        facts.append((_("Decision note"), decoration.decision_note))
    return facts


def _page(request, decoration: Decoration, *, bound=None, status: int = 200, violation_bound=None):
    """``violation_bound``: (violation pk, (action, form)) when a violation's step was refused."""
    user = request.user
    log_unmasked(request, decoration, ["owner_mobile", "contractor_mobile"])
    violations = []
    for violation in decoration.violations.all():
        vbound = violation_bound[1] if violation_bound and violation_bound[0] == violation.pk else None
        violations.append({"violation": violation, "actions": action_forms(
            request, violation, VIOLATIONS, forms.VIOLATION_FORMS, empty=forms.EmptyForm, bound=vbound)})
    return render(request, "lifecycle/decoration.html", {
        "title": _("Decoration"), "icon": "cogs", "record": decoration, "status": decoration.get_status_display(),
        "facts": _facts(decoration, user), "action_url": "lifecycle_decoration_action",
        "actions": action_forms(request, decoration, DECORATIONS, forms.DECORATION_FORMS, empty=forms.EmptyForm,
                                bound=bound, extra={"violation": "inspect"}),
        "inspections": decoration.inspections.prefetch_related("photos"), "violations": violations,
        "today": timezone.localdate(),
    }, status=status)


def decoration_view(request, pk: int):
    require(request.user, "lifecycle.view_decoration")
    return _page(request, scoped(Decoration, request.user, pk=pk))


def _handler(request):
    user = request.user

    def handler(action, decoration, data):
        if action == "approve":
            services.decoration_approve(decoration=decoration, note=data["note"], by=user)
        elif action == "reject":
            services.decoration_reject(decoration=decoration, note=data["note"], by=user)
        elif action == "inspect":
            services.inspection_record(decoration=decoration, ok=data["ok"], notes=data["notes"],
                                       photos=data["photos"], by=user)
        elif action == "violation":
            services.violation_record(decoration=decoration, rule=data["rule"], description=data["description"],
                                      action=data["action"], rectify_by=data["rectify_by"], by=user)
            return _("Violation recorded; the owner is notified.")
        elif action == "resume":
            services.decoration_resume(decoration=decoration, by=user)
        elif action == "accept":
            services.decoration_accept(decoration=decoration, house_status=data["house_status"], note=data["note"],
                                       by=user)
        elif action == "settle":
            services.decoration_settle(decoration=decoration, deductions=data["deductions"], by=user)
        return _("%(step)s: %(decoration)s") % {"step": DECORATIONS.label(action), "decoration": decoration}
    return handler


@require_POST
def decoration_action_view(request, pk: int, action: str):
    require(request.user, "lifecycle.view_decoration")
    decoration = scoped(Decoration, request.user, pk=pk)
    return run_action(request, decoration, action=action, form_classes=forms.DECORATION_FORMS, empty=forms.EmptyForm,
                      handler=_handler(request), page=_page, allowed_actions=[*DECORATIONS.actions, "violation"],
                      success_url=reverse("lifecycle_decoration", args=(decoration.pk,)))


@require_POST
def violation_action_view(request, pk: int, action: str):
    require(request.user, "lifecycle.view_decorationviolation")
    violation = scoped(DecorationViolation, request.user, pk=pk)
    user = request.user

    def handler(action, violation, data):
        if action == "rectify":
            services.violation_rectify(violation=violation, rectification=data["rectification"], by=user)
        elif action == "verify":
            services.violation_verify(violation=violation, by=user)
        elif action == "reject":
            services.violation_reject(violation=violation, reason=data["reason"], by=user)
        return _("%(step)s: %(violation)s") % {"step": VIOLATIONS.label(action), "violation": violation.rule}

    def page(request, violation, *, bound=None, status=200):
        return _page(request, violation.decoration, status=status,
                     violation_bound=(violation.pk, bound) if bound else None)

    return run_action(request, violation, action=action, form_classes=forms.VIOLATION_FORMS, empty=forms.EmptyForm,
                      handler=handler, page=page, allowed_actions=VIOLATIONS.actions,
                      success_url=reverse("lifecycle_decoration", args=(violation.decoration_id,)))


def permit_view(request, pk: int):
    """The printable permit for the site (装修施工许可证)."""
    require(request.user, "lifecycle.view_decoration")
    decoration = scoped(Decoration, request.user, pk=pk)
    if not decoration.permit_no:
        raise Http404
    return render(request, "lifecycle/permit.html", {"decoration": decoration})


def photo_view(request, pk: int):
    """Photos are private: only staff of the photo's estate get them, through this view."""
    require(request.user, "lifecycle.view_decorationphoto")
    photo = scoped(DecorationPhoto, request.user, pk=pk)
    try:
        handle = photo.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
