"""Writes of quarterly return visits: the quarter's plan (a Huey task) and recording a visit."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import cycle

from archives.models import Household
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from estates import roles
from estates.models import Estate, House
from estates.scoping import scope_queryset
from servicedesk.models import Ticket
from servicedesk.services import ticket_intake

from surveys.models import QuarterlyVisit
from surveys.periods import quarter_of
from surveys.services.common import household_contact, require


def estate_clerks(estate: Estate) -> list:
    return list(
        get_user_model().objects.filter(is_active=True, groups__name=roles.CLERK, estate_memberships__estate=estate)
        .distinct().order_by("pk")
    )


def visits_plan_due(*, today: date | None = None, estates=None) -> bool:
    """An occupied household has no visit planned for this quarter (one EXISTS query)."""
    quarter = quarter_of(today or timezone.localdate())
    households = Household.objects.filter(house__status=House.Status.OCCUPIED)
    if estates is not None:
        households = households.filter(house__building__estate__in=estates)
    return households.exclude(quarterly_visits__quarter=quarter.start).exists()


def visits_plan_sweep(*, by=None) -> int:
    """The frequent sweep's part: plan the quarter where a household still has no visit. Run by
    a person from the admin, it plans only the estates that person works in."""
    estates = None if by is None else list(scope_queryset(Estate.objects.all(), by))
    if not visits_plan_due(estates=estates):
        return 0
    return visits_plan(estates=estates)


def visits_plan(*, today: date | None = None, estates=None) -> int:
    """Plan one visit per occupied household of each estate for the quarter of ``today``.

    Idempotent: the (household, quarter) constraint and ``ignore_conflicts`` make a second run
    (or a run racing the first) add nothing. Each visit goes to the household's steward, or,
    when it has none, to the estate's clerks in turn. Returns how many visits were added.
    """
    quarter = quarter_of(today or timezone.localdate())
    due_on = quarter.end - timedelta(days=1)
    estates = list(estates if estates is not None else Estate.objects.all())
    added = 0
    for estate in estates:
        households = list(
            Household.objects.filter(house__building__estate=estate, house__status=House.Status.OCCUPIED)
            .exclude(quarterly_visits__quarter=quarter.start)
            .select_related("steward").order_by("pk")
        )
        if not households:
            continue
        clerks = cycle(estate_clerks(estate) or [None])
        rows = [
            QuarterlyVisit(
                estate=estate, household=h, quarter=quarter.start, due_on=due_on,
                assignee=h.steward if h.steward is not None and h.steward.is_active else next(clerks),
            )
            for h in households
        ]
        with transaction.atomic():
            before = QuarterlyVisit.objects.filter(estate=estate, quarter=quarter.start).count()
            QuarterlyVisit.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
            added += QuarterlyVisit.objects.filter(estate=estate, quarter=quarter.start).count() - before
    return added


def visit_record(
    *, visit: QuarterlyVisit, by, visited_at: datetime, method: str, answered_by: str, satisfaction: int,
    remarks: str = "", ticket_kind: str = "", ticket_description: str = "",
) -> QuarterlyVisit:
    """Record a visit (a correction overwrites it). With ``ticket_description`` the owner's
    matter becomes a ticket through the desk's intake."""
    require(by, "surveys.record_quarterlyvisit", visit)
    errors: dict[str, list] = {}
    if method not in QuarterlyVisit.Method.values:
        errors["method"] = [_("Choose how the visit was made.")]
    if satisfaction not in (1, 2, 3, 4, 5):
        errors["satisfaction"] = [_("Choose a rating from 1 to 5.")]
    if not (answered_by or "").strip():
        errors["answered_by"] = [_("Say who answered.")]
    if visited_at > timezone.now() + timedelta(minutes=5):
        errors["visited_at"] = [_("The visit cannot be in the future.")]
    if visited_at.date() < visit.quarter - timedelta(days=1):
        errors["visited_at"] = [_("The visit cannot be before its quarter.")]
    if ticket_description.strip() and ticket_kind not in (Ticket.Kind.REPAIR, Ticket.Kind.COMPLAINT, Ticket.Kind.SUGGESTION):
        errors["ticket_kind"] = [_("Choose the kind of ticket to open.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        visit = QuarterlyVisit.objects.select_for_update().select_related("household__house__building__estate").get(pk=visit.pk)
        if ticket_description.strip() and visit.ticket_id is None:
            household = visit.household
            contact = household_contact(household)
            # Stewards record visits but do not take tickets at the desk: their matter is taken in
            # like an owner's own report (no desk handler yet), desk staff's under their name.
            desk = by.has_perm("servicedesk.add_ticket")
            visit.ticket = ticket_intake(
                estate=visit.estate, kind=ticket_kind,
                severity=Ticket.Severity.GENERAL if ticket_kind == Ticket.Kind.COMPLAINT else "",
                contact_name=contact.name if contact else answered_by.strip(),
                contact_mobile=contact.mobile if contact else "",
                description=ticket_description.strip(), house=household.house,
                channel=Ticket.Channel.WECHAT if method == QuarterlyVisit.Method.WECHAT else Ticket.Channel.PHONE,
                by=by if desk else None,
            )
        visit.visited_at, visit.method, visit.answered_by = visited_at, method, answered_by.strip()
        visit.satisfaction, visit.remarks, visit.recorded_by = satisfaction, remarks.strip(), by
        visit.save()
    return visit
