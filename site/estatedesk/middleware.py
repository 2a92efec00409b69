"""Request plumbing shared by every app."""

from django.http import HttpResponseBadRequest
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
