from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BulletinConfig(AppConfig):
    name = "bulletin"
    verbose_name = _("Bulletin")

    def ready(self):
        from wagtail.models import AbstractPage
        from wagtail.permissions import register_permission_policy

        from bulletin import signals
        from bulletin.permissions import EstatePagePermissionPolicy

        # Replaces Wagtail's own page policy for every page model (see bulletin.permissions).
        register_permission_policy(AbstractPage, EstatePagePermissionPolicy())

        signals.connect()
        post_migrate.connect(signals.setup_after_migrate, dispatch_uid="bulletin_setup_after_migrate")
