"""The households' listing keys, kept by the database.

``Household.listing_estate`` and ``Household.sort_key`` copy the house's estate and its (building
name, unit, room), so the household and people listings filter and order on one index of the
household table (``household_listing_idx``): a deep page walks that index instead of sorting every
joined row (at 100,000 households the sort spilled 7 MB to disk on every page).

Triggers keep the copies, on PostgreSQL and on SQLite, so every write path keeps them: the ORM's
save and bulk_create, COPY (benchmarks, bulk imports), and a house or building edited afterwards
(a house or building update touches its households, which runs their trigger).

The key joins the parts with U+001F (unit separator), lower than any character of a name, so it
orders as (building name, unit, room) in a codepoint collation: SQLite's default, and on
PostgreSQL the column's own collation "C" (migration 0005), whatever the database's locale.

SQLite drops a table's triggers when Django rebuilds the table (a later migration altering the
household, house or building table), so ``install`` also runs after every ``migrate``
(``ArchivesConfig.ready``); it is idempotent.
"""

from __future__ import annotations

_FROM = "FROM estates_house h JOIN estates_building b ON b.id = h.building_id"
_TOUCH_HOUSE = "UPDATE archives_household SET house_id = house_id WHERE house_id = NEW.id"
_TOUCH_BUILDING = (
    "UPDATE archives_household SET house_id = house_id "
    "WHERE house_id IN (SELECT id FROM estates_house WHERE building_id = NEW.id)"
)

_POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION archives_household_listing_keys() RETURNS trigger AS $$
    BEGIN
        SELECT b.estate_id, b.name || chr(31) || h.unit || chr(31) || h.room
          INTO NEW.listing_estate_id, NEW.sort_key {_FROM} WHERE h.id = NEW.house_id;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS archives_household_listing_keys ON archives_household",
    """CREATE TRIGGER archives_household_listing_keys BEFORE INSERT OR UPDATE ON archives_household
    FOR EACH ROW EXECUTE FUNCTION archives_household_listing_keys()""",
    f"""CREATE OR REPLACE FUNCTION archives_house_listing_keys() RETURNS trigger AS $$
    BEGIN {_TOUCH_HOUSE}; RETURN NULL; END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS archives_house_listing_keys ON estates_house",
    """CREATE TRIGGER archives_house_listing_keys AFTER UPDATE OF building_id, unit, room ON estates_house
    FOR EACH ROW WHEN (OLD.building_id IS DISTINCT FROM NEW.building_id OR OLD.unit IS DISTINCT FROM NEW.unit
                       OR OLD.room IS DISTINCT FROM NEW.room)
    EXECUTE FUNCTION archives_house_listing_keys()""",
    f"""CREATE OR REPLACE FUNCTION archives_building_listing_keys() RETURNS trigger AS $$
    BEGIN {_TOUCH_BUILDING}; RETURN NULL; END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS archives_building_listing_keys ON estates_building",
    """CREATE TRIGGER archives_building_listing_keys AFTER UPDATE OF name, estate_id ON estates_building
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.estate_id IS DISTINCT FROM NEW.estate_id)
    EXECUTE FUNCTION archives_building_listing_keys()""",
]
_POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS archives_household_listing_keys ON archives_household",
    "DROP TRIGGER IF EXISTS archives_house_listing_keys ON estates_house",
    "DROP TRIGGER IF EXISTS archives_building_listing_keys ON estates_building",
    "DROP FUNCTION IF EXISTS archives_household_listing_keys()",
    "DROP FUNCTION IF EXISTS archives_house_listing_keys()",
    "DROP FUNCTION IF EXISTS archives_building_listing_keys()",
]

# SQLite triggers cannot change NEW: the row is updated right after (recursive triggers are off,
# so that update does not run the trigger again).
_SET_KEYS = (
    "UPDATE archives_household SET (listing_estate_id, sort_key) = "
    f"(SELECT b.estate_id, b.name || char(31) || h.unit || char(31) || h.room {_FROM} WHERE h.id = NEW.house_id) "
    "WHERE id = NEW.id"
)
_SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS archives_household_keys_insert AFTER INSERT ON archives_household "
    f"BEGIN {_SET_KEYS}; END",
    f"CREATE TRIGGER IF NOT EXISTS archives_household_keys_update AFTER UPDATE ON archives_household "
    f"BEGIN {_SET_KEYS}; END",
    f"""CREATE TRIGGER IF NOT EXISTS archives_house_listing_keys AFTER UPDATE OF building_id, unit, room ON estates_house
    WHEN OLD.building_id IS NOT NEW.building_id OR OLD.unit IS NOT NEW.unit OR OLD.room IS NOT NEW.room
    BEGIN {_TOUCH_HOUSE}; END""",
    f"""CREATE TRIGGER IF NOT EXISTS archives_building_listing_keys AFTER UPDATE OF name, estate_id ON estates_building
    WHEN OLD.name IS NOT NEW.name OR OLD.estate_id IS NOT NEW.estate_id
    BEGIN {_TOUCH_BUILDING}; END""",
]
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS archives_household_keys_insert",
    "DROP TRIGGER IF EXISTS archives_household_keys_update",
    "DROP TRIGGER IF EXISTS archives_house_listing_keys",
    "DROP TRIGGER IF EXISTS archives_building_listing_keys",
]
_SQL = {"postgresql": (_POSTGRES, _POSTGRES_DROP), "sqlite": (_SQLITE, _SQLITE_DROP)}


def _run(connection, statements) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def has_keys(connection) -> bool:
    """The household table exists and has the key columns (migration archives.0005 applied)."""
    with connection.cursor() as cursor:
        if "archives_household" not in connection.introspection.table_names(cursor):
            return False
        columns = {c.name for c in connection.introspection.get_table_description(cursor, "archives_household")}
    return {"listing_estate_id", "sort_key"} <= columns


def install(connection) -> None:
    if connection.vendor in _SQL:
        _run(connection, _SQL[connection.vendor][0])


def uninstall(connection) -> None:
    if connection.vendor in _SQL:
        _run(connection, _SQL[connection.vendor][1])


def reinstall_after_migrate(using="default", **kwargs) -> None:
    """post_migrate: put back the triggers a SQLite table rebuild dropped (no-op otherwise)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite" and has_keys(connection):
        install(connection)
