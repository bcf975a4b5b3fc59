"""Fill the search engine's "public" collection (created by search 0002) from the
published projection, so public search keeps finding what was published before the
engine took over. Batches of 5 000 entries in primary-key order, each in its own
transaction; `knutpunkt reindex --collection public` does the same later.
"""

from django.db import migrations, transaction

BATCH = 5000


def _fields(reference, case_reference, public_title, correspondent):
    # As publicdiary.search_index.fields_from (kept here so the migration keeps its meaning).
    return {
        "title": public_title,
        "reference": " ".join(filter(None, [reference, case_reference])),
        "correspondent": correspondent,
    }


def fill(apps, schema_editor):
    from knutpunkt.search import schema
    from knutpunkt.search.engine import get_engine

    if "public" not in schema.COLLECTIONS or schema_editor.connection.vendor not in ("sqlite", "postgresql"):
        return
    engine = get_engine(schema_editor.connection)
    PublishedEntry = apps.get_model("publicdiary", "PublishedEntry")
    db = schema_editor.connection.alias
    last = 0
    while True:
        rows = list(
            PublishedEntry.objects.using(db).filter(pk__gt=last).order_by("pk")
            .values_list("pk", "object_id", "reference", "case_reference", "public_title", "correspondent")[:BATCH]
        )
        if not rows:
            break
        with transaction.atomic(using=db):
            engine.index_many("public", [(r[1], _fields(*r[2:])) for r in rows])
        last = rows[-1][0]


def empty(apps, schema_editor):
    pass  # search 0002's reverse drops the tables


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("publicdiary", "0002_published_entry_indexes"),
        ("search", "0002_public_collection"),
    ]

    operations = [migrations.RunPython(fill, empty)]
