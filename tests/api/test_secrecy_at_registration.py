"""Secrecy given with a registration is applied in the same transaction (a refused
marking leaves nothing behind); a default marking that was not asked for is only
proposed, in `proposed_secrecy`, never applied silently."""

import pytest

from knutpunkt.access.models import AccessGroup, LegalProvision
from knutpunkt.files.models import Blob, File
from knutpunkt.registry.models import Case, CaseEvent, Document, Party, SecrecyMarking
from tests.factories import AuthorityFactory, case_type_in, document_type_in

from .conftest import assert_problem, registration_body

pytestmark = pytest.mark.django_db

SECRET = {"provisions": ["26 kap. 1 §"], "secret_parts": ["title", "parties"], "public_title": "Ansökan om ekonomiskt bistånd"}


def nothing_saved():
    assert (Case.objects.count(), Document.objects.count(), File.objects.count(), SecrecyMarking.objects.count()) == (0, 0, 0, 0)
    assert not CaseEvent.objects.exists() and not Party.objects.exists()


@pytest.fixture
def sol():
    return LegalProvision.objects.get(organisation=None, reference="26 kap. 1 §")


@pytest.fixture
def individual_case_type(process, sol):
    t = case_type_in(process, code="EKB", title="Ekonomiskt bistånd")
    t.default_provisions.set([sol])
    t.default_secret_parts = ["title", "parties"]
    t.default_public_title = "Ansökan om ekonomiskt bistånd"
    t.default_personal_data_level = "skyddad"
    t.save()
    return t


@pytest.fixture
def health_document_type(process):
    t = document_type_in(process, code="LAK", title="Läkarintyg")
    t.default_provisions.set([LegalProvision.objects.get(organisation=None, reference="21 kap. 1 §")])
    t.default_secret_parts = ["files"]
    t.save()
    return t


def test_registration_with_secrecy_for_case_and_document(api, diary):
    group = AccessGroup.objects.create(authority=diary.authority, name="Utredare")
    body = registration_body(secrecy={**SECRET, "review_on": "2030-06-30"}, personal_data_level="skyddad",
                             restriction={"restricted": True, "access_groups": [group.pk]})
    body["document"].update(secrecy={**SECRET, "public_title": "Ansökan", "reason": "Uppgifter om sökandens ekonomi"},
                            personal_data_level="skyddad_externt")
    response = api.post("/api/v1/registrations/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    case, document = Case.objects.get(), Document.objects.get()
    assert case.title_secret and case.parties_secret and case.personal_data_level == "skyddad" and case.restricted
    assert list(case.access_groups.all()) == [group]
    assert document.title_secret and document.public_title == "Ansökan" and document.personal_data_level == "skyddad_externt"
    marking = case.secrecy_markings.get()
    assert marking.reason == "Sekretessmarkerad vid registrering" and str(marking.review_on) == "2030-06-30"
    assert document.secrecy_markings.get().reason == "Uppgifter om sökandens ekonomi"
    # The registrator sees what was set; nothing more is proposed.
    assert data["case"]["is_secret"] and data["case"]["restricted"] and data["document"]["secret_parts"] == ["title", "parties"]
    assert data["proposed_secrecy"] == {"case": None, "document": None}
    types = set(CaseEvent.objects.values_list("type", flat=True))
    assert {"case.secrecy_marked", "document.secrecy_marked", "case.restriction_changed", "case.personal_data_level_changed"} <= types


@pytest.mark.parametrize("where,change,code,field", [
    ("case", {"provisions": ["99 kap. 9 §"]}, "unknown_provision", "secrecy.provisions.0"),
    ("case", {"provisions": []}, "provision_required", "secrecy.provisions"),
    ("case", {"public_title": ""}, "public_title_required", "secrecy.public_title"),
    ("case", {"secret_parts": ["namn"]}, "parts_required", "secrecy.secret_parts"),
    ("document", {"provisions": ["99 kap. 9 §"]}, "unknown_provision", "document.secrecy.provisions.0"),
    ("document", {"public_title": ""}, "public_title_required", "document.secrecy.public_title"),
    ("document", {"secret_parts": []}, "parts_required", "document.secrecy.secret_parts"),
])
def test_a_bad_marking_registers_nothing(api, diary, where, change, code, field):
    body = registration_body()
    if where == "case":
        body["secrecy"] = {**SECRET, **change}
    else:
        body["document"]["secrecy"] = {**SECRET, **change}
    problem = assert_problem(api.post("/api/v1/registrations/", body, format="json"), 422, code)
    assert field in problem["errors"], problem
    nothing_saved()
    # No diary number was used up either.
    assert api.post("/api/v1/registrations/", registration_body(), format="json").json()["case"]["reference"].endswith("/1")


def test_bad_level_or_group_registers_nothing(api, diary):
    foreign = AccessGroup.objects.create(authority=AuthorityFactory(organisation=diary.authority.organisation), name="Miljö")
    problem = assert_problem(api.post("/api/v1/registrations/", registration_body(personal_data_level="hemlig"), format="json"),
                             422, "invalid_personal_data_level")
    assert "personal_data_level" in problem["errors"]
    body = registration_body(restriction={"access_groups": [foreign.pk]})
    problem = assert_problem(api.post("/api/v1/registrations/", body, format="json"), 422, "group_other_authority")
    assert "restriction.access_groups" in problem["errors"]
    body = registration_body()
    body["document"]["restriction"] = {"access_groups": [123456]}
    assert "document.restriction.access_groups.0" in assert_problem(
        api.post("/api/v1/registrations/", body, format="json"), 422, "unknown_access_group")["errors"]
    nothing_saved()


def test_case_secrecy_needs_a_new_case(api, diary, registrator, case_with_party):
    body = registration_body(case=case_with_party.reference, diary=None, secrecy=SECRET)
    assert_problem(api.post("/api/v1/registrations/", body, format="json"), 422, "case_protection_without_new_case")
    loose = registration_body(without_case=True, restriction={"restricted": True})
    assert_problem(api.post("/api/v1/registrations/", loose, format="json"), 422, "case_protection_without_new_case")
    assert Document.objects.count() == 0
    # `secrecy: null` says "none" and is fine anywhere.
    ok = api.post("/api/v1/registrations/", registration_body(case=case_with_party.reference, diary=None, secrecy=None), format="json")
    assert ok.status_code == 201, ok.content


def test_default_marking_is_proposed_not_applied(api, diary, process, individual_case_type, health_document_type):
    body = registration_body(process=process.pk, case_type=individual_case_type.pk)
    body["document"]["document_type"] = health_document_type.pk
    response = api.post("/api/v1/registrations/", body, format="json")
    assert response.status_code == 201, response.content
    proposed = response.json()["proposed_secrecy"]
    case, document = Case.objects.get(), Document.objects.get()
    assert not case.is_secret and case.personal_data_level == "publicerbar" and not document.is_secret
    assert not SecrecyMarking.objects.exists()
    assert proposed["case"]["source"] == "case_type"
    assert proposed["case"]["secrecy"] == {"provisions": ["26 kap. 1 §"], "secret_parts": ["title", "parties"],
                                           "public_title": "Ansökan om ekonomiskt bistånd"}
    assert proposed["case"]["personal_data_level"] == "skyddad" and proposed["case"]["restriction"] is None
    assert proposed["case"]["secrecy_url"].endswith(f"/api/v1/cases/{case.pk}/secrecy/")
    assert proposed["document"]["source"] == "document_type"
    assert proposed["document"]["secrecy"]["secret_parts"] == ["files"]
    assert proposed["document"]["secrecy_url"].endswith(f"/api/v1/documents/{document.pk}/secrecy/")

    # The client confirms with PUT, adding a reason — the proposal is already that body.
    confirmed = api.put(proposed["case"]["secrecy_url"], {**proposed["case"]["secrecy"], "reason": "Bekräftad"}, format="json")
    assert confirmed.status_code == 200 and confirmed.json()["marked"] is True
    level = api.put(proposed["case"]["personal_data_level_url"],
                    {"personal_data_level": proposed["case"]["personal_data_level"], "reason": "Bekräftad"}, format="json")
    assert level.json()["personal_data_level"] == "skyddad"


def test_an_explicit_answer_means_no_proposal(api, diary, process, individual_case_type):
    body = registration_body(process=process.pk, case_type=individual_case_type.pk, secrecy=None)
    assert api.post("/api/v1/registrations/", body, format="json").json()["proposed_secrecy"]["case"] is None
    body = registration_body(process=process.pk, case_type=individual_case_type.pk, secrecy=SECRET)
    data = api.post("/api/v1/registrations/", body, format="json").json()
    assert data["proposed_secrecy"]["case"] is None
    # The case is marked now, so the new document is proposed the case's marking.
    assert data["proposed_secrecy"]["document"]["source"] == "case"
    assert data["proposed_secrecy"]["document"]["secrecy"]["provisions"] == ["26 kap. 1 §"]


def test_case_create_with_secrecy_and_proposal(api, diary, process, individual_case_type):
    body = {"diary": "KS", "title": "Ekonomiskt bistånd – Kalle", "secrecy": SECRET}
    response = api.post("/api/v1/cases/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["is_secret"] is True and response.json()["proposed_secrecy"] is None
    proposed = api.post("/api/v1/cases/", {"diary": "KS", "title": "Bistånd", "process": process.pk,
                                           "case_type": individual_case_type.pk}, format="json").json()
    assert proposed["is_secret"] is False and proposed["proposed_secrecy"]["source"] == "case_type"
    before = Case.objects.count()
    bad = {"diary": "KS", "title": "X", "secrecy": {**SECRET, "provisions": ["26 kap. 99 §"]}, "parties": [
        {"role": "sokande", "first_name": "Ny", "last_name": "Person"}]}
    assert "secrecy.provisions.0" in assert_problem(api.post("/api/v1/cases/", bad, format="json"), 422, "unknown_provision")["errors"]
    bad["secrecy"] = {**SECRET, "public_title": " "}
    assert_problem(api.post("/api/v1/cases/", bad, format="json"), 422, "public_title_required")
    assert Case.objects.count() == before and not Party.objects.filter(last_name="Person").exists()


def test_document_create_with_secrecy_and_proposals(api, case_with_party, health_document_type, registrator):
    path = f"/api/v1/cases/{case_with_party.pk}/documents/"
    body = {"title": "Läkarintyg", "secrecy": {"provisions": ["21 kap. 1 §"], "secret_parts": ["files"], "reason": "Hälsa"},
            "files": [{"filename": "intyg.txt", "content_base64": "aW50eWc="}]}
    created = api.post(path, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["secret_parts"] == ["files"] and created.json()["proposed_secrecy"] is None
    typed = api.post(path, {"title": "Intyg", "document_type": health_document_type.pk}, format="json").json()
    assert typed["is_secret"] is False and typed["proposed_secrecy"]["source"] == "document_type"
    # A document in a marked case is proposed the case's marking.
    api.put(f"/api/v1/cases/{case_with_party.pk}/secrecy/", {**SECRET, "reason": "SoL"}, format="json")
    plain = api.post(path, {"title": "Komplettering"}, format="json").json()
    assert plain["is_secret"] is False and plain["proposed_secrecy"]["source"] == "case"
    # Without a case (postlista), and a refused one saves no document and no file.
    loose = api.post("/api/v1/documents/", {"diary": "KS", "title": "Brev", "secrecy": SECRET}, format="json")
    assert loose.status_code == 201 and loose.json()["is_secret"] is True
    documents, blobs = Document.objects.count(), Blob.objects.count()
    refused = {"diary": "KS", "title": "Brev", "secrecy": {**SECRET, "provisions": []},
               "files": [{"filename": "x.txt", "content_base64": "eHl6"}]}
    assert_problem(api.post("/api/v1/documents/", refused, format="json"), 422, "provision_required")
    assert (Document.objects.count(), Blob.objects.count()) == (documents, blobs)


def test_multipart_registration_with_secrecy(api, diary):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    data = registration_body(files=[], secrecy=SECRET)
    response = api.post("/api/v1/registrations/", {"data": json.dumps(data), "files": [SimpleUploadedFile("a.txt", b"hej")]},
                        format="multipart")
    assert response.status_code == 201, response.content
    assert Case.objects.get().title_secret


def test_idempotent_replay_carries_the_proposal(api, diary, process, individual_case_type):
    body = registration_body(process=process.pk, case_type=individual_case_type.pk)
    first = api.post("/api/v1/registrations/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/v1/registrations/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again["Idempotent-Replayed"] == "true" and again.json()["proposed_secrecy"] == first.json()["proposed_secrecy"]
    assert Case.objects.count() == 1
