"""Import jobs: one row per uploaded spreadsheet, from preview to result.

A job keeps the uploaded file, the preview (counts, errors by row and column), the progress of a
large import run by Huey (rows done of total, heartbeat) and the result. It is the import history
the admin shows; the records themselves get django-simple-history entries naming the job's file.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from estatedesk.storage import private_storage


def stale_after() -> datetime.timedelta:
    """A running job without a heartbeat for this long has lost its worker. Workers beat after
    every batch (a few seconds apart), so the page says so within a minute."""
    return datetime.timedelta(seconds=getattr(settings, "SPREADSHEETS_STALE_AFTER_SECONDS", 45))


def undo_window() -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, "SPREADSHEETS_UNDO_DAYS", 7))


class ImportJob(models.Model):
    class Status(models.TextChoices):
        VALIDATING = "validating", _("checking the file")
        PREVIEW = "preview", _("waiting for confirmation")
        QUEUED = "queued", _("queued")
        IMPORTING = "importing", _("importing")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")
        UNDONE = "undone", _("undone")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all", _("all rows or nothing")
        VALID_ONLY = "valid_only", _("only the valid rows")

    #: Statuses in which a worker is (or should be) busy with the job.
    RUNNING = (Status.VALIDATING, Status.QUEUED, Status.IMPORTING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("user")
    )
    #: Registry key of the bridge ("app_label.model_name"): which Resource reads the file.
    target = models.CharField(_("archive"), max_length=100, db_index=True)
    file = models.FileField(_("file"), upload_to="spreadsheets/imports/%Y/%m/", max_length=255, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.VALIDATING, db_index=True)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.ALL_OR_NOTHING)
    #: Run the import as a Huey job (the file has more rows than SPREADSHEETS_ASYNC_THRESHOLD).
    is_async = models.BooleanField(_("background job"), default=False)
    total = models.PositiveIntegerField(_("rows"), default=0)
    #: Rows checked so far (the check runs before every import, so it is never skipped).
    checked = models.PositiveIntegerField(_("rows checked"), default=0)
    #: Rows written so far: committed in the same transaction as the rows themselves.
    done = models.PositiveIntegerField(_("rows done"), default=0)
    #: Counts of the last check or import: new, changed, unchanged, invalid, skipped, duplicates.
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    #: [{"row": 12, "column": "手机号", "message": "..."}], capped (see engine.MAX_ERRORS).
    errors = models.JSONField(_("errors"), default=list, blank=True)
    #: File-level notes that are not fatal: unknown columns, where the header row was found.
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    #: A fatal file-level problem (no header row, a missing column, an unreadable file).
    message = models.TextField(_("message"), blank=True)
    failed_rows = models.FileField(
        _("failed rows"), upload_to="spreadsheets/failed/%Y/%m/", max_length=255, blank=True, storage=private_storage
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    #: Estate codes the file's valid rows name: the import holds a lock per (archive, estate).
    estates = models.JSONField(_("estates"), default=list, blank=True)
    #: Field-level preview: {"changed": [{"row", "record", "fields": [[column, old, new]]}],
    #: "new": [{"row", "values": [[column, value]]}]}, the first rows of each, masked as the user sees them.
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("undone by"),
    )
    #: Counts of the undo: removed, restored, refused; and why each refused record was kept.
    undo_counts = models.JSONField(_("undo counts"), default=dict, blank=True)
    undo_refused = models.JSONField(_("records the undo kept"), default=list, blank=True)

    class Meta:
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def is_stale(self) -> bool:
        """The worker died: the job says it is running but has shown no sign of life for a while."""
        if not self.is_running:
            return False
        last = self.heartbeat_at or self.started_at or self.created_at
        return last is not None and timezone.now() - last > stale_after()

    def _work(self) -> tuple[int, int]:
        """(units done, units in all): an import checks every row, then writes every row."""
        if self.status in (self.Status.IMPORTING, self.Status.QUEUED) or (
            self.status == self.Status.DONE and self.mode
        ):
            return self.checked + self.done, 2 * self.total
        return self.checked, self.total

    @property
    def percent(self) -> int:
        if self.status in (self.Status.DONE, self.Status.PREVIEW):
            return 100
        done, whole = self._work()
        return min(100, int(done * 100 / whole)) if whole else 0

    def seconds_left(self) -> int | None:
        done, whole = self._work()
        if not (self.is_running and self.started_at and done and whole):
            return None
        elapsed = ((self.heartbeat_at or timezone.now()) - self.started_at).total_seconds()
        rate = done / max(elapsed, 0.001)
        return int(max(0, whole - done) / rate) if rate else None

    @property
    def error_count(self) -> int:
        return int(self.counts.get("invalid", 0))

    @property
    def written(self) -> int:
        """Records this job has written so far (committed), whatever its state."""
        return self.changes.count()

    def undo_until(self) -> datetime.datetime | None:
        end = self.finished_at or self.heartbeat_at or self.started_at
        return end + undo_window() if end else None


class ImportLock(models.Model):
    """One import per archive and estate at a time: a row per (archive, estate) held from the
    confirm until the job is done, failed, cancelled or undone. The unique key is the lock, so
    two confirms racing on two processes cannot both hold it, on SQLite or PostgreSQL."""

    key = models.CharField(max_length=150, unique=True)
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="locks")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("import lock")
        verbose_name_plural = _("import locks")

    def __str__(self):
        return self.key


class ImportChange(models.Model):
    """A record an import created or changed, committed with the record itself: what the undo
    removes or puts back, and what it compares to refuse records changed after the import."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="changes")
    model = models.CharField(max_length=100)  # "app_label.model_name"
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    #: Field name → value before the import (changed records), as ``Field.value_to_string``.
    before = models.JSONField(default=dict, blank=True)
    #: Field name → value the import left, for every field the undo would touch or compare.
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        indexes = [models.Index(fields=["job", "id"])]

    def __str__(self):
        return f"{self.model}#{self.object_id} {self.action}"


class ExportJob(models.Model):
    """An export of more rows than SPREADSHEETS_EXPORT_THRESHOLD, written by a Huey worker so no
    request holds a web worker for long; the user follows its progress and downloads the file."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("exporting")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    target = models.CharField(_("archive"), max_length=100)
    fmt = models.CharField(_("format"), max_length=10)
    #: The listing's query string (filters, search, order) the export applies.
    query = models.TextField(_("query"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    file = models.FileField(_("file"), upload_to="spreadsheets/exports/%Y/%m/", max_length=255, blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("spreadsheet export")
        verbose_name_plural = _("spreadsheet exports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename or f"export #{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_stale(self) -> bool:
        last = self.heartbeat_at or self.created_at
        return self.is_running and last is not None and timezone.now() - last > stale_after()

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, int(self.done * 100 / self.total)) if self.total else 0
