"""Sign-up lists as spreadsheets, written by the one spreadsheet writer
(``spreadsheets.writing.export_response``): mobiles masked for roles without personal-data
access, an unmasked export logged, formula-like cells neutralised, a BOM for CSV."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from estates.personal_data import mask_mobile
from spreadsheets.writing import export_response

from bulletin.models import EventPage, EventSignup

#: Index of the mobile column in ``signup_rows``.
MOBILE = 2


def signup_rows(*, event: EventPage) -> tuple[list[str], list[list]]:
    """The header and the raw rows (unmasked: the writer masks them for the user)."""
    header = [pgettext("person", "Name"), _("House"), _("Mobile"), _("Number of people"), _("Signed up at"),
              _("Return visit"), _("Score"), pgettext("feedback", "Comment")]
    rows = []
    signups = (
        EventSignup.objects.filter(event=event)
        .select_related("house__building", "return_visit", "feedback").order_by("created_at", "pk")
    )
    for s in signups:
        visit = getattr(s, "return_visit", None) if hasattr(s, "return_visit") else None
        feedback = getattr(s, "feedback", None) if hasattr(s, "feedback") else None
        rows.append([
            s.name, s.house.label, s.mobile, s.people,
            timezone.localtime(s.created_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(visit.visited_at).strftime("%Y-%m-%d") if visit else "",
            feedback.score if feedback else "", feedback.comment if feedback else "",
        ])
    return header, rows


def signup_export(*, event: EventPage, user, fmt: str) -> HttpResponse:
    header, rows = signup_rows(event=event)
    return export_response(
        fmt=fmt, headers=header, rows=rows, filename=f"signups-{event.pk}-{timezone.localdate():%Y%m%d}",
        title="signups", user=user, personal={MOBILE: mask_mobile},
        log={"obj": event, "fields": ["mobile"], "estate": event.estate, "detail": f"event sign-ups {event.pk}"},
    )
