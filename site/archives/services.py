"""Writes to the archives. Every write validates the whole record and records who did it.

The acting user (``by``) becomes the ``history_user`` of the history entry, whether the write
comes from the admin, an import or a task.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from estates.scoping import user_can_reach

from archives.models import Document, Household, Key, Person, Vehicle

#: The archive models by URL name, as used by the history and deleted-records views.
ARCHIVE_MODELS: dict[str, type[models.Model]] = {
    "household": Household,
    "person": Person,
    "vehicle": Vehicle,
    "key": Key,
    "document": Document,
}

#: How long before a household's deletion its cascaded children may have been deleted.
_CASCADE_WINDOW = datetime.timedelta(seconds=30)


def _require(by, action: str, instance: models.Model) -> None:
    """Staff need the model permission and the record's estate; ``by`` None is the system."""
    if by is None:
        return
    opts = instance._meta
    if not by.has_perm(f"{opts.app_label}.{action}_{opts.model_name}") or not user_can_reach(by, instance):
        raise PermissionDenied(_("You may not do this in this estate."))


def _save(instance: models.Model, *, by, reason: str = "", form=None) -> models.Model:
    _require(by, "add" if instance._state.adding else "change", instance)
    instance._history_user = by
    if reason:
        instance._change_reason = reason
    try:
        if form is not None:
            # The admin's form validated the record (and its inline children); saving through
            # it writes the children in this same transaction.
            instance = form.save()
        else:
            instance.full_clean()
            instance.save()
    except IntegrityError as exc:  # a race lost against the database's own constraints
        raise ValidationError(_("This record conflicts with another one: %(error)s") % {"error": exc}) from exc
    return instance


@transaction.atomic
def record_save(*, instance: models.Model, by, form=None) -> models.Model:
    """Create or change an archive record (the admin's create and edit views call this).

    The permission and the estate are checked here, the record is validated, ``by`` becomes the
    history user; with ``form``, the form's inline children are saved in the same transaction.
    """
    return _save(instance, by=by, form=form)


def _set(instance: models.Model, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name not in {f.name for f in instance._meta.fields} or name in ("id",):
            raise TypeError(f"{type(instance).__name__} has no editable field {name!r}")
        setattr(instance, name, value)


@transaction.atomic
def household_create(*, house, by, notes: str = "", people=(), vehicles=()) -> Household:
    """Open the file of a house, with its people and vehicles (dicts of field values)."""
    if Household.objects.filter(house=house).exists():
        raise ValidationError({"house": _("This house already has a household file.")})
    household = _save(Household(house=house, notes=notes), by=by)
    for fields in people:
        person_add(household=household, by=by, **fields)
    for fields in vehicles:
        vehicle_register(household=household, by=by, **fields)
    return household


@transaction.atomic
def household_update(*, household: Household, by, **fields) -> Household:
    _set(household, fields)
    return _save(household, by=by)


@transaction.atomic
def person_add(*, household: Household, by, **fields) -> Person:
    person = Person(household=household)
    _set(person, fields)
    return _save(person, by=by)


@transaction.atomic
def person_update(*, person: Person, by, **fields) -> Person:
    _set(person, fields)
    return _save(person, by=by)


@transaction.atomic
def vehicle_register(*, household: Household, by, **fields) -> Vehicle:
    vehicle = Vehicle(household=household)
    _set(vehicle, fields)
    return _save(vehicle, by=by)


@transaction.atomic
def vehicle_deactivate(*, vehicle: Vehicle, by) -> Vehicle:
    """The car has left: its plate may then be registered again by another household."""
    vehicle.active = False
    return _save(vehicle, by=by)


@transaction.atomic
def key_create(*, estate, tag: str, by, **fields) -> Key:
    key = Key(estate=estate, tag=tag)
    _set(key, fields)
    return _save(key, by=by)


@transaction.atomic
def key_update(*, key: Key, by, **fields) -> Key:
    _set(key, fields)
    return _save(key, by=by)


@transaction.atomic
def document_create(*, estate, title: str, category: str, year: int, by, **fields) -> Document:
    document = Document(estate=estate, title=title, category=category, year=year)
    _set(document, fields)
    return _save(document, by=by)


@transaction.atomic
def document_update(*, document: Document, by, **fields) -> Document:
    _set(document, fields)
    return _save(document, by=by)


@transaction.atomic
def record_delete(*, instance: models.Model, by) -> None:
    """Delete an archive record; its history (and a "deleted" entry) stays (the admin's delete view)."""
    _require(by, "delete", instance)
    instance._history_user = by
    try:
        instance.delete()
    except models.ProtectedError as exc:
        raise ValidationError(_("This record is still used elsewhere and cannot be deleted.")) from exc
    except models.RestrictedError as exc:
        raise ValidationError(_("This record is still used elsewhere and cannot be deleted.")) from exc


def _restore_historical(historical, *, by, reason: str) -> models.Model:
    instance = historical.instance
    if isinstance(instance, (Person, Vehicle)) and not Household.objects.filter(pk=instance.household_id).exists():
        raise ValidationError(_("Restore the household file first: this record belongs to it."))
    if isinstance(instance, Document) and instance.household_id and not Household.objects.filter(
        pk=instance.household_id
    ).exists():
        instance.household_id = None
    if isinstance(instance, Document):
        # Whether the paper copy is out is the lending register's business, not the history's.
        current = Document.objects.filter(pk=instance.pk).values_list("is_out", flat=True).first()
        instance.is_out = bool(current)
    if isinstance(instance, Key):
        current = Key.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
        if current == Key.Status.LENT_OUT or instance.status == Key.Status.LENT_OUT:
            # A key's lent-out state follows the lending register: keep today's.
            instance.status = current or Key.Status.IN_CABINET
    instance._state.adding = not type(instance).objects.filter(pk=instance.pk).exists()
    return _save(instance, by=by, reason=reason)


@transaction.atomic
def record_restore(*, historical, by) -> models.Model:
    """Bring a record back to an earlier version. The restore is itself a new history entry."""
    if historical.history_type == "-":
        raise ValidationError(_("This entry is the deletion; restore the record from the deleted records."))
    when = historical.history_date
    return _restore_historical(
        historical, by=by, reason=_("Restored the version of %(when)s") % {"when": f"{when:%Y-%m-%d %H:%M:%S}"}
    )


@transaction.atomic
def deleted_restore(*, model: type[models.Model], object_id: int, by) -> models.Model:
    """Bring a deleted record back as it was just before its deletion.

    A household comes back with the people and vehicles that were deleted with it.
    """
    if model.objects.filter(pk=object_id).exists():
        raise ValidationError(_("This record has not been deleted."))
    deletion = model.history.filter(id=object_id).order_by("-history_date", "-history_id").first()
    if deletion is None or deletion.history_type != "-":
        raise ValidationError(_("There is no deleted record to restore."))
    instance = _restore_historical(deletion, by=by, reason=_("Restored after deletion"))
    if model is Household:
        for child_model in (Person, Vehicle):
            for child in deleted_children(household_id=object_id, model=child_model, deleted_at=deletion.history_date):
                _restore_historical(child, by=by, reason=_("Restored with the household file"))
    return instance


def deleted_children(*, household_id: int, model, deleted_at) -> list:
    """The children deleted together with their household (a cascade), as their last records."""
    rows = model.history.filter(
        household_id=household_id, history_type="-",
        history_date__gte=deleted_at - _CASCADE_WINDOW, history_date__lte=deleted_at,
    ).exclude(id__in=model.objects.values("pk"))
    latest: dict[int, Any] = {}
    for row in rows.order_by("history_date", "history_id"):
        latest[row.id] = row
    return list(latest.values())
