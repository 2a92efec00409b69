"""Plumbing only: the page cache follows publishing, and the bulletin tree (and each estate's
collection) exists after migrate and for every new estate."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from estates.models import Estate
from wagtail.signals import page_published, page_unpublished

from bulletin import cache
from bulletin.services import bulletin_setup, estate_content_setup

_BULLETIN_MODELS = ("BulletinIndexPage", "BulletinHomePage", "NoticeIndexPage", "EventIndexPage", "NoticePage", "EventPage")


def _invalidate(sender, **kwargs):
    if sender.__name__ in _BULLETIN_MODELS and sender._meta.app_label == "bulletin":
        cache.invalidate()


def _estate_created(sender, instance, created, raw=False, **kwargs):
    """A new estate gets its page tree and collection (the same idempotent setup as migrate)."""
    if created and not raw:
        estate_content_setup(estate=instance)


def connect() -> None:
    post_save.connect(_estate_created, sender=Estate, dispatch_uid="bulletin_estate_created")
    page_published.connect(_invalidate, dispatch_uid="bulletin_published")
    page_unpublished.connect(_invalidate, dispatch_uid="bulletin_unpublished")
    post_delete.connect(_invalidate, dispatch_uid="bulletin_deleted")


def setup_after_migrate(sender, using="default", **kwargs):
    """The bulletin index, the site root and the editors' page permissions (idempotent)."""
    # After the last project app, so that the roles' groups (estates.roles) exist.
    if sender.name != settings.PROJECT_APPS[-1]:
        return
    bulletin_setup()
