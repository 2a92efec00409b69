"""Personal data in the archives: which fields hold it, how they are shown, and the access log.

ID numbers and full mobiles are shown only to users with ``estates.view_personal_data``; every
time they are shown unmasked, ``estates.personal_data.log_personal_data_access`` records it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from estates.models import Estate, PersonalDataAccess
from estates.personal_data import (
    can_view_personal_data,
    log_personal_data_access,
    mask_id_number,
    mask_mobile,
)
from estates.scoping import estate_id_of

from archives.models import Person

#: Field name → masking function. Only ``Person`` holds personal data in the archives.
MASKS = {"mobile": mask_mobile, "id_number": mask_id_number}


def mask(field: str, value) -> str:
    return MASKS[field](value or "") if field in MASKS else value


def shown(field: str, value, user) -> str:
    """The value as this user may see it."""
    if field in MASKS and not can_view_personal_data(user):
        return mask(field, value)
    return value


def log_shown(
    *, user, people: Iterable, fields: Iterable[str] = tuple(MASKS), action: str = "view", estate_id: int | None = None
) -> None:
    """Log that ``user`` was shown the personal data of these people, unmasked.

    One entry per person whose shown fields are not empty; nothing for users who see masks.
    ``estate_id`` names the estate when the people may no longer exist (history of deleted records).
    """
    if not can_view_personal_data(user):
        return
    estates: dict[int, Estate] = {}
    for person in people:
        shown_fields = [f for f in fields if getattr(person, f, "")]
        if not shown_fields:
            continue
        person_estate_id = estate_id if estate_id is not None else estate_id_of(person)
        if person_estate_id is not None and person_estate_id not in estates:
            estates[person_estate_id] = Estate.objects.get(pk=person_estate_id)
        log_personal_data_access(
            user=user, obj=person, fields=shown_fields, action=action, estate=estates.get(person_estate_id)
        )


def log_listed(*, user, people: Iterable, fields: Iterable[str] = tuple(MASKS)) -> None:
    """Log a listing page that showed these people's personal data unmasked: one insert for the page.

    The people must have their household, house and building loaded (the listings' querysets do).
    """
    if not can_view_personal_data(user):
        return
    content_type = ContentType.objects.get_for_model(Person)
    fields = tuple(fields)
    entries = []
    for person in people:
        shown_fields = [f for f in fields if getattr(person, f, "")]
        if shown_fields:
            entries.append(PersonalDataAccess(
                user=user, action=PersonalDataAccess.Action.VIEW, content_type=content_type,
                object_id=str(person.pk), object_repr=str(person)[:200], fields=", ".join(shown_fields),
                estate_id=estate_id_of(person),
            ))
    PersonalDataAccess.objects.bulk_create(entries)
