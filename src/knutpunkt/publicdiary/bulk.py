"""Recomputing the whole published projection in batches (`knutpunkt publish-diary`).

The decision for each object is the same function the event-driven path uses
(services.decide → the rule `reasons_not_published`, then `public_fields`); only the
reading and writing are set-based:

- The database first narrows the registry to *candidates* with conditions every
  publishable object must meet (not voided, not restricted, personal data
  publishable, not a secret title without a public title, in a publishing authority's
  chosen diaries, registered on or after the authority's first publishable day). These
  are necessary conditions only: every candidate is still judged by the full rule in
  Python, so the query can make the run faster but never publish more.
- Candidates are read in primary-key order with keyset pagination (no OFFSET), a
  batch per transaction, with diaries, authorities and units from a cache and the
  documents' correspondents in one query per batch.
- Each batch covers a range of primary keys. Published entries in that range whose
  object was not a candidate (or that the rule now refuses) are removed; that is how
  entries of authorities that stopped publishing, or objects that became secret, go.
- New entries are written with bulk_create, changed ones with bulk_update (an entry
  whose public text did not change is not written), and the same batch is indexed into
  the search engine's "public" collection in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Q
from django.utils import timezone

from knutpunkt.core import clock
from knutpunkt.organisations.models import Diary, Unit
from knutpunkt.registry.models import Case, Correspondent, Document, PersonalDataLevel

from . import search_index
from .models import PublicationSettings, PublishedEntry
from .services import apply_values, decide

# Every column of PublishedEntry that public_fields computes (not ids or timestamps).
PUBLIC_COLUMNS = [
    f.name for f in PublishedEntry._meta.concrete_fields
    if f.name not in ("id", "kind", "object_id", "published_at", "updated_at")
]

Progress = Callable[[str, int, int, float], None]  # kind, objects judged, entries written, seconds


class _Context:
    """What every batch needs and no batch should query again."""

    def __init__(self):
        self.pubs = {
            p.authority_id: p for p in PublicationSettings.objects.filter(enabled=True).prefetch_related("diaries")
        }
        self.diaries = {d.pk: d for d in Diary.objects.select_related("authority")}
        self.units = Unit.objects.in_bulk()
        self.now = clock.now()
        self.stamp = clock.now()

    def diaries_of(self, authority_id) -> list[int]:
        return [pk for pk, d in self.diaries.items() if d.authority_id == authority_id]


def _first_day(pub: PublicationSettings) -> dt.datetime | None:
    """The earliest registration time the rule can publish for this authority."""
    days = []
    if pub.published_from:
        days.append(pub.published_from)
    if pub.years_back is not None:
        days.append(dt.date(clock.today().year - pub.years_back, 1, 1))
    if not days:
        return None
    return timezone.make_aware(dt.datetime.combine(max(days), dt.time.min))


def candidates_q(model, ctx: _Context) -> Q:
    """Necessary conditions of the rule, for the database. Never stronger than the rule
    (tests/publicdiary/test_bulk.py checks both paths give the same rows)."""
    publishable = Q(voided_at__isnull=True, restricted=False, personal_data_level=PersonalDataLevel.PUBLISHABLE)
    publishable &= ~Q(title_secret=True, public_title="")
    if model is Document:
        publishable &= Q(case__isnull=True) | Q(
            case__voided_at__isnull=True, case__restricted=False, case__personal_data_level=PersonalDataLevel.PUBLISHABLE
        )
    scope = Q(pk__in=[])
    for pub in ctx.pubs.values():
        own = ctx.diaries_of(pub.authority_id)
        chosen = {d.pk for d in pub.diaries.all()}
        where = Q(diary_id__in=[pk for pk in own if pk in chosen] if chosen else own)
        since = _first_day(pub)
        if since is not None:
            where &= Q(registered_at__gte=since)
        scope |= where
    return publishable & scope


def _window(model, ctx: _Context, last, size: int) -> list[tuple]:
    """(pk, candidate) of the next `size` rows after `last`, in primary-key order.

    The rule's conditions are evaluated by the database in the select list, not in
    WHERE: the only condition there is the key range, so every database walks the
    primary key index whatever it knows (or does not know) about the data — with the
    conditions in WHERE, SQLite without statistics picks an index on them and sorts
    the whole table for every batch."""
    flag = models.Case(
        models.When(candidates_q(model, ctx), then=models.Value(True)), default=models.Value(False), output_field=models.BooleanField()
    )
    qs = model.objects.order_by("pk")
    if last is not None:
        qs = qs.filter(pk__gt=last)
    # Keys as the database gives them (SQLite: hex text), without making a UUID of each
    # of the many rows that are not candidates; the ORM takes them back as they are.
    sql, params = qs.annotate(candidate=flag).values_list("pk", "candidate")[:size].query.sql_with_params()
    with connections[DEFAULT_DB_ALIAS].cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


# What the rule and public_fields read. Loading only these makes a batch cheaper to
# build; a field read that is not here still works (Django loads it), only slower —
# tests/publicdiary/test_bulk.py counts the queries of a run.
CASE_FIELDS = (
    "id", "diary_id", "reference", "title", "public_title", "title_secret", "parties_secret", "voided_at", "restricted",
    "personal_data_level", "registered_at", "updated_at", "opened_date", "responsible_unit_id",
)
DOCUMENT_FIELDS = (
    "id", "case_id", "diary_id", "reference", "direction", "title", "public_title", "title_secret", "parties_secret",
    "voided_at", "restricted", "personal_data_level", "registered_at", "updated_at", "document_date",
)


def _load(model, ids: list) -> list:
    if model is Case:
        return list(Case.objects.only(*CASE_FIELDS).filter(pk__in=ids))
    documents = list(Document.objects.only(*DOCUMENT_FIELDS).filter(pk__in=ids))
    # Each case once (a case has about three documents), not once per document.
    cases = Case.objects.only(*CASE_FIELDS).in_bulk({d.case_id for d in documents if d.case_id})
    for d in documents:
        if d.case_id:
            d.case = cases[d.case_id]
    return documents


def _attach(obj, ctx: _Context) -> None:
    """Give an object (and a document's case) its diary, authority and unit from the
    cache, so the rule and public_fields read them without a query."""
    obj.diary = ctx.diaries[obj.diary_id]
    case = obj.case if isinstance(obj, Document) and obj.case_id else (obj if isinstance(obj, Case) else None)
    if case is not None:
        if case is not obj:
            case.diary = ctx.diaries[case.diary_id]
        case.responsible_unit = ctx.units.get(case.responsible_unit_id) if case.responsible_unit_id else None


@dataclass(frozen=True)
class _Party:
    kind: str
    organisation_name: str
    org_number: str
    is_protected_identity: bool


@dataclass(frozen=True)
class _Correspondent:
    role: str
    party: _Party


def _correspondents(documents: list[Document]) -> dict:
    """The batch's correspondents, as plain rows with what public_correspondent reads
    (a party has no other attribute here: reading one would fail loudly, not leak)."""
    ids = [d.pk for d in documents if not d.parties_secret and not (d.case_id and d.case.parties_secret)]
    found = defaultdict(list)
    if ids:
        rows = Correspondent.objects.filter(document_id__in=ids).values_list(
            "document_id", "role", "party__kind", "party__organisation_name", "party__org_number", "party__is_protected_identity",
        )
        for document_id, role, *party in rows:
            found[document_id].append(_Correspondent(role, _Party(*party)))
    return found


def _existing(kind: str, lo, hi) -> dict:
    """Published entries of `kind` whose object_id lies in the batch's range (lo, hi]."""
    qs = PublishedEntry.objects.filter(kind=kind)
    if lo is not None:
        qs = qs.filter(object_id__gt=lo)
    if hi is not None:
        qs = qs.filter(object_id__lte=hi)
    return {e.object_id: e for e in qs}


def _write_batch(kind: str, objs: list, lo, hi, ctx: _Context, counts: dict, *, fresh: bool = False) -> int:
    # Read even after a rebuild emptied the table: the worker may have published
    # something since.
    existing = _existing(kind, lo, hi)
    correspondents = _correspondents(objs) if kind == PublishedEntry.Kind.DOCUMENT else {}
    new, changed, gone = [], [], []
    for obj in objs:
        _attach(obj, ctx)
        outcome, values = decide(obj, ctx.pubs.get(obj.diary.authority_id), ctx.now, correspondents.get(obj.pk, []))
        entry = existing.pop(obj.pk, None)
        if outcome.state == "published":
            counts["published"] += 1
            if entry is None:
                new.append((obj.pk, values))
            elif apply_values(entry, values):
                entry.updated_at = ctx.stamp
                changed.append(entry)
        elif outcome.state == "waiting":
            counts["waiting"] += 1  # an entry already published stays as it is until due
        else:
            counts["not_published"] += 1
            if entry is not None:
                gone.append(entry)
    gone += existing.values()  # in range, but no longer a candidate: the rule refuses them
    _insert(kind, new, ctx.stamp)
    if changed:
        PublishedEntry.objects.bulk_update(changed, [*PUBLIC_COLUMNS, "updated_at"], batch_size=500)
    if gone:
        PublishedEntry.objects.filter(pk__in=[e.pk for e in gone]).delete()
        search_index.remove_many(e.object_id for e in gone)
        counts["removed"] += len(gone)
    if fresh:
        # After a rebuild emptied the collection, a new entry cannot be in it yet
        # (anything published since is among `existing`): the database builds the rows.
        search_index.add_new([pk for pk, _ in new])
    else:
        search_index.add_values(
            (pk, search_index.fields_from(v["reference"], v["case_reference"], v["public_title"], v["correspondent"]))
            for pk, v in new
        )
    search_index.add_many(changed)
    return len(new) + len(changed)


_INSERT_FIELDS = [f for f in PublishedEntry._meta.concrete_fields if not f.primary_key]
_AS_IS = {"CharField", "TextField", "ForeignKey", "IntegerField", "BigIntegerField", "PositiveIntegerField", "BooleanField"}


def _converter(field, conn):
    """How a value of this field goes to the database: text and integers as they are;
    uuids, dates and times as the ORM sends them (SQLite keeps a uuid as 32 hex digits
    and a time as UTC text) — the same adapters, without the ORM's per-value layers."""
    kind = field.get_internal_type()
    if kind in _AS_IS:
        return None
    if kind == "UUIDField":
        return None if conn.features.has_native_uuid_field else (lambda v: v.hex)
    if kind == "DateTimeField":
        return conn.ops.adapt_datetimefield_value
    if kind == "DateField":
        return conn.ops.adapt_datefield_value
    return lambda v: field.get_db_prep_save(v, conn)


def _insert(kind: str, rows: list[tuple], stamp: dt.datetime) -> None:
    """INSERT new entries with executemany: bulk_create's per-value machinery cost more
    than the rest of a batch. Values go through each field's get_db_prep_save, as the
    ORM would send them."""
    if not rows:
        return
    conn = connections[DEFAULT_DB_ALIAS]  # the connection itself: the proxy costs a lookup per value
    fields = _INSERT_FIELDS
    qn = conn.ops.quote_name
    sql = (
        f"INSERT INTO {qn(PublishedEntry._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    convert = [_converter(f, conn) for f in fields]
    params = []
    for object_id, values in rows:
        row = {**values, "kind": kind, "object_id": object_id, "published_at": stamp, "updated_at": stamp}
        params.append([
            row[f.attname] if c is None or row[f.attname] is None else c(row[f.attname]) for f, c in zip(fields, convert)
        ])
    with conn.cursor() as cur:
        cur.executemany(sql, params)


def publish_all(*, rebuild: bool = False, batch: int = 5000, progress: Progress | None = None) -> dict:
    """Bring the whole projection (and the public search collection) in step with the
    registry: publish what is due, remove what may no longer be published. With
    rebuild the projection and its collection are emptied first."""
    counts = {"published": 0, "waiting": 0, "not_published": 0, "removed": 0, "written": 0}
    with _big_cache():
        return _publish_all(counts, rebuild=rebuild, batch=batch, progress=progress)


@contextmanager
def _big_cache():
    """SQLite: a 256 MB page cache while the run lasts (default 2 MB). The projection's
    indexes are written in random order; with the small cache every batch reads and
    writes the same pages again."""
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor != "sqlite":
        yield
        return
    with conn.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        before = cur.fetchone()[0]
        cur.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with conn.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {int(before)}")


def _publish_all(counts: dict, *, rebuild: bool, batch: int, progress: Progress | None) -> dict:
    ctx = _Context()
    if rebuild:
        with transaction.atomic():
            search_index.clear()
            PublishedEntry.objects.all().delete()
    started = time.monotonic()
    with search_index.rebuilding() if rebuild else nullcontext():
        for model in (Case, Document):
            kind = PublishedEntry.Kind.DOCUMENT if model is Document else PublishedEntry.Kind.CASE
            last, judged = None, 0
            while True:
                with transaction.atomic():
                    rows = _window(model, ctx, last, batch)
                    # The last window reaches to the end of the key space, so entries
                    # past the last registry row are removed too.
                    hi = rows[-1][0] if len(rows) == batch else None
                    objs = _load(model, [pk for pk, candidate in rows if candidate])
                    counts["written"] += _write_batch(kind, objs, last, hi, ctx, counts, fresh=rebuild)
                judged += len(objs)
                if progress:
                    progress(kind, judged, counts["written"], time.monotonic() - started)
                if hi is None:
                    break
                last = hi
    return counts
