"""Patrol photos: the shared check (``estates.photos``) with the patrol's size limit."""

from __future__ import annotations

from django.conf import settings
from estates import photos


def max_photo_bytes() -> int:
    return int(getattr(settings, "PATROL_MAX_PHOTO_BYTES", 5 * 1024 * 1024))


def check_photo(uploaded) -> str:
    """Return the photo's content type, or raise ValidationError with a translated message."""
    return photos.check_photo(uploaded, max_bytes=max_photo_bytes())
