"""Admin: the sweeps, their latest runs, and "run the sweep now" for estate managers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from estates import roles

from estatedesk import sweeps
from estatedesk.models import SweepRun


def can_run_sweeps(user) -> bool:
    return user.is_active and (user.is_superuser or user.groups.filter(name=roles.ESTATE_MANAGER).exists())


def _figures(result: dict) -> list[tuple[str, object]]:
    return [(str(label), result[key]) for key, label in _labels().items() if key in result]


def _labels() -> dict:
    # Translated per request (the user's language), not at import.
    return {
        "messages_retried": _("messages sent again"),
        "messages_uncertain": _("messages to check (outcome unknown)"),
        "reminders_sent": _("reminders sent"),
        "reminders_pending": _("reminders still pending"),
        "reminders_recorded": _("reminders recorded"),
        "bills_issued": _("bills issued"),
        "escalations_sent": _("escalations sent"),
        "tasks_requeued": _("tasks queued again after a queue outage"),
    }


@require_http_methods(["GET", "POST"])
def sweeps_view(request):
    if not can_run_sweeps(request.user):
        raise PermissionDenied
    if request.method == "POST":
        result = sweeps.run_frequent_sweep(by=request.user, fees_daily=request.POST.get("fees_daily") == "1")
        summary = "; ".join(f"{label}: {value}" for label, value in _figures(result))
        messages.success(request, _("The sweep ran: %(summary)s.") % {"summary": summary})
        return redirect("estatedesk_sweeps")
    runs = [
        {"run": run, "figures": _figures(run.result)}
        for run in SweepRun.objects.select_related("started_by").order_by("-started_at")[:20]
    ]
    context = {
        "page_title": _("Sweeps"),
        "header_title": _("Sweeps"),
        "header_icon": "resubmit",
        "runs": runs,
        "fees_daily_due": sweeps.fees_daily_due(),
    }
    return render(request, "estatedesk/sweeps.html", context)
