"""The owner portal's pages (phone first, the bulletin's look). Views parse input and call
owners.services / owners.selectors; every page but the sign-in needs a signed-in owner, re-checked
on each request (owners.services.owner_for), and reads only that owner's household.

The owner's sign-in is not a Django user session: the session holds the owner token only, so the
admin never sees an owner as logged in.
"""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from estatedesk.guard import public_form
from fees.selectors import rmb_in_words
from servicedesk.models import TicketPhoto
from surveys.selectors import open_surveys_for

from owners import forms, selectors, services

SESSION_KEY = "owner_token"
PENDING_MOBILE = "owner_pending_mobile"


def _render(request, template: str, context: dict, status: int = 200):
    match = request.resolver_match
    context = {"section": match.url_name.removeprefix("owners_") if match else "", **context}
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def owner_page(view):
    """Load the signed-in owner into ``request.owner``, or send the visitor to the sign-in."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        raw = request.session.get(SESSION_KEY)
        owner = services.owner_for(raw)
        if owner is None:
            token = services.token_pending(raw)
            if token is not None and token.household_id is None:
                return redirect("owners_choose")
            request.session.pop(SESSION_KEY, None)
            return redirect("owners_sign_in")
        request.owner = owner
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


# --- sign-in ----------------------------------------------------------------------------------
@never_cache
@public_form("owner_code")
def sign_in_view(request):
    form = forms.MobileForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return _render(request, "owners/sign_in.html", {"form": form}, status=400)
        # The same next page whether or not the mobile is registered: nothing is told.
        services.code_request(mobile=form.cleaned_data["mobile"])
        request.session[PENDING_MOBILE] = form.cleaned_data["mobile"]
        return redirect("owners_code")
    return _render(request, "owners/sign_in.html", {"form": form})


@never_cache
@public_form("owner_sign_in")
def code_view(request):
    mobile = request.session.get(PENDING_MOBILE)
    if not mobile:
        return redirect("owners_sign_in")
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST":
        result = services.sign_in(mobile=mobile, code=request.POST.get("code", "")) if form.is_valid() else None
        if result is None:
            form.errors.clear()
            form.add_error(None, _("The code is wrong or has expired. Ask for a new code if needed."))
            return _render(request, "owners/code.html", {"form": form, "mobile": mobile}, status=400)
        raw, token = result
        request.session.cycle_key()  # a new session id at sign-in: no fixation
        request.session.pop(PENDING_MOBILE, None)
        request.session[SESSION_KEY] = raw
        return redirect("owners_home" if token.household_id else "owners_choose")
    return _render(request, "owners/code.html", {"form": form, "mobile": mobile})


@never_cache
@public_form("owner_post")
def choose_view(request):
    token = services.token_pending(request.session.get(SESSION_KEY))
    if token is None:
        return redirect("owners_sign_in")
    households = services.households_of(token)
    error = ""
    if request.method == "POST":
        try:
            services.token_choose(token=token, household_id=request.POST.get("household"))
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            return redirect("owners_home")
    return _render(request, "owners/choose.html", {"households": households, "error": error},
                   status=400 if error else 200)


@require_POST
@public_form("owner_post")
def sign_out_view(request):
    token = services.token_pending(request.session.get(SESSION_KEY))
    if token is not None:
        services.token_revoke(token=token)
    request.session.flush()
    return redirect("owners_sign_in")


# --- pages ------------------------------------------------------------------------------------
@owner_page
def home_view(request):
    owner = request.owner
    return _render(request, "owners/home.html", {
        "owner": owner, "due": selectors.total_due(owner), "arrears": selectors.arrears_words(owner),
        "open_tickets": [t for t in selectors.tickets(owner)[:20] if t.status != t.Status.CLOSED],
        "surveys": open_surveys_for(owner.household),
    })


@owner_page
def household_view(request):
    owner = request.owner
    return _render(request, "owners/household.html", {
        "owner": owner, "members": selectors.members(owner), "vehicles": selectors.vehicles(owner),
    })


@owner_page
def bills_view(request):
    owner = request.owner
    return _render(request, "owners/bills.html", {
        "owner": owner, "bills": selectors.bills(owner)[:120], "due": selectors.total_due(owner),
        "payments": selectors.payments(owner)[:60], "arrears": selectors.arrears_words(owner),
    })


@owner_page
def receipt_view(request, pk: int):
    owner = request.owner
    payment = selectors.payment(owner, pk)
    return _render(request, "owners/receipt.html", {
        "owner": owner, "payment": payment, "allocations": selectors.allocations(payment),
        "in_words": rmb_in_words(payment.amount), "printed_at": timezone.localtime(),
    })


@owner_page
@public_form("owner_report")
def report_view(request):
    owner = request.owner
    categories = list(selectors.categories(owner))
    form = forms.ReportForm(request.POST or None, request.FILES or None, categories=categories)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = services.report(
                    owner=owner, kind=data["kind"], description=data["description"],
                    category_id=data["category"] or None, shared_area=data["shared_area"],
                    expected_at=data["expected_at"], photos=request.FILES.getlist("photos"),
                )
            except ValidationError as exc:
                forms.add_errors(form, exc)
            else:
                return redirect("owners_ticket", pk=ticket.pk)
        return _render(request, "owners/report.html", {"owner": owner, "form": form}, status=400)
    return _render(request, "owners/report.html", {"owner": owner, "form": form})


@owner_page
def tickets_view(request):
    owner = request.owner
    return _render(request, "owners/tickets.html", {"owner": owner, "tickets": selectors.tickets(owner)[:100]})


def _ticket_page(request, ticket, form=None, status=200):
    now = timezone.now()
    clocks = [
        {"label": c.get_kind_display(), "due_at": c.due_at, "met_at": c.met_at,
         "late": (c.met_at or now) > c.due_at}
        for c in ticket.clocks.filter(cancelled=False).order_by("due_at", "pk")
    ]
    can_confirm = selectors.owner_can_confirm(ticket)
    if can_confirm and form is None:
        form = forms.ConfirmForm()
    return _render(request, "owners/ticket.html", {
        "owner": request.owner, "ticket": ticket, "clocks": clocks,
        "events": ticket.events.order_by("at", "pk"), "photos": ticket.photos.all(),
        "visits": ticket.return_visits.order_by("at", "pk"), "form": form if can_confirm else None,
    }, status=status)


@owner_page
def ticket_view(request, pk: int):
    return _ticket_page(request, selectors.ticket(request.owner, pk))


@owner_page
@require_POST
@public_form("owner_post")
def ticket_confirm_view(request, pk: int):
    ticket = selectors.ticket(request.owner, pk)
    form = forms.ConfirmForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.confirm(owner=request.owner, ticket=ticket, confirmed=data["confirmed"],
                             satisfaction=data["satisfaction"], comment=data["comment"])
        except ValidationError as exc:
            forms.add_errors(form, exc)
        else:
            return redirect("owners_ticket", pk=ticket.pk)
    ticket.refresh_from_db()
    return _ticket_page(request, ticket, form=form, status=400)


@owner_page
def ticket_photo_view(request, pk: int, photo: int):
    ticket = selectors.ticket(request.owner, pk)
    return photo_response(get_object_or_404(TicketPhoto, ticket=ticket, pk=photo))


def photo_response(item: TicketPhoto):
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=item.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@owner_page
def events_view(request):
    owner = request.owner
    return _render(request, "owners/events.html", {"owner": owner, "signups": selectors.signups(owner)})
