"""The extracted-text cache and the search index tables.

The index tables are vendor-specific (FTS5 virtual tables on SQLite, tsvector + GIN on
PostgreSQL), so they are created with SQL chosen by the database vendor. The column
lists are written out here, not read from search.schema, so this migration keeps
meaning the same thing when the schema grows (a later migration adds to it).
"""

from django.db import migrations, models

from knutpunkt.search.schema import Collection

COLLECTIONS_V1 = [
    Collection("cases", ("reference", "title", "public_title", "description", "parties", "protected_parties")),
    Collection("documents", ("reference", "title", "public_title", "parties", "protected_parties", "files", "secret_files")),
]


def _module(vendor):
    if vendor == "sqlite":
        from knutpunkt.search.backends import sqlite_fts

        return sqlite_fts
    if vendor == "postgresql":
        from knutpunkt.search.backends import postgres

        return postgres
    return None


def create_index_tables(apps, schema_editor):
    module = _module(schema_editor.connection.vendor)
    if module is None:  # another database: an external engine (KNUTPUNKT_SEARCH_BACKEND) must be configured
        return
    for spec in COLLECTIONS_V1:
        for sql in module.create_statements(spec):
            schema_editor.execute(sql)


def drop_index_tables(apps, schema_editor):
    module = _module(schema_editor.connection.vendor)
    if module is None:
        return
    for spec in COLLECTIONS_V1:
        for sql in module.drop_statements(spec):
            schema_editor.execute(sql)
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_key")


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="ExtractedText",
            fields=[
                ("sha256", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("text", models.TextField(blank=True)),
                ("method", models.CharField(blank=True, max_length=30)),
                ("error", models.CharField(blank=True, max_length=500)),
                ("truncated", models.BooleanField(default=False)),
                ("extracted_at", models.DateTimeField(auto_now=True)),
            ],
            options={"verbose_name": "extraherad text", "verbose_name_plural": "extraherade texter"},
        ),
        migrations.RunPython(create_index_tables, drop_index_tables),
    ]
