"""The one check every uploaded photo passes before it is stored (tickets, patrol rounds,
decoration inspections): not empty, under the caller's size limit, and a JPEG or PNG by its
magic bytes with a matching extension. Only JPEG and PNG are taken (what phone cameras give a
browser); the content decides, not the name. Failures raise ValidationError with a translated
message. It lives in ``estates`` (the first app) so every app below can use it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

#: magic bytes → (content type, extensions accepted for it)
MAGIC = {
    b"\xff\xd8\xff": ("image/jpeg", (".jpg", ".jpeg")),
    b"\x89PNG\r\n\x1a\n": ("image/png", (".png",)),
}


def check_photo(uploaded, *, max_bytes: int) -> str:
    """Return the photo's content type, or raise ValidationError."""
    size = getattr(uploaded, "size", 0) or 0
    if size == 0:
        raise ValidationError(_("The photo is empty."), code="empty_photo")
    if size > max_bytes:
        raise ValidationError(
            _("The photo is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
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


def check_photos(photos, *, max_bytes: int, max_count: int) -> list[str]:
    """Check a list of uploads (at most ``max_count``); return their content types."""
    photos = list(photos or [])
    if len(photos) > max_count:
        raise ValidationError(_("Send at most %(n)s photos.") % {"n": max_count}, code="too_many_photos")
    return [check_photo(p, max_bytes=max_bytes) for p in photos]
