"""Personal data used across apps: mobile numbers normalised and validated, masking by role,
and the access log of every unmasked view or export.

Only roles with ``estates.view_personal_data`` see ID numbers and full mobiles (DOMAIN.md:
严格保密). Everyone else sees ``138****5678`` and ``110***********1234``.
"""

from __future__ import annotations

import re
import unicodedata

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from estates.models import PersonalDataAccess

PERSONAL_DATA_PERMISSION = "estates.view_personal_data"
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—－()（）+]")


def normalize_mobile(value: str) -> str:
    """Full-width digits → ASCII, spaces/dashes/brackets dropped, a +86/0086 prefix removed."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    text = _SEPARATORS.sub("", text)
    if text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    return text


def validate_mobile(value: str) -> None:
    """An 11-digit mainland mobile number (after normalisation)."""
    if not _MOBILE_RE.match(normalize_mobile(value)):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number, e.g. 138 0013 8000."), code="invalid_mobile"
        )


def mask_mobile(value: str) -> str:
    value = value or ""
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_id_number(value: str) -> str:
    value = value or ""
    if len(value) <= 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def can_view_personal_data(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(PERSONAL_DATA_PERMISSION))


def shown_mobile(value: str, user) -> str:
    return value if can_view_personal_data(user) else mask_mobile(value)


def shown_id_number(value: str, user) -> str:
    return value if can_view_personal_data(user) else mask_id_number(value)


def log_personal_data_access(
    *, user, obj=None, model=None, fields: list[str], action: str, estate=None, detail: str = ""
) -> None:
    """Record that ``user`` saw (action="view") or exported (action="export") personal data.

    ``obj``: the one record shown; else ``model``, the model of the rows listed or exported (so
    that the log names their fields as their screens do: 收件人, not "recipient").
    """
    if obj is not None:
        model = type(obj)

    PersonalDataAccess.objects.create(
        user=user if user and user.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(model) if model is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else detail[:200],
        fields=", ".join(fields)[:500],
        estate=estate,
    )
