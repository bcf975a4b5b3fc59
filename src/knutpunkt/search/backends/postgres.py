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
from . import pg_bulk_words as bulk_words

MAX_VECTOR_TEXT = 100_000  # characters of words per field; tsvector is limited to 1 MB
REBUILD_MAINTENANCE_WORK_MEM = "256MB"  # while the GIN index is built after a rebuild


def table(name: str) -> str:
    return f"search_index_{name}"


def create_statements(spec: schema.Collection) -> list[str]:
    key_type = "uuid" if spec.key_type == "uuid" else "text"
    cols = ", ".join(f"{f} text NOT NULL DEFAULT '', {f}_tsv tsvector" for f in spec.fields)
    tbl = table(spec.name)
    return [f"CREATE TABLE IF NOT EXISTS {tbl} (key {key_type} PRIMARY KEY, {cols}, all_tsv tsvector)", gin_statement(spec.name)]


def gin_statement(name: str) -> str:
    tbl = table(name)
    return f"CREATE INDEX IF NOT EXISTS {tbl}_all_gin ON {tbl} USING gin (all_tsv)"


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


def _insert_sql(spec: schema.Collection, source: str, conflict: str) -> str:
    """INSERT … SELECT from `source`, a relation with the columns key, and per field
    `<field>` (its text) and `<field>__words` (its words joined by spaces): the vectors
    are built here, in one statement for all rows."""
    # No words, no vector: the same empty tsvector to_tsvector would give, without
    # asking both configurations (most fields of most rows are empty).
    vectors = ", ".join(
        f"v.{f}, CASE WHEN v.{f}__words = '' THEN ''::tsvector "
        f"ELSE to_tsvector('swedish', v.{f}__words) || to_tsvector('simple', v.{f}__words) END"
        for f in spec.fields
    )
    columns = ["key"] + [c for f in spec.fields for c in (f, f"{f}_tsv")]
    weighted = " || ".join(f"setweight(w.{f}_tsv, '{spec.weight(f)}')" for f in spec.fields)
    if conflict == "update":
        on_conflict = "DO UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in columns[1:] + ["all_tsv"])
    else:
        on_conflict = "DO NOTHING"
    # OFFSET 0 keeps the planner from inlining the subquery, which would compute the
    # words of a field once per configuration.
    return (
        f"INSERT INTO {table(spec.name)} ({', '.join(columns)}, all_tsv) "
        f"SELECT w.*, {weighted} FROM (SELECT v.key, {vectors} FROM ({source} OFFSET 0) v) w({', '.join(columns)}) "
        f"ON CONFLICT (key) {on_conflict}"
    )


def _bulk_sql(spec: schema.Collection, sql: str) -> str:
    """index_select's one statement: rows whose text bulk_words can cut into words
    exactly as search.parsing does are inserted; the keys of the others come back."""
    fields = spec.fields
    texts = ", ".join(f"coalesce(q.{f}, '') AS {f}" for f in fields)
    exact = bulk_words.exact_sql([f"s.{f}" for f in fields], "p")
    words = ", ".join(f"s.{f}, {bulk_words.words_sql(f's.{f}', 'p')} AS {f}__words" for f in fields)
    return (
        f"WITH p AS ({bulk_words.PARAMS_SQL}), "
        f"s AS (SELECT q.key, {texts} FROM ({sql}) AS q(key, {', '.join(fields)})), "
        f"c AS MATERIALIZED (SELECT s.*, {exact} AS exact FROM s, p), "
        f"ins AS ({_insert_sql(spec, f'SELECT s.key, {words} FROM c s, p WHERE s.exact', 'nothing')} RETURNING 1) "
        f"SELECT (SELECT count(*) FROM ins), ARRAY(SELECT key FROM c WHERE NOT c.exact)"
    )


class PostgresEngine(Engine):
    vendor = "postgresql"

    def index_many(self, collection: str, rows: Iterable[tuple[object, Fields]], replace: bool = True) -> int:
        spec = schema.get(collection)
        latest: dict = {}
        for key, fields in rows:  # one statement for all rows: a key given twice keeps its last fields
            latest[self.db_key(spec, key)] = fields
        if not latest:
            return 0
        key_cast = "uuid" if spec.key_type == "uuid" else "text"
        arrays = [list(latest)]
        casts = [f"%s::{key_cast}[]"]
        for f in spec.fields:
            texts = [fields.get(f) or "" for fields in latest.values()]
            arrays += [texts, [" ".join(words_of(text))[:MAX_VECTOR_TEXT] for text in texts]]
            casts += ["%s::text[]", "%s::text[]"]
        names = ", ".join(["key"] + [c for f in spec.fields for c in (f, f"{f}__words")])
        source = f"SELECT * FROM unnest({', '.join(casts)}) AS v({names})"
        with connection.cursor() as cur:
            cur.execute(_insert_sql(spec, source, "update"), arrays)
        return len(latest)

    # --- bulk loading ------------------------------------------------------------
    def begin_rebuild(self, collection: str) -> None:
        # Filling a GIN index row by row costs more than building it once at the end.
        with connection.cursor() as cur:
            cur.execute(f"DROP INDEX IF EXISTS {table(schema.get(collection).name)}_all_gin")

    def end_rebuild(self, collection: str) -> None:
        with connection.cursor() as cur:
            cur.execute("SHOW maintenance_work_mem")
            before = cur.fetchone()[0]
            # More memory means fewer, larger merges while the index is built (a
            # session setting, reset at once).
            cur.execute(f"SET maintenance_work_mem = '{REBUILD_MAINTENANCE_WORK_MEM}'")
            try:
                cur.execute(gin_statement(schema.get(collection).name))
            finally:
                cur.execute("SELECT set_config('maintenance_work_mem', %s, false)", [before])

    def ensure_schema(self) -> None:
        with connection.cursor() as cur:
            for name in schema.COLLECTIONS:
                cur.execute("SELECT to_regclass(%s) IS NOT NULL", [table(name)])
                if cur.fetchone()[0]:
                    cur.execute(gin_statement(name))

    def index_select(self, collection: str, sql: str, params: list) -> tuple[int, list]:
        spec = schema.get(collection)
        with connection.cursor() as cur:
            cur.execute("SHOW server_encoding")
            if cur.fetchone()[0] != "UTF8":  # the word rules below are written in Unicode code points
                return super().index_select(collection, sql, params)
            cur.execute(_bulk_sql(spec, sql), [*bulk_words.PARAMS, *params])
            count, refused = cur.fetchone()
        return count, list(refused or [])

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

    def hits(self, collection: str, query, groups: list[list[str]]) -> dict:
        parsed = self.parsed(query)
        spec = schema.get(collection)
        if not parsed:
            return {}
        chosen = [self.fields_of(collection, fields)[1] for fields in groups]
        q, params = tsquery(parsed)
        # One GIN scan; which fields matched is tested on the rows it found, field by
        # field (cheaper than concatenating vectors). A group matches when one of its
        # fields does — the same as matching their concatenation, for one term.
        partial = [fields for fields in chosen if list(fields) != list(spec.fields)]
        wanted = [f for f in spec.fields if any(f in fields for fields in partial)]
        flags = [f"coalesce({f}_tsv @@ {q}, false)" for f in wanted]
        sql = f"SELECT key{''.join(', ' + flag for flag in flags)} FROM {table(spec.name)} WHERE all_tsv @@ {q}"
        masks = {f: sum(1 << i for i, fields in enumerate(chosen) if f in fields and fields in partial) for f in wanted}
        every = sum(1 << i for i, fields in enumerate(chosen) if list(fields) == list(spec.fields))
        out: dict = {}
        with connection.cursor() as cur:
            cur.execute(sql, params * len(flags) + params)
            for key, *matched in cur.fetchall():
                mask = every
                for f, hit in zip(wanted, matched):
                    if hit:
                        mask |= masks[f]
                if mask:
                    out[key] = mask
        return out

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
