"""Text search in the API: `/cases/?q=` through the search engine (same list shape,
`sort=relevance|date`) and `/search/cases/` with facets and snippets — and nothing of
what the caller may not see, not even in a count."""

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from knutpunkt.organisations.models import Role
from knutpunkt.registry import outbox, secrecy, services
from knutpunkt.registry.models import Document, Party
from knutpunkt.registry.queries import CaseSearch
from knutpunkt.registry.queries import search_cases as registry_search
from tests.factories import DiaryFactory, user_with_role
from tests.search_world import detaljplan_world

from .conftest import assert_problem, client_for

pytestmark = pytest.mark.django_db

SECRET = "Hemligordet"
SEARCH = "/api/v1/search/cases/"


def dispatch():
    while outbox.dispatch_pending():
        pass


@pytest.fixture
def world(diary, registrator):
    return detaljplan_world(diary, registrator)


def refs(body) -> list[str]:
    return [c["reference"] for c in body["results"]]


def test_search_endpoint_answers_page_facets_and_snippets(api, world, diary):
    body = api.get(SEARCH, {"q": "detaljplan"}).json()
    assert set(body) == {"count", "page", "num_pages", "results", "facets", "omitted_facets", "snippets", "truncated"}
    assert body["truncated"] is False and body["omitted_facets"] == []
    assert body["count"] == 3 and body["page"] == 1 and body["num_pages"] == 1
    assert refs(body)[0] == world["closed"].reference  # relevance: three hits in its title
    assert body["results"][0]["title"] == "Detaljplan detaljplan: södra kajen" and "parties" in body["results"][0]
    assert set(body["facets"]) == {"diary", "process", "status", "year", "direction"}
    assert {(f["value"], f["count"]) for f in body["facets"]["diary"]} == {(diary.pk, 2), (world["other"].pk, 1)}
    assert {(f["value"], f["label"], f["count"]) for f in body["facets"]["direction"]} == {
        ("inkommande", "Inkommande", 1), ("utgaende", "Utgående", 1)}
    assert body["facets"]["process"] == [{"value": None, "label": "Utan process", "count": 3}]
    old = body["snippets"][str(world["old"].pk)]
    assert {"label": "Beskrivning", "html": "Planarbete, nämner <mark>detaljplan</mark> en gång"} in old
    assert any(s["label"].startswith("Handling ") for s in old)
    assert set(body["snippets"]) == {c["id"] for c in body["results"]}


def test_facet_values_go_back_as_filters(api, world, diary):
    body = api.get(SEARCH, {"q": "detaljplan"}).json()
    for name, expected in (("status", "closed"), ("direction", "elsewhere")):
        value = {"status": "avslutat", "direction": "utgaende"}[name]
        assert value in [f["value"] for f in body["facets"][name]]
        assert refs(api.get(SEARCH, {"q": "detaljplan", name: value}).json()) == [world[expected].reference]
    assert refs(api.get(SEARCH, {"q": "detaljplan", "diary": world["other"].pk}).json()) == [world["elsewhere"].reference]
    assert refs(api.get(SEARCH, {"q": "detaljplan", "diary": "BN"}).json()) == [world["elsewhere"].reference]
    narrowed = api.get(SEARCH, {"q": "detaljplan", "year": world["old"].year, "direction": "inkommande"}).json()
    assert refs(narrowed) == [world["old"].reference]
    # Facets count with the filters applied.
    assert narrowed["facets"]["diary"] == [{"value": diary.pk, "label": narrowed["facets"]["diary"][0]["label"], "count": 1}]


def test_sort_and_pages(api, world):
    by_date = api.get(SEARCH, {"q": "detaljplan", "sort": "date", "page_size": 2}).json()
    assert refs(by_date) == [world["elsewhere"].reference, world["closed"].reference] and by_date["num_pages"] == 2
    second = api.get(SEARCH, {"q": "detaljplan", "sort": "date", "page_size": 2, "page": 2}).json()
    assert refs(second) == [world["old"].reference] and second["page"] == 2
    assert_problem(api.get(SEARCH, {"q": "detaljplan", "page": 3, "page_size": 2}), 404)


def test_case_list_with_q_uses_the_engine_and_keeps_its_shape(api, world, registrator):
    body = api.get("/api/v1/cases/", {"q": "detaljplan"}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    # Default order stays newest first; relevance on request.
    assert refs(body) == [world["elsewhere"].reference, world["closed"].reference, world["old"].reference]
    assert refs(api.get("/api/v1/cases/", {"q": "detaljplan", "sort": "relevance"}).json())[0] == world["closed"].reference
    # Words in documents and descriptions count (the engine, not the old LIKE on titles).
    assert refs(api.get("/api/v1/cases/", {"q": "yttrande"}).json()) == [world["old"].reference]
    assert refs(api.get("/api/v1/cases/", {"q": "detaljplan", "status": "avslutat"}).json()) == [world["closed"].reference]
    assert refs(api.get("/api/v1/cases/", {"q": "detaljplan", "direction": "utgaende"}).json()) == [world["elsewhere"].reference]
    assert refs(api.get("/api/v1/cases/", {"q": "detaljplan", "officer": "me"}).json()) == []

    first = api.get("/api/v1/cases/", {"q": "detaljplan", "page_size": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["previous"] is None
    assert "page=2" in first["next"] and "q=detaljplan" in first["next"] and "page_size=2" in first["next"]
    second = api.get(first["next"].replace("http://testserver", "")).json()
    assert refs(second) == [world["old"].reference] and second["next"] is None
    assert "page=" not in second["previous"] and "q=detaljplan" in second["previous"]
    assert refs(api.get("/api/v1/cases/", {"q": "detaljplan", "page_size": 2, "page": "last"}).json()) == [world["old"].reference]
    for bad in ("3", "0", "-1", "x", "9" * 5000):
        assert_problem(api.get("/api/v1/cases/", {"q": "detaljplan", "page_size": 2, "page": bad}), 404)


def test_case_list_with_q_pages_at_most_100(api, diary, registrator):
    for i in range(101):
        services.register_case(diary, actor=registrator, title=f"Parkeringstillstånd {i}")
    body = api.get("/api/v1/cases/", {"q": "parkeringstillstånd", "page_size": 500}).json()
    assert body["count"] == 101 and len(body["results"]) == 100
    assert "page_size=100" in body["next"] and "page=2" in body["next"]
    assert len(api.get(body["next"].replace("http://testserver", "")).json()["results"]) == 1


def test_registry_search_refuses_text():
    with pytest.raises(ValueError, match="knutpunkt.search.queries"):
        registry_search(None, CaseSearch(text="bygglov"))


def test_bad_input_is_a_problem(api, world):
    assert_problem(api.get(SEARCH), 400)
    assert_problem(api.get(SEARCH, {"q": "   "}), 400)
    for params in ({"sort": "bäst"}, {"year": "tjugo"}, {"year": "99999"}, {"direction": "uppåt"}, {"status": "x"},
                   {"page": "0"}, {"page": "x"}, {"page_size": "1000"}, {"date_from": "2026-13-45"}, {"officer": "du"}):
        body = assert_problem(api.get(SEARCH, {"q": "detaljplan", **params}), 400)
        assert set(body["errors"]) & set(params), (params, body)
    assert_problem(api.get("/api/v1/cases/", {"q": "detaljplan", "sort": "bäst"}), 400)
    # Text without words filters on nothing else than the other parameters.
    assert api.get(SEARCH, {"q": "***", "status": "avslutat"}).json()["count"] == 1


JUNK = st.one_of(st.text(max_size=30), st.sampled_from(["", "0", "-1", "2", "last", "relevance", "date", "open", "utgaende", "2026",
                                                       "2026-01-01", "99999999999999999999999", "KS"]))


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(["q", "page", "page_size", "sort", "year", "direction", "status", "diary", "process",
                                               "officer", "date_from", "reference", "party", "include_voided", "okänd"]), JUNK, max_size=6))
def test_junk_parameters_never_break_the_api(api, world, params):
    for path in (SEARCH, "/api/v1/cases/"):
        response = api.get(path, params)
        assert response.status_code in (200, 400, 404), (path, params, response.content[:300])
        if response.status_code != 200:
            assert response["Content-Type"] == "application/problem+json"


def test_schema_documents_the_search(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/search/cases/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "diary", "process", "status", "year", "direction", "sort", "page", "page_size"}
    result = schema["components"]["schemas"]["CaseSearchResult"]
    assert set(result["properties"]) == {"count", "page", "num_pages", "results", "facets", "omitted_facets", "snippets", "truncated"}
    assert "sort" in {p["name"] for p in schema["paths"]["/api/v1/cases/"]["get"]["parameters"]}


# --- secrecy ---------------------------------------------------------------------------

@pytest.fixture
def secret_world(diary, registrator):
    from knutpunkt.access.models import LegalProvision

    provision = LegalProvision.objects.get(organisation=None, reference="26 kap. 1 §")
    open_case = services.register_case(diary, actor=registrator, title="Ansökan om parkeringstillstånd")
    party = Party.objects.create(organisation=diary.authority.organisation, kind="person", first_name="Greta",
                                 last_name="Skyddadsdottir", is_protected_identity=True)
    services.add_party(open_case, party, "sokande", actor=registrator)
    secret = services.register_case(diary, actor=registrator, title=f"Ansökan {SECRET} om bistånd", description=f"Utredning {SECRET}")
    secrecy.set_marking(secret, actor=registrator, provisions=[provision], secret_parts={"title", "description", "parties"},
                        reason="SoL", public_title="Ansökan om ekonomiskt bistånd")
    document = services.register_document(actor=registrator, case=secret, direction=Document.Direction.OUTGOING, title=f"Beslut {SECRET}")
    secrecy.set_marking(document, actor=registrator, provisions=[provision], secret_parts={"title"}, reason="SoL", public_title="Beslut")
    hidden_diary = DiaryFactory(prefix="SN", authority__organisation=diary.authority.organisation)
    owner = user_with_role(hidden_diary, Role.REGISTRATOR)
    hidden = services.register_case(hidden_diary, actor=owner, title=f"Ansökan {SECRET} i annat diarium")
    services.register_document(actor=owner, case=hidden, direction=Document.Direction.INTERNAL, title="Anteckning")
    services.close_case(hidden, actor=owner)
    dispatch()
    return {"open": open_case, "secret": secret, "hidden": hidden, "owner": owner}


def test_reader_gets_nothing_secret_from_the_search(diary, secret_world):
    reader = client_for(user_with_role(diary, Role.LASARE))
    response = reader.get(SEARCH, {"q": "ansökan"})
    text = response.content.decode()
    body = response.json()
    assert sorted(refs(body)) == sorted([secret_world["open"].reference, secret_world["secret"].reference])
    assert "Ansökan om ekonomiskt bistånd" in text
    assert SECRET not in text and "Skyddadsdottir" not in text and "Greta" not in text
    assert secret_world["hidden"].reference not in text
    for words in (SECRET.lower(), "skyddadsdottir", "utredning", f"beslut {SECRET}"):
        for path in (SEARCH, "/api/v1/cases/"):
            found = reader.get(path, {"q": words})
            assert found.json()["count"] == 0, (path, words)
            assert SECRET not in found.content.decode().replace(words, "")


def test_hidden_cases_change_no_facet_count(diary, secret_world):
    """The SN case is closed, has an internal document and another diary: had it been
    counted, it would show in four facets."""
    reader = client_for(user_with_role(diary, Role.LASARE))
    body = reader.get(SEARCH, {"q": "ansökan"}).json()
    assert body["count"] == 2
    for name in ("diary", "status", "year"):
        assert sum(f["count"] for f in body["facets"][name]) == 2, name
    # The process is shown only in a full view: the masked case is not counted there.
    assert sum(f["count"] for f in body["facets"]["process"]) == 1
    assert [f["value"] for f in body["facets"]["diary"]] == [diary.pk]
    assert "avslutat" not in [f["value"] for f in body["facets"]["status"]]
    assert "intern" not in [f["value"] for f in body["facets"]["direction"]]
    # The masked case's secret document still counts as a document of its direction
    # (direction is shown in the masked view) — but only for cases the reader sees.
    assert [(f["value"], f["count"]) for f in body["facets"]["direction"]] == [("utgaende", 1)]
    # The owner of SN does see the third one (the test would notice a missing filter).
    owner = client_for(secret_world["owner"])
    assert secret_world["hidden"].reference in refs(owner.get(SEARCH, {"q": "ansökan"}).json())


def test_masked_case_in_the_list_shows_only_the_public_title(diary, secret_world):
    reader = client_for(user_with_role(diary, Role.LASARE))
    body = reader.get(SEARCH, {"q": "bistånd"}).json()
    assert refs(body) == [secret_world["secret"].reference]
    case = body["results"][0]
    assert case["masked"] is True and case["title"] == "Ansökan om ekonomiskt bistånd" and case["description"] is None
    assert body["snippets"][case["id"]] == [{"label": "Rubrik", "html": "Ansökan om ekonomiskt <mark>bistånd</mark>"}]


def test_a_user_without_any_role_finds_nothing(secret_world):
    from tests.factories import UserFactory

    nobody = client_for(UserFactory())
    for path in (SEARCH, "/api/v1/cases/"):
        response = nobody.get(path, {"q": "ansökan"})
        assert response.status_code == 200 and response.json()["count"] == 0, path
        assert SECRET not in response.content.decode()


def test_a_cut_search_and_uncounted_facets_are_said(api, world, settings, monkeypatch):
    from knutpunkt.search import queries as search_queries

    settings.KNUTPUNKT_SEARCH_MAX_CANDIDATES = 1
    monkeypatch.setattr(search_queries, "DIRECTION_FACET_LIMIT", 1)
    body = api.get(SEARCH, {"q": "detaljplan"}).json()
    assert body["truncated"] is True and body["count"] == 1
    monkeypatch.setattr(search_queries, "DIRECTION_FACET_LIMIT", 0)
    body = api.get(SEARCH, {"q": "detaljplan"}).json()
    assert body["omitted_facets"] == ["direction"] and body["facets"]["direction"] == []
