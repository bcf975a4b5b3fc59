"""The index tables of the public diary's collection ("public").

Written out with its own Collection literal (not read from search.schema) so this
migration keeps meaning the same thing if the schema changes later. The tables are
filled by publicdiary's migration 0002 (and by `knutpunkt reindex --collection public`).
"""

from django.db import migrations

from knutpunkt.search.schema import Collection

PUBLIC_V1 = Collection("public", ("reference", "title", "correspondent"))


def _module(vendor):
    if vendor == "sqlite":
        from knutpunkt.search.backends import sqlite_fts

        return sqlite_fts
    if vendor == "postgresql":
        from knutpunkt.search.backends import postgres

        return postgres
    return None


def create_tables(apps, schema_editor):
    module = _module(schema_editor.connection.vendor)
    if module is None:  # another database: an external engine must be configured
        return
    for sql in module.create_statements(PUBLIC_V1):
        schema_editor.execute(sql)


def drop_tables(apps, schema_editor):
    module = _module(schema_editor.connection.vendor)
    if module is None:
        return
    for sql in module.drop_statements(PUBLIC_V1):
        schema_editor.execute(sql)
    if schema_editor.connection.vendor == "sqlite":
        # search_key is shared by every collection: drop only this one's keys.
        schema_editor.execute("DELETE FROM search_key WHERE collection = 'public'")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create_tables, drop_tables)]
