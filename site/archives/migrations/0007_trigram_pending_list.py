"""Keep the trigram indexes' pending lists short (PostgreSQL).

A GIN index first appends new rows to a "pending list" that every search reads in full, and merges
it into the index only at VACUUM (autovacuum runs after 20 % of a table's rows are new) or when it
passes ``gin_pending_list_limit`` (4 MB by default: some 45,000 names). After an import of the
owner list, each name search read tens of thousands of pending rows (5 ms instead of 0.1 ms at
100,000 households; issue 21). At 256 kB the list is merged every few thousand rows: writes still
go in batches, a search reads at most a few thousand pending rows.
"""

from django.db import migrations

TRIGRAM_INDEXES = ("person_name_trgm", "person_mobile_trgm", "person_id_number_trgm", "vehicle_plate_trgm")
PENDING_LIST_KB = 256


def set_limit(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f'ALTER INDEX IF EXISTS "{name}" SET (gin_pending_list_limit = {PENDING_LIST_KB})')


def reset_limit(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f'ALTER INDEX IF EXISTS "{name}" RESET (gin_pending_list_limit)')


class Migration(migrations.Migration):

    dependencies = [
        ('archives', '0006_person_name_fts'),
    ]

    operations = [
        migrations.RunPython(set_limit, reset_limit),
    ]
