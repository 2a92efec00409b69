from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstatedeskConfig(AppConfig):
    name = "estatedesk"
    verbose_name = _("estatedesk")
