"""The households' listing keys (see archives.listing_keys): a copy of the house's estate and of
its (building name, unit, room), indexed with the id and kept by database triggers; and the
people listing's index (household, role, name)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def create_triggers(apps, schema_editor):
    # The SQL lives with the code that re-installs it after each migrate (archives.listing_keys).
    from archives import listing_keys

    if schema_editor.connection.vendor == "postgresql":
        # The key orders as (building, unit, room) only by code point: a database created with a
        # language collation (zh_CN.UTF-8, en_US.UTF-8) ignores the U+001F separators. The column
        # (and so its index and the listing's ORDER BY) compares bytes, as SQLite does.
        schema_editor.execute('ALTER TABLE archives_household ALTER COLUMN sort_key TYPE varchar(100) COLLATE "C"')
    listing_keys.install(schema_editor.connection)
    # The households already written: one touch runs the trigger on each.
    schema_editor.execute("UPDATE archives_household SET house_id = house_id")


def drop_triggers(apps, schema_editor):
    from archives import listing_keys

    listing_keys.uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('archives', '0004_search_indexes'),
        ('estates', '0005_estate_hotline'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='household',
            options={'ordering': ['sort_key', 'pk'], 'verbose_name': 'household file', 'verbose_name_plural': 'household files'},
        ),
        migrations.AddField(
            model_name='household',
            name='listing_estate',
            field=models.ForeignKey(db_constraint=False, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='estates.estate'),
        ),
        migrations.AddField(
            model_name='household',
            name='sort_key',
            field=models.CharField(editable=False, max_length=100, null=True),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.AddIndex(
            model_name='household',
            index=models.Index(fields=['listing_estate', 'sort_key', 'id'], name='household_listing_idx'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['household', 'role', 'name'], name='person_listing_idx'),
        ),
    ]
