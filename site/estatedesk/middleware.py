"""Request plumbing shared by every app."""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils import translation
from django.utils.translation import gettext as _


class RejectNulInQueryMiddleware:
    """A NUL byte in a query string is a 400 before any view sees it.

    No search box or filter needs one, and PostgreSQL refuses it in any literal ("A string
    literal cannot contain NUL"), so every view that filters on a GET parameter answered 500.
    Form fields already refuse it in POSTs (Django's ProhibitNullCharactersValidator).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in value for values in request.GET.lists() for value in (values[0], *values[1])):
            return HttpResponseBadRequest(_("The address contains a character that is not allowed."))
        return self.get_response(request)


def language_from_request(request) -> str:
    """Chinese first: the language is Chinese unless the reader chose another.

    The browser's Accept-Language is ignored on purpose: the product is Chinese, and an English
    browser on a clerk's desk or an owner's phone is not a choice. The public site remembers the
    reader's switch in the language cookie (bulletin's language link); the admin ignores that
    cookie too and follows only the staff member's account setting, which Wagtail applies per view
    (``UserProfile.preferred_language``; empty = "use server language" = LANGUAGE_CODE).
    """
    if request.path.startswith("/admin/"):
        return settings.LANGUAGE_CODE
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen:
        try:
            return translation.get_supported_language_variant(chosen)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class ChineseFirstLocaleMiddleware:
    """Django's LocaleMiddleware without Accept-Language (see ``language_from_request``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
