"""Reads of the borrowing register: overdue loans, the board, an item's holder and history."""

from __future__ import annotations

import datetime

from archives.models import Key
from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone
from estates import roles
from estates.models import Estate, StaffMembership

from lending.models import LendingSettings, Loan


def with_overdue(queryset: QuerySet, *, now: datetime.datetime | None = None) -> QuerySet:
    """Annotate ``is_overdue``: handed out and past its due time (computed, never stored)."""
    now = now or timezone.now()
    return queryset.annotate(
        is_overdue=Case(
            When(status=Loan.Status.OUT, due_at__lt=now, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def overdue_q(*, now: datetime.datetime | None = None) -> Q:
    return Q(status=Loan.Status.OUT, due_at__lt=now or timezone.now())


def due_back_today_q(*, now: datetime.datetime | None = None) -> Q:
    """Out, not overdue yet, and due back before local midnight."""
    now = now or timezone.now()
    midnight = datetime.datetime.combine(
        timezone.localdate(now) + datetime.timedelta(days=1), datetime.time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    return Q(status=Loan.Status.OUT, due_at__gte=now, due_at__lt=midnight)


def overdue_loans(*, now: datetime.datetime | None = None) -> QuerySet:
    return (
        Loan.objects.filter(overdue_q(now=now))
        .select_related("estate", "key", "document", "borrower_user")
        .order_by("due_at", "pk")
    )


def board_loans(*, estate: Estate, now: datetime.datetime | None = None) -> dict[str, list[Loan]]:
    """The "who holds what now" board of one estate: what is out, and what waits."""
    queryset = with_overdue(
        Loan.objects.filter(estate=estate, status__in=Loan.OPEN_STATES).select_related(
            "key__opens_house__building", "document", "borrower_user", "requested_by", "approved_by", "handed_out_by"
        ),
        now=now,
    )
    board: dict[str, list[Loan]] = {"out": [], "approved": [], "requested": []}
    for loan in queryset.order_by("due_at", "requested_at", "pk"):
        board[loan.status].append(loan)
    return board


def item_filter(item) -> dict:
    return {"key": item} if isinstance(item, Key) else {"document": item}


def current_loan(item) -> Loan | None:
    """The loan that has the item out now, if any."""
    return (
        Loan.objects.filter(status=Loan.Status.OUT, **item_filter(item))
        .select_related("borrower_user")
        .first()
    )


def item_loans(item, *, now: datetime.datetime | None = None) -> QuerySet:
    """Every loan of the item, newest first."""
    return with_overdue(
        Loan.objects.filter(**item_filter(item)).select_related(
            "borrower_user", "requested_by", "approved_by", "handed_out_by", "received_by"
        ),
        now=now,
    ).order_by("-requested_at", "-pk")


def document_is_lost(document) -> bool:
    """The paper copy was reported lost (documents have no status of their own for it)."""
    last = Loan.objects.filter(document=document).exclude(
        status__in=[Loan.Status.REQUESTED, Loan.Status.APPROVED, Loan.Status.REJECTED]
    ).order_by("-handed_out_at", "-pk").first()
    return last is not None and last.status == Loan.Status.LOST


def lending_settings_for(estate: Estate) -> LendingSettings:
    """The estate's settings, or the defaults (unsaved) when it has none."""
    found = LendingSettings.objects.filter(estate=estate).first()
    return found or LendingSettings(estate=estate)


def default_due_at(*, item_type: str, estate: Estate, now: datetime.datetime | None = None) -> datetime.datetime:
    """Keys: the same day at the estate's time (or the minimum hours later); documents: N days."""
    now = now or timezone.now()
    config = lending_settings_for(estate)
    if item_type == "document":
        return now + datetime.timedelta(days=config.document_days)
    local = timezone.localtime(now)
    end_of_day = local.replace(
        hour=config.key_due_time.hour, minute=config.key_due_time.minute, second=0, microsecond=0
    )
    earliest = now + datetime.timedelta(hours=config.key_min_hours)
    return max(end_of_day, earliest)


def staff_with_role(*, estate: Estate, role_names: list[str]) -> list[tuple]:
    """(user, work mobile) of the active staff of the estate who have one of the roles."""
    memberships = (
        StaffMembership.objects.filter(
            estate=estate, user__is_active=True, user__groups__name__in=role_names
        )
        .select_related("user")
        .order_by("user_id")
        .distinct()
    )
    seen: set[int] = set()
    result = []
    for membership in memberships:
        if membership.user_id in seen:
            continue
        seen.add(membership.user_id)
        result.append((membership.user, membership.mobile))
    return result


def supervisors_of(estate: Estate) -> list[tuple]:
    return staff_with_role(estate=estate, role_names=[roles.SUPERVISOR])


def managers_of(estate: Estate) -> list[tuple]:
    return staff_with_role(estate=estate, role_names=[roles.ESTATE_MANAGER])


def staff_borrower_choices(estate: Estate) -> QuerySet:
    """Staff who may borrow an item of the estate: the estate's active staff."""
    User = get_user_model()
    return User.objects.filter(estate_memberships__estate=estate, is_active=True).distinct().order_by("username")
