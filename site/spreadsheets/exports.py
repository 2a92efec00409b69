"""Exports of the archive listings: inline up to SPREADSHEETS_EXPORT_THRESHOLD rows, above it as
an ``ExportJob`` run by Huey (progress bar, then a download link), so no request holds a web
worker for long. Either way the rows are those of the listing the user sees (its filters, search
and order, limited to the user's estates) and go through the one writer (``writing``)."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from spreadsheets import writing
from spreadsheets.models import ExportJob
from spreadsheets.registry import Bridge, get_bridge


def export_threshold() -> int:
    return getattr(settings, "SPREADSHEETS_EXPORT_THRESHOLD", 5000)


def export_parts(bridge: Bridge, queryset: QuerySet, user, *, on_row=None) -> dict:
    """Keyword arguments of ``writing.export_bytes`` for these records."""
    resource = bridge.get_resource()
    columns = resource.columns()

    def rows():
        for number, obj in enumerate(resource.export_queryset(queryset).iterator(chunk_size=2000), start=1):
            # Raw values: the writer masks personal columns for roles that may not see them.
            yield resource.export_values(obj, masked=False)
            if on_row is not None:
                on_row(number)

    return {
        "headers": [column.header for _name, column in columns],
        "rows": rows(),
        "title": bridge.verbose_name_plural,
        "user": user,
        "personal": {i: column.mask for i, (_name, column) in enumerate(columns) if column.mask},
        # Logged once per estate whose rows the export holds (estates.personal_views.log_export).
        "log": {"fields": [column.header for _name, column in columns if column.mask], "queryset": queryset,
                "detail": _("Spreadsheet export of %(what)s") % {"what": bridge.verbose_name_plural}},
    }


def filename_for(bridge: Bridge) -> str:
    return f"{bridge.verbose_name_plural}-{timezone.localtime():%Y%m%d-%H%M}"


def export_job_create(*, bridge: Bridge, fmt: str, query: str, total: int, by) -> ExportJob:
    job = ExportJob.objects.create(user=by, target=bridge.key, fmt=fmt, query=query, total=total,
                                   language=translation.get_language() or settings.LANGUAGE_CODE,
                                   heartbeat_at=timezone.now())
    from estatedesk import queue

    from spreadsheets.tasks import run_export_job

    queue.enqueue(run_export_job, job.pk)  # with the queue down, the frequent sweep queues it later
    return job


def export_job_run(*, job: ExportJob) -> ExportJob:
    """Write the file (safe to run again: it starts over)."""
    from spreadsheets.views import listing_queryset

    bridge = get_bridge(job.target)
    request = RequestFactory().get("/", data=None, QUERY_STRING=job.query)
    request.user = job.user
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, done=0, heartbeat_at=timezone.now())

    def beat(number: int) -> None:
        if number % 1000 == 0:
            ExportJob.objects.filter(pk=job.pk).update(done=number, heartbeat_at=timezone.now())

    with translation.override(job.language):
        try:
            parts = export_parts(bridge, listing_queryset(bridge, request), job.user, on_row=beat)
            data, _type = writing.export_bytes(fmt=job.fmt, **parts)
        except Exception as exc:  # report it on the job page rather than lose it in the worker's log
            ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, message=exc.__class__.__name__,
                                                       finished_at=timezone.now())
            raise
        job.refresh_from_db()
        job.filename = f"{filename_for(bridge)}.{job.fmt}"
        job.file.save(f"export-{job.pk}.{job.fmt}", ContentFile(data), save=False)
        job.status = ExportJob.Status.DONE
        job.done = job.total
        job.finished_at = job.heartbeat_at = timezone.now()
        job.save()
    return job
