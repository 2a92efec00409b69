"""Decoration: the application (with its deposit and signed agreement), approval and permit,
inspections planned at the estate's interval and recorded with photos, violations followed to a
verified rectification (the owner told), acceptance and the deposit's refund through the fees app.
The house's status follows: decorating while the works go on, then occupied or vacant."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from archives import services as archives
from archives.models import Document, Household
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from estates.models import House
from fees import services as fees
from notifications.services import notify
from patrol.photos import check_photo

from lifecycle.models import (
    Decoration,
    DecorationInspection,
    DecorationPhoto,
    DecorationViolation,
    LifecycleRules,
)
from lifecycle.models.rules import lines
from lifecycle.services.common import (
    act,
    admin_url,
    clean_mobile,
    house_status_set,
    require,
    required_text,
)
from lifecycle.workflow import DECORATIONS, VIOLATIONS

V = DecorationViolation


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"deposit_amount": [_("Enter an amount in yuan, e.g. 350.00.")]}) from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"deposit_amount": [_("Enter an amount in yuan, e.g. 350.00.")]})
    return amount


@transaction.atomic
def decoration_apply(
    *, house: House, owner_name: str, owner_mobile: str, contractor: str, scope: str, start: dt.date,
    end: dt.date, deposit_amount, by, contractor_contact: str = "", contractor_mobile: str = "", workers: str = "",
    controlled_items=(), deposit_method: str = "cash", agreement_file=None,
) -> Decoration:
    """Record an application: the scope is checked against the estate's forbidden items, the
    deposit gets its receipt (fees) and the signed agreement is filed as an archive document."""
    require(by, "lifecycle.add_decoration", house)
    estate = house.building.estate
    rules = LifecycleRules.for_estate(estate)
    errors: dict[str, list[str]] = {}
    scope = (scope or "").strip()
    if not scope:
        errors["scope"] = [_("Describe the works.")]
    forbidden = [item for item in lines(rules.forbidden_items) if item in scope]
    if forbidden:
        errors["scope"] = [_("The estate forbids: %(items)s.") % {"items": "、".join(forbidden)}]
    unknown = [item for item in controlled_items if item not in lines(rules.controlled_items)]
    if unknown:
        errors["controlled_items"] = [_("Not an item of this estate: %(items)s.") % {"items": "、".join(unknown)}]
    if start and end and end < start:
        errors["end"] = [_("The works cannot end before they start.")]
    if errors:
        raise ValidationError(errors)
    amount = _amount(deposit_amount)
    decoration = Decoration(
        estate=estate, house=house, owner_name=required_text(owner_name, "owner_name", _("Give the owner's name.")),
        owner_mobile=clean_mobile(owner_mobile, "owner_mobile"),
        contractor=required_text(contractor, "contractor", _("Name the contractor."))[:100],
        contractor_contact=contractor_contact.strip()[:50],
        contractor_mobile=clean_mobile(contractor_mobile, "contractor_mobile", required=False),
        workers=workers.strip(), scope=scope, controlled_items=list(controlled_items), start=start, end=end,
        deposit_amount=amount, inspection_interval_days=rules.inspection_interval_days, created_by=by,
    )
    if amount > 0:
        decoration.deposit = fees.deposit_receive(house=house, amount=amount, method=deposit_method,
                                                  payer=decoration.owner_name, by=by)
    if agreement_file is not None:
        decoration.agreement = archives.document_create(
            estate=estate, title=_("Decoration agreement %(house)s") % {"house": house.label},
            category=Document.Category.DECORATION, year=timezone.localdate().year, by=by,
            household=Household.objects.filter(house=house).first(), file=agreement_file,
            confidentiality=Document.Confidentiality.CONFIDENTIAL,
        )
    decoration.save()
    return decoration


def inspection_days(start: dt.date, end: dt.date, every: int) -> list[dt.date]:
    """The planned days: every ``every`` days from the start, and the last day of the works."""
    days, day = [], start
    while day < end:
        days.append(day)
        day += dt.timedelta(days=max(1, every))
    days.append(end)
    return days


@transaction.atomic
def decoration_approve(*, decoration: Decoration, by, note: str = "", now: dt.datetime | None = None) -> Decoration:
    decoration = act(DECORATIONS, decoration, "approve", by)
    now = now or timezone.now()
    decoration.decided_at, decoration.decided_by, decoration.decision_note = now, by, note.strip()[:500]
    decoration.permit_no = f"ZX{timezone.localtime(now):%Y%m%d}-{decoration.pk:05d}"
    decoration.save()
    DecorationInspection.objects.bulk_create([
        DecorationInspection(decoration=decoration, planned_on=day)
        for day in inspection_days(decoration.start, decoration.end, decoration.inspection_interval_days)
    ])
    house_status_set(decoration.house, House.Status.DECORATING, by=by, reason="decoration approved")
    return decoration


@transaction.atomic
def decoration_reject(*, decoration: Decoration, note: str, by, now: dt.datetime | None = None) -> Decoration:
    decoration = act(DECORATIONS, decoration, "reject", by)
    decoration.decision_note = required_text(note, "note", _("Say why the application is rejected."))[:500]
    decoration.decided_at, decoration.decided_by = now or timezone.now(), by
    decoration.save()
    return decoration


@transaction.atomic
def inspection_record(*, decoration: Decoration, ok: bool, by, notes: str = "", photos=(),
                      now: dt.datetime | None = None) -> DecorationInspection:
    """Record today's inspection: the earliest planned one due, or an extra one."""
    decoration = act(DECORATIONS, decoration, "inspect", by)
    now = now or timezone.now()
    checked = [(photo, check_photo(photo)) for photo in photos]  # refuse before anything is written
    if not ok and not (notes or "").strip():
        raise ValidationError({"notes": [_("Say what was found.")]})
    inspection = (decoration.inspections.filter(done_at=None, planned_on__lte=timezone.localtime(now).date())
                  .order_by("planned_on").first()
                  or DecorationInspection(decoration=decoration, planned_on=timezone.localtime(now).date()))
    inspection.done_at, inspection.done_by, inspection.ok, inspection.notes = now, by, ok, (notes or "").strip()
    inspection.save()
    for photo, content_type in checked:
        DecorationPhoto.objects.create(estate=decoration.estate, inspection=inspection, file=photo,
                                       content_type=content_type)
    return inspection


@transaction.atomic
def violation_record(*, decoration: Decoration, rule: str, action: str, by, description: str = "",
                     rectify_by: dt.date | None = None, inspection: DecorationInspection | None = None,
                     now: dt.datetime | None = None) -> DecorationViolation:
    """A rule broken: the action taken (warning, stop-work, rectify by a date); the owner is told."""
    decoration = act(DECORATIONS, decoration, "inspect", by)
    rule = required_text(rule, "rule", _("Name the rule broken."))
    if action not in V.Action.values:
        raise ValidationError({"action": [_("Choose the action.")]})
    if action == V.Action.RECTIFY and rectify_by is None:
        raise ValidationError({"rectify_by": [_("Give the date by which it must be rectified.")]})
    if rectify_by is not None and rectify_by < timezone.localdate():
        raise ValidationError({"rectify_by": [_("The date cannot be in the past.")]})
    violation = DecorationViolation.objects.create(
        decoration=decoration, inspection=inspection, rule=rule[:200], description=(description or "").strip(),
        action=action, rectify_by=rectify_by, found_at=now or timezone.now(), found_by=by,
    )
    if action == V.Action.STOP_WORK and decoration.status == Decoration.Status.APPROVED:
        decoration.status = Decoration.Status.STOPPED
        decoration.save(update_fields=["status"])
    notify(
        to=decoration.owner_mobile, template="lifecycle_decoration_violation", channel="sms",
        estate=decoration.estate, key=f"lifecycle:violation:{violation.pk}", context={
            "estate": str(decoration.estate), "house": decoration.house.label, "rule": violation.rule,
            "action": violation.get_action_display(), "rectify_by": rectify_by,
        },
    )
    return violation


@transaction.atomic
def violation_rectify(*, violation: DecorationViolation, rectification: str, by,
                      now: dt.datetime | None = None) -> DecorationViolation:
    violation = act(VIOLATIONS, violation, "rectify", by)
    violation.rectification = required_text(rectification, "rectification", _("Say what was done."))
    violation.rectified_at, violation.rectified_by = now or timezone.now(), by
    violation.save()
    return violation


@transaction.atomic
def violation_verify(*, violation: DecorationViolation, by, now: dt.datetime | None = None) -> DecorationViolation:
    violation = act(VIOLATIONS, violation, "verify", by)
    violation.verified_at, violation.verified_by = now or timezone.now(), by
    violation.save()
    return violation


@transaction.atomic
def violation_reject(*, violation: DecorationViolation, reason: str, by) -> DecorationViolation:
    violation = act(VIOLATIONS, violation, "reject", by)
    reason = required_text(reason, "reason", _("Say why the rectification is not accepted."))
    violation.rectification = f"{violation.rectification}\n{_('Not accepted')}: {reason}".strip()
    violation.rectified_at = violation.rectified_by = None
    violation.save()
    return violation


@transaction.atomic
def decoration_resume(*, decoration: Decoration, by) -> Decoration:
    decoration = act(DECORATIONS, decoration, "resume", by)
    decoration.save(update_fields=["status"])
    return decoration


@transaction.atomic
def decoration_accept(*, decoration: Decoration, house_status: str, by, note: str = "",
                      now: dt.datetime | None = None) -> Decoration:
    """The finished works are accepted; the house becomes occupied or vacant."""
    decoration = act(DECORATIONS, decoration, "accept", by)
    if house_status not in (House.Status.OCCUPIED, House.Status.VACANT):
        raise ValidationError({"house_status": [_("Say whether the house is now occupied or vacant.")]})
    decoration.accepted_at, decoration.accepted_by = now or timezone.now(), by
    decoration.acceptance_note = (note or "").strip()
    decoration.save()
    decoration.inspections.filter(done_at=None).delete()  # planned visits after the end are moot
    house_status_set(decoration.house, house_status, by=by, reason="decoration accepted")
    return decoration


@transaction.atomic
def decoration_settle(*, decoration: Decoration, deductions, by) -> Decoration:
    """Refund the deposit minus ``deductions`` (fees.Deduction: reason and amount) and close."""
    decoration = act(DECORATIONS, decoration, "settle", by)
    if decoration.deposit_id is not None:
        fees.deposit_refund(deposit=decoration.deposit, deductions=list(deductions), by=by)
    elif deductions:
        raise ValidationError({"deductions": [_("No deposit was taken: there is nothing to deduct from.")]})
    decoration.save(update_fields=["status"])
    return decoration


def permit_url(decoration: Decoration) -> str:
    return admin_url(reverse("lifecycle_decoration_permit", args=(decoration.pk,)))
