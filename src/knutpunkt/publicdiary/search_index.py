"""Keeping the search engine's "public" collection in step with PublishedEntry.

The collection (search.schema.PUBLIC: reference, title, correspondent; key = the
entry's object_id) indexes the projection, never the registry: only what
PublishedEntry holds — what anyone may see — is ever handed to the engine, so no word
of a secret title, no private person and no personnummer can match.

Every write of PublishedEntry goes through publicdiary.services, which calls add /
add_many / remove / remove_many / clear here in the same transaction. `knutpunkt
reindex --collection public` rebuilds it (register() makes reindex know it).

If the search app has no "public" collection (an installation with another engine
that lacks it), these calls do nothing and publicdiary.queries falls back to a plain
ORM query.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import contextmanager

log = logging.getLogger(__name__)

COLLECTION = "public"
FIELDS = ("object_id", "reference", "case_reference", "public_title", "correspondent")


def engine():
    try:
        from knutpunkt.search import engine as search_engine
        from knutpunkt.search import schema
    except ImportError:
        return None
    if COLLECTION not in getattr(schema, "COLLECTIONS", {}) or not hasattr(search_engine, "get_engine"):
        return None
    return search_engine.get_engine()


def fields_from(reference: str, case_reference: str, public_title: str, correspondent: str) -> dict:
    return {
        "title": public_title,
        "reference": " ".join(filter(None, [reference, case_reference])),
        "correspondent": correspondent,
    }


def fields_of(entry) -> dict:
    return fields_from(entry.reference, entry.case_reference, entry.public_title, entry.correspondent)


def add(entry) -> None:
    add_many([entry])


def add_many(entries: Iterable, *, new: bool = False) -> int:
    """Index entries (PublishedEntry objects). new=True promises none of them is in the
    collection yet (right after clear()): the engine then skips its delete."""
    return add_values(((e.object_id, fields_of(e)) for e in entries), new=new)


def add_values(rows: Iterable[tuple[object, dict]], *, new: bool = False) -> int:
    """Index (object_id, engine fields) rows, as fields_from() makes them."""
    e = engine()
    if e is None:
        return 0
    return e.index_many(COLLECTION, list(rows), replace=not new)


def _select(where: str, params: list) -> tuple[str, list]:
    """SQL giving the collection's rows (key, then its fields) of the entries `where`
    selects — exactly what fields_from gives, built by the database."""
    from django.db import connection

    from .models import PublishedEntry

    table = connection.ops.quote_name(PublishedEntry._meta.db_table)
    sql = (
        "SELECT object_id AS key, "
        "CASE WHEN case_reference = '' THEN reference WHEN reference = '' THEN case_reference "
        "ELSE reference || ' ' || case_reference END AS reference, "
        f"public_title AS title, correspondent AS correspondent FROM {table} WHERE {where}"
    )
    return sql, params


def add_new(object_ids: list) -> int:
    """Index entries that are not in the collection (right after a rebuild emptied it),
    letting the database build the rows (Engine.index_select): on PostgreSQL the
    vectors are then made in one statement per batch instead of one per row."""
    e = engine()
    if e is None or not object_ids:
        return 0
    from django.db import connection

    from .models import PublishedEntry

    prep = PublishedEntry._meta.get_field("object_id").get_db_prep_value
    keys = [prep(k, connection) for k in object_ids]
    sql, params = _select(f"object_id IN ({', '.join(['%s'] * len(keys))})", keys)
    count, refused = e.index_select(COLLECTION, sql, params)
    if refused:
        entries = PublishedEntry.objects.filter(object_id__in=refused)
        count += e.index_many(COLLECTION, [(x.object_id, fields_of(x)) for x in entries], replace=False)
    return count


def bulk(after, upto) -> tuple[str, list, list]:
    """For `knutpunkt reindex`: the rows of PublishedEntry pks after < pk <= upto."""
    parts, params = ["1 = 1"], []
    if after is not None:
        parts.append("id > %s")
        params.append(after)
    if upto is not None:
        parts.append("id <= %s")
        params.append(upto)
    sql, params = _select(" AND ".join(parts), params)
    return sql, params, []


def remove(entry) -> None:
    remove_many([entry.object_id])


def remove_many(object_ids: Iterable) -> None:
    e = engine()
    if e is None:
        return
    for object_id in object_ids:
        e.delete(COLLECTION, object_id)


def clear() -> None:
    e = engine()
    if e is not None:
        e.clear(COLLECTION)


@contextmanager
def rebuilding():
    """Around loading the whole collection after clear(): the engine may drop what makes
    row-by-row writes slow (PostgreSQL: its GIN index) and builds it once at the end —
    also when the load fails."""
    e = engine()
    if e is None or not hasattr(e, "begin_rebuild"):
        yield
        return
    e.begin_rebuild(COLLECTION)
    try:
        yield
    finally:
        e.end_rebuild(COLLECTION)


def build(pks: list) -> list[tuple[object, dict]]:
    """Rows for `knutpunkt reindex`: (object_id, fields) of a batch of PublishedEntry pks."""
    from .models import PublishedEntry

    rows = PublishedEntry.objects.filter(pk__in=pks).order_by("pk").values_list(*FIELDS)
    return [(object_id, fields_from(ref, case_ref, title, corr)) for object_id, ref, case_ref, title, corr in rows]


def register() -> None:
    """Let `knutpunkt reindex` rebuild the collection (called from AppConfig.ready)."""
    if engine_available():
        from knutpunkt.search import indexing

        indexing.register_builder(COLLECTION, "publicdiary.PublishedEntry", build, bulk=bulk)


def engine_available() -> bool:
    try:
        from knutpunkt.search import schema
    except ImportError:
        return False
    return COLLECTION in getattr(schema, "COLLECTIONS", {})


def match(text: str):
    """Keys (object_id) matching every term of `text` — words as prefixes, "a phrase"
    as consecutive words — or None without an engine or without words."""
    e = engine()
    return None if e is None else e.match(COLLECTION, text)


def matching_keys(text: str) -> set | None:
    """Every matching object_id, as the database stores it (see db_key), or None
    without an engine or without words: the match run once, for a result set walked
    in Python (publicdiary.queries.TextMatches)."""
    found = match(text)
    if found is None:
        return None
    if isinstance(found, (list, tuple, set)):  # an external engine gives keys
        return {db_key(k) for k in found}
    from django.db import connection

    with connection.cursor() as cur:  # the embedded engines give a subquery
        cur.execute(found.sql, found.params)
        return {row[0] for row in cur.fetchall()}


def probes_rows_cheaply() -> bool:
    """Can the database check one row against the match cheaply (PostgreSQL: `@@` on
    the row's stored vector)? Then a search is best left to its planner as one query.
    SQLite's FTS5 re-reads the term lists for every row it is asked about, so there the
    match runs once and the result is walked in Python (publicdiary.queries)."""
    from django.db import connection

    return connection.vendor == "postgresql" and type(engine()).__name__ == "PostgresEngine"


def scores(text: str) -> dict:
    """Relevance of every matching entry, keyed as the database stores object_id."""
    e = engine()
    return {} if e is None else e.scores(COLLECTION, text)


def db_key(object_id):
    """object_id as the engine's scores() keys it (SQLite: 32 hex digits)."""
    return key_function()(object_id)


def key_function():
    """A function turning an object_id (uuid.UUID) into the engine's key as the
    database stores it — looked up once, for loops over many rows."""
    from knutpunkt.search import schema

    e, spec = engine(), schema.get(COLLECTION)
    if e.db_key(spec, "00000000-0000-0000-0000-000000000000") == "0" * 32:
        return lambda object_id: object_id.hex
    return lambda object_id: e.db_key(spec, object_id)
