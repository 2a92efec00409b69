from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BulletinConfig(AppConfig):
    name = "bulletin"
    verbose_name = _("Bulletin")

    def ready(self):
        from bulletin import permissions, signals

        # Pages, documents and images belong to their estate (see bulletin.permissions).
        permissions.register_policies()

        signals.connect()
        post_migrate.connect(signals.setup_after_migrate, dispatch_uid="bulletin_setup_after_migrate")
