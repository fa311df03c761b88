"""Create the database cache table: allauth keeps sign-in rate-limit counters in the cache, and
the database is the cache every process shares when no Redis is configured."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

# Must match CACHES["default"]["LOCATION"] in lms.settings.base. Created whatever the current
# settings say, so that switching a deployment to the database cache needs no extra step.
CACHE_TABLE = "lms_cache"


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
