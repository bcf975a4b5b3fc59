"""Public search through the search engine's "public" collection: how words match,
ordering, the capped count, and the collection kept in step with every change of the
projection (events, markings, publish-diary, reindex)."""

import dataclasses
import json

import pytest
from django.core.management import call_command
from django.db import connection

from knutpunkt.access.models import PersonalDataLevel
from knutpunkt.publicdiary import queries, search_index, services
from knutpunkt.publicdiary.models import PublishedEntry
from knutpunkt.registry import secrecy
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import Case, Correspondent, Document, Party
from knutpunkt.search.engine import get_engine
from tests.factories import PartyFactory

pytestmark = pytest.mark.django_db


def api(client, **params):
    r = client.get("/api/public/v1/entries/", params)
    assert r.status_code == 200, r.content
    return json.loads(r.content)


def refs(client, **params) -> list[str]:
    return [e["reference"] for e in api(client, page_size=100, **params)["results"]]


@pytest.fixture
def published(diary, registrator, publication, deliver):
    company = PartyFactory(organisation=diary.authority.organisation, kind=Party.Kind.ORGANISATION,
                           organisation_name="Ärlinge Konsult AB", org_number="5560360793", first_name="", last_name="")
    made = {}
    for key, title in [
        ("bygglov", "Bygglov för nybyggnad av förråd"),
        ("are", "Ansökan om serveringstillstånd i Åre"),
        ("phrase", "Ansökan om bygglov för garage"),
        ("spread", "Bygglov ansökan garage"),
        ("older", "Detaljplan Norra hamnen"),
    ]:
        made[key] = registry.register_case(diary, actor=registrator, title=title)
    made["doc"] = registry.register_document(actor=registrator, case=made["older"], direction=Document.Direction.INCOMING,
                                             title="Samrådsyttrande", correspondents=[(company, Correspondent.Role.SENDER)])
    deliver()
    return made


def test_search_goes_through_the_engine(published):
    assert search_index.engine() is not None
    assert get_engine().count("public") == PublishedEntry.objects.count() == 6


def test_words_are_prefixes_and_all_must_match(client, published):
    assert set(refs(client, q="bygg")) == {published[k].reference for k in ("bygglov", "phrase", "spread")}
    assert refs(client, q="bygglov förråd") == [published["bygglov"].reference]
    assert refs(client, q="bygglov saknas") == []


def test_a_quoted_phrase_matches_consecutive_words(client, published):
    assert refs(client, q='"ansökan om bygglov"') == [published["phrase"].reference]
    assert set(refs(client, q="ansökan bygglov")) == {published["phrase"].reference, published["spread"].reference}


def test_swedish_letters_are_letters_of_their_own(client, published):
    assert refs(client, q="åre") == [published["are"].reference]
    assert refs(client, q="are") == []
    assert refs(client, q="ärlinge") == [published["doc"].reference]  # an organisation as sender
    assert refs(client, q="arlinge") == []


def test_reference_words_and_the_reference_field(client, published):
    case = published["older"]
    found = refs(client, reference=case.reference)
    assert set(found) == {case.reference, published["doc"].reference}  # the case and its document
    assert published["doc"].reference in refs(client, q=published["doc"].reference)


def test_results_newest_first_or_by_relevance(client, published, diary, registrator):
    newest_first = refs(client, q="bygglov")
    assert newest_first == [published[k].reference for k in ("spread", "phrase", "bygglov")]
    by_relevance = refs(client, q="garage", sort="relevans")
    assert set(by_relevance) == {published["phrase"].reference, published["spread"].reference}
    # The title with the word twice ranks first, though it is older.
    case = registry.register_case(diary, actor=registrator, title="Garage")
    other = registry.register_case(diary, actor=registrator, title="Garage garage garage, ombyggnad av garage")
    services.project(case)
    services.project(other)
    assert refs(client, q="garage", sort="relevans")[0] == other.reference
    assert refs(client, q="garage", sort="datum")[0] == other.reference  # newest
    body = client.get("/diarium/", {"q": "garage", "sort": "relevans"}).content.decode()
    assert body.index(other.reference) < body.index(case.reference)


def test_bad_sort_is_a_clear_message(client, published):
    r = client.get("/api/public/v1/entries/", {"q": "bygg", "sort": "storlek"})
    assert r.status_code == 400 and "datum eller relevans" in json.loads(r.content)["detail"]
    body = client.get("/diarium/", {"q": "bygg", "sort": "storlek"}).content.decode()
    assert "Välj att sortera på datum eller på relevans." in body


def test_count_stops_at_the_cap(client, published, monkeypatch):
    monkeypatch.setattr(queries, "COUNT_CAP", 2)
    data = api(client, q="bygg", page_size=1)
    assert data["count"] == 2 and data["count_exact"] is False and data["pages"] == 2
    assert "Fler än 2 träffar" in client.get("/diarium/", {"q": "bygg"}).content.decode()
    data = api(client, q="åre")
    assert data["count"] == 1 and data["count_exact"] is True
    # By relevance too, only the first COUNT_CAP can be paged through.
    assert len(refs(client, q="bygg", sort="relevans")) == 2


def test_text_without_words_finds_nothing(client, published):
    for q in ("%", "***", '"'):
        assert api(client, q=q)["count"] == 0


def test_without_the_collection_a_plain_query_answers(client, published, monkeypatch):
    monkeypatch.setattr(search_index, "engine", lambda: None)
    assert refs(client, q="norra hamnen") == [published["older"].reference]
    assert api(client, q="%")["count"] == 0


# --- the collection follows the projection ---------------------------------------------

def indexed(text) -> bool:
    """Does the collection itself (not only the projection) match the text?"""
    found = get_engine().match("public", text)  # a RawSQL subquery on the embedded engines
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM ({found.sql}) m", found.params)
        return cur.fetchone()[0] > 0


def test_marking_changes_reach_the_engine(published, registrator, provision, deliver):
    case = published["bygglov"]
    assert indexed("förråd")
    secrecy.set_marking(case, actor=registrator, provisions=[provision], secret_parts={"title"}, reason="x",
                        public_title="Ärende om bygglov")
    deliver()
    assert not indexed("förråd"), "the secret title's words are gone from the engine"
    assert indexed('"ärende om bygglov"')
    secrecy.set_personal_data_level(case, PersonalDataLevel.EXTERNAL, actor=registrator, reason="Privatperson")
    deliver()
    assert not indexed('"ärende om bygglov"') and not PublishedEntry.objects.filter(object_id=case.pk).exists()
    assert get_engine().count("public") == PublishedEntry.objects.count()


def test_restriction_of_a_case_removes_its_documents_from_the_engine(published, registrator, deliver):
    secrecy.set_restriction(published["older"], actor=registrator, restricted=True, reason="Personal")
    deliver()
    assert not indexed("samrådsyttrande") and not indexed("detaljplan")


def test_rebuild_and_reindex_fill_the_collection(published):
    services.publish_all(rebuild=True)
    assert get_engine().count("public") == 6 and indexed("samrådsyttrande")
    get_engine().clear("public")
    call_command("reindex", "--collection", "public", verbosity=0)
    assert get_engine().count("public") == 6 and indexed("samrådsyttrande")


def test_migration_fills_the_collection_from_the_projection(published):
    from importlib import import_module

    from django.apps import apps

    get_engine().clear("public")
    migration = import_module("knutpunkt.publicdiary.migrations.0003_fill_public_search")
    migration.BATCH = 4
    migration.fill(apps, type("Editor", (), {"connection": connection})())
    assert get_engine().count("public") == 6 and indexed("ärlinge") and indexed('"norra hamnen"')


def test_rows_built_by_the_database_equal_the_python_ones(published, diary, registrator):
    """search_index.bulk / add_new (SQL) and build / fields_of (Python) give the same rows."""
    from knutpunkt.search import indexing

    loose = registry.register_document(actor=registrator, diary=diary, direction=Document.Direction.OUTGOING, title="Lös")
    services.project(loose)  # no case reference
    pks = list(PublishedEntry.objects.order_by("pk").values_list("pk", flat=True))
    python = {str(k): f for k, f in search_index.build(pks)}
    engine = get_engine()
    engine.clear("public")
    sql, params, rest = search_index.bulk(None, None)
    assert rest == []
    engine.index_select("public", sql, params)
    by_sql = engine.stored("public", list(python), ["reference", "title", "correspondent"])
    assert by_sql == python
    engine.clear("public")
    search_index.add_new(list(PublishedEntry.objects.values_list("object_id", flat=True)))
    assert engine.stored("public", list(python), ["reference", "title", "correspondent"]) == python
    assert indexing.BUILDERS["public"].bulk is search_index.bulk


@pytest.mark.parametrize("few", [0, 100_000], ids=["walked", "read-by-key"])
def test_both_ways_of_reading_matches_agree_with_one_query(published, diary, registrator, monkeypatch, few):
    """TextMatches reads a match either by key or by walking the entries newest first:
    either way the count and every page are those of the plain query."""
    import datetime as dt

    from knutpunkt.publicdiary.models import PublishedEntry as Entry

    for n in range(12):
        case = registry.register_case(diary, actor=registrator, title=f"Garage nummer {n}")
        services.project(case)
    # Some share a registration time: then the reference decides.
    Entry.objects.filter(public_title__startswith="Garage nummer 1").update(registered_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    monkeypatch.setattr(queries, "FEW", few)
    monkeypatch.setattr(queries, "WALK_FIRST", 1)  # many small reads: every keyset step is taken
    monkeypatch.setattr(queries, "CHUNK", 1)
    searches = [
        queries.EntrySearch(text="garage"),
        queries.EntrySearch(text="garage", authority_id=diary.authority_id),
        queries.EntrySearch(text="garage", reference="KS"),
        queries.EntrySearch(text="garage nummer", kind="case"),
        queries.EntrySearch(text="ansökan"),
        queries.EntrySearch(text="saknas"),
    ]
    for search in searches:
        oracle = list(queries.search_entries(search))
        for per_page in (1, 5, 100):
            for number in (1, 2, 3):
                page, _ = queries.page_of(queries.results(search), number, per_page)
                expected, _ = queries.page_of(oracle, number, per_page)
                assert page.paginator.count == expected.paginator.count
                assert [e.pk for e in page.object_list] == [e.pk for e in expected.object_list], (search, per_page, number)
        ranked = queries.results(dataclasses.replace(search, sort="relevans"))
        ids = ranked.ids(10**6) if isinstance(ranked, queries.TextMatches) else []
        assert sorted(map(str, ids)) == sorted(str(e.object_id) for e in oracle)
        monkeypatch.setattr(queries, "FEW", 100_000 - few)  # read the other way: the same order
        again = queries.results(dataclasses.replace(search, sort="relevans"))
        assert (again.ids(10**6) if isinstance(again, queries.TextMatches) else []) == ids
        monkeypatch.setattr(queries, "FEW", few)


def test_date_range_is_whole_local_days(client, diary, registrator, publication):
    """The from/to dates are days in Swedish time, as registered_on: the search
    compares registered_at with local midnights (so an index serves range and order)."""
    import datetime as dt

    from django.utils import timezone

    late, early = (registry.register_case(diary, actor=registrator, title=t) for t in ("Sent på dagen", "Tidigt nästa dag"))
    day = dt.date(2026, 3, 28)  # the night before summer time begins
    for case, at in ((late, dt.datetime(2026, 3, 28, 23, 59, 59)), (early, dt.datetime(2026, 3, 29, 0, 0))):
        Case.objects.filter(pk=case.pk).update(registered_at=timezone.make_aware(at))
        services.project(case)
    assert {e.registered_on for e in PublishedEntry.objects.all()} == {day, day + dt.timedelta(days=1)}
    assert refs(client, to=day.isoformat()) == [late.reference]
    assert refs(client, **{"from": (day + dt.timedelta(days=1)).isoformat()}) == [early.reference]
    assert refs(client, q="dagen", **{"from": day.isoformat(), "to": day.isoformat()}) == [late.reference]
