"""The table of the shared cache (settings.CACHES without REDIS_URL), so that a fresh clone, the
tests and `make run` have it without running `createcachetable` by hand."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations


TABLE = "liaison_cache"  # settings.CACHE_TABLE


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0  # set by handle(), which this skips
    command.create_table(schema_editor.connection.alias, TABLE, False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
