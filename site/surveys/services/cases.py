"""Writes of the case library: a supervisor's review of a closed complaint."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from servicedesk.models import Ticket

from surveys.models import CaseReview
from surveys.services.common import require


def case_review_save(*, ticket: Ticket, by, cause: str, what_was_done: str, prevention: str, lessons: str = "") -> CaseReview:
    """Review a closed complaint (a second review of the same complaint updates it)."""
    require(by, "surveys.add_casereview", ticket)
    errors: dict[str, list] = {}
    if ticket.kind != Ticket.Kind.COMPLAINT or ticket.status != Ticket.Status.CLOSED:
        errors["__all__"] = [_("Only closed complaints are reviewed as cases.")]
    if cause not in CaseReview.Cause.values:
        errors["cause"] = [_("Choose the cause category.")]
    if not (what_was_done or "").strip():
        errors["what_was_done"] = [_("Say what was done.")]
    if not (prevention or "").strip():
        errors["prevention"] = [_("Say what changes to prevent it.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review, _created = CaseReview.objects.update_or_create(
            ticket=ticket,
            defaults={"estate_id": ticket.estate_id, "cause": cause, "what_was_done": what_was_done.strip(),
                      "prevention": prevention.strip(), "lessons": (lessons or "").strip(), "reviewed_by": by,
                      "reviewed_at": timezone.now()},
        )
    return review
