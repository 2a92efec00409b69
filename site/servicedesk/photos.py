"""Ticket photos: the shared check (``estates.photos``) with the desk's count and size limits."""

from __future__ import annotations

from django.conf import settings
from estates import photos

MAX_PHOTOS = 6


def max_photo_bytes() -> int:
    return int(getattr(settings, "SERVICEDESK_MAX_PHOTO_BYTES", 5 * 1024 * 1024))


def check_photos(uploads) -> list[str]:
    """Check a list of uploads (at most MAX_PHOTOS); return their content types."""
    return photos.check_photos(uploads, max_bytes=max_photo_bytes(), max_count=MAX_PHOTOS)
