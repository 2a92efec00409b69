"""Plumbing only: the page cache follows publishing, and the bulletin tree exists after migrate."""

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished

from bulletin import cache

_BULLETIN_MODELS = ("BulletinIndexPage", "BulletinHomePage", "NoticeIndexPage", "EventIndexPage", "NoticePage", "EventPage")


def _invalidate(sender, **kwargs):
    if sender.__name__ in _BULLETIN_MODELS and sender._meta.app_label == "bulletin":
        cache.invalidate()


def connect() -> None:
    page_published.connect(_invalidate, dispatch_uid="bulletin_published")
    page_unpublished.connect(_invalidate, dispatch_uid="bulletin_unpublished")
    post_delete.connect(_invalidate, dispatch_uid="bulletin_deleted")


def setup_after_migrate(sender, using="default", **kwargs):
    """The bulletin index, the site root and the editors' page permissions (idempotent)."""
    from django.conf import settings

    # After the last project app, so that the roles' groups (estates.roles) exist.
    if sender.name != settings.PROJECT_APPS[-1]:
        return
    from bulletin.services import bulletin_setup

    bulletin_setup()
