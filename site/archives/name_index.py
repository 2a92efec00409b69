"""People's names by trigram on SQLite: an FTS5 index kept by triggers (archives.search).

PostgreSQL answers ``UPPER(name) LIKE '%…%'`` from a pg_trgm GIN index (migration archives.0004).
SQLite has no such index, so a name search scanned the whole people table (3-5× slower at 20,000
households than at 1,000). Here an FTS5 table with the ``trigram`` tokenizer (SQLite 3.34+) indexes
``archives_person.name`` as *external content* (it stores only the index, the names stay in the
people table, keyed by the person's id as rowid); a phrase of three characters or more matches any
substring, case-insensitively, from the index.

Triggers on the people table keep it in sync on every write path (save, bulk_create, imports, raw
SQL, cascade deletes). SQLite drops a table's triggers when Django rebuilds the table (a later
migration altering the people table), so ``reinstall_after_migrate`` runs after every ``migrate``
(``ArchivesConfig.ready``): it puts the triggers back and rebuilds the index when they were
missing (the rows copied by the rebuild wrote nothing to it). On an older SQLite (no trigram
tokenizer) nothing is created and the search falls back to ``LIKE``, a scan.
"""

from __future__ import annotations

import sqlite3

TABLE = "archives_person_name_fts"
#: The trigram tokenizer appeared in SQLite 3.34.0.
AVAILABLE = sqlite3.sqlite_version_info >= (3, 34, 0)

_INSERT = f"INSERT INTO {TABLE}(rowid, name) VALUES (NEW.id, NEW.name)"
_DELETE = f"INSERT INTO {TABLE}({TABLE}, rowid, name) VALUES ('delete', OLD.id, OLD.name)"
_CREATE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(
        name, content='archives_person', content_rowid='id', tokenize='trigram')""",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_insert AFTER INSERT ON archives_person BEGIN {_INSERT}; END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON archives_person BEGIN {_DELETE}; END",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_update AFTER UPDATE OF id, name ON archives_person
    BEGIN {_DELETE}; {_INSERT}; END""",
]
_TRIGGERS = (f"{TABLE}_insert", f"{TABLE}_delete", f"{TABLE}_update")
_DROP = [*(f"DROP TRIGGER IF EXISTS {name}" for name in _TRIGGERS), f"DROP TABLE IF EXISTS {TABLE}"]
_REBUILD = f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')"


def usable(connection) -> bool:
    return connection.vendor == "sqlite" and AVAILABLE


def install(connection) -> None:
    """Create the index and its triggers, and index the people already written (idempotent)."""
    if not usable(connection):
        return
    with connection.cursor() as cursor:
        for statement in _CREATE:
            cursor.execute(statement)
        cursor.execute(_REBUILD)


def uninstall(connection) -> None:
    if not usable(connection):
        return
    with connection.cursor() as cursor:
        for statement in _DROP:
            cursor.execute(statement)


MIGRATION = ("archives", "0006_person_name_fts")


def _missing(connection) -> bool:
    """Migration archives.0006 is applied and the index or one of its triggers is missing."""
    from django.db.migrations.recorder import MigrationRecorder

    if MIGRATION not in MigrationRecorder(connection).applied_migrations():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
    return not {TABLE, *_TRIGGERS} <= present


def reinstall_after_migrate(using="default", **kwargs) -> None:
    """post_migrate: put back what a SQLite rebuild of the people table dropped (no-op otherwise)."""
    from django.db import connections

    connection = connections[using]
    if usable(connection) and _missing(connection):
        install(connection)


def match_phrase(text: str) -> str:
    """``text`` as one FTS5 phrase (a substring for the trigram tokenizer), quotes doubled."""
    return '"' + text.replace('"', '""') + '"'
