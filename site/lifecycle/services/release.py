"""Release of big items: the request, the owner's confirmation (an SMS code to the owner's mobile
on file, or the owner in person with an ID that matches the file), the arrears check with the
supervisor's override, the slip and the gate. A tenant never confirms: the owner on file does."""

from __future__ import annotations

import datetime as dt

from archives.validators import normalize_id_number
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from estates.models import House
from notifications.codes import CodeRateLimited, check_code, send_code

from lifecycle import selectors
from lifecycle.models import Release
from lifecycle.services.common import act, clean_mobile, require, required_text
from lifecycle.workflow import RELEASES

R = Release


def code_purpose(release: Release) -> str:
    return f"release:{release.pk}"


@transaction.atomic
def release_request(*, house: House, requester: str, requester_name: str, items: str, date: dt.date,
                    carrier: str, by, requester_mobile: str = "") -> Release:
    require(by, "lifecycle.add_release", house)
    if requester not in R.Requester.values:
        raise ValidationError({"requester": [_("Say who asks: the owner or a tenant.")]})
    if date < timezone.localdate():
        raise ValidationError({"date": [_("The moving date cannot be in the past.")]})
    return Release.objects.create(
        estate=house.building.estate, house=house, requester=requester,
        requester_name=required_text(requester_name, "requester_name", _("Give the requester's name."))[:50],
        requester_mobile=clean_mobile(requester_mobile, "requester_mobile", required=False),
        items=required_text(items, "items", _("List the items.")),
        carrier=required_text(carrier, "carrier", _("Say who carries the items."))[:100], date=date, created_by=by,
    )


def release_send_code(*, release: Release, by) -> int:
    """Text a code to every owner's mobile on file; returns how many were sent."""
    with transaction.atomic():
        release = act(RELEASES, release, "send_code", by)
    sent = 0
    for mobile in selectors.owner_mobiles(release.house):
        try:
            send_code(purpose=code_purpose(release), recipient=mobile, estate=release.estate,
                      template="lifecycle_release_code", context={"house": release.house.label})
        except CodeRateLimited:
            raise ValidationError(_("Too many codes were sent to the owner lately; try again later.")) from None
        sent += 1
    return sent


@transaction.atomic
def release_confirm(*, release: Release, method: str, by, code: str = "", id_number: str = "",
                    now: dt.datetime | None = None) -> Release:
    """The owner on file confirms: the code they received, or their ID checked at the desk."""
    release = act(RELEASES, release, "confirm", by)
    owners = list(selectors.owners_on_file(release.house))
    confirmed = None
    if method == R.Confirmation.SMS:
        if not (code or "").strip():
            raise ValidationError({"code": [_("Enter the code the owner received.")]})
        confirmed = next((o for o in owners if o.mobile and check_code(
            purpose=code_purpose(release), recipient=o.mobile, code=code)), None)
        if confirmed is None:
            raise ValidationError({"code": [_("The code is wrong or has expired.")]})
    elif method == R.Confirmation.IN_PERSON:
        given = normalize_id_number(id_number)
        if not given:
            raise ValidationError({"id_number": [_("Enter the number of the owner's ID document.")]})
        confirmed = next((o for o in owners if o.id_number and o.id_number == given), None)
        if confirmed is None:
            raise ValidationError({"id_number": [_("This ID does not match any owner on file for this house.")]})
    else:
        raise ValidationError({"method": [_("Choose how the owner confirms.")]})
    release.confirmation, release.confirmed_owner = method, confirmed.name[:50]
    release.confirmed_at, release.confirmed_by = now or timezone.now(), by
    release.save()
    return release


@transaction.atomic
def release_override(*, release: Release, reason: str, by) -> Release:
    release = act(RELEASES, release, "override", by)
    release.override_reason = required_text(reason, "reason", _("Say why the release is allowed despite the arrears."))[:500]
    release.override_by = by
    release.save(update_fields=["override_reason", "override_by"])
    return release


@transaction.atomic
def release_issue(*, release: Release, by, now: dt.datetime | None = None) -> Release:
    """Issue the slip with its number; the arrears at this moment are kept on the record."""
    release = act(RELEASES, release, "release", by)
    now = now or timezone.now()
    release.arrears = selectors.house_arrears(release.house)
    release.number = f"FX{timezone.localtime(now):%Y%m%d}-{release.pk:05d}"
    release.released_at, release.released_by = now, by
    release.save()
    return release


@transaction.atomic
def release_pass(*, release: Release, by, now: dt.datetime | None = None) -> Release:
    release = act(RELEASES, release, "pass", by)
    release.passed_at, release.passed_by = now or timezone.now(), by
    release.save(update_fields=["status", "passed_at", "passed_by"])
    return release


@transaction.atomic
def release_cancel(*, release: Release, by) -> Release:
    release = act(RELEASES, release, "cancel", by)
    release.save(update_fields=["status"])
    return release
