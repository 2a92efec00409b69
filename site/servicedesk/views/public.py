"""The service desk's public views (servicedesk/urls.py): the owner's form and the status lookup.
Views parse input and call services; they hold no rules.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from estatedesk.guard import public_form

from servicedesk import forms, services
from servicedesk.models import Ticket


# Rate limit and honeypot: the one public-form guard (estatedesk.guard) runs before these views.
@never_cache
@public_form("report")
def public_report_view(request):
    form = forms.PublicReportForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = services.ticket_intake(
                    estate=data["estate"], kind=data["kind"], channel=Ticket.Channel.WEB,
                    house=data.get("house_obj"), shared_area=data["shared_area"],
                    contact_name=data["contact_name"], contact_mobile=data["contact_mobile"],
                    description=data["description"], by=None,
                )
            except ValidationError as exc:
                forms.add_service_errors(form, exc)
            else:
                request.session["servicedesk_number"] = ticket.number
                return redirect("servicedesk_public_thanks")
        return render(request, "servicedesk/public/report.html", {"form": form}, status=400)
    return render(request, "servicedesk/public/report.html", {"form": form})


@never_cache
def public_thanks_view(request):
    number = request.session.get("servicedesk_number")
    if number is None:
        return redirect("servicedesk_public_report")
    return render(request, "servicedesk/public/thanks.html", {"number": number})


@never_cache
@public_form("status")
def public_status_view(request):
    form = forms.StatusLookupForm(request.POST or None)
    ticket = None
    not_found = False
    status = 200
    if request.method == "POST":
        if form.is_valid():
            ticket = (
                Ticket.objects.select_related("estate", "house__building")
                .filter(number=form.cleaned_data["number"], contact_mobile=form.cleaned_data["contact_mobile"])
                .first()
            )
            # The same answer whether the number does not exist or the mobile is wrong: no leak.
            not_found = ticket is None
            status = 404 if not_found else 200
        else:
            status = 400
    events = ticket.events.order_by("at", "pk") if ticket else []
    return render(
        request, "servicedesk/public/status.html",
        {"form": form, "ticket": ticket, "events": events, "not_found": not_found}, status=status,
    )
