"""A user with no role in the case's diary sees nothing of it anywhere in the API:
404 on every detail, and no trace in any list, search, timeline, file list or download."""

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from knutpunkt.registry import services as registry

from .conftest import TODAY, assert_problem, b64, registration_body

pytestmark = pytest.mark.django_db

MARKER = "Zebrafink-7Q3X"


@pytest.fixture
def secret_case(api, diary):
    body = registration_body(case_title=f"Ärende {MARKER}", case_description=f"Beskrivning {MARKER}")
    body["document"]["title"] = f"Handling {MARKER}"
    body["parties"][0]["last_name"] = MARKER
    body["files"] = [{"filename": f"{MARKER}.txt", "content_base64": b64(f"innehåll {MARKER}".encode())}]
    data = api.post("/api/v1/registrations/", body, format="json").json()
    return data


def test_outsider_sees_nothing_of_the_case(api, outsider_api, secret_case, outsider, other_diary):
    case_id = secret_case["case"]["id"]
    reference = secret_case["case"]["reference"]
    document_id = secret_case["document"]["id"]
    file_id = secret_case["files"][0]["id"]
    party_id = secret_case["case"]["parties"][0]["party"]["id"]
    # The outsider's own work is visible to them, so lists are not simply empty by accident.
    registry.register_case(other_diary, actor=outsider, title="Eget ärende i SN")

    # Every detail answers 404, by id and by reference, and never mentions the marker.
    for path in [
        f"/api/v1/cases/{case_id}/",
        f"/api/v1/cases/{quote(reference, safe='')}/",
        f"/api/v1/cases/{case_id}/documents/",
        f"/api/v1/cases/{case_id}/events/",
        f"/api/v1/cases/{case_id}/parties/",
        f"/api/v1/documents/{document_id}/",
        f"/api/v1/documents/{document_id}/files/",
        f"/api/v1/files/{file_id}/",
        f"/api/v1/files/{file_id}/download/",
        f"/api/v1/files/{file_id}/versions/1/download/",
        f"/api/v1/parties/{party_id}/",
        "/api/v1/diaries/KS/",
    ]:
        response = outsider_api.get(path)
        assert_problem(response, 404)
        assert MARKER not in response.content.decode(), path

    # Lists and searches: no trace.
    for path, params in [
        ("/api/v1/cases/", {}),
        ("/api/v1/cases/", {"q": MARKER}),
        ("/api/v1/cases/", {"party": MARKER}),
        ("/api/v1/cases/", {"reference": reference}),
        ("/api/v1/cases/", {"diary": "KS", "include_voided": "true"}),
        ("/api/v1/documents/", {}),
        ("/api/v1/documents/", {"q": MARKER}),
        ("/api/v1/parties/", {}),
        ("/api/v1/parties/", {"q": "19121212-1212"}),
        ("/api/v1/diaries/", {}),
    ]:
        response = outsider_api.get(path, params)
        assert response.status_code == 200, (path, response.content)
        text = response.content.decode()
        assert MARKER not in text and case_id not in text and document_id not in text, (path, params)
    assert [c["title"] for c in outsider_api.get("/api/v1/cases/").json()["results"]] == ["Eget ärende i SN"]

    # Writes are refused as if the case did not exist.
    for method, path, body in [
        ("patch", f"/api/v1/cases/{case_id}/", {"title": "x", "reason": "x"}),
        ("post", f"/api/v1/cases/{case_id}/close/", {}),
        ("post", f"/api/v1/cases/{case_id}/void/", {"reason": "x"}),
        ("post", f"/api/v1/cases/{case_id}/documents/", {"title": "x"}),
        ("patch", f"/api/v1/documents/{document_id}/", {"title": "x", "reason": "x"}),
        ("post", f"/api/v1/documents/{document_id}/void/", {"reason": "x"}),
    ]:
        response = getattr(outsider_api, method)(path, body, format="json")
        assert_problem(response, 404)
        assert MARKER not in response.content.decode()
    upload = outsider_api.post(f"/api/v1/documents/{document_id}/files/", {"file": SimpleUploadedFile("x.txt", b"x")}, format="multipart")
    assert_problem(upload, 404)
    version = outsider_api.post(f"/api/v1/files/{file_id}/versions/", {"file": SimpleUploadedFile("x.txt", b"x")}, format="multipart")
    assert_problem(version, 404)

    # Registering into the case by reference: "does not exist", not "forbidden".
    body = registration_body(case=reference, diary=None)
    problem = assert_problem(outsider_api.post("/api/v1/registrations/", body, format="json"), 422, "unknown_case")
    assert MARKER not in str(problem)

    # The journal of the diary is not theirs to take.
    day = TODAY.isoformat()
    assert_problem(outsider_api.get("/api/v1/diaries/KS/journal/", {"from": day, "to": day}), 404)

    # …while the registrator of KS still sees it all.
    assert MARKER in api.get(f"/api/v1/cases/{case_id}/").content.decode()
    assert api.get(f"/api/v1/files/{file_id}/download/").status_code == 200


def test_masked_case_shows_reference_public_title_and_dates_only(api, diary, registrator):
    """A läsare of the diary sees a secret case masked: the offentlig rubrik instead of
    the title, no description, no names, no files, no event details."""
    from knutpunkt.access.models import LegalProvision
    from knutpunkt.organisations.models import Role
    from knutpunkt.registry import secrecy
    from tests.factories import user_with_role

    from .conftest import client_for

    body = registration_body(case_title=f"Bistånd {MARKER}", case_description=f"Utredning {MARKER}", officer=registrator.pk)
    body["document"]["title"] = f"Ansökan {MARKER}"
    body["parties"][0]["last_name"] = MARKER
    data = api.post("/api/v1/registrations/", body, format="json").json()
    from knutpunkt.registry.models import Case, Document

    case = Case.objects.get(pk=data["case"]["id"])
    document = Document.objects.get(pk=data["document"]["id"])
    provision = LegalProvision.objects.get(organisation=None, reference="26 kap. 1 §")
    secrecy.set_marking(case, actor=registrator, provisions=[provision], secret_parts={"title", "description", "parties"},
                        reason="Socialtjänstsekretess", public_title="Ansökan om bistånd")
    secrecy.set_marking(document, actor=registrator, provisions=[provision], secret_parts={"title", "parties", "files"},
                        reason="Socialtjänstsekretess", public_title="Ansökan")

    reader = client_for(user_with_role(diary, Role.LASARE))
    detail = reader.get(f"/api/v1/cases/{case.pk}/")
    assert detail.status_code == 200
    shown = detail.json()
    assert shown["masked"] is True
    assert shown["reference"] == case.reference and shown["title"] == "Ansökan om bistånd"
    assert shown["description"] is None and shown["officer"] is None and shown["parties"] == []
    assert shown["opened_date"] == case.opened_date.isoformat()
    doc = reader.get(f"/api/v1/documents/{document.pk}/").json()
    assert doc["masked"] is True and doc["title"] == "Ansökan" and doc["files"] == [] and doc["correspondents"] == []
    events = reader.get(f"/api/v1/cases/{case.pk}/events/").json()["results"]
    assert events and all(e["masked"] and e["actor"] is None and e["reason"] == "" for e in events)
    assert reader.get(f"/api/v1/documents/{document.pk}/files/").json() == []
    assert_problem(reader.get(f"/api/v1/files/{data['files'][0]['id']}/download/"), 404)
    for path in [f"/api/v1/cases/{case.pk}/", "/api/v1/cases/", f"/api/v1/cases/{case.pk}/documents/",
                 f"/api/v1/cases/{case.pk}/events/", "/api/v1/documents/", "/api/v1/parties/"]:
        assert MARKER not in reader.get(path).content.decode(), path
    assert reader.get("/api/v1/cases/", {"q": MARKER}).json()["count"] == 0
    assert reader.get("/api/v1/documents/", {"q": MARKER}).json()["count"] == 0
    # The registrator still sees everything.
    assert api.get(f"/api/v1/cases/{case.pk}/").json()["title"] == f"Bistånd {MARKER}"
