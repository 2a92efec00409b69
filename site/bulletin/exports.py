"""Sign-up lists as spreadsheets. Mobiles are masked for roles without personal-data access;
an unmasked export is logged. Cells that a spreadsheet would run as a formula are neutralised."""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from estates.personal_data import can_view_personal_data, log_personal_data_access, mask_mobile
from openpyxl import Workbook
from spreadsheets.safety import escape_cell  # CWE-1236: one rule for every export

from bulletin.models import EventPage, EventSignup


def signup_rows(*, event: EventPage, user) -> tuple[list[str], list[list]]:
    unmasked = can_view_personal_data(user)
    header = [_("Name"), _("House"), _("Mobile"), _("Number of people"), _("Signed up at"),
              _("Return visit"), _("Score"), _("Comment")]
    rows = []
    signups = (
        EventSignup.objects.filter(event=event)
        .select_related("house__building", "return_visit", "feedback").order_by("created_at", "pk")
    )
    for s in signups:
        visit = getattr(s, "return_visit", None) if hasattr(s, "return_visit") else None
        feedback = getattr(s, "feedback", None) if hasattr(s, "feedback") else None
        rows.append([
            s.name, s.house.label, s.mobile if unmasked else mask_mobile(s.mobile), s.people,
            timezone.localtime(s.created_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(visit.visited_at).strftime("%Y-%m-%d") if visit else "",
            feedback.score if feedback else "", feedback.comment if feedback else "",
        ])
    if unmasked:
        log_personal_data_access(
            user=user, obj=event, fields=["mobile"], action="export", estate=event.estate,
            detail=f"event sign-ups {event.pk}",
        )
    return header, [[escape_cell(v) for v in row] for row in rows]


def as_xlsx(header, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "signups"
    sheet.append([escape_cell(h) for h in header])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_csv(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    # A BOM so that Excel opens the Chinese text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
