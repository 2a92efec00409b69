"""Huey jobs for large spreadsheet imports. Both are safe to run twice: the check writes no
archive record, and the import matches records by natural key (upsert)."""

from huey.contrib.djhuey import db_task

from spreadsheets import services
from spreadsheets.models import ImportJob


@db_task()
def check_import_job(job_id: int) -> None:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None and job.status == ImportJob.Status.VALIDATING:
        services.import_job_check(job=job)


@db_task()
def run_import_job(job_id: int) -> None:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None and job.status in (ImportJob.Status.QUEUED, ImportJob.Status.IMPORTING):
        services.import_job_run(job=job)


@db_task()
def run_export_job(job_id: int) -> None:
    from spreadsheets.exports import export_job_run
    from spreadsheets.models import ExportJob

    job = ExportJob.objects.filter(pk=job_id).first()
    if job is not None and job.is_running:
        export_job_run(job=job)
