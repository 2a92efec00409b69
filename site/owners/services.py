"""Every write of the owner portal: sign-in by SMS code, tokens, the resident's access, and the
owner's own requests (a report, a verdict on finished work), which go through the service desk's
services (one write path).

Enumeration safety: ``code_request`` answers nothing. It sends a code only when the mobile belongs
to a resident whose access is not revoked, and swallows the per-mobile rate limit, so the caller
renders the same page with the same status whatever the mobile.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from archives.models import Household, Person
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from estates.personal_data import normalize_mobile, validate_mobile
from estates.scoping import user_can_reach
from notifications.codes import CodeRateLimited, check_code, send_code
from servicedesk import services as desk
from servicedesk.models import RepairCategory, Ticket

from owners.models import OwnerToken, ResidentAccess

PURPOSE = "owner-sign-in"


@dataclass
class Owner:
    """Who is asking: the signed-in resident, their household, and the sign-in."""

    token: OwnerToken
    person: Person
    household: Household

    @property
    def house(self):
        return self.household.house

    @property
    def estate(self):
        return self.household.house.building.estate

    @property
    def mobile(self) -> str:
        return self.token.mobile


# --- sign-in ----------------------------------------------------------------------------------
def clean_mobile(value: str) -> str | None:
    """The normalised mobile, or None when it is not a mainland mobile number."""
    try:
        validate_mobile(value or "")
    except ValidationError:
        return None
    return normalize_mobile(value)


def eligible_people(mobile: str):
    """Residents registered with this mobile whose portal access is not revoked."""
    return (
        Person.objects.filter(mobile=mobile)
        .exclude(portal_access__revoked=True)
        .select_related("household__house__building__estate")
        .order_by("household__house__building__estate__code", "household_id", "pk")
    )


def code_request(*, mobile: str) -> None:
    """Text a sign-in code when the mobile is a resident's; otherwise do nothing, silently."""
    mobile = clean_mobile(mobile)
    if mobile is None:
        return
    person = eligible_people(mobile).first()
    if person is None:
        return
    try:
        send_code(purpose=PURPOSE, recipient=mobile, estate=person.household.house.building.estate)
    except CodeRateLimited:
        # Same answer as a sent code: the page must not tell a limited (so registered) number apart.
        return


def _token_hash(raw: str) -> str:
    return salted_hmac("owners.token", raw, algorithm="sha256").hexdigest()


def _ttl(kind: str) -> timedelta:
    days = settings.OWNERS_API_TOKEN_DAYS if kind == OwnerToken.Kind.API else settings.OWNERS_WEB_TOKEN_DAYS
    return timedelta(days=days)


def sign_in(*, mobile: str, code: str, kind: str = OwnerToken.Kind.WEB) -> tuple[str, OwnerToken] | None:
    """Check the code; on success return (raw token, token). The token names the household when
    the mobile is on one; on several, the owner chooses next (``token_choose``)."""
    mobile = clean_mobile(mobile)
    if mobile is None or not check_code(purpose=PURPOSE, recipient=mobile, code=code):
        return None
    people = list(eligible_people(mobile))
    if not people:
        return None
    households = {p.household_id for p in people}
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    token = OwnerToken.objects.create(
        mobile=mobile, kind=kind, key_hash=_token_hash(raw), created_at=now, expires_at=now + _ttl(kind),
        household=people[0].household if len(households) == 1 else None,
        person=people[0] if len(households) == 1 else None,
    )
    return raw, token


def households_of(token: OwnerToken) -> list[Household]:
    seen, result = set(), []
    for person in eligible_people(token.mobile):
        if person.household_id not in seen:
            seen.add(person.household_id)
            result.append(person.household)
    return result


def token_choose(*, token: OwnerToken, household_id) -> OwnerToken:
    """A mobile on several households picks one (another household's id is refused)."""
    try:
        household_id = int(household_id)
    except (TypeError, ValueError):
        household_id = None
    person = eligible_people(token.mobile).filter(household_id=household_id).first()
    if person is None:
        raise ValidationError({"household": [_("Choose one of your households.")]})
    token.household = person.household
    token.person = person
    token.save(update_fields=["household", "person"])
    return token


def token_pending(raw: str | None) -> OwnerToken | None:
    """A live token, with or without a household chosen."""
    if not raw:
        return None
    token = OwnerToken.objects.filter(key_hash=_token_hash(raw), revoked_at__isnull=True,
                                      expires_at__gt=timezone.now()).first()
    return token


def owner_for(raw: str | None) -> Owner | None:
    """The owner behind a token, re-checked on every request: live token, a household chosen, the
    person still in it with that mobile, and their access not revoked."""
    token = token_pending(raw)
    if token is None or token.household_id is None:
        return None
    person = (
        eligible_people(token.mobile).filter(pk=token.person_id, household_id=token.household_id).first()
    )
    if person is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        OwnerToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return Owner(token=token, person=person, household=person.household)


def token_revoke(*, token: OwnerToken) -> None:
    OwnerToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def resident_access_save(*, instance: ResidentAccess, by, form=None) -> ResidentAccess:
    """Staff revoke (or give back) a resident's portal access (the admin's create and edit views
    call this); revoking ends the resident's sign-ins at once."""
    perm = "owners.add_residentaccess" if instance._state.adding else "owners.change_residentaccess"
    if by is None or not by.has_perm(perm) or not user_can_reach(by, instance.person):
        raise PermissionDenied(_("You may not do this."))
    instance.updated_by = by
    if form is not None:
        instance = form.save()
    else:
        instance.full_clean()
        instance.save()
    if instance.revoked:
        OwnerToken.objects.filter(mobile=instance.person.mobile, person=instance.person,
                                  revoked_at__isnull=True).update(revoked_at=timezone.now())
    return instance


# --- the owner's requests -----------------------------------------------------------------------
def owner_email(owner: Owner) -> str:
    return ResidentAccess.objects.filter(person=owner.person).values_list("email", flat=True).first() or ""


def report(*, owner: Owner, kind: str, description: str, category_id=None, shared_area: str = "",
           expected_at=None, photos=()) -> Ticket:
    """A repair, complaint, suggestion or enquiry from the owner, through the desk's intake."""
    category = None
    if category_id not in (None, ""):
        category = RepairCategory.objects.filter(pk=category_id, estate=owner.estate, active=True).first()
        if category is None:
            raise ValidationError({"category": [_("Choose a repair category of this estate (repairs only).")]})
    shared_area = (shared_area or "").strip()
    return desk.ticket_intake(
        estate=owner.estate, kind=kind, channel=Ticket.Channel.WEB,
        house=None if shared_area else owner.house, shared_area=shared_area,
        # An owner's complaint starts as general; the desk raises it when it is serious.
        severity=Ticket.Severity.GENERAL if kind == Ticket.Kind.COMPLAINT else "",
        contact_name=owner.person.name, contact_mobile=owner.mobile, contact_email=owner_email(owner),
        description=description, expected_at=expected_at, category=category, photos=photos, by=None,
    )


def confirm(*, owner: Owner, ticket: Ticket, confirmed: bool, satisfaction, comment: str = "") -> Ticket:
    """The owner's verdict on their finished ticket (the caller has scoped the ticket)."""
    return desk.ticket_owner_confirm(ticket=ticket, confirmed=confirmed, satisfaction=satisfaction, comment=comment)
