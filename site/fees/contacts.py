"""Who a household's reminders go to, read defensively from the household file when it exists.

The fees app does not import the archives app: it looks for a reverse relation named
``household`` on House and, on that, for ``people`` with a ``role`` of "owner" (name, mobile,
email when present). Anything missing simply yields no contact; staff can type one on the case.
"""

from __future__ import annotations

import logging

from django.core.exceptions import FieldDoesNotExist, FieldError
from estates.models import House

logger = logging.getLogger(__name__)

Contact = tuple[str, str, str]  # name, mobile, email


def _people_model():
    try:
        household_model = House._meta.get_field("household").related_model
        return household_model._meta.get_field("people").related_model
    except (FieldDoesNotExist, AttributeError):
        return None


def household_contacts(house_ids: list[int], *, chunk: int = 5000) -> dict[int, Contact]:
    """{house_id: (name, mobile, email)} of the first owner of each house's household file."""
    person_model = _people_model()
    if person_model is None or not house_ids:
        return {}
    has_email = any(f.name == "email" for f in person_model._meta.get_fields())
    fields = ["household__house_id", "name", "mobile"] + (["email"] if has_email else [])
    found: dict[int, Contact] = {}
    try:
        for start in range(0, len(house_ids), chunk):
            rows = (
                person_model._default_manager.filter(
                    household__house_id__in=house_ids[start:start + chunk], role="owner",
                )
                .order_by("household__house_id", "pk")
                .values(*fields)
            )
            for row in rows:
                house_id = row["household__house_id"]
                if house_id not in found:
                    found[house_id] = (row.get("name") or "", row.get("mobile") or "", row.get("email") or "")
    except (FieldError, ValueError) as exc:  # the household file changed shape: no contacts then
        logger.warning("household contacts unavailable: %s", exc)
        return {}
    return found
