"""The public pages, feed, API and robots.txt: what they show, and that bad input
never breaks them."""

import json

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from knutpunkt.publicdiary import services
from knutpunkt.publicdiary.models import PublicationSettings
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(diary, registrator, publication):
    case = registry.register_case(diary, actor=registrator, title="Detaljplan för Norra hamnen")
    doc = registry.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title="Samrådsyttrande")
    for n in range(30):
        services.project(registry.register_case(diary, actor=registrator, title=f"Bygglov ärende nummer {n}"))
    services.project(case)
    services.project(doc)
    return case, doc


def test_start_page_and_search(client, entries):
    case, doc = entries
    r = client.get("/diarium/")
    assert r.status_code == 200 and "Sök i diariet" in r.content.decode()
    r = client.get("/diarium/", {"q": "norra hamnen"})
    body = r.content.decode()
    assert r.status_code == 200 and case.reference in body and "Bygglov ärende" not in body
    assert r["X-Robots-Tag"] == "noindex"
    r = client.get("/diarium/", {"reference": doc.reference})
    assert doc.reference in r.content.decode()


def test_case_and_document_pages(client, entries, diary):
    case, doc = entries
    r = client.get(f"/diarium/m/{diary.authority_id}/arende/{case.pk}/")
    body = r.content.decode()
    assert r.status_code == 200 and "Samrådsyttrande" in body and "Begär ut handling" in body
    r = client.get(f"/diarium/m/{diary.authority_id}/handling/{doc.pk}/")
    assert r.status_code == 200 and case.reference in r.content.decode()
    # Wrong authority in the address, or a case asked for as a document: 404.
    assert client.get(f"/diarium/m/{diary.authority_id + 1}/arende/{case.pk}/").status_code == 404
    assert client.get(f"/diarium/m/{diary.authority_id}/handling/{case.pk}/").status_code == 404


def test_unpublished_case_is_404_everywhere(client, diary, registrator, publication):
    case = registry.register_case(diary, actor=registrator, title="Inte publicerat ännu")
    assert client.get(f"/diarium/m/{diary.authority_id}/arende/{case.pk}/").status_code == 404
    assert client.get(f"/api/public/v1/entries/{case.pk}/").status_code == 404
    assert client.get(f"/diarium/begar/{case.pk}/").status_code == 404
    assert "Inte publicerat" not in client.get("/diarium/", {"q": "publicerat"}).content.decode()


@pytest.mark.parametrize("page", ["0", "-5", "999999999999999999999", "abc", "1e9", "%00", "2" * 500])
def test_absurd_page_numbers(client, entries, page):
    r = client.get("/diarium/", {"q": "bygglov", "page": page})
    assert r.status_code == 200
    r = client.get("/api/public/v1/entries/", {"page": page, "page_size": page})
    assert r.status_code == 200 and json.loads(r.content)["page"] >= 1


def test_page_past_the_end_says_so(client, entries):
    r = client.get("/diarium/", {"q": "bygglov", "page": "99"})
    assert "Sidan du bad om finns inte" in r.content.decode()


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=300), ref=st.text(max_size=80), date=st.text(max_size=20))
def test_search_fuzz_never_500(client, publication, q, ref, date):
    for params in ({"q": q, "reference": ref}, {"q": q, "date_from": date, "authority": date}):
        assert client.get("/diarium/", params).status_code in (200,)
        assert client.get("/api/public/v1/entries/", {**params, "from": date}).status_code in (200, 400)


def test_search_operator_input(client, entries):
    for q in ['"', '*', '"bygglov', 'bygglov OR 1=1', "'; DROP TABLE x; --", "(((", "NEAR(a b)", "a" * 10000, "%", "_"]:
        assert client.get("/diarium/", {"q": q}).status_code == 200
        assert client.get("/api/public/v1/entries/", {"q": q}).status_code == 200
    # % and _ are plain characters, not wildcards.
    assert json.loads(client.get("/api/public/v1/entries/", {"q": "%"}).content)["count"] == 0


def test_bad_dates_give_messages(client, entries):
    r = client.get("/diarium/", {"date_from": "2026-13-45"})
    assert r.status_code == 200 and "ÅÅÅÅ-MM-DD" in r.content.decode()
    r = client.get("/api/public/v1/entries/", {"from": "igår"})
    assert r.status_code == 400 and r["Content-Type"].startswith("application/problem+json")


def test_api_lists_and_filters(client, entries, diary):
    case, doc = entries
    data = json.loads(client.get("/api/public/v1/entries/", {"reference": case.reference, "kind": "case"}).content)
    assert data["count"] == 1 and data["results"][0]["title"] == "Detaljplan för Norra hamnen"
    assert data["results"][0]["authority"]["id"] == diary.authority_id
    data = json.loads(client.get("/api/public/v1/entries/", {"page_size": "10"}).content)
    assert data["count"] == 32 and data["pages"] == 4 and data["next"]
    one = json.loads(client.get(f"/api/public/v1/entries/{doc.pk}/").content)
    assert one["case_reference"] == case.reference and one["direction"] == "inkommande"


def test_feed(client, entries, diary):
    r = client.get("/diarium/flode.atom")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/atom+xml")
    assert "Detaljplan för Norra hamnen" in r.content.decode()
    r = client.get(f"/diarium/m/{diary.authority_id}/flode.atom")
    assert r.status_code == 200
    assert client.get("/diarium/m/987654/flode.atom").status_code == 404


def test_robots_policy(client, entries, diary, publication):
    case, _ = entries
    r = client.get("/diarium/robots.txt")
    assert f"/diarium/m/{diary.authority_id}/" not in r.content.decode()
    page = client.get(f"/diarium/m/{diary.authority_id}/arende/{case.pk}/")
    assert "X-Robots-Tag" not in page and 'name="robots"' not in page.content.decode()
    publication.robots = PublicationSettings.Robots.NOINDEX
    publication.save()
    assert f"Disallow: /diarium/m/{diary.authority_id}/" in client.get("/diarium/robots.txt").content.decode()
    page = client.get(f"/diarium/m/{diary.authority_id}/arende/{case.pk}/")
    assert page["X-Robots-Tag"] == "noindex" and '<meta name="robots" content="noindex">' in page.content.decode()
    assert client.get(f"/diarium/m/{diary.authority_id}/flode.atom")["X-Robots-Tag"] == "noindex"


def test_public_pages_need_no_login_and_read_only_the_projection(client, entries, django_assert_max_num_queries):
    # No registry table is read by a public page: the projection is all there is.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get("/diarium/", {"q": "hamnen"})
        client.get("/api/public/v1/entries/")
        client.get("/diarium/flode.atom")
    assert not any("registry_" in q["sql"] for q in ctx.captured_queries)
