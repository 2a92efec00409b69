"""The import engine: read → check every row → (preview) → write in bulk with history.

Rows are checked with the Resource's widgets and a light model validation (field rules and the
model's ``clean()``, no per-row queries); look-ups are done per batch of rows. Nothing is written
unless every row is valid, or the user explicitly chose to import only the valid rows. Records
are written with ``bulk_create_with_history`` / ``bulk_update_with_history`` in batches, so every
created or changed record gets a history entry with the importing user and a reason naming the
file. Matching is by natural key, so running the same file twice changes nothing the second time
(an interrupted job can simply run again).
"""

from __future__ import annotations

import gc
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from spreadsheets import cells
from spreadsheets.headers import locate_header, unknown_columns_warning
from spreadsheets.resources.base import (
    ImportContext,
    Row,
    RowError,
    SpreadsheetResource,
    norm,
    pending_parents,
    remember_loaded,  # noqa: F401 - re-exported for resources
)

#: Errors kept for the preview (the failed-rows file has them all).
MAX_ERRORS = 500
#: Changed and new rows shown field by field in the preview.
PREVIEW_ROWS = 20
#: Excel's limit of characters in one cell.
MAX_CELL_CHARS = 32767


def batch_size() -> int:
    return getattr(settings, "SPREADSHEETS_BATCH_SIZE", 1000)


@dataclass
class CheckResult:
    total: int = 0
    header_row: int = 0
    counts: dict = field(default_factory=lambda: {"new": 0, "changed": 0, "unchanged": 0, "invalid": 0})
    errors: list = field(default_factory=list)  # {"row", "column", "message"}
    warnings: list = field(default_factory=list)
    headers: list = field(default_factory=list)  # the file's header row, as text
    failed: list = field(default_factory=list)  # (row number, raw tuple, "message; message")
    estates: set = field(default_factory=set)  # estate codes named by valid rows (upper case)
    preview: dict = field(default_factory=lambda: {"changed": [], "new": []})
    creates: list = field(default_factory=list)  # unsaved instances, in file order
    updates: list = field(default_factory=list)  # (instance, [changed field names])

    @property
    def valid(self) -> int:
        return self.counts["new"] + self.counts["changed"] + self.counts["unchanged"]

    def add_error(self, row_number: int, column: str | None, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"row": row_number, "column": column or "", "message": str(message)})


@contextmanager
def gc_paused():
    """The check and the writes allocate hundreds of thousands of objects that live until the
    end, without reference cycles: the cyclic collector would scan them again and again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check(
    rows: Iterable[tuple],
    resource: SpreadsheetResource,
    ctx: ImportContext,
    *,
    keep_instances: bool = True,
    on_progress: Callable[[int], None] | None = None,
) -> CheckResult:
    """Check every row. Raise SpreadsheetError for a file-level problem."""
    with gc_paused():
        return _check(rows, resource, ctx, keep_instances=keep_instances, on_progress=on_progress)


def _check(rows, resource, ctx, *, keep_instances, on_progress) -> CheckResult:
    result = CheckResult()
    header_number, mapped, unknown, headers, iterator = locate_header(rows, resource)
    result.header_row = header_number
    result.headers = headers
    if header_number > 1:
        result.warnings.append(
            _("The header was found in row %(row)s; the rows above it were ignored.") % {"row": header_number}
        )
    if unknown:
        result.warnings.append(unknown_columns_warning(unknown, resource))
    columns = [(index, name, resource.column(name)) for index, name in mapped.items()]
    seen_keys: dict[str, int] = {}
    batch: list[Row] = []
    size = batch_size()
    pending_blank = 0
    for number, raw in enumerate(iterator, start=header_number + 1):
        if not any(not cells.is_blank(v) for v in raw):
            pending_blank += 1
            continue
        pending_blank = 0
        row = Row(number=number, raw=tuple(raw), values={})
        for index, name, column in columns:
            value = raw[index] if index < len(raw) else None
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                # Excel's own limit: a longer cell is not a real value (and would cost memory).
                row.errors.append((name, _("This cell holds %(n)s characters; a cell holds at most %(max)s.")
                                   % {"n": len(value), "max": MAX_CELL_CHARS}))
                continue
            try:
                cleaned = column.clean_cell(value)
            except (ValueError, ValidationError) as exc:
                row.errors.append((name, _message(exc)))
                continue
            if column.required and cleaned in (None, ""):
                row.errors.append((name, _("This column is required.")))
            row.values[name] = cleaned
        if not row.errors:
            row.key = resource.key_of(row.values)
            seen = "\x1f".join(row.key)  # one string per row: 100,000 keys stay small
            first = seen_keys.get(seen)
            if first is not None:
                row.errors.append((None, _("The same record is already in row %(row)s of this file.") % {"row": first}))
            else:
                seen_keys[seen] = number
        batch.append(row)
        if len(batch) >= size:
            _check_batch(batch, resource, ctx, result, keep_instances)
            batch = []
            if on_progress:
                on_progress(result.total)
    if batch:
        _check_batch(batch, resource, ctx, result, keep_instances)
    if on_progress:
        on_progress(result.total)
    return result


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc.args[0]) if exc.args else str(exc)


def _check_batch(batch: list[Row], resource, ctx, result: CheckResult, keep_instances: bool) -> None:
    good = [r for r in batch if not r.errors]
    if good:
        resource.prepare(good, ctx)
    for row in batch:
        result.total += 1
        if not row.errors:
            try:
                instance = resource.build(row, ctx)
                if instance.pk is not None:
                    # Two rows that resolve to one record would overwrite each other: never merge.
                    claimed = ctx.cache.setdefault("_claimed", {})
                    first = claimed.setdefault(instance.pk, row.number)
                    if first != row.number:
                        raise RowError(_("This row and row %(row)s are about the same record.") % {"row": first})
                changed = _changes(instance)
                if instance.pk is None and not ctx.can_add:
                    raise RowError(_("You may not add new records of this kind; this row is not in the archive yet."))
                if changed and instance.pk is not None and not ctx.can_change:
                    raise RowError(_("You may not change records of this kind."))
                if instance.pk is None or changed:
                    resource.full_validate(instance)
            except RowError as exc:
                row.errors.append((exc.column, exc.message))
            except ValidationError as exc:
                for field_name, messages in exc.message_dict.items():
                    column = resource.column_for_model_field(field_name) if field_name != "__all__" else None
                    for message in messages:
                        row.errors.append((column, message))
        if row.errors:
            result.counts["invalid"] += 1
            for column, message in row.errors:
                header = resource.column(column).header if column else None
                result.add_error(row.number, header, message)
            raw = tuple(v[:MAX_CELL_CHARS] if isinstance(v, str) else v for v in row.raw)
            result.failed.append((row.number, raw, "；".join(
                f"{resource.column(c).header}: {m}" if c else m for c, m in row.errors
            )))
            continue
        estate = cells.text_of(row.values.get("estate"))
        if estate:
            result.estates.add(norm(estate).upper())
        if instance.pk is None:
            result.counts["new"] += 1
            if keep_instances:
                result.creates.append(instance)
            if len(result.preview["new"]) < PREVIEW_ROWS:
                result.preview["new"].append(_preview_new(row, resource, ctx))
        elif changed:
            result.counts["changed"] += 1
            if keep_instances:
                result.updates.append((instance, changed))
            if len(result.preview["changed"]) < PREVIEW_ROWS:
                result.preview["changed"].append(_preview_changed(row, instance, changed, resource, ctx))
        else:
            result.counts["unchanged"] += 1


def _shown(value, column, ctx) -> str:
    """A value as the preview shows it: rendered like the export, masked for masked roles."""
    if value is None:
        return ""
    if column is not None:
        value = column.widget.render(value)
        if column.mask and value and not ctx.can_view_personal:
            value = column.mask(str(value))
    return cells.text_of(value)


def _preview_new(row: Row, resource, ctx) -> dict:
    return {"row": row.number, "values": [
        [resource.column(name).header, _shown(value, resource.column(name), ctx)] for name, value in row.values.items()
    ]}


def _preview_changed(row: Row, instance: Model, changed: list[str], resource, ctx) -> dict:
    fields = []
    for field_name in changed:
        model_field = instance._meta.get_field(field_name)
        name = resource.column_for_model_field(field_name)
        column = resource.column(name) if name else None
        header = column.header if column else str(model_field.verbose_name)
        if model_field.is_relation:
            fields.append([header, "", str(getattr(instance, field_name, "") or "")])
            continue
        old = instance._loaded_values.get(model_field.attname)
        fields.append([header, _shown(old, column, ctx), _shown(getattr(instance, model_field.attname), column, ctx)])
    return {"row": row.number, "record": str(instance), "fields": fields}


def _changes(instance: Model) -> list[str]:
    """Names of the concrete fields whose value differs from the database's (loaded) value."""
    if instance.pk is None:
        return []
    original = getattr(instance, "_loaded_values", None)
    if original is None:
        return []
    changed = []
    for model_field in instance._meta.concrete_fields:
        if model_field.attname in original and original[model_field.attname] != getattr(instance, model_field.attname):
            changed.append(model_field.name)
    return changed


# --- writing -----------------------------------------------------------------------------------
def has_history(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def _save_new(objs: list[Model], model, *, user, reason: str, now) -> None:
    if has_history(model):
        bulk_create_with_history(objs, model, batch_size=500, default_user=user, default_change_reason=reason, default_date=now)
    else:
        model._default_manager.bulk_create(objs, batch_size=500)


def _save_changed(objs: list[Model], model, fields: list[str], *, user, reason: str, now) -> None:
    for model_field in model._meta.concrete_fields:
        if getattr(model_field, "auto_now", False):
            for obj in objs:
                setattr(obj, model_field.attname, now)
            fields = [*fields, model_field.name]
    for obj in objs:  # a changed house may now point to a building created a moment ago
        for model_field in model._meta.concrete_fields:
            if model_field.is_relation:
                related = model_field.get_cached_value(obj, None)
                if related is not None and related.pk is not None:
                    setattr(obj, model_field.attname, related.pk)
    if has_history(model):
        bulk_update_with_history(objs, model, fields, batch_size=500, default_user=user, default_change_reason=reason, default_date=now)
    else:
        model._default_manager.bulk_update(objs, fields, batch_size=500)


def _save_parents(objs: Iterable[Model], *, user, reason: str, now) -> list[Model]:
    """Save the unsaved parents (buildings, households) the batch points to; return them."""
    saved = []
    by_model: dict = defaultdict(dict)
    for obj in objs:
        for parent in pending_parents(obj):
            if parent.pk is None:
                by_model[type(parent)][id(parent)] = parent
    # pending_parents lists grand-parents first, and dict order keeps that order of models.
    for model, parents in by_model.items():
        fresh = [p for p in parents.values() if p.pk is None]
        if fresh:
            for parent in fresh:
                for model_field in model._meta.concrete_fields:
                    if model_field.is_relation:
                        related = model_field.get_cached_value(parent, None)
                        if related is not None and related.pk is not None:
                            setattr(parent, model_field.attname, related.pk)
            _save_new(fresh, model, user=user, reason=reason, now=now)
            saved.extend(fresh)
    return saved


def write(
    result: CheckResult,
    model,
    *,
    user,
    reason: str,
    on_batch: Callable[[int], None] | None = None,
    on_saved: Callable[..., None] | None = None,
    atomic_batches: bool = True,
) -> int:
    """Write the checked rows in batches; ``on_batch(rows written)`` runs inside each batch's
    transaction, so progress is committed together with the rows (it may raise to stop the
    import: the batch is rolled back). ``on_saved(created=[...], changed=[(obj, fields)])``
    runs in the same transaction, with every record the batch created or changed (parents
    included), so the undo log never misses a committed record. Returns the rows written."""
    with gc_paused():
        return _write(result, model, user=user, reason=reason, on_batch=on_batch, on_saved=on_saved,
                      atomic_batches=atomic_batches)


def _write(result, model, *, user, reason, on_batch, on_saved, atomic_batches) -> int:
    now = timezone.now()
    size = batch_size()
    written = 0
    work: list[tuple[str, list]] = []
    for start in range(0, len(result.creates), size):
        work.append(("create", result.creates[start:start + size]))
    updates_by_fields: dict[tuple, list] = defaultdict(list)
    for instance, changed in result.updates:
        updates_by_fields[tuple(sorted(changed))].append(instance)
    for fields, objs in updates_by_fields.items():
        for start in range(0, len(objs), size):
            work.append((fields, objs[start:start + size]))
    for kind, objs in work:
        with transaction.atomic() if atomic_batches else _nullcontext():
            parents = _save_parents(objs, user=user, reason=reason, now=now)
            if kind == "create":
                for obj in objs:
                    for model_field in model._meta.concrete_fields:
                        if model_field.is_relation:
                            related = model_field.get_cached_value(obj, None)
                            if related is not None and related.pk is not None:
                                setattr(obj, model_field.attname, related.pk)
                _save_new(objs, model, user=user, reason=reason, now=now)
            else:
                _save_changed(objs, model, list(kind), user=user, reason=reason, now=now)
            if on_saved:
                if kind == "create":
                    on_saved(created=[*parents, *objs], changed=[])
                else:
                    on_saved(created=parents, changed=[(obj, list(kind)) for obj in objs])
            written += len(objs)
            if on_batch:
                on_batch(written)
    return written


class _nullcontext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def timed(fn, *args, **kwargs):  # pragma: no cover - used by the benchmark
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start
