"""Public views that are not pages: sign-up and satisfaction forms (never cached: they carry a
CSRF token), search, the Atom feed per estate and the language switch."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from estatedesk.guard import public_form
from estates.models import Estate

from bulletin import selectors, services
from bulletin.forms import FeedbackForm, SignupForm
from bulletin.models import Category, EventPage, NoticePage


def _event_or_404(page_id: int) -> EventPage:
    event = EventPage.objects.live().select_related("estate").filter(pk=page_id).first()
    if event is None:
        raise Http404
    return event


def _render_form(request, template, context, status=200):
    context.setdefault("homes", selectors.homes())
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@public_form("signup")
def signup(request, page_id: int):
    event = _event_or_404(page_id)
    taken = selectors.signup_taken(event=event)
    context = {"event": event, "page": event, "left": max(event.capacity - taken, 0)}
    if request.method == "GET":
        context["form"] = SignupForm(event=event)
        return _render_form(request, "bulletin/signup.html", context)
    form = SignupForm(request.POST, event=event)
    context["form"] = form
    if not form.is_valid():
        context["error"] = _("Please correct the errors below.")
        return _render_form(request, "bulletin/signup.html", context, status=400)
    try:
        signup = services.signup_create(
            event=event, name=form.cleaned_data["name"], house=form.cleaned_data["house"],
            mobile=form.cleaned_data["mobile"], people=form.cleaned_data["people"],
        )
    except services.SignupRejected as exc:
        context["error"] = exc.messages[0]
        context["left"] = max(event.capacity - selectors.signup_taken(event=event), 0)
        status = 409 if exc.code in ("duplicate", "full") else 400
        return _render_form(request, "bulletin/signup.html", context, status=status)
    context["signup"] = signup
    return _render_form(request, "bulletin/signup_done.html", context)


@require_http_methods(["GET", "POST"])
@public_form("feedback")
def feedback(request, page_id: int):
    event = _event_or_404(page_id)
    context = {"event": event, "page": event}
    if request.method == "GET":
        context["form"] = FeedbackForm()
        return _render_form(request, "bulletin/feedback.html", context)
    form = FeedbackForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        context["error"] = _("Please correct the errors below.")
        return _render_form(request, "bulletin/feedback.html", context, status=400)
    try:
        services.feedback_create(
            event=event, mobile=form.cleaned_data["mobile"], score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        )
    except services.SignupRejected as exc:
        context["error"] = exc.messages[0]
        status = 409 if exc.code == "duplicate" else (403 if exc.code == "not_signed_up" else 400)
        return _render_form(request, "bulletin/feedback.html", context, status=status)
    return _render_form(request, "bulletin/feedback_done.html", context)


@require_GET
def search(request):
    query = request.GET.get("q", "")
    estate_code = request.GET.get("estate") or None
    results = list(selectors.search_notices(query=query, estate_code=estate_code))
    return render(request, "bulletin/search.html", {
        "query": query, "results": results, "estate_code": estate_code, "homes": selectors.homes(),
    })


@require_GET
def set_language(request, language: str):
    """A plain link (no form, no JavaScript, no CSRF token in the cached pages) that remembers
    the reader's language in the language cookie and goes back."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
        path=settings.LANGUAGE_COOKIE_PATH, samesite="Lax",
    )
    return response


class EstateNoticeFeed(Feed):
    """Atom feed of an estate's current notices (in the reader's language when it exists)."""

    feed_type = Atom1Feed

    def get_object(self, request, code):
        return get_object_or_404(Estate, code__iexact=code)

    def title(self, estate):
        return _("%(estate)s bulletin") % {"estate": estate.name}

    def link(self, estate):
        home = getattr(estate, "bulletin_home", None)
        return home.url if home and home.url else "/"

    def subtitle(self, estate):
        return _("Notices of %(estate)s") % {"estate": estate.name}

    def items(self, estate):
        return selectors.notices_for_listing(estate_id=estate.pk)[:30]

    def item_title(self, item: NoticePage):
        prefix = f"[{_('Urgent')}] " if item.urgent else ""
        return prefix + item.display_title

    def item_description(self, item: NoticePage):
        return item.display_body

    def item_link(self, item: NoticePage):
        return item.url

    def item_pubdate(self, item: NoticePage):
        return item.first_published_at

    def item_updateddate(self, item: NoticePage):
        return item.last_published_at or item.first_published_at

    def item_categories(self, item: NoticePage):
        return [str(Category(item.category).label)]


feed = EstateNoticeFeed()
