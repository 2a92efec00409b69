from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstatesConfig(AppConfig):
    name = "estates"
    verbose_name = _("Estates")

    def ready(self):
        from django.db.models.signals import post_migrate

        from estates import roles, scoping, staff_names

        # Staff appear by their Chinese full name everywhere (estates.staff_names).
        staff_names.install()

        # One estate-scoped policy for every model that declares where its estate is.
        scoping.register_estate_policies()
        # Role permissions follow the matrix every time migrate runs (new models, new perms).
        post_migrate.connect(roles.sync_roles_after_migrate, dispatch_uid="estates.sync_roles")
