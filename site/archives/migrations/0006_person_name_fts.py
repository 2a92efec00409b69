"""On SQLite, an FTS5 trigram index of people's names kept by triggers (see archives.name_index);
nothing on PostgreSQL, where the pg_trgm index of archives.0004 serves name searches."""

from django.db import migrations


def create_name_index(apps, schema_editor):
    # The SQL lives with the code that re-installs it after each migrate (archives.name_index).
    from archives import name_index

    name_index.install(schema_editor.connection)


def drop_name_index(apps, schema_editor):
    from archives import name_index

    name_index.uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('archives', '0005_listing_keys'),
    ]

    operations = [
        migrations.RunPython(create_name_index, drop_name_index),
    ]
