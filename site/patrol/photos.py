"""Checks every patrol photo passes before it is stored: size, extension and magic bytes.

Only JPEG and PNG are taken (what phone cameras produce when a browser uploads); the content,
not the name, decides. Failures raise ValidationError with a translated message.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

#: magic bytes → (content type, extensions accepted for it)
MAGIC = {
    b"\xff\xd8\xff": ("image/jpeg", (".jpg", ".jpeg")),
    b"\x89PNG\r\n\x1a\n": ("image/png", (".png",)),
}


def max_photo_bytes() -> int:
    return int(getattr(settings, "PATROL_MAX_PHOTO_BYTES", 5 * 1024 * 1024))


def check_photo(uploaded) -> str:
    """Return the photo's content type, or raise ValidationError."""
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
        if head.startswith(magic):
            if not name.endswith(extensions):
                break
            return content_type
    raise ValidationError(_("Upload a photo in JPEG or PNG format."), code="photo_type")
