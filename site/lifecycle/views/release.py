"""Release pages: the request, its page (the owner's confirmation, the arrears override, the
slip), the printable slip and the gate view for security staff."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST
from estates.personal_data import shown_mobile
from estates.scoping import scope_queryset
from estates.workflow import ActionRefused
from wagtail.admin import messages

from lifecycle import forms, selectors, services
from lifecycle.models import Release
from lifecycle.views.common import (
    action_forms,
    log_unmasked,
    new_record_view,
    require,
    run_action,
    scoped,
)
from lifecycle.workflow import RELEASES


def release_new_view(request):
    def create(data):
        return services.release_request(
            house=data["house"], requester=data["requester"], requester_name=data["requester_name"],
            requester_mobile=data["requester_mobile"], items=data["items"], date=data["date"],
            carrier=data["carrier"], by=request.user,
        )

    return new_record_view(
        request, perm="lifecycle.add_release", form_class=forms.ReleaseForm, create=create,
        title=_("Release of big items"), icon="upload",
        done=lambda record: (_("Release request recorded: %(release)s") % {"release": record}, "lifecycle_release"),
    )


def _facts(release: Release, user) -> list[tuple]:
    arrears, limit = selectors.house_arrears(release.house), selectors.arrears_limit(release.house)
    facts = [
        (_("House"), f"{release.estate.name} {release.house.label}"),
        (pgettext("release", "Requested by"), f"{release.get_requester_display()} {release.requester_name} "
                            f"{shown_mobile(release.requester_mobile, user)}".strip()),
        (_("Items"), release.items),
        (_("Moving date"), release.date.strftime("%Y-%m-%d")),
        (_("Carried by"), release.carrier),
        (_("Owner on file"), "、".join(selectors.owners_on_file(release.house).values_list("name", flat=True))
         or _("none")),
        (_("Arrears"), _("¥%(owed)s (limit ¥%(limit)s)") % {"owed": arrears, "limit": limit}),
    ]
    if release.confirmed_at:
        facts.append((_("Owner's confirmation"), f"{release.confirmed_owner} · {release.get_confirmation_display()}"))
    if release.override_reason:
        facts.append((_("Arrears override"), release.override_reason))
    if release.number:
        facts.append((_("Slip number"), release.number))
    return facts


def _page(request, release: Release, *, bound=None, status: int = 200):
    log_unmasked(request, release, ["requester_mobile"])
    return render(request, "lifecycle/record.html", {
        "title": _("Release of big items"), "icon": "upload", "record": release, "status": release.get_status_display(),
        "facts": _facts(release, request.user), "action_url": "lifecycle_release_action",
        "actions": action_forms(request, release, RELEASES, forms.RELEASE_FORMS, empty=forms.EmptyForm, bound=bound),
        "slip_url": reverse("lifecycle_release_slip", args=(release.pk,)) if release.number else "",
    }, status=status)


def release_view(request, pk: int):
    require(request.user, "lifecycle.view_release")
    return _page(request, scoped(Release, request.user, pk=pk))


def _handler(request):
    user = request.user

    def handler(action, release, data):
        if action == "send_code":
            sent = services.release_send_code(release=release, by=user)
            return _("A code was texted to the owner's mobile on file (%(count)s).") % {"count": sent}
        if action == "confirm":
            services.release_confirm(release=release, method=data["method"], code=data["code"],
                                     id_number=data["id_number"], by=user)
        elif action == "override":
            services.release_override(release=release, reason=data["reason"], by=user)
        elif action == "release":
            services.release_issue(release=release, by=user)
        elif action == "pass":
            services.release_pass(release=release, by=user)
        elif action == "cancel":
            services.release_cancel(release=release, by=user)
        return _("%(step)s: %(release)s") % {"step": RELEASES.label(action), "release": release}
    return handler


@require_POST
def release_action_view(request, pk: int, action: str):
    require(request.user, "lifecycle.view_release")
    release = scoped(Release, request.user, pk=pk)
    return run_action(request, release, action=action, form_classes=forms.RELEASE_FORMS, empty=forms.EmptyForm,
                      handler=_handler(request), page=_page, allowed_actions=RELEASES.actions,
                      success_url=reverse("lifecycle_release", args=(release.pk,)))


def slip_view(request, pk: int):
    """The printable release slip (放行条) with its number."""
    require(request.user, "lifecycle.view_release")
    release = scoped(Release, request.user, pk=pk)
    if not release.number:
        return render(request, "lifecycle/refused.html", {
            "title": _("Release slip"), "message": _("No slip has been issued for this release."),
        }, status=404)
    return render(request, "lifecycle/slip.html", {"release": release})


def gate_view(request):
    """Security staff enter (or scan) the slip's number, see what may pass, and mark it passed."""
    require(request.user, "lifecycle.pass_release")
    form = forms.GateForm(request.POST or request.GET or None)
    release, error, status = None, "", 200
    if form.is_bound and form.is_valid():
        number = form.cleaned_data["number"].strip().upper()
        release = (scope_queryset(Release.objects.select_related("house__building", "estate"), request.user)
                   .filter(number=number).first())
        if release is None:
            error, status = _("No slip with this number in your estates."), 404
        elif request.method == "POST":
            try:
                services.release_pass(release=release, by=request.user)
            except ActionRefused as exc:
                error, status = " ".join(exc.messages), exc.status_code
            else:
                messages.success(request, _("Passed: %(number)s") % {"number": release.number})
                return redirect(f"{reverse('lifecycle_gate')}?number={release.number}")
    elif form.is_bound:
        status = 400
    can_pass = release is not None and "pass" in RELEASES.allowed(release, request.user)
    return render(request, "lifecycle/gate.html", {
        "form": form, "release": release, "error": error, "can_pass": can_pass,
    }, status=status)
