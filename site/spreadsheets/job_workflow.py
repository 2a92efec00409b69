"""The import job's state machine, declared once (see estates.workflow).

    validating → preview → queued → importing → done | failed
    preview → cancelled; a stuck job (its worker died) can be restarted or cancelled

The services ``import_job_confirm/restart/cancel`` call ``JOBS.check`` with the user; the job page
offers ``JOBS.allowed`` as its buttons. Kept apart from services.py so that changes to the job's
states stay in this one small table.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
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


def _may_import(job, user) -> bool:
    return user is None or user_may_import(user, get_bridge(job.target))


OWNER = Guard(
    lambda job, user: user is None or job.user_id == user.pk or user.is_superuser,
    _("This import belongs to someone else."), code="not_owner", forbidden=True,
)
MAY_IMPORT = Guard(_may_import, _("You may not import these records."), code="permission", forbidden=True)
SOMETHING_TO_IMPORT = Guard(
    lambda job, user: bool(job.counts.get("new") or job.counts.get("changed")),
    _("There is nothing to import: every valid row is already in the archive."), code="nothing",
)
STUCK = Guard(
    lambda job, user: job.is_stale, _("This import is not stuck; it cannot be restarted."), code="not_stale",
)
WAITING_OR_STUCK = Guard(
    lambda job, user: job.status == Status.PREVIEW or job.is_stale,
    _("Only an import waiting for confirmation can be cancelled."), code="not_preview",
)

JOBS = Workflow("import job", [
    Transition(
        "confirm", _("Confirm the import"), (Status.PREVIEW,), _("This import is not waiting for confirmation."),
        target=Status.QUEUED, guards=(OWNER, MAY_IMPORT, SOMETHING_TO_IMPORT), refusal_code="not_preview",
    ),
    Transition(
        "restart", _("Restart the import"), RUNNING, _("This import is not stuck; it cannot be restarted."),
        guards=(OWNER, MAY_IMPORT, STUCK), refusal_code="not_stale",
    ),
    Transition(
        "cancel", _("Cancel"), (Status.PREVIEW, *RUNNING), _("Only an import waiting for confirmation can be cancelled."),
        target=Status.CANCELLED, guards=(OWNER, WAITING_OR_STUCK), refusal_code="not_preview",
    ),
], scoped=False)
