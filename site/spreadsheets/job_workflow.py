"""The import job's state machine, declared once (see estates.workflow).

    validating → preview → queued → importing → done | failed
    any state before done → cancelled (a running worker stops at its next batch)
    a job whose worker died (stale) → finish (run the same phase again)
    done, failed, cancelled or a dead worker's job → undone (within SPREADSHEETS_UNDO_DAYS)

The services ``import_job_confirm/restart/cancel`` and ``undo.import_job_undo`` call
``JOBS.check`` with the user; the job page offers ``JOBS.allowed`` as its buttons. Kept apart from
services.py so that changes to the job's states stay in this one small table.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from estates.models import Estate
from estates.roles import ESTATE_MANAGER, SUPERVISOR
from estates.scoping import estate_ids_for
from estates.workflow import Guard, Transition, Workflow

from spreadsheets.models import ImportJob
from spreadsheets.registry import Bridge, get_bridge
from spreadsheets.resources.base import user_context

Status = ImportJob.Status
RUNNING = (Status.VALIDATING, Status.QUEUED, Status.IMPORTING)


def user_may_import(user, bridge: Bridge) -> bool:
    if not bridge.resource_class.importable:
        return False
    ctx = user_context(user, bridge.model)
    return ctx.can_add or ctx.can_change


def is_uploader(user, job: ImportJob) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or job.user_id == user.pk))


def is_supervisor_of(user, job: ImportJob) -> bool:
    """A supervisor or estate manager of every estate the job's file names."""
    if not (user and user.is_authenticated):
        return False
    if user.is_superuser:
        return True
    if not user.groups.filter(name__in=[SUPERVISOR, ESTATE_MANAGER]).exists():
        return False
    ids = estate_ids_for(user)
    wanted = set(Estate.objects.filter(code__in=job.estates).values_list("pk", flat=True))
    return bool(wanted) and (ids is None or wanted <= set(ids))


def may_see(user, job: ImportJob) -> bool:
    return is_uploader(user, job) or is_supervisor_of(user, job)


def _may_import(job, user) -> bool:
    return user is None or user_may_import(user, get_bridge(job.target))


def _undo_expired_message(job) -> str:
    until = job.undo_until()
    return gettext("This import can no longer be undone: imports can be undone until %(date)s.") % {
        "date": timezone.localtime(until).strftime("%Y-%m-%d %H:%M")}


def _within_undo_window(job, user) -> bool:
    until = job.undo_until()
    return until is None or timezone.now() <= until


OWNER = Guard(
    lambda job, user: user is None or is_uploader(user, job),
    _("You may not do this with another person's import."), code="not_owner", forbidden=True,
)
OWNER_OR_SUPERVISOR = Guard(
    lambda job, user: user is None or is_uploader(user, job) or is_supervisor_of(user, job),
    _("You may not do this with another person's import."), code="not_owner", forbidden=True,
)
MAY_IMPORT = Guard(_may_import, _("You may not import these records."), code="permission", forbidden=True)
SOMETHING_TO_IMPORT = Guard(
    lambda job, user: bool(job.counts.get("new") or job.counts.get("changed")),
    _("There is nothing to import: every valid row is already in the archive."), code="nothing",
)
STUCK = Guard(
    lambda job, user: job.is_stale,
    _("This import is still running; it can be finished only when its worker has stopped."), code="not_stale",
)
NOT_RUNNING = Guard(
    lambda job, user: not (job.is_running and not job.is_stale),
    _("This import is still running: cancel it first, then undo it."), code="running",
)
WITHIN_UNDO_WINDOW = Guard(_within_undo_window, _undo_expired_message, code="expired")
WROTE_SOMETHING = Guard(
    lambda job, user: job.changes.exists(), _("This import wrote no record; there is nothing to undo."), code="nothing",
)

JOBS = Workflow("import job", [
    Transition(
        "confirm", _("Confirm the import"), (Status.PREVIEW,), _("This import is not waiting for confirmation."),
        target=Status.QUEUED, guards=(OWNER, MAY_IMPORT, SOMETHING_TO_IMPORT), refusal_code="not_preview",
    ),
    Transition(
        "finish", _("Finish the import"), RUNNING, _("This import is not stuck; it cannot be restarted."),
        guards=(OWNER, MAY_IMPORT, STUCK), refusal_code="not_stale",
    ),
    Transition(
        "cancel", _("Cancel"), (Status.VALIDATING, Status.PREVIEW, *RUNNING[1:], Status.FAILED),
        _("This import has finished: undo it instead of cancelling it."),
        target=Status.CANCELLED, guards=(OWNER,), refusal_code="finished",
    ),
    Transition(
        "undo", _("Undo the import"), (Status.DONE, Status.FAILED, Status.CANCELLED, Status.QUEUED, Status.IMPORTING),
        _("This import cannot be undone in its present state."),
        target=Status.UNDONE, guards=(OWNER_OR_SUPERVISOR, NOT_RUNNING, WITHIN_UNDO_WINDOW, WROTE_SOMETHING),
    ),
], scoped=False)
