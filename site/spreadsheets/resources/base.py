"""The base Resource of every spreadsheet: columns, natural keys, bulk lookups, masking.

A Resource is a django-import-export ``ModelResource`` whose fields are ``Column``s. It declares:

- its columns, in template order, each with a translated header (the model field's verbose
  name), a widget, whether it is required, a help text and an example for the instructions sheet;
- ``natural_key``: the names of the columns that identify a record (never a database id);
- ``prepare(rows, ctx)``: bulk look-ups for a batch of rows (one query per batch, not per row);
- ``build(row, ctx)``: the instance (existing or new, unsaved) with the row's values set.

The engine (``spreadsheets.engine``) does the rest: reading, validation, preview, writing in
bulk with history.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from estates.personal_data import can_view_personal_data
from estates.scoping import estate_ids_for
from import_export import fields, resources

from spreadsheets import cells


class Column(fields.Field):
    def __init__(
        self,
        attribute: str | None = None,
        column_name=None,
        widget=None,
        *,
        required: bool = False,
        help_text="",
        example="",
        mask=None,
        aliases: tuple[str, ...] = (),
        readonly: bool = False,
        **kwargs,
    ):
        super().__init__(attribute=attribute, column_name=column_name, widget=widget or cells.TextWidget(),
                         readonly=readonly, **kwargs)
        self.required = required
        self.help_text = help_text
        self.example = example
        #: A function masking this column's value for roles without view_personal_data.
        self.mask = mask
        #: Other headers staff write for this column ("业主姓名" for "姓名").
        self.aliases = aliases

    @property
    def header(self) -> str:
        return force_str(self.column_name)

    def clean_cell(self, value):
        return self.widget.clean(value)

    def choices(self) -> list[str]:
        return self.widget.labels() if isinstance(self.widget, cells.ChoiceWidget) else []


class RowError(Exception):
    """A problem with one row; ``column`` is a column name of the Resource (or None)."""

    def __init__(self, message, column: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.column = column


@dataclass
class Row:
    number: int  # row number as Excel shows it (1-based, header included)
    raw: tuple
    values: dict  # column name → cleaned value (only the columns in the file)
    errors: list = field(default_factory=list)  # (column name or None, message)
    key: tuple | None = None


@dataclass
class ImportContext:
    user: object
    #: Estates the user may touch (None: every estate).
    estate_ids: frozenset | None
    can_add: bool = True
    can_change: bool = True
    can_view_personal: bool = True
    cache: dict = field(default_factory=dict)


#: Bound parameters per house look-up query (SQLite's limit is 999 on old builds).
_LOOKUP_PARAMS = 900


def _chunked_conditions(rooms_by_building: dict[int, set[str]]):
    """``Q(building=…, room__in=…) | …`` over the buildings, split to stay under the parameter limit."""
    condition, params = Q(pk__in=[]), 0
    for building_id, rooms in rooms_by_building.items():
        rooms = sorted(rooms)
        for start in range(0, len(rooms), _LOOKUP_PARAMS - 1):
            part = rooms[start:start + _LOOKUP_PARAMS - 1]
            if params and params + len(part) + 1 > _LOOKUP_PARAMS:
                yield condition
                condition, params = Q(pk__in=[]), 0
            condition |= Q(building_id=building_id, room__in=part)
            params += len(part) + 1
    if params:
        yield condition


def norm(value) -> str:
    """How natural-key text is compared: NFKC, trimmed, case-folded."""
    return unicodedata.normalize("NFKC", force_str(value or "")).strip().casefold()


class SpreadsheetResource(resources.ModelResource):
    """Base of every spreadsheet Resource (see the module docstring)."""

    #: Column names that identify a record; matched by ``norm``.
    natural_key: tuple[str, ...] = ()
    #: False for an export-only Resource (no template, no import).
    importable: bool = True
    #: Model fields the import never sets (kept out of model validation).
    validate_exclude: tuple[str, ...] = ()

    # --- columns ---------------------------------------------------------------------------
    def columns(self) -> list[tuple[str, Column]]:
        """The columns in template order (the order of ``Meta.fields``)."""
        cached = self.__dict__.get("_columns")
        if cached is None:
            order = list(self._meta.fields or ())
            cached = sorted(
                ((name, f) for name, f in self.fields.items() if isinstance(f, Column)),
                key=lambda item: order.index(item[0]) if item[0] in order else len(order),
            )
            self.__dict__["_columns"] = cached
        return cached

    def column(self, name: str) -> Column:
        return self.fields[name]

    def key_of(self, values: dict) -> tuple:
        return tuple(norm(cells.text_of(values.get(name))) for name in self.natural_key)

    # --- export ----------------------------------------------------------------------------
    def export_queryset(self, queryset: QuerySet) -> QuerySet:
        """Add select_related/prefetch_related so exports take a constant number of queries."""
        return queryset

    def export_values(self, instance: Model, *, masked: bool) -> list:
        row = []
        for name, column in self.columns():
            method = getattr(self, f"dehydrate_{name}", None)
            value = method(instance) if method else column.get_value(instance)
            if masked and column.mask and value:
                value = column.mask(value)
            value = column.widget.render(value)
            row.append(value)
        return row

    def personal_columns(self) -> list[str]:
        return [name for name, column in self.columns() if column.mask]

    # --- import ----------------------------------------------------------------------------
    def prepare(self, rows: list[Row], ctx: ImportContext) -> None:
        """Bulk look-ups for the batch (existing records, related records) into ``ctx.cache``."""

    def build(self, row: Row, ctx: ImportContext) -> Model:
        """The instance for a row (existing or new, unsaved) with the row's values set.

        Raise ``RowError`` for a problem the columns' widgets cannot see (unknown house...).
        """
        raise NotImplementedError

    def assign(self, instance: Model, row: Row, ctx: ImportContext, names: list[str]) -> None:
        """Set plain columns (their attribute has no ``__``) from the row onto the instance."""
        for name in names:
            if name not in row.values:
                continue
            column = self.column(name)
            value = row.values[name]
            if column.mask and isinstance(value, str) and "*" in value:
                # A masked value exported to someone who may not see it came back: keep the
                # stored value when it is the same one, otherwise the row cannot be imported.
                current = getattr(instance, column.attribute, "") if instance.pk else ""
                if current and column.mask(current) == value:
                    continue
                raise RowError(_("A masked value (with *) cannot be imported; type the full value."), name)
            if value is None:
                model_field = instance._meta.get_field(column.attribute)
                if not model_field.null:
                    value = model_field.get_default() if model_field.has_default() else ""
            setattr(instance, column.attribute, value)

    def estate_allowed(self, estate_id: int, ctx: ImportContext) -> bool:
        return ctx.estate_ids is None or estate_id in ctx.estate_ids

    def estates_by_code(self, ctx: ImportContext) -> dict:
        """Estates the user may import into, by normalised code."""
        if "estates" not in ctx.cache:
            from estates.models import Estate

            queryset = Estate.objects.all()
            if ctx.estate_ids is not None:
                queryset = queryset.filter(pk__in=ctx.estate_ids)
            ctx.cache["estates"] = {norm(e.code): e for e in queryset}
        return ctx.cache["estates"]

    def estate_for(self, row: Row, ctx: ImportContext, column: str = "estate"):
        code = row.values.get(column)
        estate = self.estates_by_code(ctx).get(norm(code))
        if estate is None:
            raise RowError(
                _("There is no estate with the code “%(code)s” among your estates.") % {"code": code}, column
            )
        return estate

    def houses_for(self, rows: list[Row], ctx: ImportContext, *, prefix: str = "") -> dict:
        """Houses named by (estate, building, unit, room) in these rows, by normalised key.

        Looked up per building: each building of the batch with the rooms the batch names in it
        (the index on building, unit, room). Filtering by all the batch's buildings and all its
        rooms at once matched nearly every house of the estate for a file not sorted by building.
        The unit is compared in Python (``norm``), as the key is.
        """
        from estates.models import Building, House

        estates = self.estates_by_code(ctx)
        rooms_by_building: dict[tuple[int, str], set[str]] = defaultdict(set)
        for r in rows:
            estate = estates.get(norm(r.values.get("estate")))
            building = cells.text_of(r.values.get(f"{prefix}building"))
            room = cells.text_of(r.values.get(f"{prefix}room"))
            if estate is not None and building and room:
                rooms_by_building[(estate.pk, building)].add(room)
        table = {}
        if not rooms_by_building:
            return table
        wanted: dict[int, set[str]] = {}
        buildings = {}
        for building in Building.objects.filter(
            estate_id__in={e for e, _b in rooms_by_building}, name__in={b for _e, b in rooms_by_building}
        ).select_related("estate"):
            if (building.estate_id, building.name) in rooms_by_building:
                wanted[building.pk] = rooms_by_building[(building.estate_id, building.name)]
                buildings[building.pk] = (building, norm(building.estate.code), norm(building.name))
        # The houses alone, their building (and its estate) set from the few loaded above: a
        # select_related would build a building and an estate per house.
        cache_building = House.building.field.set_cached_value
        for condition in _chunked_conditions(wanted):
            for house in House.objects.filter(condition).order_by():
                building, estate_key, building_key = buildings[house.building_id]
                cache_building(house, building)
                table[(estate_key, building_key, norm(house.unit), norm(house.room))] = house
        return table

    def house_for(self, row: Row, table: dict, *, prefix: str = "", required: bool = True):
        values = row.values
        parts = [values.get("estate"), values.get(f"{prefix}building"), values.get(f"{prefix}unit"), values.get(f"{prefix}room")]
        if not required and not cells.text_of(parts[1]) and not cells.text_of(parts[3]):
            return None
        house = table.get(tuple(norm(cells.text_of(p)) for p in parts))
        if house is None:
            label = "-".join(cells.text_of(p) for p in parts[1:] if cells.text_of(p))
            raise RowError(
                _("There is no house %(house)s in estate %(estate)s.") % {"house": label, "estate": parts[0]},
                f"{prefix}room",
            )
        return house

    # --- validation and writing ------------------------------------------------------------
    def full_validate(self, instance: Model) -> None:
        """Model validation without per-row queries: field rules and the model's clean()."""
        exclude = [f.name for f in instance._meta.fields if f.is_relation or f.name in self.validate_exclude]
        errors = {}
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors.update(exc.update_error_dict({}))
        try:
            instance.clean()
        except ValidationError as exc:
            exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def column_for_model_field(self, field_name: str) -> str | None:
        for name, column in self.columns():
            attribute = column.attribute or ""
            if attribute == field_name or attribute.split("__")[0] == field_name or name == field_name:
                return name
        return None


    # --- django-import-export's own (row by row) import path ---------------------------------
    # The same Resource also runs through ``resource.import_data(dataset)``: the row is built
    # by ``build`` (one look-up per row), then saved with ``instance.save()`` by the library.
    # The benchmark measures this path against the engine's bulk path.
    def get_or_init_instance(self, instance_loader, row):
        ctx = getattr(self, "import_context", None)
        if ctx is None:
            raise RuntimeError("set resource.import_context before import_data()")
        values = {}
        for name, column in self.columns():
            if column.header in row:
                values[name] = column.clean_cell(row[column.header])
        sheet_row = Row(number=0, raw=(), values=values, key=self.key_of(values))
        self.prepare([sheet_row], ctx)
        try:
            instance = self.build(sheet_row, ctx)
        except RowError as exc:
            raise ValidationError({exc.column or "__all__": exc.message}) from None
        for parent in pending_parents(instance):
            parent.save()
            setattr(instance, parent._pending_field, parent)
        return instance, instance.pk is None

    def import_instance(self, instance, row, **kwargs):
        """Values were set by ``build``."""


def remember_loaded(instance: Model) -> Model:
    """Keep the values an instance was loaded with, so the engine can tell what changed."""
    instance._loaded_values = {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}
    return instance


def pending_parents(instance: Model) -> list[Model]:
    """Unsaved related objects the instance points to (a new household for a new person...)."""
    parents = []
    for model_field in instance._meta.concrete_fields:
        if not model_field.is_relation:
            continue
        related = model_field.get_cached_value(instance, None)
        if related is not None and related.pk is None:
            parents.extend(pending_parents(related))
            related._pending_field = model_field.name
            parents.append(related)
    return parents


def user_context(user, model) -> ImportContext:
    from wagtail.permission_policies import ModelPermissionPolicy
    from wagtail.permissions import policy_registry

    try:
        policy = policy_registry.get_by_type(model)
    except Exception:  # pragma: no cover - every snippet model has a policy
        policy = ModelPermissionPolicy(model)
    return ImportContext(
        user=user,
        estate_ids=estate_ids_for(user),
        can_add=policy.user_has_permission(user, "add"),
        can_change=policy.user_has_permission(user, "change"),
        can_view_personal=can_view_personal_data(user),
    )
