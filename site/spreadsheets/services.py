"""Writes of the spreadsheets app: an import job from upload to result.

upload → ``import_job_create`` (safety checks, file stored, rows counted) → the check (inline,
or a Huey job above SPREADSHEETS_ASYNC_THRESHOLD rows) → preview → ``import_job_confirm`` →
``import_job_run`` (checks again, then writes; inline and all-or-nothing in one transaction for
small files, a Huey job writing in committed batches for large ones) → result.
"""

from __future__ import annotations

import logging
import os

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from spreadsheets import engine, writing
from spreadsheets.job_workflow import JOBS, user_may_import
from spreadsheets.models import ImportJob
from spreadsheets.reading import SheetReader
from spreadsheets.registry import Bridge, get_bridge
from spreadsheets.resources.base import user_context
from spreadsheets.safety import SpreadsheetError, check_upload

logger = logging.getLogger(__name__)


def async_threshold() -> int:
    return getattr(settings, "SPREADSHEETS_ASYNC_THRESHOLD", 2000)


def import_job_create(*, upload, bridge: Bridge, by) -> ImportJob:
    """Check and store an upload, then check its rows (inline or as a Huey job).

    Raises ``ValidationError`` for a hostile or unreadable file; nothing is stored then.
    """
    if not user_may_import(by, bridge):
        raise PermissionDenied
    try:
        kind = check_upload(upload)
        rows = SheetReader(upload, kind).count_rows()
    except SpreadsheetError as exc:
        raise ValidationError(str(exc), code="bad_file") from None
    name = os.path.basename(getattr(upload, "name", "") or f"import.{kind}")[:200]
    upload.seek(0)
    job = ImportJob(
        user=by, target=bridge.key, original_name=name, language=translation.get_language() or settings.LANGUAGE_CODE,
        total=max(0, rows - 1), is_async=rows - 1 > async_threshold(), status=ImportJob.Status.VALIDATING,
    )
    job.file.save(f"{timezone.now():%Y%m%d%H%M%S}.{kind}", ContentFile(upload.read()), save=False)
    job.save()
    if job.is_async:
        from spreadsheets.tasks import check_import_job

        # No ATOMIC_REQUESTS: the job row is committed already when the worker picks the task up.
        check_import_job(job.pk)
    else:
        import_job_check(job=job)
    return job


def _reader(job: ImportJob) -> SheetReader:
    job.file.open("rb")
    return SheetReader(job.file, "xlsx" if job.file.name.lower().endswith(".xlsx") else "csv")


def _beat(job: ImportJob, **fields) -> None:
    fields["heartbeat_at"] = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def _fail(job: ImportJob, message: str) -> None:
    job.status = ImportJob.Status.FAILED
    job.message = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "finished_at"])


def _store_check(job: ImportJob, result: engine.CheckResult, bridge: Bridge) -> None:
    job.total = result.total
    job.checked = result.total
    job.counts = dict(result.counts)
    job.errors = result.errors
    job.warnings = result.warnings
    if result.failed:
        data = writing.failed_rows_bytes(result.headers, result.failed, title=str(bridge.model._meta.verbose_name_plural))
        job.failed_rows.save(f"failed-{job.pk}.xlsx", ContentFile(data), save=False)
    elif job.failed_rows:
        job.failed_rows = ""


def import_job_check(*, job: ImportJob) -> ImportJob:
    """Check every row of the job's file and store the preview. Writes no archive record."""
    bridge = get_bridge(job.target)
    with translation.override(job.language):
        job.status = ImportJob.Status.VALIDATING
        job.started_at = job.started_at or timezone.now()
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "attempts"])
        try:
            result = engine.check(
                _reader(job).rows(), bridge.get_resource(), user_context(job.user, bridge.model),
                keep_instances=False, on_progress=lambda n: _beat(job, checked=n),
            )
        except SpreadsheetError as exc:
            _fail(job, str(exc))
            return job
        finally:
            job.file.close()
        _store_check(job, result, bridge)
        job.status = ImportJob.Status.PREVIEW
        job.heartbeat_at = timezone.now()
        job.save()
    return job


def import_job_confirm(*, job: ImportJob, mode: str, by) -> ImportJob:
    """The user confirmed the preview: import all rows (or, explicitly, only the valid ones)."""
    JOBS.check("confirm", job, by)
    if mode not in ImportJob.Mode.values:
        raise ValidationError(_("Choose how to import."), code="mode")
    if mode == ImportJob.Mode.ALL_OR_NOTHING and job.error_count:
        raise ValidationError(
            _("The file has %(n)s invalid rows: fix them, or choose to import only the valid rows.") % {"n": job.error_count},
            code="invalid_rows",
        )
    job.mode = mode
    job.status = ImportJob.Status.QUEUED
    job.checked = 0
    job.done = 0
    job.started_at = timezone.now()
    job.heartbeat_at = job.started_at
    job.save()
    if job.is_async:
        from spreadsheets.tasks import run_import_job

        run_import_job(job.pk)
    else:
        import_job_run(job=job)
    return job


def change_reason(job: ImportJob) -> str:
    return _("Imported from the spreadsheet “%(file)s” (import #%(id)s)") % {"file": job.original_name, "id": job.pk}


def import_job_run(*, job: ImportJob) -> ImportJob:
    """Check again (the archive may have changed since the preview), then write.

    Small files: one transaction, all or nothing. Large files (Huey): batches committed with the
    job's progress; if the worker dies, ``import_job_restart`` runs it again and the natural-key
    upsert makes the rows already written come out "unchanged".
    """
    bridge = get_bridge(job.target)
    with translation.override(job.language):
        job.status = ImportJob.Status.IMPORTING
        job.attempts += 1
        job.checked = 0
        job.done = 0
        job.started_at = timezone.now()
        _beat(job, status=job.status, attempts=job.attempts, checked=0, done=0, started_at=job.started_at)
        resource = bridge.get_resource()
        try:
            result = engine.check(
                _reader(job).rows(), resource, user_context(job.user, bridge.model),
                keep_instances=True, on_progress=lambda n: _beat(job, checked=n),
            )
        except SpreadsheetError as exc:
            _fail(job, str(exc))
            return job
        finally:
            job.file.close()
        if result.counts["invalid"] and job.mode != ImportJob.Mode.VALID_ONLY:
            _store_check(job, result, bridge)
            job.save()
            _fail(job, _("%(n)s rows are invalid now (the archive changed since the preview); nothing was written.")
                  % {"n": result.counts["invalid"]})
            return job
        reason = change_reason(job)

        def progress(written: int) -> None:
            _beat(job, done=written)

        try:
            if job.is_async:
                engine.write(result, resource._meta.model, user=job.user, reason=reason, on_batch=progress)
            else:
                with transaction.atomic():
                    engine.write(result, resource._meta.model, user=job.user, reason=reason, on_batch=progress)
        except Exception as exc:  # a database constraint the check could not see
            logger.exception("spreadsheet import %s failed", job.pk)
            _fail(job, _("The import stopped with a database error: %(error)s. Rows already written are kept "
                         "when the import ran in the background; fix the file and import it again.")
                  % {"error": exc.__class__.__name__} if job.is_async else
                  _("The import stopped with a database error (%(error)s); nothing was written.")
                  % {"error": exc.__class__.__name__})
            return job
        _store_check(job, result, bridge)
        job.counts = {**result.counts, "skipped": result.counts["invalid"] if job.mode == ImportJob.Mode.VALID_ONLY else 0}
        job.done = result.counts["new"] + result.counts["changed"]
        job.status = ImportJob.Status.DONE
        job.finished_at = timezone.now()
        job.heartbeat_at = job.finished_at
        job.save()
    return job


def import_job_restart(*, job: ImportJob, by) -> ImportJob:
    """Run a job whose worker died again (same phase). Safe: matching is by natural key."""
    JOBS.check("restart", job, by)
    from spreadsheets.tasks import check_import_job, run_import_job

    was_import = job.status in (ImportJob.Status.QUEUED, ImportJob.Status.IMPORTING)
    job.heartbeat_at = timezone.now()
    job.save(update_fields=["heartbeat_at"])
    task = run_import_job if was_import else check_import_job
    task(job.pk)
    return job


def import_job_cancel(*, job: ImportJob, by) -> ImportJob:
    JOBS.check("cancel", job, by)
    job.status = ImportJob.Status.CANCELLED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])
    return job
