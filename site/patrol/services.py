"""Every write of patrol rounds: creating the due rounds, marking missed ones, recording visits.

Hazards have their own module (patrol.hazards). Rule violations raise ValidationError with a
translated message and write nothing; a user without the right raises PermissionDenied.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from estates.scoping import user_can_reach

from patrol import schedule
from patrol.hazards import hazard_report
from patrol.models import (
    ChecklistItem,
    Checkpoint,
    ItemCheck,
    PatrolPhoto,
    PatrolPlan,
    PatrolRound,
    RoundVisit,
)
from patrol.photos import check_photo

logger = logging.getLogger(__name__)
Status = PatrolRound.Status


# --- round creation (the periodic task) ----------------------------------------------------
def rounds_create_due(*, now: datetime | None = None) -> int:
    """Create every round due from PATROL_CATCH_UP_DAYS ago up to today, once per plan and day.

    Level-triggered: the database says what exists, so a run after a lost one makes the missed
    days up, and a second run creates nothing (the unique constraint holds under races too).
    """
    now = now or timezone.now()
    today = timezone.localtime(now, schedule.local_zone()).date()
    first = today - timedelta(days=int(getattr(settings, "PATROL_CATCH_UP_DAYS", 7)))
    created = 0
    for plan in PatrolPlan.objects.filter(active=True, starts_on__lte=today):
        existing = set(plan.rounds.filter(date__gte=first).values_list("date", flat=True))
        new = []
        for day in schedule.due_days(plan, first=max(first, plan.starts_on), last=today):
            if day in existing:
                continue
            start, end = schedule.window_of(plan, day)
            new.append(PatrolRound(plan=plan, estate_id=plan.estate_id, date=day, window_start=start, window_end=end))
        if new:
            # ignore_conflicts: another worker may create the same day at the same moment.
            PatrolRound.objects.bulk_create(new, ignore_conflicts=True)
            created += len(new)
    return created


def rounds_mark_missed(*, now: datetime | None = None) -> int:
    """A round never started is missed when its window closes; a started one gets
    PATROL_LATE_GRACE_MINUTES to be finished (late) before it is missed."""
    now = now or timezone.now()
    grace = timedelta(minutes=int(getattr(settings, "PATROL_LATE_GRACE_MINUTES", 120)))
    return PatrolRound.objects.filter(
        Q(status=Status.DUE, window_end__lte=now) | Q(status=Status.IN_PROGRESS, window_end__lte=now - grace)
    ).update(status=Status.MISSED)


def rounds_sweep(*, now: datetime | None = None) -> tuple[int, int]:
    now = now or timezone.now()
    return rounds_create_due(now=now), rounds_mark_missed(now=now)


# --- who walks a round ----------------------------------------------------------------------
def may_walk(user, patrol_round: PatrolRound) -> bool:
    """Staff with the walking permission in the round's estate, of the plan's role or the named
    person; supervisors and managers (who assign hazards) may walk any round of their estates."""
    if user is None or not user.has_perm("patrol.walk_patrolround") or not user_can_reach(user, patrol_round):
        return False
    plan = patrol_round.plan
    if user.is_superuser or user.has_perm("patrol.assign_hazard"):
        return True
    if not plan.responsible_role and plan.responsible_user_id is None:
        return True
    if plan.responsible_user_id == user.pk:
        return True
    return bool(plan.responsible_role) and user.groups.filter(name=plan.responsible_role).exists()


def route(patrol_round: PatrolRound) -> list[Checkpoint]:
    return [stop.checkpoint for stop in patrol_round.plan.stops.select_related("checkpoint").order_by("sort_order", "pk")]


# --- recording a visit ----------------------------------------------------------------------
@dataclass
class ItemResult:
    """What the patroller marked for one checklist item."""

    item: ChecklistItem
    ok: bool
    note: str = ""
    severity: str = ""
    photos: list = field(default_factory=list)


def _validate_results(checkpoint: Checkpoint, results: list[ItemResult]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    items = {item.pk: item for item in checkpoint.items.all()}
    given = {r.item.pk for r in results}
    if set(items) - given:
        errors.setdefault("__all__", []).append(_("Mark every item OK or not OK."))
    if given - set(items):
        errors.setdefault("__all__", []).append(_("An item does not belong to this checkpoint."))
    for result in results:
        key = f"item_{result.item.pk}"
        if not result.ok and not result.note.strip():
            errors.setdefault(key, []).append(_("Say what is wrong."))
        for photo in result.photos:
            try:
                check_photo(photo)
            except ValidationError as exc:
                errors.setdefault(key, []).extend(exc.messages)
    return errors


def visit_record(
    *, patrol_round: PatrolRound, checkpoint: Checkpoint, results: list[ItemResult], by, now: datetime | None = None
) -> RoundVisit:
    """Record a checkpoint done on a round; every not-OK item becomes a hazard. The round
    starts with its first visit and is done with its last."""
    now = now or timezone.now()
    if not may_walk(by, patrol_round):
        raise PermissionDenied(_("You may not walk this round."))
    if checkpoint.pk not in {c.pk for c in route(patrol_round)}:
        raise ValidationError(_("This checkpoint is not on the round's route."), code="not_on_route")
    errors = _validate_results(checkpoint, results)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        patrol_round = PatrolRound.objects.select_for_update().get(pk=patrol_round.pk)
        if patrol_round.status in (Status.DONE, Status.MISSED):
            raise ValidationError(
                _("This round is %(status)s: it can no longer be walked.") % {"status": patrol_round.get_status_display()},
                code="round_closed",
            )
        if now < patrol_round.window_start - timedelta(hours=1):
            raise ValidationError(_("This round's window has not opened yet."), code="too_early")
        if RoundVisit.objects.filter(round=patrol_round, checkpoint=checkpoint).exists():
            raise ValidationError(_("This checkpoint was already done on this round."), code="already_done")
        visit = RoundVisit.objects.create(round=patrol_round, checkpoint=checkpoint, visited_at=now, by=by)
        for result in results:
            check = ItemCheck.objects.create(visit=visit, item=result.item, ok=result.ok, note=result.note.strip())
            photos = [_store_photo(photo, estate_id=patrol_round.estate_id, by=by, now=now, item_check=check)
                      for photo in result.photos]
            if not result.ok:
                hazard_report(
                    estate=patrol_round.estate, checkpoint=checkpoint, item_check=check,
                    place=f"{checkpoint.name} {checkpoint.location}".strip(),
                    description=f"{result.item.text}: {result.note.strip()}",
                    severity=result.severity or "medium", photos=photos, by=by, now=now,
                )
        if patrol_round.status == Status.DUE:
            patrol_round.status = Status.IN_PROGRESS
            patrol_round.started_at = now
            patrol_round.walked_by = by
        visited = set(patrol_round.visits.values_list("checkpoint_id", flat=True))
        if {c.pk for c in route(patrol_round)} <= visited:
            patrol_round.status = Status.DONE
            patrol_round.finished_at = now
        patrol_round.save(update_fields=["status", "started_at", "walked_by", "finished_at"])
    return visit


def _store_photo(uploaded, *, estate_id: int, by, now: datetime, item_check=None, hazard=None) -> PatrolPhoto:
    content_type = check_photo(uploaded)
    photo = PatrolPhoto(estate_id=estate_id, content_type=content_type, item_check=item_check, hazard=hazard,
                        uploaded_at=now, uploaded_by=by)
    extension = ".png" if content_type == "image/png" else ".jpg"
    # The stored name says nothing about the place or the person: the original name is dropped.
    photo.file.save(f"{now:%Y%m}{extension}", uploaded, save=False)
    photo.save()
    return photo
