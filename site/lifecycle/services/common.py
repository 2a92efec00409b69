"""Helpers shared by the procedures' services: the table check under a row lock, the house's
status, mobiles, and the owner's messages."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from estates.models import House
from estates.personal_data import normalize_mobile, validate_mobile
from estates.scoping import user_can_reach
from estates.workflow import Workflow


def require(by, permission: str, obj) -> None:
    """Staff need the permission and the record's estate; ``by`` None is the system."""
    if by is None:
        return
    if not by.has_perm(permission) or not user_can_reach(by, obj):
        raise PermissionDenied(_("You may not do this in this estate."))


def act(workflow: Workflow, obj, action: str, by):
    """Lock the record, check the table (a refusal writes nothing), move it to the row's target."""
    obj.refresh_from_db(from_queryset=type(obj).objects.select_for_update())
    row = workflow.check(action, obj, by)
    if row.target is not None:
        setattr(obj, workflow.state_field, row.target)
    return obj


def house_status_set(house: House, status: str, *, by, reason: str) -> None:
    """The house's status follows the procedures (history names who and why)."""
    house = House.objects.select_for_update().get(pk=house.pk)
    if house.status == status:
        return
    house.status = status
    house._history_user = by
    house._change_reason = reason
    house.save(update_fields=["status"])


def clean_mobile(value: str, field: str, *, required: bool = True) -> str:
    value = normalize_mobile(value or "")
    if not value and not required:
        return ""
    try:
        validate_mobile(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    return value


def required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return value


def admin_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
