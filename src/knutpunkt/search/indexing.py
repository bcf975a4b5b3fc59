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

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable

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
    parties = CaseParty.objects.filter(case_id__in=[c[0] for c in cases]).values_list(
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
    for doc_id, kind, first, last, org, protected in Correspondent.objects.filter(document_id__in=ids).values_list(
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

BUILDERS: dict[str, tuple[str, Callable[[list], list]]] = {
    "cases": ("registry.Case", case_rows),
    "documents": ("registry.Document", document_rows),
}


def register_builder(collection: str, model_path: str, build: Callable[[list], list]) -> None:
    """Let another app's collection be rebuilt by `knutpunkt reindex` (call it from
    AppConfig.ready): `build` gets a batch of `model_path` primary keys, in order, and
    returns (engine key, fields) rows — the key need not be the primary key."""
    BUILDERS[collection] = (model_path, build)


def rebuild(collection: str, *, batch: int = 2000, progress: Callable[[int, int, float], None] | None = None) -> int:
    """Empty a collection and index everything again, one transaction per batch.

    Keys are read in primary-key order with keyset pagination (no OFFSET), so the
    cost per batch stays flat at millions of rows."""
    from django.apps import apps

    model_path, build = BUILDERS[collection]
    model = apps.get_model(model_path)
    engine = get_engine()
    total = model.objects.count()
    with transaction.atomic():
        engine.clear(collection)
    done, last, started = 0, None, time.monotonic()
    while True:
        qs = model.objects.order_by("pk")
        if last is not None:
            qs = qs.filter(pk__gt=last)
        ids = list(qs.values_list("pk", flat=True)[:batch])
        if not ids:
            break
        with transaction.atomic():
            done += engine.index_many(collection, build(ids), replace=False)
        last = ids[-1]
        if progress:
            progress(done, total, time.monotonic() - started)
    return done


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
