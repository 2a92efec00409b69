"""Reads of the archives' history: field-by-field changes, deleted records, and their estates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from estates.models import House
from estates.personal_data import can_view_personal_data
from estates.scoping import estate_id_of, estate_ids_for

from archives.models import Document, Household, Key, Person, Vehicle
from archives.privacy import MASKS, mask
from archives.services import ARCHIVE_MODELS

#: Fields never shown in the history (bookkeeping, not data).
_HIDDEN_FIELDS = {"id", "created_at", "updated_at"}


@dataclass
class Change:
    field: str
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    record: Any  #: the historical row
    model_name: str
    model_label: str
    object_id: int
    object_repr: str
    when: datetime.datetime
    user: Any
    action: str  #: "+", "~" or "-"
    reason: str
    changes: list[Change] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return {"+": _("created"), "~": _("changed"), "-": _("deleted")}[self.action]


def model_name_of(model) -> str:
    return model._meta.model_name


def _tracked_fields(model) -> list[models.Field]:
    # Fields the history does not keep (the household's listing keys) are not shown either.
    kept = {f.attname for f in model.history.model._meta.concrete_fields}
    return [f for f in model._meta.concrete_fields if f.name not in _HIDDEN_FIELDS and f.attname in kept]


def _display(fieldobj: models.Field, value, related: dict, *, masked: bool) -> str:
    if value is None or value == "":
        return "—"
    if fieldobj.name in MASKS and masked:
        return mask(fieldobj.name, value)
    if fieldobj.choices:
        return str(dict(fieldobj.flatchoices).get(value, value))
    if isinstance(fieldobj, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(fieldobj, models.ForeignKey):
        obj = related.get(fieldobj.related_model, {}).get(value)
        return str(obj) if obj is not None else f"#{value}"
    if isinstance(value, datetime.datetime):
        return date_format(value, "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _repr(model, row) -> str:
    if model is Household:
        house = getattr(row, "house", None)
        return house.label if house is not None else _("household %(pk)s") % {"pk": row.id}
    if model is Person:
        return row.name
    if model is Vehicle:
        return row.plate
    if model is Key:
        return row.tag
    return f"{row.reference} {row.title}".strip()


def _rows(model, **filters):
    queryset = model.history.filter(**filters).select_related("history_user")
    if model is Household:
        queryset = queryset.select_related("house__building")
    return list(queryset.order_by("history_date", "history_id"))


def _related_objects(rows_by_model: dict) -> dict:
    """Every object a foreign key of the rows points to, in one query per related model."""
    wanted: dict[type, set] = {}
    for model, rows in rows_by_model.items():
        for f in _tracked_fields(model):
            if isinstance(f, models.ForeignKey):
                ids = {getattr(r, f.attname) for r in rows} - {None}
                wanted.setdefault(f.related_model, set()).update(ids)
    related = {}
    for related_model, ids in wanted.items():
        queryset = related_model._default_manager.all()
        if related_model is House:
            queryset = queryset.select_related("building")
        elif related_model is Household:
            queryset = queryset.select_related("house__building")
        related[related_model] = queryset.in_bulk(ids)
    return related


def history_entries(*, obj_model, object_id: int, user) -> tuple[list[HistoryEntry], list[str]]:
    """The history of a record, newest first, and the personal fields shown unmasked.

    A household's history includes its people's and vehicles' changes.
    """
    rows_by_model = {obj_model: _rows(obj_model, id=object_id)}
    if obj_model is Household:
        rows_by_model[Person] = _rows(Person, household_id=object_id)
        rows_by_model[Vehicle] = _rows(Vehicle, household_id=object_id)
    related = _related_objects(rows_by_model)
    masked = not can_view_personal_data(user)
    unmasked_fields: set[str] = set()
    entries: list[HistoryEntry] = []
    for model, rows in rows_by_model.items():
        fields = _tracked_fields(model)
        previous: dict[int, Any] = {}
        for row in rows:
            before = previous.get(row.id)
            changes = []
            if row.history_type != "-":
                for f in fields:
                    new = getattr(row, f.attname)
                    old = getattr(before, f.attname) if before is not None else None
                    if before is not None and old == new:
                        continue
                    if before is None and (new is None or new == ""):
                        continue
                    if isinstance(f, models.ForeignKey) and f.related_model is Household and model is not Household:
                        continue  # a child's household is the page it is shown on
                    changes.append(Change(
                        field=f.name, label=str(f.verbose_name),
                        before=_display(f, old, related, masked=masked) if before is not None else "—",
                        after=_display(f, new, related, masked=masked),
                    ))
                    if f.name in MASKS and not masked:
                        unmasked_fields.add(f.name)
            previous[row.id] = row
            if row.history_type == "~" and not changes:
                continue  # e.g. only bookkeeping fields changed
            entries.append(HistoryEntry(
                record=row, model_name=model_name_of(model), model_label=str(model._meta.verbose_name),
                object_id=row.id, object_repr=_repr(model, row), when=row.history_date, user=row.history_user,
                action=row.history_type, reason=row.history_change_reason or "", changes=changes,
            ))
    entries.sort(key=lambda e: (e.when, e.record.history_id), reverse=True)
    return entries, sorted(unmasked_fields)


def estate_id_of_record(*, model, object_id: int) -> int | None:
    """The estate of a record, existing or deleted (from its last historical row)."""
    obj = model._default_manager.filter(pk=object_id).first()
    if obj is not None:
        return estate_id_of(obj)
    last = model.history.filter(id=object_id).order_by("-history_date", "-history_id").first()
    if last is None:
        return None
    if model in (Key, Document):
        return last.estate_id
    if model is Household:
        return House.objects.filter(pk=last.house_id).values_list("building__estate_id", flat=True).first()
    return estate_id_of_record(model=Household, object_id=last.household_id)


@dataclass
class DeletedRecord:
    model_name: str
    model_label: str
    object_id: int
    object_repr: str
    when: datetime.datetime
    user: Any
    estate_id: int | None


def deleted_records(*, user, model_names: list[str] | None = None, limit: int = 500) -> list[DeletedRecord]:
    """Records whose last history entry is their deletion, in the user's estates, newest first.

    ``model_names`` limits to the archive models the caller may view.
    """
    ids = estate_ids_for(user)
    household_ids = Household.history.all()
    if ids is not None:
        household_ids = household_ids.filter(house__building__estate_id__in=ids)
    household_ids = household_ids.values("id")
    house_estates: dict[int, int] = {}
    records: list[DeletedRecord] = []
    for name, model in ARCHIVE_MODELS.items():
        if model_names is not None and name not in model_names:
            continue
        queryset = model.history.filter(history_type="-").exclude(id__in=model._default_manager.values("pk"))
        if model in (Key, Document):
            if ids is not None:
                queryset = queryset.filter(estate_id__in=ids)
        elif model is Household:
            queryset = queryset.filter(id__in=household_ids).select_related("house__building")
        else:
            queryset = queryset.filter(household_id__in=household_ids)
        queryset = queryset.select_related("history_user").order_by("-history_date", "-history_id")[:limit]
        seen: set[int] = set()
        for row in queryset:
            if row.id in seen:
                continue  # deleted, restored and deleted again: the last deletion counts
            seen.add(row.id)
            if model is Household:
                estate_id = row.house.building.estate_id if row.house else None
                house_estates[row.id] = estate_id
            elif model in (Key, Document):
                estate_id = row.estate_id
            else:
                estate_id = None
            records.append(DeletedRecord(
                model_name=name, model_label=str(model._meta.verbose_name), object_id=row.id,
                object_repr=_repr(model, row), when=row.history_date, user=row.history_user, estate_id=estate_id,
            ))
    records.sort(key=lambda r: r.when, reverse=True)
    return records[:limit]
