from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ArchivesConfig(AppConfig):
    name = "archives"
    verbose_name = _("Archives")

    def ready(self):
        from archives import listing_keys, name_index

        # SQLite drops triggers when a migration rebuilds a table: put the listing keys' back.
        post_migrate.connect(listing_keys.reinstall_after_migrate, sender=self,
                             dispatch_uid="archives_listing_keys")
        # ... and the triggers that keep the SQLite index of people's names.
        post_migrate.connect(name_index.reinstall_after_migrate, sender=self,
                             dispatch_uid="archives_name_index")
