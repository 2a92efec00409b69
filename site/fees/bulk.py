"""Fast bulk writes for the monthly bills and the daily reminders, with their history.

The ORM's ``bulk_create`` spends most of its time compiling values (≈ 20 µs a value); a month's
bills for 100,000 houses plus as many history rows then takes far too long. Here the rows are
inserted with COPY on PostgreSQL and with one parameterised statement run by ``executemany`` on
SQLite (values adapted once per field type), and the history rows are copied inside the database with INSERT … SELECT from the
rows just written: the same columns django-simple-history writes, with the user, the date and
the change reason given.
"""

from __future__ import annotations

import datetime as dt
import functools
import json

from django.db import connection, models
from django.utils import timezone

CHUNK = 5000


def adapter(field):
    """How a value of ``field`` goes to the database driver, decided once per field (``None``: as
    it is); what ``get_db_prep_save`` does for these field types, without its per-value cost."""
    ops = connection.ops
    if isinstance(field, models.DecimalField):
        return ops.adapt_decimalfield_value
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        # As text: SQLite stores it so, and PostgreSQL's COPY parses it as jsonb.
        return functools.partial(json.dumps, cls=field.encoder, ensure_ascii=False)
    return None


def insert_rows(model, rows: list[dict]) -> int:
    """INSERT plain rows ({attname: value}, every concrete field but the auto id)."""
    if not rows:
        return 0
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    adapters = [(f.attname, adapter(f), f.get_default()) for f in fields]
    params = [
        [(adapt(row.get(name, default)) if adapt else row.get(name, default)) for name, adapt, default in adapters]
        for row in rows
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is PostgreSQL's bulk path: one stream instead of a statement per row.
            copy_sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in params:
                    copy.write_row(row)
        else:
            for start in range(0, len(params), CHUNK):
                cursor.executemany(sql, params[start:start + CHUNK])
    return len(rows)


def copy_history(model, *, where: str, params: list, user=None, reason: str = "", when: dt.datetime | None = None,
                 history_type: str = "+") -> None:
    """Write the "+" (created; or ``history_type``: "~" changed) history rows of the rows matching
    ``where``: the caller narrows it to the rows it has just written (by the timestamp it gave
    them, under its lock, or by their ids)."""
    history = model.history.model
    qn = connection.ops.quote_name
    table, history_table = qn(model._meta.db_table), qn(history._meta.db_table)
    source = {f.attname: f.column for f in model._meta.concrete_fields}
    columns, values, extra = [], [], []
    specials = {
        "history_date": connection.ops.adapt_datetimefield_value(when or timezone.now()),
        "history_change_reason": reason,
        "history_type": history_type,
        "history_user_id": getattr(user, "pk", None),
    }
    for field in history._meta.concrete_fields:
        if field.attname == "history_id":
            continue
        if field.attname in specials:
            columns.append(qn(field.column))
            values.append("%s")
            extra.append(specials[field.attname])
        elif field.attname in source:
            columns.append(qn(field.column))
            values.append(f"b.{qn(source[field.attname])}")
    sql = (
        f"INSERT INTO {history_table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {table} b WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*extra, *params])
