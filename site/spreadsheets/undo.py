"""Undoing an import: every record it created is removed and every record it changed is put
back, with history entries naming the undo. A record changed after the import (by a person or
another import) is kept as it is and reported, row by row: an undo never overwrites later work.

The undo reads the job's ``ImportChange`` log, written in the same transaction as the records
themselves, so it also covers a job whose worker died half-way.
"""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from spreadsheets.job_workflow import JOBS
from spreadsheets.models import ImportChange, ImportJob, ImportLock

_PLAIN = frozenset({str, int, bool, float, type(None)})


def json_value(value):
    """A field value as JSON: dates and decimals as text, None kept."""
    if type(value) in _PLAIN:  # most values: the short way (an import snapshots every record)
        return value
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


@functools.cache
def _compared_fields(model) -> list:
    """Every concrete field but the primary key, automatic timestamps and the fields the model's
    history ignores (copies the database keeps, such as the households' listing keys: written by
    triggers after the import's snapshot, they are no one's change)."""
    ignored = set(getattr(model, "history_ignored_fields", ()))
    return [f for f in model._meta.concrete_fields
            if not f.primary_key and not getattr(f, "auto_now", False) and not getattr(f, "auto_now_add", False)
            and f.name not in ignored]


def snapshot(obj: Model) -> dict:
    values = obj.__dict__  # the loaded values: what ``value_from_object`` reads, faster; a deferred one is fetched
    return {f.name: json_value(values[f.attname] if f.attname in values else getattr(obj, f.attname))
            for f in _compared_fields(type(obj))}


def _changed_since(obj: Model, change: ImportChange) -> list[str]:
    now = snapshot(obj)
    return [name for name, value in change.after.items() if name in now and now[name] != value]


def _dependants(obj: Model) -> list[str]:
    """Records outside history that still point to ``obj`` (a person added to an imported household)."""
    found = []
    for relation in obj._meta.related_objects:
        related = relation.related_model
        if relation.many_to_many or related.__name__.startswith("Historical"):
            continue
        if related._base_manager.filter(**{relation.field.name: obj}).exists():
            found.append(str(related._meta.verbose_name_plural))
    return found


def undo_reason(job: ImportJob) -> str:
    return _("Undo of the import of “%(file)s” (import #%(id)s)") % {"file": job.original_name, "id": job.pk}


def import_job_undo(*, job: ImportJob, by) -> ImportJob:
    """Undo ``job`` (see the module docstring); the job ends "undone" with counts and the list of
    records kept. Raises ValidationError/PermissionDenied (translated) when it may not."""
    JOBS.check("undo", job, by)
    reason = undo_reason(job)
    removed = restored = 0
    refused = []
    with transaction.atomic():
        # One undo at a time: a second one waits here, then finds the job undone.
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status == ImportJob.Status.UNDONE:
            raise ValidationError(_("This import has been undone already."), code="undone")
        # Newest first: children (people) go before the parents (households) created with them.
        for change in job.changes.order_by("-pk").iterator(chunk_size=1000):
            model = apps.get_model(change.model)
            obj = model._base_manager.filter(pk=change.object_id).first()
            if obj is None:
                if change.action == ImportChange.Action.CHANGED:
                    refused.append({"record": f"{model._meta.verbose_name} #{change.object_id}",
                                    "reason": _("deleted after the import")})
                continue
            later = _changed_since(obj, change)
            if later:
                labels = "、".join(str(model._meta.get_field(n).verbose_name) for n in later)
                refused.append({"record": str(obj), "reason": _("changed after the import (%(fields)s); kept as it is")
                                % {"fields": labels}})
                continue
            obj._change_reason = reason
            obj._history_user = by
            if change.action == ImportChange.Action.CREATED:
                dependants = _dependants(obj)
                if dependants:
                    refused.append({"record": str(obj), "reason": _("other records now belong to it (%(what)s); kept")
                                    % {"what": "、".join(dependants)}})
                    continue
                obj.delete()
                removed += 1
            else:
                for name, value in change.before.items():
                    model_field = model._meta.get_field(name)
                    setattr(obj, model_field.attname, None if value is None else model_field.to_python(value))
                obj.save(update_fields=[model._meta.get_field(n).name for n in change.before])
                restored += 1
        now = timezone.now()
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.UNDONE, undone_at=now, undone_by=by, heartbeat_at=now,
            undo_counts={"removed": removed, "restored": restored, "refused": len(refused)},
            undo_refused=refused[:500],
        )
        ImportLock.objects.filter(job=job).delete()
    job.refresh_from_db()
    return job
