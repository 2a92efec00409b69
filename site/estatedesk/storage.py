"""Private files: import uploads, archive documents, ticket photos.

They live under settings.PRIVATE_MEDIA_ROOT (default ``var/private``), outside MEDIA_ROOT,
and the storage has no URL: no route, no proxy rule and no ``static()`` helper serves that
folder, so the only way to a private file is a scoped view that checks the user and streams it
(archives: document download; spreadsheets: failed rows; service desk: ticket photo).
MEDIA_ROOT keeps only the bulletin's public media (Wagtail images and documents).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages


class PrivateFileStorage(FileSystemStorage):
    """A file-system storage without URLs."""

    def __init__(self, location=None, **kwargs):
        super().__init__(location=location or settings.PRIVATE_MEDIA_ROOT, base_url=None, **kwargs)

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a scoped view.")


def private_storage():
    """The storage of private FileFields (a callable, so settings may swap it, e.g. for S3)."""
    return storages["private"]


def move_to_private(model, field_name: str) -> int:
    """Move the files of ``model.field_name`` from MEDIA_ROOT to the private storage.

    Called by the ``…_private_storage`` migrations for files uploaded before private storage
    existed. Idempotent: a file already moved, or missing, is skipped. Returns how many moved.
    """
    public_root = Path(settings.MEDIA_ROOT)
    private_root = Path(settings.PRIVATE_MEDIA_ROOT)
    moved = 0
    names = model.objects.exclude(**{field_name: ""}).values_list(field_name, flat=True)
    for name in names.iterator():
        source, target = public_root / name, private_root / name
        if not source.is_file() or target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(source, target)
        moved += 1
    return moved
