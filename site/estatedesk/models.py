"""Project-wide tables that belong to no single app: the public-form counter and the
operational bookkeeping of the project itself (cache invalidations, sweep runs)."""

from django.conf import settings
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

class PendingCacheInvalidation(models.Model):
    """An invalidation that could not reach the cache; applied when the cache is back
    (see estatedesk.cache)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("pending cache invalidation")
        verbose_name_plural = _("pending cache invalidations")

    def __str__(self):
        return self.name


class SweepRun(models.Model):
    """One run of a scheduled sweep: who ran it (the scheduler or a manager), and its result.
    The daily sweeps look here to know whether today's run happened (so a killed worker's run is
    caught up within minutes, not the next day)."""

    name = models.CharField(_("sweep"), max_length=100)
    local_date = models.DateField(_("date (local time)"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("started by"),
    )

    class Meta:
        verbose_name = _("sweep run")
        verbose_name_plural = _("sweep runs")
        indexes = [models.Index(fields=["name", "local_date"], name="sweeprun_name_date_idx")]

    def __str__(self):
        return f"{self.name} {self.local_date}"


class DeferredTask(models.Model):
    """A task a request could not queue because the queue's storage (Redis) was down; the
    frequent sweep queues it again once the storage answers (``estatedesk.queue``)."""

    #: The task's path and its arguments: one record per task and arguments.
    key = models.CharField(_("task and arguments"), max_length=255, unique=True)
    task = models.CharField(_("task path"), max_length=200)
    args = models.JSONField(_("task arguments"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deferred task")
        verbose_name_plural = _("deferred tasks")

    def __str__(self):
        return self.key
