"""The one guard in front of every public form that writes: a rate limit and a honeypot.

Rate limit: a counter row per (form, client address, fixed window) in the database, raised
by one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement. The database serialises
that statement (a row lock on PostgreSQL, the write lock on SQLite), so N concurrent posts
see N distinct counts and at most ``limit`` of them pass, whatever the cache does: the
cache is not involved, so there is nothing to fall back from when it fails. Expired rows are
deleted on the next write.

Honeypot: the forms carry an empty field (``website``) hidden from people; a post that fills
it is refused. Bots get the same answer from every form: the shared refusal page, 400 for
the honeypot, 429 over the limit, nothing recorded.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime

from django import forms
from django.conf import settings
from django.db import connection
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from estatedesk.clients import client_address
from estatedesk.models import RateCounter

HONEYPOT_FIELD = "website"

#: (posts allowed, window in seconds) per form when settings.PUBLIC_FORM_LIMITS has no entry.
DEFAULT_LIMIT = (10, 600)


class HoneypotForm(forms.Form):
    """Base of every public form: the honeypot field, rendered hidden by the templates."""

    website = forms.CharField(required=False, label=gettext_lazy("Leave this field empty"))


def limit_for(scope: str) -> tuple[int, int]:
    limit, seconds = getattr(settings, "PUBLIC_FORM_LIMITS", {}).get(scope, DEFAULT_LIMIT)
    return int(limit), int(seconds)


def count_post(*, scope: str, client: str, seconds: int, now: datetime | None = None) -> int:
    """Count one post and return how many this client made to this form in this window."""
    now = now or timezone.now()
    bucket = int(now.timestamp()) // seconds
    expires_at = datetime.fromtimestamp((bucket + 1) * seconds, tz=UTC)
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, client, bucket, hits, expires_at) VALUES (%s, %s, %s, 1, %s) "
            f"ON CONFLICT (scope, client, bucket) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits",
            [scope, client[:64], bucket, expires_at],
        )
        hits = cursor.fetchone()[0]
    # Pruning on write keeps the table at the size of the live windows without a scheduler.
    RateCounter.objects.filter(expires_at__lt=now).delete()
    return hits


def over_limit(request, *, scope: str) -> bool:
    limit, seconds = limit_for(scope)
    return count_post(scope=scope, client=client_address(request), seconds=seconds) > limit


def _refusal(request, *, message: str, status: int):
    response = render(request, "estatedesk/public_form_refused.html", {"message": message}, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def public_form(scope: str):
    """Decorate a public view: its POSTs are counted and checked before the view runs."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                if over_limit(request, scope=scope):
                    return _refusal(request, status=429, message=_(
                        "Too many forms were sent from your network. Please wait a few minutes and try again, "
                        "or call the service desk."
                    ))
                if request.POST.get(HONEYPOT_FIELD):
                    return _refusal(request, status=400, message=_(
                        "Your form could not be accepted. Please fill it in yourself."
                    ))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
