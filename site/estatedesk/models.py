"""Project-wide tables that belong to no single app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RateCounter(models.Model):
    """Posts of one client to one public form in one fixed time window.

    Incremented with a single ``INSERT … ON CONFLICT … DO UPDATE … RETURNING`` (see
    ``estatedesk.guard``), which is atomic on SQLite and PostgreSQL alike and needs no cache.
    """

    scope = models.CharField(pgettext_lazy("public form counter", "form"), max_length=40)
    client = models.CharField(_("client address"), max_length=64)
    bucket = models.BigIntegerField(_("time window"))
    hits = models.PositiveIntegerField(pgettext_lazy("public form counter", "posts"), default=0)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("public form counter")
        verbose_name_plural = _("public form counters")
        constraints = [
            models.UniqueConstraint(fields=["scope", "client", "bucket"], name="ratecounter_one_row_per_window"),
        ]

    def __str__(self):
        return f"{self.scope} {self.client} #{self.bucket}: {self.hits}"
