"""The owner API (JSON) for a WeChat mini-program or any other front end: the same capabilities
as the owner pages, with a token from the same SMS sign-in (``Authorization: Bearer <token>``),
scoped to the owner's household. docs/owners.md has the routes with curl examples.

Errors are JSON: ``{"detail": "...", "errors": {field: [messages]}}`` with 400, 401 (no valid
token), 404 (not found, or another household's), 405, 429 (rate limit).
"""

from __future__ import annotations

import functools
import json

from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from estatedesk.guard import over_limit
from fees.selectors import rmb_in_words
from servicedesk.models import Ticket, TicketPhoto
from surveys.selectors import open_surveys_for

from owners import forms, selectors, serializers, services
from owners.models import OwnerToken
from owners.views import photo_response


def _json(data, status=200):
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-store"
    return response


def _error(detail, status, errors=None):
    body = {"detail": str(detail)}
    if errors:
        body["errors"] = errors
    return _json(body, status=status)


def _form_error(form):
    errors = {k: [e["message"] for e in v] for k, v in form.errors.get_json_data().items()}
    return _error(_("The request was not accepted."), 400, errors)


def _body(request) -> dict:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return {}
        return data if isinstance(data, dict) else {}
    return request.POST.dict()


def _raw_token(request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def endpoint(methods: tuple[str, ...], *, auth: str = "owner", limit: str | None = None):
    """Method check, rate limit on writes, and token auth (``owner``: household chosen;
    ``pending``: any live token; ``none``)."""

    def decorator(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in methods:
                return _error(_("Method not allowed."), 405)
            if limit and request.method != "GET" and over_limit(request, scope=limit):
                return _error(_("Too many requests. Please wait a few minutes and try again."), 429)
            if auth == "owner":
                request.owner = services.owner_for(_raw_token(request))
                if request.owner is None:
                    return _error(_("Sign in first (a valid token is needed)."), 401)
            elif auth == "pending":
                request.token = services.token_pending(_raw_token(request))
                if request.token is None:
                    return _error(_("Sign in first (a valid token is needed)."), 401)
            try:
                return view(request, *args, **kwargs)
            except Http404:
                # Another household's id and a missing one get the same answer.
                return _error(_("Not found."), 404)
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
                return _error(_("The request was not accepted."), 400, errors)

        return wrapped

    return decorator


# --- sign-in ----------------------------------------------------------------------------------
@endpoint(("POST",), auth="none", limit="owner_code")
def code(request):
    mobile = services.clean_mobile(_body(request).get("mobile", ""))
    if mobile is None:
        return _error(_("The request was not accepted."), 400,
                      {"mobile": [_("Enter a mainland mobile number (11 digits).")]})
    services.code_request(mobile=mobile)
    # Always the same answer: whether the number is registered is not told.
    return _json({"detail": _("If this number is registered, a code has been sent to it.")}, 202)


@endpoint(("POST", "DELETE"), auth="none", limit="owner_sign_in")
def token(request):
    if request.method == "DELETE":
        found = services.token_pending(_raw_token(request))
        if found is not None:
            services.token_revoke(token=found)
        return _json({"detail": _("Signed out.")})
    data = _body(request)
    result = services.sign_in(mobile=data.get("mobile", ""), code=str(data.get("code", "")), kind=OwnerToken.Kind.API)
    if result is None:
        return _error(_("The code is wrong or has expired. Ask for a new code if needed."), 400)
    raw, tok = result
    return _json({
        "token": raw, "expires_at": tok.expires_at.isoformat(), "household_chosen": tok.household_id is not None,
        "households": [serializers.household_choice(h) for h in services.households_of(tok)],
    }, 201)


@endpoint(("GET",), auth="pending")
def households(request):
    return _json({"households": [serializers.household_choice(h) for h in services.households_of(request.token)],
                  "chosen": request.token.household_id})


@endpoint(("POST",), auth="pending", limit="owner_post")
def households_choose(request):
    services.token_choose(token=request.token, household_id=_body(request).get("household"))
    return _json({"chosen": request.token.household_id})


# --- the household ----------------------------------------------------------------------------
@endpoint(("GET",))
def me(request):
    owner = request.owner
    return _json({
        "household": serializers.household(owner), "members": selectors.members(owner),
        "vehicles": [serializers.vehicle(v) for v in selectors.vehicles(owner)],
        "surveys": [{**s, "url": request.build_absolute_uri(s["url"])} for s in open_surveys_for(owner.household)],
    })


@endpoint(("GET",))
def bills(request):
    owner = request.owner
    return _json({
        "total_due": str(selectors.total_due(owner)), "arrears": selectors.arrears_words(owner),
        "bills": [serializers.bill(b) for b in selectors.bills(owner)[:240]],
    })


@endpoint(("GET",))
def receipts(request):
    return _json({"receipts": [serializers.payment(p) for p in selectors.payments(request.owner)[:120]]})


@endpoint(("GET",))
def receipt(request, pk: int):
    payment = selectors.payment(request.owner, pk)
    return _json({**serializers.payment(payment), "amount_in_words": rmb_in_words(payment.amount),
                  "lines": [serializers.allocation(a) for a in selectors.allocations(payment)]})


@endpoint(("GET",))
def categories(request):
    return _json({"categories": [{"id": c.pk, "name": c.name} for c in selectors.categories(request.owner)],
                  "kinds": [{"code": k, "label": str(label)} for k, label in Ticket.Kind.choices]})


@endpoint(("GET", "POST"), limit="owner_report")
def tickets(request):
    owner = request.owner
    if request.method == "GET":
        return _json({"tickets": [serializers.ticket(t) for t in selectors.tickets(owner)[:100]]})
    form = forms.ReportForm(_body(request), request.FILES or None, categories=list(selectors.categories(owner)))
    if not form.is_valid():
            return _form_error(form)
    data = form.cleaned_data
    ticket = services.report(
        owner=owner, kind=data["kind"], description=data["description"], category_id=data["category"] or None,
        shared_area=data["shared_area"], expected_at=data["expected_at"], photos=request.FILES.getlist("photos"),
    )
    return _json(serializers.ticket_detail(ticket), 201)


@endpoint(("GET",))
def ticket(request, pk: int):
    return _json(serializers.ticket_detail(selectors.ticket(request.owner, pk)))


@endpoint(("POST",), limit="owner_post")
def ticket_confirm(request, pk: int):
    ticket = selectors.ticket(request.owner, pk)
    form = forms.ConfirmForm(_body(request))
    if not form.is_valid():
        return _form_error(form)
    data = form.cleaned_data
    ticket = services.confirm(owner=request.owner, ticket=ticket, confirmed=data["confirmed"],
                              satisfaction=data["satisfaction"], comment=data["comment"])
    return _json(serializers.ticket_detail(ticket))


@endpoint(("GET",))
def ticket_photo(request, pk: int, photo: int):
    ticket = selectors.ticket(request.owner, pk)
    item = TicketPhoto.objects.filter(ticket=ticket, pk=photo).first()
    if item is None:
        return _error(_("Not found."), 404)
    return photo_response(item)


@endpoint(("GET",))
def signups(request):
    return _json({"signups": [serializers.signup(s) for s in selectors.signups(request.owner)]})
