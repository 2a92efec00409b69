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
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fees.bulk import insert_rows

from spreadsheets import engine, writing
from spreadsheets.job_workflow import JOBS, user_may_import
from spreadsheets.models import ImportChange, ImportJob, ImportLock
from spreadsheets.reading import SheetReader
from spreadsheets.registry import Bridge, get_bridge
from spreadsheets.resources.base import user_context
from spreadsheets.safety import SpreadsheetError, check_upload
from spreadsheets.undo import import_job_undo, json_value, snapshot

logger = logging.getLogger(__name__)

__all__ = ["import_job_undo"]  # the undo lives in spreadsheets.undo; services is the one entry point


class ImportCancelled(Exception):
    """Raised inside a batch's transaction when the user cancelled the job: the batch is rolled
    back and the worker stops."""


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
        from estatedesk import queue

        from spreadsheets.tasks import check_import_job

        # No ATOMIC_REQUESTS: the job row is committed already when the worker picks the task up.
        # With the queue down, the frequent sweep queues it later (the job page says so).
        queue.enqueue(check_import_job, job.pk)
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


def _release_locks(job: ImportJob) -> None:
    ImportLock.objects.filter(job=job).delete()


def _cancel_point(job: ImportJob) -> None:
    """Stop here (inside the batch's transaction, so the batch rolls back) if the user cancelled
    the job, or undid it while this worker was thought dead."""
    if ImportJob.objects.filter(pk=job.pk, status__in=(ImportJob.Status.CANCELLED, ImportJob.Status.UNDONE)).exists():
        raise ImportCancelled


def _fail(job: ImportJob, message: str) -> None:
    _release_locks(job)
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
    job.estates = sorted(result.estates)
    job.preview = result.preview
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
                keep_instances=False, on_progress=lambda n: (_cancel_point(job), _beat(job, checked=n)),
            )
        except SpreadsheetError as exc:
            _fail(job, str(exc))
            return job
        except ImportCancelled:
            job.refresh_from_db()
            return job
        finally:
            job.file.close()
        _store_check(job, result, bridge)
        job.status = ImportJob.Status.PREVIEW
        job.heartbeat_at = timezone.now()
        job.save()
    return job


def import_job_confirm(*, job: ImportJob, mode: str, by) -> ImportJob:
    """The user confirmed the preview: import all rows (or, explicitly, only the valid ones).

    Confirming is a conditional update (preview → queued), so the same job confirmed twice, from
    two tabs or two workers, is written once; and it takes the (archive, estate) locks, so a
    second job of the same archive and estate is refused until the first has finished.
    """
    JOBS.check("confirm", job, by)
    if mode not in ImportJob.Mode.values:
        raise ValidationError(_("Choose how to import."), code="mode")
    if mode == ImportJob.Mode.ALL_OR_NOTHING and job.error_count:
        raise ValidationError(
            _("The file has %(n)s invalid rows: fix them, or choose to import only the valid rows.") % {"n": job.error_count},
            code="invalid_rows",
        )
    now = timezone.now()
    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW).update(
            status=ImportJob.Status.QUEUED, mode=mode, checked=0, done=0, started_at=now, heartbeat_at=now,
        )
        if not claimed:
            raise ValidationError(_("This import has been confirmed already."), code="confirmed")
        _take_locks(job)
    job.refresh_from_db()
    if job.is_async:
        from estatedesk import queue

        from spreadsheets.tasks import run_import_job

        queue.enqueue(run_import_job, job.pk)
    else:
        import_job_run(job=job)
    return job


def lock_keys(job: ImportJob) -> list[str]:
    return [f"{job.target}:{code}" for code in (job.estates or ["*"])]


def _take_locks(job: ImportJob) -> None:
    for key in lock_keys(job):
        try:
            with transaction.atomic():  # a savepoint: the transaction stays usable after a refusal
                ImportLock.objects.create(key=key, job=job)
        except IntegrityError:
            holder = ImportLock.objects.filter(key=key).select_related("job__user").first()
            other = holder.job if holder else None
            raise ValidationError(
                _("Another import of %(what)s for estate %(estate)s is running (import #%(id)s of “%(file)s”). "
                  "Wait until it has finished, then confirm again.") % {
                    "what": get_bridge(job.target).verbose_name_plural, "estate": key.split(":", 1)[1],
                    "id": other.pk if other else "?", "file": other.original_name if other else ""},
                code="locked",
            ) from None


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
                keep_instances=True, on_progress=lambda n: (_cancel_point(job), _beat(job, checked=n)),
            )
        except SpreadsheetError as exc:
            _fail(job, str(exc))
            return job
        except ImportCancelled:
            job.refresh_from_db()
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
            _cancel_point(job)
            _beat(job, done=written)

        def record(*, created, changed) -> None:
            record_changes(job, created=created, changed=changed)

        try:
            if job.is_async:
                engine.write(result, resource._meta.model, user=job.user, reason=reason, on_batch=progress,
                             on_saved=record)
            else:
                with transaction.atomic():
                    engine.write(result, resource._meta.model, user=job.user, reason=reason, on_batch=progress,
                                 on_saved=record)
        except ImportCancelled:
            job.refresh_from_db()
            return job
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
        _release_locks(job)
    return job


def import_job_restart(*, job: ImportJob, by) -> ImportJob:
    """Finish a job whose worker died: run the same phase again. Safe: matching is by natural
    key, so the rows already written come out "unchanged" (their undo log is kept)."""
    JOBS.check("finish", job, by)
    from estatedesk import queue

    from spreadsheets.tasks import check_import_job, run_import_job

    was_import = job.status in (ImportJob.Status.QUEUED, ImportJob.Status.IMPORTING)
    job.heartbeat_at = timezone.now()
    job.save(update_fields=["heartbeat_at"])
    task = run_import_job if was_import else check_import_job
    queue.enqueue(task, job.pk)
    return job


def import_job_cancel(*, job: ImportJob, by) -> ImportJob:
    """Cancel a job in any state before it is done. A running worker stops at its next batch
    (that batch is rolled back); rows it committed before stay and can be undone."""
    JOBS.check("cancel", job, by)
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk, status__in=JOBS.row("cancel", job).sources).update(
        status=ImportJob.Status.CANCELLED, finished_at=now)
    _release_locks(job)
    job.refresh_from_db()
    return job


def record_changes(job: ImportJob, *, created, changed) -> None:
    """Log what a batch wrote, in the batch's transaction (see ``ImportChange``). Written with
    ``fees.bulk.insert_rows`` (COPY / executemany), the bills' bulk insert: the ORM's
    ``bulk_create`` of one log row per record cost an import of 20,000 rows a sixth of its time."""
    created_action, changed_action = ImportChange.Action.CREATED.value, ImportChange.Action.CHANGED.value
    rows = [{"job_id": job.pk, "model": obj._meta.label_lower, "object_id": obj.pk, "action": created_action,
             "before": {}, "after": snapshot(obj)} for obj in created]
    for obj, fields in changed:
        loaded = getattr(obj, "_loaded_values", {})
        before = {}
        for name in fields:
            model_field = obj._meta.get_field(name)
            before[name] = json_value(loaded.get(model_field.attname))
        rows.append({"job_id": job.pk, "model": obj._meta.label_lower, "object_id": obj.pk, "action": changed_action,
                     "before": before, "after": snapshot(obj)})
    insert_rows(ImportChange, rows)
