"""PostgreSQL backend: a table per collection with a text column and a tsvector per
field, plus `all_tsv` (every field, weighted) under a GIN index.

Each field's vector is built from the `swedish` configuration (stemming: "ansökan"
finds "ansökningar") concatenated with `simple` (Swedish stemming is partial —
"ärendet" stays as it is — so prefix matching on the plain words catches the rest).
Texts are cut into words by search.parsing before they reach PostgreSQL, so both
backends agree on what a word is (PostgreSQL's own parser would keep "2024/17" or an
e-mail address as one token).

A match is `all_tsv @@ q` (GIN) and, when only some fields count, the same query on
those fields' vectors, checked on the rows the index found. We filter on `@@`, never on
rank > 0.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import connection
from django.db.models.expressions import RawSQL

from .. import schema
from ..engine import Engine, Fields
from ..parsing import ParsedQuery, words_of

MAX_VECTOR_TEXT = 100_000  # characters of words per field; tsvector is limited to 1 MB


def table(name: str) -> str:
    return f"search_index_{name}"


def create_statements(spec: schema.Collection) -> list[str]:
    key_type = "uuid" if spec.key_type == "uuid" else "text"
    cols = ", ".join(f"{f} text NOT NULL DEFAULT '', {f}_tsv tsvector" for f in spec.fields)
    tbl = table(spec.name)
    return [
        f"CREATE TABLE IF NOT EXISTS {tbl} (key {key_type} PRIMARY KEY, {cols}, all_tsv tsvector)",
        f"CREATE INDEX IF NOT EXISTS {tbl}_all_gin ON {tbl} USING gin (all_tsv)",
    ]


def drop_statements(spec: schema.Collection) -> list[str]:
    return [f"DROP TABLE IF EXISTS {table(spec.name)}"]


def tsquery(parsed: ParsedQuery) -> tuple[str, list]:
    """SQL for the tsquery of parsed terms and its parameters. Each word is quoted as a
    tsquery literal (it holds only letters and digits anyway), so no input is syntax."""
    parts, params = [], []
    for term in parsed.terms:
        if term.is_phrase:
            # Exact words in order: the swedish configuration would drop stop words
            # ("för") from the phrase and match more than was asked for.
            parts.append("phraseto_tsquery('simple', %s)")
            params.append(" ".join(term.words))
            continue
        else:
            parts.append("(to_tsquery('swedish', %s) || to_tsquery('simple', %s))")
            word = term.words[0].replace("\\", "").replace("'", "''")
            text = f"'{word}':*"
        params += [text, text]
    return "(" + " && ".join(parts) + ")", params


def _vector_sql(fields: list[str], spec: schema.Collection, alias: str = "", weighted: bool = True) -> str:
    prefix = f"{alias}." if alias else ""
    if list(fields) == list(spec.fields):
        return f"{prefix}all_tsv"
    if not weighted:  # for matching, weights do not matter
        return fields and " || ".join(f"coalesce({prefix}{f}_tsv, '')" for f in fields) if len(fields) > 1 else f"{prefix}{fields[0]}_tsv"
    return "(" + " || ".join(f"setweight(coalesce({prefix}{f}_tsv, ''), '{spec.weight(f)}')" for f in fields) + ")"


class PostgresEngine(Engine):
    vendor = "postgresql"

    def index_many(self, collection: str, rows: Iterable[tuple[object, Fields]], replace: bool = True) -> int:
        spec = schema.get(collection)
        rows = list(rows)
        if not rows:
            return 0
        tbl = table(spec.name)
        key_cast = "uuid" if spec.key_type == "uuid" else "text"
        select = [f"%s::{key_cast} AS key"]
        for f in spec.fields:
            select.append(f"%s::text AS {f}")
            select.append(f"(to_tsvector('swedish', %s::text) || to_tsvector('simple', %s::text)) AS {f}_tsv")
        all_tsv = " || ".join(f"setweight(v.{f}_tsv, '{spec.weight(f)}')" for f in spec.fields)
        columns = ["key"] + [c for f in spec.fields for c in (f, f"{f}_tsv")]
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns[1:] + ["all_tsv"])
        sql = (
            f"INSERT INTO {tbl} ({', '.join(columns)}, all_tsv) "
            f"SELECT {', '.join('v.' + c for c in columns)}, {all_tsv} FROM (SELECT {', '.join(select)}) v "
            f"ON CONFLICT (key) DO UPDATE SET {updates}"
        )
        params = []
        for key, fields in rows:
            row = [self.db_key(spec, key)]
            for f in spec.fields:
                text = fields.get(f) or ""
                words = " ".join(words_of(text))[:MAX_VECTOR_TEXT]
                row += [text, words, words]
            params.append(row)
        with connection.cursor() as cur:
            cur.executemany(sql, params)
        return len(rows)

    def delete(self, collection: str, key) -> None:
        spec = schema.get(collection)
        with connection.cursor() as cur:
            cur.execute(f"DELETE FROM {table(spec.name)} WHERE key = %s", [self.db_key(spec, key)])

    def clear(self, collection: str) -> None:
        with connection.cursor() as cur:
            cur.execute(f"TRUNCATE {table(schema.get(collection).name)}")

    def count(self, collection: str) -> int:
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {table(schema.get(collection).name)}")
            return cur.fetchone()[0]

    def match(self, collection: str, query, fields: list[str] | None = None):
        parsed = self.parsed(query)
        spec, chosen = self.fields_of(collection, fields)
        if not parsed or not chosen:
            return None
        q, params = tsquery(parsed)
        sql = f"SELECT key FROM {table(spec.name)} WHERE all_tsv @@ {q}"
        if list(chosen) != list(spec.fields):
            sql += f" AND ({_vector_sql(chosen, spec, weighted=False)}) @@ {q}"
            params = params + params
        return RawSQL(sql, params)

    def rank_expression(self, collection: str, query, outer_pk_column: str, fields: list[str] | None = None):
        parsed = self.parsed(query)
        spec, chosen = self.fields_of(collection, fields)
        if not parsed or not chosen:
            return RawSQL("0.0::float", [])
        q, params = tsquery(parsed)
        vector = _vector_sql(chosen, spec, "s")
        return RawSQL(
            f"COALESCE((SELECT ts_rank({vector}, {q})::float FROM {table(spec.name)} s "
            f"WHERE s.key = {outer_pk_column} AND {vector} @@ {q}), 0.0)",
            params + params,
        )

    def scores(self, collection: str, query, fields: list[str] | None = None) -> dict:
        parsed = self.parsed(query)
        spec, chosen = self.fields_of(collection, fields)
        if not parsed or not chosen:
            return {}
        q, params = tsquery(parsed)
        vector = _vector_sql(chosen, spec)
        sql = f"SELECT key, ts_rank({vector}, {q})::float FROM {table(spec.name)} WHERE all_tsv @@ {q}"
        params = params + params
        if list(chosen) != list(spec.fields):
            sql += f" AND {vector} @@ {q}"
            params = params + params[: len(params) // 2]
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return dict(cur.fetchall())

    def stored(self, collection: str, keys: Iterable, fields: list[str]) -> dict[str, Fields]:
        spec, chosen = self.fields_of(collection, fields)
        keys = [self.db_key(spec, k) for k in keys]
        if not keys or not chosen:
            return {}
        with connection.cursor() as cur:
            cur.execute(f"SELECT key, {', '.join(chosen)} FROM {table(spec.name)} WHERE key = ANY(%s)", [keys])
            return {str(key): dict(zip(chosen, values)) for key, *values in cur.fetchall()}
