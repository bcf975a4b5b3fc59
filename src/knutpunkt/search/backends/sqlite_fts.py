"""SQLite FTS5 backend (the embedded default).

One FTS5 table per collection (`search_fts_<name>`, a column per field) and one
ordinary table `search_key` mapping (collection, key) to the FTS row id, so a key can
be found without scanning. The tokenizer is unicode61 with `remove_diacritics 0`:
the default folds å/ä/ö to a/o, and then "are" would find "Åre".
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models.expressions import RawSQL

from .. import schema
from ..engine import Engine, Fields
from ..parsing import ParsedQuery

TOKENIZE = "unicode61 remove_diacritics 0"
CHUNK = 500


def table(name: str) -> str:
    return f"search_fts_{name}"


def create_statements(spec: schema.Collection) -> list[str]:
    columns = ", ".join(spec.fields)
    return [
        "CREATE TABLE IF NOT EXISTS search_key ("
        " id INTEGER PRIMARY KEY, collection TEXT NOT NULL, key TEXT NOT NULL, UNIQUE (collection, key))",
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {table(spec.name)} USING fts5({columns}, tokenize=\"{TOKENIZE}\", prefix='2 3')",
    ]


def drop_statements(spec: schema.Collection) -> list[str]:
    return [f"DROP TABLE IF EXISTS {table(spec.name)}"]


def fts_query(parsed: ParsedQuery, fields: list[str], all_fields: tuple[str, ...]) -> str:
    """The FTS5 query for parsed terms: each word quoted (so nothing in it is syntax),
    a prefix match for single words, an exact phrase otherwise; all terms ANDed."""
    parts = []
    for term in parsed.terms:
        quoted = '"' + " ".join(w.replace('"', '""') for w in term.words) + '"'
        parts.append(quoted if term.is_phrase else quoted + "*")
    expr = " AND ".join(parts)
    if list(fields) != list(all_fields):
        expr = "{" + " ".join(fields) + "} : (" + expr + ")"
    return expr


class SqliteFtsEngine(Engine):
    vendor = "sqlite"

    def index_many(self, collection: str, rows: Iterable[tuple[object, Fields]], replace: bool = True) -> int:
        spec = schema.get(collection)
        rows = [(self.db_key(spec, key), fields) for key, fields in rows]
        if not rows:
            return 0
        tbl = table(spec.name)
        cols = ", ".join(spec.fields)
        marks = ", ".join(["%s"] * (len(spec.fields) + 1))
        with connection.cursor() as cur:
            cur.executemany(
                "INSERT OR IGNORE INTO search_key (collection, key) VALUES (%s, %s)", [(spec.name, k) for k, _ in rows]
            )
            ids = self._ids(cur, spec.name, [k for k, _ in rows])
            if replace:
                cur.executemany(f"DELETE FROM {tbl} WHERE rowid = %s", [(ids[k],) for k, _ in rows])
            cur.executemany(
                f"INSERT INTO {tbl} (rowid, {cols}) VALUES ({marks})",
                [(ids[k], *[(fields.get(f) or "") for f in spec.fields]) for k, fields in rows],
            )
        return len(rows)

    @staticmethod
    def _ids(cur, collection: str, keys: list) -> dict:
        found = {}
        for i in range(0, len(keys), CHUNK):
            chunk = keys[i : i + CHUNK]
            cur.execute(
                f"SELECT key, id FROM search_key WHERE collection = %s AND key IN ({', '.join(['%s'] * len(chunk))})",
                [collection, *chunk],
            )
            found.update(cur.fetchall())
        return found

    def delete(self, collection: str, key) -> None:
        spec = schema.get(collection)
        with connection.cursor() as cur:
            ids = self._ids(cur, spec.name, [self.db_key(spec, key)])
            for rowid in ids.values():
                cur.execute(f"DELETE FROM {table(spec.name)} WHERE rowid = %s", [rowid])
                cur.execute("DELETE FROM search_key WHERE id = %s", [rowid])

    def clear(self, collection: str) -> None:
        spec = schema.get(collection)
        with connection.cursor() as cur:
            # Dropping the FTS table is far quicker than deleting its rows one by one
            # (DELETE on an FTS5 table reads every row back to remove its tokens).
            for sql in drop_statements(spec) + create_statements(spec):
                cur.execute(sql)
            cur.execute("DELETE FROM search_key WHERE collection = %s", [spec.name])

    def index_select(self, collection: str, sql: str, params: list) -> tuple[int, list]:
        spec = schema.get(collection)
        tbl = table(spec.name)
        cols = ", ".join(spec.fields)
        texts = ", ".join(f"coalesce(l.{f}, '')" for f in spec.fields)
        with connection.cursor() as cur:
            # The rows are needed twice (keys first, for the row ids), so they are
            # computed once into a temporary table.
            cur.execute("DROP TABLE IF EXISTS temp.search_load")
            cur.execute(f"CREATE TEMP TABLE search_load AS SELECT * FROM ({sql}) AS q", params)
            cur.execute(
                "INSERT INTO search_key (collection, key) SELECT %s, l.key FROM temp.search_load l WHERE true "
                "ON CONFLICT (collection, key) DO NOTHING",
                [spec.name],
            )
            cur.execute(
                f"INSERT INTO {tbl} (rowid, {cols}) "
                f"SELECT k.id, {texts} "
                f"FROM temp.search_load l JOIN search_key k ON k.collection = %s AND k.key = l.key "
                f"WHERE NOT EXISTS (SELECT 1 FROM {tbl} t WHERE t.rowid = k.id)",
                [spec.name],
            )
            count = cur.rowcount
            cur.execute("DROP TABLE temp.search_load")
        return count, []

    def count(self, collection: str) -> int:
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {table(schema.get(collection).name)}")
            return cur.fetchone()[0]

    def match(self, collection: str, query, fields: list[str] | None = None):
        parsed = self.parsed(query)
        spec, chosen = self.fields_of(collection, fields)
        if not parsed or not chosen:
            return None
        tbl = table(spec.name)
        return RawSQL(
            f"SELECT search_key.key FROM {tbl} JOIN search_key ON search_key.id = {tbl}.rowid WHERE {tbl} MATCH %s",
            [fts_query(parsed, chosen, spec.fields)],
        )

    def hits(self, collection: str, query, groups: list[list[str]]) -> dict:
        parsed = self.parsed(query)
        spec = schema.get(collection)
        tbl = table(spec.name)
        out: dict = {}
        if not parsed:
            return out
        with connection.cursor() as cur:
            # One MATCH per group with a column filter: FTS5 answers those from its
            # index in C; telling which column matched from one pass is not cheaper.
            for i, fields in enumerate(groups):
                _, chosen = self.fields_of(collection, fields)
                if not chosen:
                    continue
                bit = 1 << i
                cur.execute(
                    f"SELECT search_key.key FROM {tbl} JOIN search_key ON search_key.id = {tbl}.rowid WHERE {tbl} MATCH %s",
                    [fts_query(parsed, chosen, spec.fields)],
                )
                for (key,) in cur.fetchall():
                    out[key] = out.get(key, 0) | bit
        return out

    def rank_expression(self, collection: str, query, outer_pk_column: str, fields: list[str] | None = None):
        parsed = self.parsed(query)
        spec, chosen = self.fields_of(collection, fields)
        if not parsed or not chosen:
            return RawSQL("0.0", [])
        tbl = table(spec.name)
        weights = ", ".join(str(schema.WEIGHT_NUMBERS[spec.weight(f)] if f in chosen else 0.0) for f in spec.fields)
        # bm25 is lower-is-better; negate so callers sort descending everywhere.
        return RawSQL(
            f"COALESCE((SELECT -bm25({tbl}, {weights}) FROM {tbl} WHERE {tbl} MATCH %s AND {tbl}.rowid = "
            f"(SELECT id FROM search_key WHERE collection = %s AND key = {outer_pk_column})), 0.0)",
            [fts_query(parsed, chosen, spec.fields), spec.name],
        )

    def scores(self, collection: str, query, fields: list[str] | None = None) -> dict:
        parsed = self.parsed(query)
        spec, chosen = self.fields_of(collection, fields)
        if not parsed or not chosen:
            return {}
        tbl = table(spec.name)
        weights = ", ".join(str(schema.WEIGHT_NUMBERS[spec.weight(f)] if f in chosen else 0.0) for f in spec.fields)
        with connection.cursor() as cur:
            # CROSS JOIN keeps the FTS table as the outer loop, where bm25 may be used.
            cur.execute(
                f"SELECT search_key.key, -bm25({tbl}, {weights}) FROM {tbl} CROSS JOIN search_key "
                f"ON search_key.id = {tbl}.rowid WHERE {tbl} MATCH %s",
                [fts_query(parsed, chosen, spec.fields)],
            )
            return dict(cur.fetchall())

    def stored(self, collection: str, keys: Iterable, fields: list[str]) -> dict[str, Fields]:
        spec, chosen = self.fields_of(collection, fields)
        keys = [self.db_key(spec, k) for k in keys]
        tbl = table(spec.name)
        out: dict[str, Fields] = {}
        with connection.cursor() as cur:
            for i in range(0, len(keys), CHUNK):
                chunk = keys[i : i + CHUNK]
                cur.execute(
                    f"SELECT search_key.key, {', '.join(chosen)} FROM {tbl} JOIN search_key ON search_key.id = {tbl}.rowid "
                    f"WHERE search_key.collection = %s AND search_key.key IN ({', '.join(['%s'] * len(chunk))})",
                    [spec.name, *chunk],
                )
                for key, *values in cur.fetchall():
                    out[_str_key(spec, key)] = dict(zip(chosen, values))
        return out


def _str_key(spec, key) -> str:
    if spec.key_type == "uuid":
        import uuid

        return str(uuid.UUID(str(key)))
    return str(key)
