"""What the admin views of surveys share."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError


def require_perm(user, *perms: str) -> None:
    """Any of ``perms`` (``app.codename``)."""
    if not any(user.has_perm(p) for p in perms):
        raise PermissionDenied


def add_service_errors(form, exc: ValidationError) -> None:
    """A service's refusal shown on the form that asked for it (field errors on their field)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def with_format(query, fmt: str) -> str:
    query = query.copy()
    query["format"] = fmt
    return query.urlencode()
