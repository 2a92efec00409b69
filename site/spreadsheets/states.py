"""The import job's state machine, declared once: action → from-states → to-state → who → guard.

Read by the services (a refusal raises with the translated reason) and by the job page (the
buttons offered are exactly the actions ``available_actions`` returns). Kept as a plain table so
it can be folded into the project's shared state-machine table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spreadsheets.models import ImportJob

S = ImportJob.Status


def is_uploader(user, job: ImportJob) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or job.user_id == user.pk))


def is_supervisor_of(user, job: ImportJob) -> bool:
    """A supervisor or estate manager of every estate the job's file names."""
    from estates.models import Estate
    from estates.roles import ESTATE_MANAGER, SUPERVISOR
    from estates.scoping import estate_ids_for

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


def _stale(job: ImportJob) -> str | None:
    return None if job.is_stale else _("This import is still running; it can be finished only when its worker has stopped.")


def _undo_guard(job: ImportJob) -> str | None:
    if job.is_running and not job.is_stale:
        return _("This import is still running: cancel it first, then undo it.")
    until = job.undo_until()
    if until is not None and timezone.now() > until:
        return _("This import can no longer be undone: imports can be undone until %(date)s.") % {
            "date": timezone.localtime(until).strftime("%Y-%m-%d %H:%M")}
    if not job.changes.exists():
        return _("This import wrote no record; there is nothing to undo.")
    return None


def _confirm_guard(job: ImportJob) -> str | None:
    if not job.counts.get("new") and not job.counts.get("changed"):
        return _("There is nothing to import: every valid row is already in the archive.")
    return None


@dataclass(frozen=True)
class Transition:
    label: object
    sources: tuple[str, ...]
    #: None: the state does not change by itself (finish runs the same phase again).
    target: str | None
    who: Callable
    guard: Callable | None = None
    #: Message when the job is in none of the sources.
    wrong_state: object = gettext_lazy("This action is not possible in the import's present state.")


TRANSITIONS: dict[str, Transition] = {
    "confirm": Transition(gettext_lazy("Confirm the import"), (S.PREVIEW,), S.QUEUED, is_uploader, _confirm_guard,
                          gettext_lazy("This import is not waiting for confirmation.")),
    "finish": Transition(gettext_lazy("Finish the import"), (S.VALIDATING, S.QUEUED, S.IMPORTING), None, is_uploader,
                         _stale, gettext_lazy("This import is not stuck; it cannot be restarted.")),
    "cancel": Transition(gettext_lazy("Cancel"), (S.VALIDATING, S.PREVIEW, S.QUEUED, S.IMPORTING, S.FAILED),
                         S.CANCELLED, is_uploader, None,
                         gettext_lazy("This import has finished: undo it instead of cancelling it.")),
    "undo": Transition(gettext_lazy("Undo the import"), (S.DONE, S.FAILED, S.CANCELLED, S.QUEUED, S.IMPORTING),
                       S.UNDONE, lambda user, job: is_uploader(user, job) or is_supervisor_of(user, job), _undo_guard,
                       gettext_lazy("This import cannot be undone in its present state.")),
}


def refusal(job: ImportJob, action: str, user) -> str | None:
    """Why ``user`` may not run ``action`` on ``job`` now (None: they may)."""
    transition = TRANSITIONS[action]
    if job.status not in transition.sources:
        return str(transition.wrong_state)
    if not transition.who(user, job):
        return _("You may not do this with another person's import.")
    return transition.guard(job) if transition.guard else None


def require(job: ImportJob, action: str, user) -> Transition:
    """Raise PermissionDenied or ValidationError (translated) unless the action is allowed."""
    transition = TRANSITIONS[action]
    if not transition.who(user, job):
        raise PermissionDenied
    reason = refusal(job, action, user)
    if reason:
        raise ValidationError(reason, code=f"{action}_refused")
    return transition


def available_actions(job: ImportJob, user) -> list[str]:
    return [action for action in TRANSITIONS if refusal(job, action, user) is None]
