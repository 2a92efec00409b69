"""Indexes for archives.search: ID-number equality everywhere; on PostgreSQL, trigram GIN indexes
(pg_trgm) for names (``UPPER(name)``, what ``icontains`` / ``istartswith`` compare), and for parts
of mobiles, ID numbers and plates. SQLite has no pg_trgm: there the search scans one narrow table
per branch, which stays fast at the embedded sizes (see benchmarks/archive_search.py)."""

from django.db import migrations, models

TRIGRAM_INDEXES = {
    # name: (table, indexed expression)
    "person_name_trgm": ("archives_person", 'UPPER("name"::text)'),
    "person_mobile_trgm": ("archives_person", '"mobile"'),
    "person_id_number_trgm": ("archives_person", '"id_number"'),
    "vehicle_plate_trgm": ("archives_vehicle", '"plate"'),
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, expression) in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (({expression}) gin_trgm_ops)'
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):

    dependencies = [
        ('archives', '0003_merge_0002_household_steward_0002_private_storage'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['id_number'], name='person_id_number_idx'),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
