"""The bulk rebuild (`knutpunkt reindex`: rows built inside the database) stores exactly
what the per-event path (case_rows/document_rows + index_many) stores, and the
PostgreSQL GIN index survives a failed rebuild."""

import dataclasses
import io
import re

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from knutpunkt.files import services as files
from knutpunkt.registry import services
from knutpunkt.registry.models import Case, Document, Party
from knutpunkt.search import indexing, schema
from knutpunkt.search.engine import get_engine
from knutpunkt.search.parsing import words_of
from tests.factories import PartyFactory

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL backend only")

ODD_TEXTS = [
    "Ansökan om ekonomiskt bistånd – Åsa Öberg",  # en dash, Swedish capitals
    "ÅRE ÄNGEN ÉCOLE ÜBER ÆRØ",  # the capitals lowered in SQL
    "Łukasz Šimek, İstanbul",  # capitals left to Python
    "Ελληνικά και 日本語 och emoji 😀",  # outside the SQL's characters
    "ett ord som är " + "x" * 70 + " långt",  # a word cut at 60 characters
    "KS 2024/17, e-post a.b@example.se; 50 % av 1 000 kr; ²³ ½ µ",
    "tab\tnyrad\nretur\r slut  ",
    "combining a\u030a is not å",
    "",
]


def snapshot(collection: str) -> dict:
    """Everything stored per key: texts, and on PostgreSQL every vector."""
    spec = schema.get(collection)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cols = ", ".join(f"{f}, {f}_tsv::text" for f in spec.fields)
            cur.execute(f"SELECT key::text, {cols}, all_tsv::text FROM search_index_{collection}")
        else:
            cols = ", ".join(f"f.{f}" for f in spec.fields)
            cur.execute(
                f"SELECT k.key, {cols} FROM search_fts_{collection} f JOIN search_key k ON k.id = f.rowid AND k.collection = %s",
                [collection],
            )
        return {row[0]: row[1:] for row in cur.fetchall()}


@pytest.fixture
def odd_registry(diary, registrator):
    """Cases and documents with several parties (open, protected, organisations,
    names with whitespace around them) and the texts the SQL must treat exactly as
    Python does — or leave to Python."""
    org = diary.authority.organisation
    cases = []
    for i, text in enumerate(ODD_TEXTS):
        case = services.register_case(diary, actor=registrator, title=f"Ärende {i} {text}".strip())
        Case.objects.filter(pk=case.pk).update(description=text, public_title=text[:20])
        parties = [
            PartyFactory(organisation=org, first_name=f" {text[:10]}\u00a0", last_name=f"Andersson{i}\t"),
            PartyFactory(organisation=org, first_name="", last_name=f"Öberg{i}", is_protected_identity=True),
            PartyFactory(organisation=org, kind=Party.Kind.ORGANISATION, first_name="x", organisation_name=f"Bolaget {text[:15]} AB"),
            PartyFactory(organisation=org, first_name="Eva", last_name="Ek", is_protected_identity=True),
        ]
        for party in parties[:: (1 if i % 2 else -1)]:  # insertion order differs from name order
            services.add_party(case, party, "sokande", actor=registrator)
        services.add_party(case, parties[0], "ombud", actor=registrator)  # the same party twice
        doc = services.register_document(
            actor=registrator, case=case, direction="inkommande", title=f"Skrivelse {text}".strip() or "Skrivelse",
            correspondents=[(parties[1], "avsandare"), (parties[0], "avsandare"), (parties[2], "avsandare")],
        )
        if i % 3 == 0:
            files.add_file(doc, io.BytesIO(f"Bilaga med text om {text} och solceller".encode()), "bilaga.txt", actor=registrator)
        services.register_document(actor=registrator, case=case, direction="upprattad", title="Tjänsteskrivelse")
        cases.append(case)
    return cases


def test_bulk_rebuild_stores_what_the_event_path_stores(odd_registry, monkeypatch):
    engine = get_engine()
    for collection in ("cases", "documents"):
        engine.clear(collection)
    indexing.reindex_cases([c.pk for c in odd_registry])  # the per-event path
    per_row = {c: snapshot(c) for c in ("cases", "documents")}
    assert len(per_row["cases"]) == Case.objects.count() and len(per_row["documents"]) == Document.objects.count()

    built_in_python = []
    for collection in ("cases", "documents"):
        builder = indexing.BUILDERS[collection]

        def recording(ids, build=builder.build):
            built_in_python.extend(ids)
            return build(ids)

        monkeypatch.setitem(indexing.BUILDERS, collection, dataclasses.replace(builder, build=recording))
        assert indexing.rebuild(collection, batch=4) == len(per_row[collection])
        assert snapshot(collection) == per_row[collection]

    # The database did the work for the plain rows; Python only for file text (and, on
    # PostgreSQL, for text outside the characters its SQL handles).
    with_files = set(Document.objects.filter(files__isnull=False).values_list("pk", flat=True))
    assert with_files and with_files <= set(built_in_python)
    plain = Document.objects.filter(title="Tjänsteskrivelse").values_list("pk", flat=True)
    assert not set(plain) & set(built_in_python)
    greek = Case.objects.get(title__contains="Ελληνικά").pk
    assert (greek in built_in_python) == (connection.vendor == "postgresql")


def test_rebuild_twice_and_with_others_indexing_meanwhile(odd_registry):
    engine = get_engine()
    assert indexing.rebuild("cases", batch=5) == len(odd_registry)
    first = snapshot("cases")
    # A key indexed by the worker during a rebuild is kept, not duplicated.
    engine.clear("cases")
    indexing.reindex_cases([odd_registry[0].pk])
    count, refused = engine.index_select("cases", *indexing.case_source(None, None)[:2])
    assert count + len(refused) == len(odd_registry) - 1
    assert engine.count("cases") == len(odd_registry) - len(refused)
    assert indexing.rebuild("cases", batch=1000) == len(odd_registry)
    assert snapshot("cases") == first


def _gin_exists(collection: str) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [f"search_index_{collection}_all_gin"])
        return cur.fetchone() is not None


@postgres_only
def test_gin_index_comes_back_after_a_failed_rebuild(odd_registry, monkeypatch):
    builder = indexing.BUILDERS["cases"]

    def broken(after, upto):
        raise RuntimeError("kraschade mitt i")

    monkeypatch.setitem(indexing.BUILDERS, "cases", dataclasses.replace(builder, bulk=broken))
    with pytest.raises(RuntimeError):
        indexing.rebuild("cases")
    assert _gin_exists("cases")
    # A process killed mid-rebuild leaves it dropped: the next migrate puts it back.
    get_engine().begin_rebuild("cases")
    assert not _gin_exists("cases")
    from knutpunkt.search.apps import ensure_search_schema

    ensure_search_schema(sender=None, using="default")
    assert _gin_exists("cases")


_ALPHABET = st.one_of(
    st.sampled_from([chr(c) for c in range(0x20, 0x180)] + list("ÅÄÖåäö–—“”’…€ \n\t")),
    st.characters(codec="utf-8", exclude_characters="\x00"),
)


@postgres_only
@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(_ALPHABET, max_size=90), min_size=1, max_size=20))
def test_sql_words_agree_with_python_where_they_claim_to(texts):
    from knutpunkt.search.backends import pg_bulk_words as bw

    with connection.cursor() as cur:
        cur.execute(
            f"WITH p AS ({bw.PARAMS_SQL}) SELECT t, {bw.exact_sql(['t'], 'p')}, {bw.words_sql('t', 'p')} "
            "FROM unnest(%s::text[]) AS t, p",
            [*bw.PARAMS, texts],
        )
        for text, exact, words in cur.fetchall():
            if exact:
                assert words == " ".join(words_of(text)), text
            else:  # refused: something in it the SQL does not handle
                assert set(map(ord, text)) - set(bw.ALLOWED) or re.search(r"[^\W_]{61}", text), text


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_rebuild_stores_the_same(diary, registrator):
    # Committed data: each job reads on its own connection.
    for i in range(12):
        case = services.register_case(diary, actor=registrator, title=f"Bygglov {i} för Åsa Öberg {'Ελληνικά' if i % 5 == 0 else ''}")
        services.register_document(actor=registrator, case=case, direction="upprattad", title=f"Beslut {i}")
    try:
        indexing.rebuild("cases", batch=2, jobs=1)
        one = snapshot("cases")
        assert indexing.rebuild("cases", batch=2, jobs=3) == 12
        assert snapshot("cases") == one
        assert _gin_exists("cases")
    finally:  # the flush after this test empties the registry, not the index tables
        for collection in ("cases", "documents"):
            get_engine().clear(collection)
