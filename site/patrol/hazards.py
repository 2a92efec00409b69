"""Every write of hazards: reporting, the steps of patrol.workflow, the repair ticket, escalation.

The steps are the rows of ``patrol.workflow.HAZARDS``; every step checks the table under a row
lock before it writes (so a refused action changes nothing) and adds its own fields and rules.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from estates import roles
from estates.models import Estate, StaffMembership
from estates.scoping import user_can_reach
from notifications.services import notify
from servicedesk import services as desk
from servicedesk.models import Ticket

from patrol.models import Checkpoint, Hazard, HazardEscalation, ItemCheck, PatrolPhoto
from patrol.workflow import HAZARDS

logger = logging.getLogger(__name__)
User = get_user_model()
S = Hazard.Status


def deadline_for(severity: str, reported_at: datetime) -> datetime:
    hours = getattr(settings, "PATROL_RECTIFY_HOURS", {}).get(severity, 72)
    return reported_at + timedelta(hours=int(hours))


def staff_of(estate: Estate, *role_names: str):
    users = User.objects.filter(is_active=True, estate_memberships__estate=estate)
    if role_names:
        users = users.filter(groups__name__in=role_names)
    return users.distinct().order_by("username")


def hazard_report(
    *, estate: Estate, place: str, description: str, severity: str, by, checkpoint: Checkpoint | None = None,
    item_check: ItemCheck | None = None, photos=(), now: datetime | None = None,
) -> Hazard:
    """Record a hazard with its deadline (by severity, stored now so history never changes)."""
    now = now or timezone.now()
    if by is not None and not user_can_reach(by, estate):
        raise PermissionDenied(_("You may not do this."))
    errors: dict[str, list[str]] = {}
    if severity not in Hazard.Severity.values:
        errors["severity"] = [_("Choose the severity.")]
    if not place.strip():
        errors["place"] = [_("Give the place.")]
    if not description.strip():
        errors["description"] = [_("Describe the hazard.")]
    if checkpoint is not None and checkpoint.estate_id != estate.pk:
        errors["checkpoint"] = [_("This checkpoint is not in the estate.")]
    if errors:
        raise ValidationError(errors)
    hazard = Hazard.objects.create(
        estate=estate, checkpoint=checkpoint, item_check=item_check, place=place.strip()[:200],
        description=description.strip(), severity=severity, reported_at=now, reported_by=by,
        deadline=deadline_for(severity, now),
    )
    PatrolPhoto.objects.filter(pk__in=[p.pk for p in photos]).update(hazard=hazard)
    return hazard


def _locked(hazard: Hazard) -> Hazard:
    hazard.refresh_from_db(from_queryset=Hazard.objects.select_for_update())
    return hazard


def _act(hazard: Hazard, action: str, by) -> Hazard:
    """Lock, check the table, move to the target state (the caller saves)."""
    hazard = _locked(hazard)
    row = HAZARDS.check(action, hazard, by)  # ActionRefused / ActionForbidden: nothing written
    hazard.status = row.target
    return hazard


@transaction.atomic
def hazard_assign(
    *, hazard: Hazard, department: str, by, assignee=None, contractor: str = "", needs_repair: bool = False,
    contact_mobile: str = "",
) -> Hazard:
    """Send the hazard to the responsible department (a person of the estate or a contractor);
    a hazard that needs a repair opens a service-desk ticket linked to it."""
    hazard = _act(hazard, "assign", by)
    errors: dict[str, list[str]] = {}
    contractor = (contractor or "").strip()
    if department not in Hazard.Department.values:
        errors["department"] = [_("Choose the responsible department.")]
    if department == Hazard.Department.CONTRACTOR and not contractor:
        errors["contractor"] = [_("Name the contractor.")]
    if assignee is not None and not staff_of(hazard.estate).filter(pk=assignee.pk).exists():
        errors["assignee"] = [_("The person must be staff of this estate.")]
    if errors:
        raise ValidationError(errors)
    hazard.department, hazard.assignee, hazard.contractor = department, assignee, contractor
    if needs_repair and hazard.ticket_id is None:
        hazard.ticket = _open_repair_ticket(hazard, by=by, contact_mobile=contact_mobile)
    hazard.save()
    return hazard


def _open_repair_ticket(hazard: Hazard, *, by, contact_mobile: str):
    mobile = contact_mobile or (
        StaffMembership.objects.filter(user=by, estate=hazard.estate).values_list("mobile", flat=True).first() or ""
    )
    try:
        return desk.ticket_intake(
            estate=hazard.estate, kind=Ticket.Kind.REPAIR, channel=Ticket.Channel.PATROL,
            shared_area=hazard.place, contact_name=by.get_full_name() or by.get_username(),
            contact_mobile=mobile, description=_("Patrol hazard: %(text)s") % {"text": hazard.description},
            by=by,
        )
    except ValidationError as exc:
        # The ticket's own fields are named differently: tell the user what to fix here.
        if hasattr(exc, "error_dict") and "contact_mobile" in exc.error_dict:
            raise ValidationError(
                {"contact_mobile": [_("A repair ticket needs a valid contact mobile.")]}
            ) from None
        raise


@transaction.atomic
def hazard_start(*, hazard: Hazard, by) -> Hazard:
    hazard = _act(hazard, "start", by)
    hazard.save(update_fields=["status"])
    return hazard


@transaction.atomic
def hazard_rectify(*, hazard: Hazard, rectification: str, by, now: datetime | None = None) -> Hazard:
    hazard = _act(hazard, "rectify", by)
    if not (rectification or "").strip():
        raise ValidationError({"rectification": [_("Say what was done.")]})
    hazard.rectification = rectification.strip()
    hazard.rectified_at = now or timezone.now()
    hazard.rectified_by = by
    hazard.save()
    return hazard


@transaction.atomic
def hazard_verify(*, hazard: Hazard, by, now: datetime | None = None) -> Hazard:
    hazard = _act(hazard, "verify", by)
    hazard.verified_at = now or timezone.now()
    hazard.verified_by = by
    hazard.save()
    return hazard


@transaction.atomic
def hazard_reject(*, hazard: Hazard, reason: str, by) -> Hazard:
    """The verifier finds the work not done: back to rectifying, with the reason kept."""
    hazard = _act(hazard, "reject", by)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the rectification is not accepted.")]})
    hazard.rectification = f"{hazard.rectification}\n{_('Not accepted')}: {reason.strip()}".strip()
    hazard.rectified_at = None
    hazard.rectified_by = None
    hazard.save()
    return hazard


# --- escalation -----------------------------------------------------------------------------
def escalation_recipients(hazard: Hazard, level: int) -> list:
    if level == HazardEscalation.Level.SUPERVISOR:
        people = list(staff_of(hazard.estate, roles.SUPERVISOR))
        if hazard.assignee is not None and hazard.assignee.is_active and hazard.assignee not in people:
            people.append(hazard.assignee)
        return people
    return list(staff_of(hazard.estate, roles.ESTATE_MANAGER))


def hazard_escalate(*, hazard: Hazard, level: int, now: datetime | None = None) -> int:
    """Tell the people of ``level`` that ``hazard`` is late, once. Returns messages sent."""
    if HazardEscalation.objects.filter(hazard=hazard, level=level).exists():
        return 0
    now = now or timezone.now()
    context = {
        "place": hazard.place, "description": hazard.description, "estate": str(hazard.estate),
        "severity": hazard.get_severity_display(), "deadline": timezone.localtime(hazard.deadline),
        "url": f"{settings.WAGTAILADMIN_BASE_URL}/admin/patrol/hazards/{hazard.pk}/",
    }
    sent = 0
    for user in escalation_recipients(hazard, level):
        if user.email:
            # Recorded under its own key before it is sent: a rerun never resends.
            notify(to=user.email, template="patrol_hazard_overdue", context=context, channel="email",
                   key=f"patrol:hazard:{hazard.pk}:{level}:{user.pk}:email", estate=hazard.estate)
            sent += 1
        mobile = StaffMembership.objects.filter(user=user, estate=hazard.estate).values_list("mobile", flat=True).first()
        if mobile:
            notify(to=mobile, template="patrol_hazard_overdue", context=context, channel="sms",
                   key=f"patrol:hazard:{hazard.pk}:{level}:{user.pk}:sms", estate=hazard.estate)
            sent += 1
    try:
        with transaction.atomic():
            HazardEscalation.objects.create(hazard=hazard, level=level, at=now, recipients=sent)
    except IntegrityError:
        return 0  # another worker recorded the same level first
    return sent


def escalate_late_hazards(*, now: datetime | None = None) -> int:
    """The periodic sweep: every open hazard past its deadline goes to the supervisors, and
    PATROL_ESCALATE_MANAGER_AFTER_HOURS later to the estate manager; each level once."""
    now = now or timezone.now()
    manager_after = timedelta(hours=int(getattr(settings, "PATROL_ESCALATE_MANAGER_AFTER_HOURS", 24)))
    sent = 0
    late = Hazard.objects.filter(status__in=Hazard.OPEN_STATUSES, deadline__lte=now).select_related("estate", "assignee")
    for hazard in late:
        levels = [HazardEscalation.Level.SUPERVISOR]
        if hazard.deadline + manager_after <= now:
            levels.append(HazardEscalation.Level.MANAGER)
        for level in levels:
            try:
                sent += hazard_escalate(hazard=hazard, level=level, now=now)
            except Exception:  # one bad hazard must not stop the sweep; the next run tries again
                logger.exception("escalation of hazard %s level %s failed", hazard.pk, level)
    return sent
