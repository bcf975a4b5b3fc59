"""What goes into the index, and keeping it current.

Collection "cases" (key: case id): reference, title, public_title, description,
parties (names of parties without skyddad identitet) and protected_parties (names of
parties with it — matched only for readers with that right in the diary).

Collection "documents" (key: document id): reference, title, public_title, parties
(senders/recipients), protected_parties, files (text of the current version of files
not marked secret on their own) and secret_files (of files that are).

Everything is indexed; what a reader may match is decided at query time by the
access policy (search.queries), so a change of secrecy marking needs no reindex to
take effect. The index follows changes through the outbox: every case.*, document.*
and file.* event (secrecy events included) reindexes its case and document — one
case row and one document row, cheap — in the background worker.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction

from knutpunkt.core import events as core_events

from .engine import get_engine
from .extract import text_of_blob

log = logging.getLogger(__name__)

MAX_DOCUMENT_TEXT = 500_000  # characters of file text per document
EVENT_PREFIXES = ("case.", "document.", "file.")


def _name(kind, first, last, org) -> str:
    return (org or "") if kind == "organisation" else f"{first or ''} {last or ''}".strip()


def case_rows(case_ids: list) -> list[tuple[object, dict]]:
    """(key, fields) for each existing case among `case_ids`, in few queries."""
    from knutpunkt.registry.models import Case, CaseParty

    cases = list(Case.objects.filter(pk__in=case_ids).values_list("pk", "reference", "title", "public_title", "description"))
    names: dict = defaultdict(lambda: ([], []))
    parties = CaseParty.objects.filter(case_id__in=[c[0] for c in cases]).order_by("pk").values_list(
        "case_id", "party__kind", "party__first_name", "party__last_name", "party__organisation_name", "party__is_protected_identity"
    )
    for case_id, kind, first, last, org, protected in parties:
        names[case_id][1 if protected else 0].append(_name(kind, first, last, org))
    rows = []
    for pk, reference, title, public_title, description in cases:
        open_names, protected_names = names[pk] if pk in names else ([], [])
        rows.append((pk, {
            "reference": reference, "title": title, "public_title": public_title, "description": description,
            "parties": "\n".join(open_names), "protected_parties": "\n".join(protected_names),
        }))
    return rows


def document_rows(document_ids: list) -> list[tuple[object, dict]]:
    from knutpunkt.files.models import Blob, File
    from knutpunkt.registry.models import Correspondent, Document

    docs = list(Document.objects.filter(pk__in=document_ids).values_list("pk", "reference", "title", "public_title"))
    ids = [d[0] for d in docs]
    names: dict = defaultdict(lambda: ([], []))
    for doc_id, kind, first, last, org, protected in Correspondent.objects.filter(document_id__in=ids).order_by("pk").values_list(
        "document_id", "party__kind", "party__first_name", "party__last_name", "party__organisation_name", "party__is_protected_identity"
    ):
        names[doc_id][1 if protected else 0].append(_name(kind, first, last, org))
    texts: dict = defaultdict(lambda: ([], []))
    files = File.objects.filter(document_id__in=ids, current_version__isnull=False).order_by("created_at").values_list(
        "document_id", "is_secret", "current_version__blob_id"
    )
    blobs = {}
    for doc_id, secret, sha in files:
        blob = blobs.get(sha) or Blob.objects.filter(pk=sha).first()
        if blob is None:
            continue
        blobs[sha] = blob
        texts[doc_id][1 if secret else 0].append(text_of_blob(blob))
    rows = []
    for pk, reference, title, public_title in docs:
        open_names, protected_names = names[pk] if pk in names else ([], [])
        open_text, secret_text = texts[pk] if pk in texts else ([], [])
        rows.append((pk, {
            "reference": reference, "title": title, "public_title": public_title,
            "parties": "\n".join(open_names), "protected_parties": "\n".join(protected_names),
            "files": "\n\n".join(open_text)[:MAX_DOCUMENT_TEXT], "secret_files": "\n\n".join(secret_text)[:MAX_DOCUMENT_TEXT],
        }))
    return rows


def index_case(case_id) -> None:
    rows = case_rows([case_id])
    if rows:
        get_engine().index_many("cases", rows)
    else:
        get_engine().delete("cases", case_id)


def index_document(document_id) -> None:
    rows = document_rows([document_id])
    if rows:
        get_engine().index_many("documents", rows)
    else:
        get_engine().delete("documents", document_id)


def on_event(event) -> None:
    """Outbox subscriber: reindex what the event touched."""
    if event.case_id:
        index_case(event.case_id)
    if event.document_id:
        index_document(event.document_id)


def subscribe() -> None:
    for prefix in EVENT_PREFIXES:
        core_events.subscribe(prefix, on_event)


# --- full rebuild ------------------------------------------------------------------


@dataclass(frozen=True)
class Builder:
    model_path: str
    build: Callable[[list], list]  # primary keys -> (engine key, fields) rows
    # (after, upto) primary keys -> (SQL, params, pks for `build`): a SELECT of the
    # rows in that key range the database can assemble itself (key, then the
    # collection's fields in order), and the keys of those it cannot (files).
    bulk: Callable[[object, object], tuple[str, list, list]] | None = None
    # Models (app_label.Model) the bulk SQL reads: their statistics are refreshed
    # first on PostgreSQL, where a freshly loaded table without any (generate-data,
    # a restore) makes the planner scan a whole table per row.
    reads: tuple[str, ...] = ()


BUILDERS: dict[str, Builder] = {}


def register_builder(collection: str, model_path: str, build: Callable[[list], list], bulk=None, reads=()) -> None:
    """Let another app's collection be rebuilt by `knutpunkt reindex` (call it from
    AppConfig.ready): `build` gets a batch of `model_path` primary keys, in order, and
    returns (engine key, fields) rows — the key need not be the primary key. `bulk`
    (optional, see Builder) lets the database build the rows without Python; it must
    give exactly what `build` gives."""
    BUILDERS[collection] = Builder(model_path, build, bulk, tuple(reads))


def rebuild(
    collection: str, *, batch: int = 10000, jobs: int = 1, progress: Callable[[int, int, float], None] | None = None
) -> int:
    """Empty a collection and index everything again, one transaction per batch.

    Batches are ranges of primary keys found with keyset pagination (no OFFSET), so
    the cost per batch stays flat at millions of rows. Where the collection has a bulk
    source, the database builds each batch's rows itself (index_select); only what
    needs Python (file text) is built here. On PostgreSQL `jobs` batches run at once,
    each on its own connection (not inside a transaction: other connections would not
    see its rows; SQLite writes one at a time anyway).

    During the rebuild the backend may drop its secondary index (PostgreSQL: the GIN
    index, so searches are slower meanwhile); it is put back at the end — also when the
    rebuild fails, and if the process is killed, by the next rebuild or `knutpunkt
    migrate` (Engine.ensure_schema)."""
    from django.apps import apps
    from django.db import connection, connections

    builder = BUILDERS[collection]
    model = apps.get_model(builder.model_path)
    engine = get_engine()
    total = model.objects.count()
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        jobs = 1
    if connection.vendor == "postgresql" and builder.bulk is not None:
        tables = [apps.get_model(label)._meta.db_table for label in (builder.model_path, *builder.reads)]
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {', '.join(dict.fromkeys(tables))}")
    with transaction.atomic():
        engine.clear(collection)
    engine.begin_rebuild(collection)
    lock = threading.Lock()
    ranges = _batches(model, batch, with_ids=builder.bulk is None)
    state = {"done": 0, "error": None}
    started = time.monotonic()

    def load(after, upto, ids) -> int:
        with transaction.atomic():
            if builder.bulk is None:
                return engine.index_many(collection, builder.build(ids), replace=False)
            sql, params, python_ids = builder.bulk(after, upto)
            count, refused = engine.index_select(collection, sql, params)
            python_ids = list(python_ids) + list(refused)
            if python_ids:
                count += engine.index_many(collection, builder.build(python_ids), replace=False)
            return count

    def work() -> None:
        try:
            while True:
                with lock:
                    if state["error"] is not None:
                        return
                    batch_range = next(ranges, None)
                if batch_range is None:
                    return
                count = load(*batch_range)
                with lock:
                    state["done"] += count
                    if progress:
                        progress(state["done"], total, time.monotonic() - started)
        except BaseException as exc:
            with lock:
                state["error"] = state["error"] or exc
        finally:
            if jobs > 1:
                connections.close_all()  # this thread's connections only

    try:
        if jobs > 1:
            threads = [threading.Thread(target=work, name=f"reindex-{collection}-{i}") for i in range(jobs)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        else:
            work()
        if state["error"] is not None:
            raise state["error"]
    finally:
        engine.end_rebuild(collection)
    return state["done"]


# --- the database's share of a rebuild: the same rows as case_rows/document_rows -------

@functools.cache
def _whitespace() -> str:
    """What str.strip() removes, for the SQL that mirrors _name."""
    return "".join(ch for ch in map(chr, range(0x110000)) if ch.isspace())


def _names_join(through: str, owner: str, alias: str, after, upto) -> tuple[str, list]:
    """A join giving `p.open` and `p.protected` per owner row (`alias`): its parties'
    names joined by newlines, open and protected apart, in the through table's id
    order (as the Python path)."""
    from django.db import connection

    from knutpunkt.registry.models import Party

    party = Party._meta.db_table
    trim = "trim" if connection.vendor == "sqlite" else "btrim"
    name = (
        "CASE WHEN pa.kind = 'organisation' THEN coalesce(pa.organisation_name, '') "
        f"ELSE {trim}(coalesce(pa.first_name, '') || ' ' || coalesce(pa.last_name, ''), %s) END"
    )
    if connection.vendor == "postgresql":
        # LATERAL: an index lookup per row, whatever the size of the party table (a
        # hash join would read all parties once per batch).
        sql = (
            f"LEFT JOIN LATERAL (SELECT "
            f"string_agg({name}, chr(10) ORDER BY t.id) FILTER (WHERE NOT pa.is_protected_identity) AS open, "
            f"string_agg({name}, chr(10) ORDER BY t.id) FILTER (WHERE pa.is_protected_identity) AS protected "
            f"FROM {through} t JOIN {party} pa ON pa.id = t.party_id WHERE t.{owner} = {alias}.id) p ON true"
        )
        return sql, [_whitespace(), _whitespace()]
    # SQLite before 3.44 has no ORDER BY inside an aggregate; as a window function over
    # the whole partition, ordered, group_concat keeps the order.
    where, params = _range("t." + owner, after, upto)
    window = f"PARTITION BY t.{owner} ORDER BY t.id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"
    sql = (
        "LEFT JOIN (SELECT owner, max(open) AS open, max(protected) AS protected FROM ("
        f"SELECT t.{owner} AS owner, "
        f"group_concat(CASE WHEN NOT pa.is_protected_identity THEN {name} END, char(10)) OVER ({window}) AS open, "
        f"group_concat(CASE WHEN pa.is_protected_identity THEN {name} END, char(10)) OVER ({window}) AS protected "
        f"FROM {through} t JOIN {party} pa ON pa.id = t.party_id WHERE {where}) GROUP BY owner) p ON p.owner = {alias}.id"
    )
    return sql, [_whitespace(), _whitespace(), *params]


def _range(column: str, after, upto) -> tuple[str, list]:
    from django.db import connection

    from knutpunkt.registry.models import Case

    prep = Case._meta.pk.get_db_prep_value  # every key here is a UUID primary key or a reference to one
    parts, params = ["1 = 1"], []
    if after is not None:
        parts.append(f"{column} > %s")
        params.append(prep(after, connection))
    if upto is not None:
        parts.append(f"{column} <= %s")
        params.append(prep(upto, connection))
    return " AND ".join(parts), params


def case_source(after, upto) -> tuple[str, list, list]:
    from knutpunkt.registry.models import Case, CaseParty

    names, name_params = _names_join(CaseParty._meta.db_table, "case_id", "c", after, upto)
    where, params = _range("c.id", after, upto)
    sql = (
        "SELECT c.id AS key, c.reference AS reference, c.title AS title, c.public_title AS public_title, "
        "c.description AS description, coalesce(p.open, '') AS parties, coalesce(p.protected, '') AS protected_parties "
        f"FROM {Case._meta.db_table} c {names} WHERE {where}"
    )
    return sql, name_params + params, []


def document_source(after, upto) -> tuple[str, list, list]:
    """Documents without files come from SQL; those with files (text from extract.py)
    are built in Python."""
    from knutpunkt.files.models import File
    from knutpunkt.registry.models import Correspondent, Document

    names, name_params = _names_join(Correspondent._meta.db_table, "document_id", "d", after, upto)
    where, params = _range("d.id", after, upto)
    files = File._meta.db_table
    sql = (
        "SELECT d.id AS key, d.reference AS reference, d.title AS title, d.public_title AS public_title, "
        "coalesce(p.open, '') AS parties, coalesce(p.protected, '') AS protected_parties, '' AS files, '' AS secret_files "
        f"FROM {Document._meta.db_table} d {names} WHERE {where} "
        f"AND NOT EXISTS (SELECT 1 FROM {files} f WHERE f.document_id = d.id AND f.current_version_id IS NOT NULL)"
    )
    with_files = File.objects.filter(current_version__isnull=False)
    if after is not None:
        with_files = with_files.filter(document_id__gt=after)
    if upto is not None:
        with_files = with_files.filter(document_id__lte=upto)
    return sql, name_params + params, list(with_files.order_by("document_id").values_list("document_id", flat=True).distinct())


register_builder("cases", "registry.Case", case_rows, case_source, reads=("registry.CaseParty", "registry.Party"))
register_builder(
    "documents", "registry.Document", document_rows, document_source,
    reads=("registry.Correspondent", "registry.Party", "files.File"),
)


def _batches(model, size: int, *, with_ids: bool):
    """(after, upto, ids) per batch of `size` rows in primary-key order: the range is
    after < pk <= upto (None: unbounded); ids are listed only when asked for."""
    after = None
    while True:
        qs = model.objects.order_by("pk")
        if after is not None:
            qs = qs.filter(pk__gt=after)
        if with_ids:
            ids = list(qs.values_list("pk", flat=True)[:size])
            if not ids:
                return
            yield after, ids[-1], ids
            after = ids[-1]
            continue
        upto = next(iter(qs.values_list("pk", flat=True)[size - 1 : size]), None)
        if upto is None:
            if not qs.exists():
                return
            yield after, None, None
            return
        yield after, upto, None
        after = upto


def analyze() -> None:
    """Refresh the planner's statistics after a rebuild. Without them SQLite starts
    from the reader's diaries instead of the index's hits (seconds instead of
    milliseconds at 100 000 cases)."""
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("PRAGMA analysis_limit=1000")
            cur.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            for name in BUILDERS:
                cur.execute("SELECT to_regclass(%s) IS NOT NULL", [f"search_index_{name}"])
                if cur.fetchone()[0]:
                    cur.execute(f"ANALYZE search_index_{name}")


def reindex_cases(ids: Iterable) -> None:
    """Reindex some cases and their documents now (for callers that cannot wait for
    the worker, e.g. tests or an import)."""
    from knutpunkt.registry.models import Document

    ids = list(ids)
    engine = get_engine()
    engine.index_many("cases", case_rows(ids))
    doc_ids = list(Document.objects.filter(case_id__in=ids).values_list("pk", flat=True))
    if doc_ids:
        engine.index_many("documents", document_rows(doc_ids))
