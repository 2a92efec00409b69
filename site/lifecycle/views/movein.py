"""Move-in pages: book, the appointment's page with its steps, the owner's pack link and the
clocks report."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST
from estatedesk.charts import Chart, Series
from estates.personal_data import shown_id_number, shown_mobile
from wagtail.documents.models import Document as WagtailDocument

from lifecycle import forms, selectors, services
from lifecycle.models import MoveIn
from lifecycle.views.common import (
    action_forms,
    log_unmasked,
    new_record_view,
    require,
    run_action,
    scoped,
)
from lifecycle.workflow import MOVEINS


def movein_new_view(request):
    def create(data):
        return services.movein_book(
            house=data["house"], owner_name=data["owner_name"], owner_mobile=data["owner_mobile"],
            owner_id_number=data["owner_id_number"], date=data["date"], slot=data["slot"],
            notes=data["notes"], by=request.user,
        )

    return new_record_view(
        request, perm="lifecycle.add_movein", form_class=forms.MoveInForm, create=create,
        title=_("Book a move-in"), icon="home",
        done=lambda record: (_("Move-in booked: %(movein)s") % {"movein": record}, "lifecycle_movein"),
    )


def _page(request, movein: MoveIn, *, bound=None, status: int = 200):
    user = request.user
    log_unmasked(request, movein, ["owner_mobile", "owner_id_number"])
    facts = [
        (_("House"), f"{movein.estate.name} {movein.house.label}"),
        (pgettext("household role", "Owner"), movein.owner_name),
        (_("Mobile"), shown_mobile(movein.owner_mobile, user)),
        (_("ID document number"), shown_id_number(movein.owner_id_number, user)),
        (_("Appointment"), f"{movein.date:%Y-%m-%d} {movein.get_slot_display()}"),
        (_("Documents to bring"), "、".join(movein.documents)),
        (_("Documents checked"), "、".join(movein.documents_checked)),
        (_("Pack sent at"), movein.pack_sent_at and timezone.localtime(movein.pack_sent_at).strftime("%Y-%m-%d %H:%M")),
    ]
    clocks = [
        (_("Arrived at"), movein.arrived_at), (_("Handling started at"), movein.started_at),
        (_("Handling ended at"), movein.ended_at),
    ]
    facts += [(label, timezone.localtime(at).strftime("%H:%M:%S")) for label, at in clocks if at]
    if movein.wait_minutes is not None:
        facts.append((_("Waiting"), _("%(minutes)s min (limit %(limit)s)") % {
            "minutes": round(movein.wait_minutes, 1), "limit": movein.wait_limit_minutes}))
    if movein.handle_minutes is not None:
        facts.append((_("Handling"), _("%(minutes)s min (limit %(limit)s)") % {
            "minutes": round(movein.handle_minutes, 1), "limit": movein.handle_limit_minutes}))
    if movein.household_id:
        facts.append((_("Household file"), str(movein.household)))
    keys = list(movein.keys.all())
    if keys:
        facts.append((_("Keys handed over"), "、".join(f"{k.tag} {k.opens} ×{k.copies}" for k in keys)))
    return render(request, "lifecycle/record.html", {
        "title": _("Move-in"), "icon": "home", "record": movein, "status": movein.get_status_display(),
        "facts": facts, "action_url": "lifecycle_movein_action",
        "actions": action_forms(request, movein, MOVEINS, forms.MOVEIN_FORMS, empty=forms.EmptyForm, bound=bound),
    }, status=status)


def movein_view(request, pk: int):
    require(request.user, "lifecycle.view_movein")
    return _page(request, scoped(MoveIn, request.user, pk=pk))


def _handle(request):
    user = request.user

    def handler(action, movein, data):
        if action == "send_pack":
            services.movein_send_pack(movein=movein, by=user)
        elif action == "arrive":
            services.movein_arrive(movein=movein, by=user)
        elif action == "start":
            services.movein_start(movein=movein, by=user, documents_checked=data["documents_checked"])
        elif action == "complete":
            services.movein_complete(movein=movein, by=user, members=data["members"], vehicles=data["vehicles"],
                                     keys=data["keys"])
        elif action == "cancel":
            services.movein_cancel(movein=movein, by=user)
        return _("%(step)s: %(movein)s") % {"step": MOVEINS.label(action), "movein": movein}
    return handler


@require_POST
def movein_action_view(request, pk: int, action: str):
    require(request.user, "lifecycle.view_movein")
    movein = scoped(MoveIn, request.user, pk=pk)
    return run_action(request, movein, action=action, form_classes=forms.MOVEIN_FORMS, empty=forms.EmptyForm,
                      handler=_handle(request), page=_page, allowed_actions=MOVEINS.actions,
                      success_url=reverse("lifecycle_movein", args=(movein.pk,)))


def movein_pack_view(request, token):
    """The owner's link (public, by its secret): the appointment, what to bring and the pack."""
    movein = get_object_or_404(MoveIn.objects.select_related("estate__collection", "house__building"), token=token)
    documents = WagtailDocument.objects.none()
    if movein.estate.collection_id:
        documents = WagtailDocument.objects.filter(
            collection=movein.estate.collection, tags__name=settings.LIFECYCLE_MOVEIN_PACK_TAG).order_by("title")
    return render(request, "lifecycle/pack.html", {"movein": movein, "documents": documents})


def report_view(request):
    """The move-in clocks per estate and month: share within each limit, average minutes."""
    require(request.user, "lifecycle.view_movein")
    form = forms.ReportForm(request.GET or None, user=request.user,
                            initial={"year": timezone.localdate().year})
    if request.GET and not form.is_valid():
        return render(request, "lifecycle/report.html", {"form": form, "rows": None}, status=400)
    data = form.cleaned_data if form.is_bound else {"year": timezone.localdate().year, "estate": None}
    rows = selectors.movein_clocks(user=request.user, year=data["year"], estate=data["estate"])
    labels = [f"{row.estate.name} {row.month:%Y-%m}" for row in rows]
    chart = Chart(
        id="movein-clocks", title=_("Move-ins within the limits (%)"), labels=labels, kind="bar", min=0, max=100,
        series=[Series(_("Waiting within limit"), [row.wait_share for row in rows]),
                Series(_("Handling within limit"), [row.handle_share for row in rows])],
    )
    return render(request, "lifecycle/report.html", {"form": form, "rows": rows, "chart": chart, "year": data["year"]})
