import pytest

from knutpunkt.classification.models import ClassificationScheme
from knutpunkt.organisations.models import Role
from knutpunkt.registry import services as registry
from knutpunkt.registry.models import Document, Party
from knutpunkt.registry.parties import PartyInput, find_or_create_party
from tests.factories import SchemeFactory, UserFactory, case_type_in, process_in, user_with_role

from .conftest import TODAY, assert_problem, client_for

pytestmark = pytest.mark.django_db


# --- parties ---------------------------------------------------------------------------------

def test_party_list_search_and_detail(api, case_with_party):
    listed = api.get("/api/v1/parties/").json()
    assert [p["name"] for p in listed["results"]] == ["Greta Garbo"]
    greta = listed["results"][0]
    assert greta["personal_number"] == "19900101-0017" and greta["city"] == "Exempelby"
    assert api.get("/api/v1/parties/", {"q": "garbo"}).json()["count"] == 1
    assert api.get("/api/v1/parties/", {"q": "199001010017"}).json()["count"] == 1
    assert api.get("/api/v1/parties/", {"q": "Andersson"}).json()["count"] == 0
    assert api.get("/api/v1/parties/", {"kind": "organisation"}).json()["count"] == 0
    assert api.get(f"/api/v1/parties/{greta['id']}/").json()["name"] == "Greta Garbo"


def test_party_create_and_reuse(api, diary, case_with_party, registrator):
    body = {"kind": "organisation", "org_number": "556036-0793", "organisation_name": "Exempelbolaget AB", "city": "Exempelby"}
    created = api.post("/api/v1/parties/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["org_number"] == "556036-0793" and created.json()["organisation_name"] == "Exempelbolaget AB"
    # Same organisationsnummer again: the stored party is reused, not duplicated.
    again = api.post("/api/v1/parties/", {**body, "organisation_name": "Annat namn"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    assert Party.objects.filter(org_number="5560360793").count() == 1


def test_party_create_does_not_reveal_someone_elses_party(diary, other_diary, outsider):
    """A party registered in a diary the caller cannot read: creating "the same" party
    confirms its id only, never the stored name or address."""
    ks_registrator = user_with_role(diary, Role.REGISTRATOR)
    party = find_or_create_party(diary.authority.organisation, PartyInput(kind="person", personal_number="19900101-0017",
                                                                          first_name="Hemlig", last_name="Person", contact={"street_address": "Gömd väg 1"}))
    registry.register_case(diary, actor=ks_registrator, title="Ärende", parties=[(party, "sokande")])
    response = client_for(outsider).post("/api/v1/parties/", {"personal_number": "199001010017", "last_name": "X"}, format="json")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Hemlig" not in text and "Gömd" not in text and response.json()["id"] == str(party.pk)


def test_party_create_problems(api, diary):
    problem = assert_problem(api.post("/api/v1/parties/", {"personal_number": "19121212-1213", "last_name": "X"}, format="json"), 422)
    assert problem["code"] == "invalid_personal_number" and list(problem["errors"]) == ["party.0.personal_number"]
    assert_problem(api.post("/api/v1/parties/", {"kind": "person"}, format="json"), 422, "party_name_required")
    user_without_org = client_for(UserFactory())
    assert_problem(user_without_org.post("/api/v1/parties/", {"last_name": "X"}, format="json"), 422, "no_organisation")


def test_protected_identity_shown_only_with_the_right(diary, registrator):
    party = find_or_create_party(diary.authority.organisation, PartyInput(
        kind="person", personal_number="20010203-0004", first_name="Skyddad", last_name="Svensson",
        contact={"street_address": "Hemlig gata 1"}, is_protected_identity=True))
    case = registry.register_case(diary, actor=registrator, title="Ärende med skyddad part", parties=[(party, "sokande")])
    api = client_for(registrator)
    detail = api.get(f"/api/v1/cases/{case.pk}/").json()
    shown = detail["parties"][0]["party"]
    assert shown["name"] == "Skyddad identitet" and shown["personal_number"] == "" and shown["street_address"] == ""
    assert "Svensson" not in api.get("/api/v1/parties/").content.decode()
    assert api.get(f"/api/v1/parties/{party.pk}/").status_code == 404
    assert api.get("/api/v1/cases/", {"party": "Svensson"}).json()["count"] == 0

    from knutpunkt.organisations.models import RoleAssignment

    RoleAssignment.objects.filter(user=registrator).update(protected_identity_access=True)
    entitled = client_for(registrator)
    assert entitled.get(f"/api/v1/cases/{case.pk}/").json()["parties"][0]["party"]["name"] == "Skyddad Svensson"
    assert entitled.get(f"/api/v1/parties/{party.pk}/").json()["street_address"] == "Hemlig gata 1"


# --- diaries -----------------------------------------------------------------------------------

def test_diaries_are_those_the_user_can_read(api, diary, other_diary):
    listed = api.get("/api/v1/diaries/").json()
    assert [d["prefix"] for d in listed["results"]] == ["KS"]
    assert listed["results"][0]["may_register"] is True
    assert listed["results"][0]["authority"]["id"] == diary.authority_id
    assert api.get("/api/v1/diaries/KS/").json()["id"] == diary.pk
    assert api.get(f"/api/v1/diaries/{diary.pk}/").json()["prefix"] == "KS"
    assert_problem(api.get("/api/v1/diaries/SN/"), 404)
    reader = client_for(user_with_role(diary, Role.LASARE))
    assert reader.get("/api/v1/diaries/KS/").json()["may_register"] is False


# --- classification ------------------------------------------------------------------------------

def test_classification_for_any_user_of_the_organisation(diary, scheme, process, case_type, document_type):
    draft = SchemeFactory(organisation=diary.authority.organisation, status=ClassificationScheme.Status.DRAFT)
    draft_process = process_in(draft, "5.5.5.5")
    case_type_in(draft_process, code="DRAFT")
    foreign = SchemeFactory()
    case_type_in(process_in(foreign, "7.7.7.7"), code="FOREIGN")

    # A user of the organisation without any diary role may read the structure.
    colleague = client_for(UserFactory(organisation=diary.authority.organisation))
    schemes = colleague.get("/api/v1/classification/schemes/").json()["results"]
    assert {s["id"] for s in schemes} == {scheme.pk, draft.pk}
    assert colleague.get(f"/api/v1/classification/schemes/{scheme.pk}/").json()["status"] == "active"
    assert_problem(colleague.get(f"/api/v1/classification/schemes/{foreign.pk}/"), 404)

    classes = colleague.get("/api/v1/classification/classes/").json()["results"]
    assert [c["code"] for c in classes] == ["1", "1.1", "1.1.1", "1.1.1.1"]
    processes = colleague.get("/api/v1/classification/classes/", {"level": "process"}).json()["results"]
    assert [c["id"] for c in processes] == [process.pk]
    children = colleague.get("/api/v1/classification/classes/", {"parent": process.parent_id}).json()["results"]
    assert [c["id"] for c in children] == [process.pk]

    case_types = colleague.get("/api/v1/classification/case-types/").json()["results"]
    assert [c["code"] for c in case_types] == [case_type.code]
    drafts = colleague.get("/api/v1/classification/case-types/", {"scheme": draft.pk}).json()["results"]
    assert [c["code"] for c in drafts] == ["DRAFT"]
    assert colleague.get("/api/v1/classification/case-types/", {"scheme": foreign.pk}).json()["count"] == 0

    doc_types = colleague.get("/api/v1/classification/document-types/", {"process": process.pk}).json()["results"]
    assert doc_types[0]["id"] == document_type.pk and doc_types[0]["retention"]["action"] == "keep"
    assert doc_types[0]["retention"]["description"] == "Bevaras"


def test_classification_needs_an_organisation(scheme):
    loner = client_for(UserFactory())
    assert loner.get("/api/v1/classification/schemes/").json()["count"] == 0


# --- journal -------------------------------------------------------------------------------------

@pytest.fixture
def journal_data(diary, registrator):
    case = registry.register_case(diary, actor=registrator, title="Detaljplan för kvarteret Svanen")
    registry.register_document(actor=registrator, case=case, direction=Document.Direction.INCOMING, title="Samrådsyttrande")
    return case


def test_journal_csv(api, diary, journal_data):
    day = TODAY.isoformat()
    response = api.get(f"/api/v1/diaries/KS/journal/", {"from": day, "to": day, "format": "csv"})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="diarieutdrag-KS-{day}-{day}.csv"'
    text = response.content.decode("utf-8-sig")
    assert "Samrådsyttrande" in text and f"{journal_data.reference}-1" in text


def test_journal_pdf(api, diary, journal_data):
    day = TODAY.isoformat()
    response = api.get(f"/api/v1/diaries/{diary.pk}/journal/", {"from": day, "to": day, "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].endswith('.pdf"')


def test_journal_problems(api, diary, outsider_api):
    assert "from" in assert_problem(api.get("/api/v1/diaries/KS/journal/", {"to": "2026-01-01"}), 400)["errors"]
    problem = assert_problem(api.get("/api/v1/diaries/KS/journal/", {"from": "2026-02-01", "to": "2026-01-01"}), 400)
    assert problem["errors"] == {"to": ["Slutdatumet ligger före startdatumet."]}
    assert "format" in assert_problem(api.get("/api/v1/diaries/KS/journal/", {"from": "2026-01-01", "to": "2026-01-02", "format": "xls"}), 400)["errors"]
    assert_problem(outsider_api.get("/api/v1/diaries/KS/journal/", {"from": "2026-01-01", "to": "2026-01-02"}), 404)
