"""Checks every photo sent with a ticket passes before it is stored: count, size, extension and
magic bytes. Only JPEG and PNG (what phone cameras give a browser); the content decides, not the
name. The same rule as patrol.photos (patrol sits above servicedesk in the app order, so the
check is not imported from there)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_PHOTOS = 6

MAGIC = {
    b"\xff\xd8\xff": ("image/jpeg", (".jpg", ".jpeg")),
    b"\x89PNG\r\n\x1a\n": ("image/png", (".png",)),
}


def max_photo_bytes() -> int:
    return int(getattr(settings, "SERVICEDESK_MAX_PHOTO_BYTES", 5 * 1024 * 1024))


def check_photo(uploaded) -> str:
    """Return the photo's content type, or raise ValidationError with a translated message."""
    size = getattr(uploaded, "size", 0) or 0
    if size == 0:
        raise ValidationError(_("The photo is empty."), code="empty_photo")
    if size > max_photo_bytes():
        raise ValidationError(
            _("The photo is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_photo_bytes())},
            code="photo_too_large",
        )
    name = (getattr(uploaded, "name", "") or "").lower()
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    for magic, (content_type, extensions) in MAGIC.items():
        if head.startswith(magic) and name.endswith(extensions):
            return content_type
    raise ValidationError(_("Upload a photo in JPEG or PNG format."), code="photo_type")


def check_photos(photos) -> list[str]:
    """Check a list of uploads (at most MAX_PHOTOS); return their content types."""
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(_("Send at most %(n)s photos.") % {"n": MAX_PHOTOS}, code="too_many_photos")
    return [check_photo(p) for p in photos]
