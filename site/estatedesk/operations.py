"""Backup, restore and moving to PostgreSQL: what the management commands share.

An installation is its database plus its media folders (public ``MEDIA_ROOT`` and, when
configured, ``PRIVATE_MEDIA_ROOT``). The Huey queue and the cache are not part of it: messages
and steps live in the database and the sweeps are level-triggered, so nothing is lost with them.
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections

#: Tables rebuilt rather than copied: the search index (``update_index`` recreates it; SQLite's
#: FTS tables have no PostgreSQL counterpart).
REBUILT_APPS = {"wagtailsearch"}


def media_folders() -> dict[str, Path]:
    """The folders an archive carries, by their name inside the archive."""
    folders = {"media": Path(settings.MEDIA_ROOT)}
    private = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
    if private:
        folders["private_media"] = Path(private)
    return folders


def copied_models():
    """Every concrete table Django manages (many-to-many tables and history included), except
    the ones rebuilt after a move."""
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.app_label in REBUILT_APPS:
            continue
        yield model


def table_counts(using: str = "default") -> dict[str, int]:
    existing = set(connections[using].introspection.table_names())
    return {
        model._meta.db_table: model._base_manager.using(using).count()
        for model in copied_models()
        if model._meta.db_table in existing
    }


def installation_is_empty(using: str = "default") -> bool:
    """No migrations applied, or applied with no user and no estate (a fresh ``migrate``)."""
    from django.contrib.auth import get_user_model
    from estates.models import Estate

    tables = set(connections[using].introspection.table_names())
    if "django_migrations" not in tables:
        return True
    user_model = get_user_model()
    if user_model._meta.db_table not in tables or Estate._meta.db_table not in tables:
        return True
    return not (user_model._base_manager.using(using).exists() or Estate._base_manager.using(using).exists())
