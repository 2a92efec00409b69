from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EstatedeskConfig(AppConfig):
    name = "estatedesk"
    verbose_name = _("estatedesk")

    def ready(self):
        from estatedesk.public_address import configure_default_site

        # This app comes after the project apps, so the bulletin has created the Site by then.
        post_migrate.connect(configure_default_site, sender=self, dispatch_uid="estatedesk_default_site")
