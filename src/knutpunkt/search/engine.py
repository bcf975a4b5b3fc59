"""The search engine behind one small interface.

Callers (search.queries, search.indexing) only use `get_engine()` and the methods of
`Engine`; which backend answers is chosen by the database vendor (SQLite FTS5 or
PostgreSQL tsvector), or by KNUTPUNKT_SEARCH_BACKEND (a dotted path) — so an external
engine such as OpenSearch can be added later without changing callers.

`match` returns something the ORM accepts as `pk__in=…`: the embedded backends give a
RawSQL subquery (the match then runs inside the same database query as the access
policy's filter), an external engine would give a list of keys.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from importlib import import_module

from django.conf import settings
from django.db import connection

from . import schema
from .parsing import ParsedQuery, parse

Fields = dict[str, str]


class Engine:
    vendor = ""

    # --- writing -----------------------------------------------------------------
    def index(self, collection: str, key, fields: Fields) -> None:
        """Replace the document `key` in `collection` (missing fields are empty)."""
        self.index_many(collection, [(key, fields)])

    def index_many(self, collection: str, rows: Iterable[tuple[object, Fields]], replace: bool = True) -> int:
        """Index many documents at once (executemany). replace=False promises that
        none of the keys is in the collection yet (a rebuild after clear)."""
        raise NotImplementedError

    def delete(self, collection: str, key) -> None:
        raise NotImplementedError

    def clear(self, collection: str) -> None:
        raise NotImplementedError

    # --- bulk loading (knutpunkt reindex) -------------------------------------------
    def begin_rebuild(self, collection: str) -> None:
        """Called after clear() before a whole collection is loaded: the backend may
        drop what makes row-by-row writes slow (PostgreSQL drops the GIN index).
        end_rebuild must follow, also after a failure."""

    def end_rebuild(self, collection: str) -> None:
        """Put back what begin_rebuild dropped. Idempotent, so it may run any time."""

    def ensure_schema(self) -> None:
        """Recreate what an interrupted rebuild may have left missing (idempotent;
        run after every migrate)."""

    def index_select(self, collection: str, sql: str, params: list) -> tuple[int, list]:
        """Index the rows of an SQL SELECT — key, then one text column per field of the
        collection, in schema order — into a collection that holds none of those keys
        yet (like index_many(replace=False); a key indexed meanwhile by someone else is
        left as it is). The embedded backends do this inside the database, without a
        round trip through Python. Returns (rows indexed, keys left to the caller): a
        backend may refuse rows it cannot index exactly as index_many would — the
        caller builds those in Python and passes them to index_many."""
        with connection.cursor() as cur:
            cur.execute(sql, params)
            rows = [(key, dict(zip(schema.get(collection).fields, values))) for key, *values in cur.fetchall()]
        return self.index_many(collection, rows), []

    # --- reading -----------------------------------------------------------------
    def match(self, collection: str, query: str | ParsedQuery, fields: list[str] | None = None):
        """Keys of the documents where every term of `query` matches within `fields`
        (default: all). None when the query has no searchable words."""
        raise NotImplementedError

    def hits(self, collection: str, query: str | ParsedQuery, groups: list[list[str]]) -> dict:
        """Every document where all terms of `query` match within at least one group
        of fields, with a bit mask of the groups they match in (bit i = groups[i]),
        keyed by the key as the database stores it (see db_key). One pass over the
        index where the backend can: the caller then decides, per group, whether the
        reader may match those fields (search.matching)."""
        out: dict = {}
        for i, fields in enumerate(groups):
            spec = schema.get(collection)
            for key in self.keys(collection, query, fields):
                key = self.db_key(spec, key)
                out[key] = out.get(key, 0) | (1 << i)
        return out

    def keys(self, collection: str, query: str | ParsedQuery, fields: list[str] | None = None) -> list:
        """The keys `match` describes, as a list (for hits' default implementation)."""
        raise NotImplementedError

    def rank_expression(self, collection: str, query: str | ParsedQuery, outer_pk_column: str, fields: list[str] | None = None):
        """An expression, correlated on `outer_pk_column` (e.g. '"registry_case"."id"'),
        giving a relevance score (higher is better; 0 when nothing matches)."""
        raise NotImplementedError

    def scores(self, collection: str, query: str | ParsedQuery, fields: list[str] | None = None) -> dict[str, float]:
        """Relevance of every document matching `query` in `fields`, keyed by the key
        as the database stores it (see db_key) — one pass over the index, for ordering
        a result set in Python (cheaper than a correlated score per row on SQLite)."""
        raise NotImplementedError

    def stored(self, collection: str, keys: Iterable, fields: list[str]) -> dict[str, Fields]:
        """The indexed text of some documents, keyed by str(key) — for snippets of
        text that exists only in the index (extracted file text)."""
        raise NotImplementedError

    def count(self, collection: str) -> int:
        raise NotImplementedError

    # --- helpers for backends ----------------------------------------------------
    @staticmethod
    def parsed(query: str | ParsedQuery) -> ParsedQuery:
        return query if isinstance(query, ParsedQuery) else parse(query)

    @staticmethod
    def fields_of(collection: str, fields: list[str] | None) -> tuple[schema.Collection, list[str]]:
        spec = schema.get(collection)
        chosen = list(spec.fields) if fields is None else [f for f in spec.fields if f in set(fields)]
        unknown = set(fields or ()) - set(spec.fields)
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)} in collection {collection!r}")
        return spec, chosen

    def db_key(self, spec: schema.Collection, key):
        """A key as the database stores it: SQLite keeps a UUIDField as 32 hex digits,
        PostgreSQL as uuid."""
        if spec.key_type != "uuid":
            return str(key)
        value = key if isinstance(key, uuid.UUID) else uuid.UUID(str(key))
        return value.hex if self.vendor == "sqlite" else value


_engines: dict[str, Engine] = {}


def get_engine(using=None) -> Engine:
    conn = using or connection
    path = getattr(settings, "KNUTPUNKT_SEARCH_BACKEND", None) or {
        "sqlite": "knutpunkt.search.backends.sqlite_fts.SqliteFtsEngine",
        "postgresql": "knutpunkt.search.backends.postgres.PostgresEngine",
    }.get(conn.vendor)
    if path is None:
        raise RuntimeError(f"no search backend for database {conn.vendor!r}")
    engine = _engines.get(path)
    if engine is None:
        module, _, name = path.rpartition(".")
        engine = _engines[path] = getattr(import_module(module), name)()
    return engine
